/**
 * What a test calls before it spawns a system program or logs in as a system user: one clear
 * error naming the missing Debian package (or user) instead of a spawn stack trace. The calls
 * also tell `deno task test` which tests need what (scripts/_system_deps.ts reads them).
 *
 * @module
 */
import {
  locateCommand,
  SYSTEM_PACKAGES,
  SYSTEM_USERS,
  userExists,
} from "../scripts/_system_packages.ts";
import process from "node:process";

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
  const entry = SYSTEM_PACKAGES.find((p) => p.command === command);
  if (!entry) {
    throw new Error(`Unknown system command ${command}: add it to scripts/_system_packages.ts`);
  }
  const found = locateCommand(command);
  if (found) return found;
  const named = entry.env && process.env[entry.env];
  if (named) throw new Error(`${entry.env} names ${named}, which is not an executable file`);
  throw new Error(
    `${command} is missing: install the Debian package ${entry.package} (deno task test does as root)`,
  );
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
  const entry = SYSTEM_USERS.find((u) => u.name === name);
  if (!entry) throw new Error(`Unknown system user ${name}: add it to scripts/_system_packages.ts`);
  if (!userExists(name)) {
    throw new Error(
      `The system user ${name} is missing (for ${entry.purpose}): deno task test creates it as root`,
    );
  }
  return entry.password;
}
