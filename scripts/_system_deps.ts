/**
 * Installs the Debian packages and creates the system user the tests need (the table in
 * scripts/_system_packages.ts), as root with apt-get; otherwise says which are missing and which
 * tests need them. Those tests then fail with one clear message (test/_system.ts).
 *
 * @module
 */
import { root } from "./_install.ts";
import {
  locateCommand,
  SYSTEM_PACKAGES,
  SYSTEM_USERS,
  type SystemPackage,
  type SystemUser,
  userExists,
} from "./_system_packages.ts";

/**
 * Installs what is missing when it can (root and apt-get), printing what it installs; prints
 * each package or user still missing with the tests that need it. Never throws for a missing
 * package: the tests needing it fail with their own message.
 *
 * @example
 * ```ts
 * await ensureSystemDeps();
 * ```
 */
export async function ensureSystemDeps(): Promise<void> {
  let packages = SYSTEM_PACKAGES.filter((p) => !locateCommand(p.command));
  let users = SYSTEM_USERS.filter((u) => !userExists(u.name));
  if (packages.length === 0 && users.length === 0) return;
  const obstacle = installObstacle();
  if (obstacle === null) {
    await install(packages, users);
    packages = SYSTEM_PACKAGES.filter((p) => !locateCommand(p.command));
    users = SYSTEM_USERS.filter((u) => !userExists(u.name));
    if (packages.length === 0 && users.length === 0) return;
  }
  await report(packages, users, obstacle ?? "installing did not provide them");
}

/** Why nothing can be installed here, or null when it can. */
function installObstacle(): string | null {
  if (Deno.uid() !== 0) return "not running as root";
  if (!locateCommand("apt-get")) return "apt-get is absent";
  return null;
}

async function install(packages: SystemPackage[], users: SystemUser[]): Promise<void> {
  if (packages.length > 0) {
    const names = packages.map((p) => p.package);
    console.log(`Installing the Debian packages the tests need: ${names.join(" ")}`);
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    await quiet("apt-get", ["update", "-qq"], env);
    await quiet("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...names], env);
    // Debian starts the daemons it installs; the tests run their own on free ports.
    for (const p of packages) if (p.service) await quiet("service", [p.service, "stop"], {}, true);
  }
  for (const u of users) {
    console.log(`Creating the system user ${u.name} (for ${u.purpose})`);
    await quiet("useradd", ["-M", "-r", "-s", "/usr/sbin/nologin", u.name]);
    await quiet("chpasswd", [], {}, false, `${u.name}:${u.password}\n`);
  }
}

/** Runs a command with its stdout dropped; prints a line when it fails unless `lenient`. */
async function quiet(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  lenient = false,
  input?: string,
): Promise<void> {
  try {
    const child = new Deno.Command(cmd, {
      args,
      env,
      stdin: input === undefined ? "null" : "piped",
      stdout: "null",
      stderr: lenient ? "null" : "inherit",
    }).spawn();
    if (input !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(input));
      await writer.close();
    }
    const { code } = await child.status;
    if (code !== 0 && !lenient) console.log(`${cmd} ${args.join(" ")} failed (exit ${code})`);
  } catch (error) {
    if (!lenient) console.log(`${cmd} ${args.join(" ")} failed: ${(error as Error).message}`);
  }
}

async function report(packages: SystemPackage[], users: SystemUser[], why: string): Promise<void> {
  const needs = await testsNeeding();
  console.log(`Cannot install what the tests need (${why}); missing:`);
  for (const p of packages) {
    const what = `${p.command} (Debian package ${p.package})`;
    const by = [...(needs.get(p.command) ?? [])];
    if (p.alsoFor) by.push(p.alsoFor);
    console.log(`  ${what}, needed by ${by.join(", ")}`);
  }
  for (const u of users) {
    const tests = needs.get(u.name) ?? [];
    console.log(`  the system user ${u.name} (for ${u.purpose}), needed by ${tests.join(", ")}`);
  }
  console.log("Those tests fail with that message; the others run");
}

/**
 * Which test files need what, by command or user name: the names in each `needs(...)` call of a
 * test file or of a helper (`_*.ts`) it imports, directly or through other helpers.
 */
async function testsNeeding(): Promise<Map<string, string[]>> {
  const files = new Map<string, string>();
  for await (const path of walk(`${root}test`)) {
    files.set(path.slice(root.length), await Deno.readTextFile(path));
  }
  const needs = new Map<string, Set<string>>();
  for (const [path, text] of files) {
    const names = new Set<string>();
    // Code only: the calls in comments (JSDoc examples) are not needs.
    const code = text.split("\n").filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
    for (const call of code.matchAll(/\bneeds\(([^)]*)\)/g)) {
      for (const name of call[1].matchAll(/"([^"]+)"/g)) names.add(name[1]);
    }
    needs.set(path, names);
  }
  // Helpers pass their needs on to their importers until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const [path, text] of files) {
      for (const m of text.matchAll(/from "(\.\.?\/(?:[^"]*\/)?_[a-z_]+\.ts)"/g)) {
        const helper = new URL(m[1], `file:///${path}`).pathname.slice(1);
        const mine = needs.get(path)!;
        for (const need of needs.get(helper) ?? []) {
          if (mine.has(need)) continue;
          mine.add(need);
          changed = true;
        }
      }
    }
  }
  const byNeed = new Map<string, string[]>();
  for (const [path, set] of needs) {
    if (!path.endsWith("_test.ts")) continue;
    for (const need of set) byNeed.set(need, [...(byNeed.get(need) ?? []), path]);
  }
  for (const list of byNeed.values()) list.sort();
  return byNeed;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}
