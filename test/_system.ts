/**
 * How tests depend on the system programs and users of scripts/_system_packages.ts: one clear
 * error naming the missing Debian package (or user) instead of a spawn stack trace.
 *
 * - `needs("tinyproxy", "wsproxy")`, first in a test file or a `describe` body, declares what its
 *   tests need: when something is missing each of them fails with that message (and nothing
 *   else). `deno task test` reads these calls to say which tests need a package it cannot install.
 * - `requireCommand("tinyproxy")` where a helper spawns the program returns the executable to run,
 *   or throws the same message.
 *
 * @module
 */
import { beforeEach } from "node:test";
import process from "node:process";
import {
  locateCommand,
  SYSTEM_PACKAGES,
  SYSTEM_USERS,
  userExists,
} from "../scripts/_system_packages.ts";

/**
 * Declares that the tests of this file or `describe` body need the system commands or users
 * `names` (each in scripts/_system_packages.ts): when one is missing, every test there fails
 * with the message naming it.
 *
 * @example
 * ```ts
 * describe("tinyproxy", () => {
 *   needs("tinyproxy");
 *   it("proxies", async () => {});
 * });
 * ```
 */
export function needs(...names: string[]): void {
  const problems = names.map((name) => {
    if (SYSTEM_USERS.some((u) => u.name === name)) return userProblem(name);
    return commandProblem(name).problem;
  }).filter((p): p is string => p !== null);
  if (problems.length === 0) return;
  const message = problems.join("; ");
  beforeEach(() => {
    throw new Error(message);
  });
}

/**
 * Throws unless `command` (one of scripts/_system_packages.ts) can be run; returns its path (spawn
 * that: it may be in /usr/sbin, off a non-root PATH).
 *
 * @example
 * ```ts
 * const tinyproxy = requireCommand("tinyproxy");
 * ```
 */
export function requireCommand(command: string): string {
  const { path, problem } = commandProblem(command);
  if (problem !== null) throw new Error(problem);
  return path!;
}

/**
 * Throws unless the system user `name` (one of scripts/_system_packages.ts) exists; returns its
 * password.
 *
 * @example
 * ```ts
 * const password = requireUser("wsproxy");
 * ```
 */
export function requireUser(name: string): string {
  const problem = userProblem(name);
  if (problem !== null) throw new Error(problem);
  return SYSTEM_USERS.find((u) => u.name === name)!.password;
}

function commandProblem(command: string): { path: string | null; problem: string | null } {
  const entry = SYSTEM_PACKAGES.find((p) => p.command === command);
  if (!entry) {
    return {
      path: null,
      problem: `Unknown system command ${command}: add it to scripts/_system_packages.ts`,
    };
  }
  const path = locateCommand(command);
  if (path) return { path, problem: null };
  const named = entry.env && process.env[entry.env];
  if (named) {
    return { path, problem: `${entry.env} names ${named}, which is not an executable file` };
  }
  return {
    path,
    problem:
      `${command} is missing: install the Debian package ${entry.package} (deno task test does as root)`,
  };
}

function userProblem(name: string): string | null {
  const entry = SYSTEM_USERS.find((u) => u.name === name);
  if (!entry) return `Unknown system user ${name}: add it to scripts/_system_packages.ts`;
  if (userExists(name)) return null;
  return `The system user ${name} is missing (for ${entry.purpose}): deno task test creates it as root`;
}
