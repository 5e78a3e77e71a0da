/**
 * The Debian packages and the system user the tests need, in one table: `deno task test` installs
 * what is missing (scripts/_system_deps.ts), and the tests check for it before they spawn
 * anything (test/_system.ts). A test that needs one says so with `needs("tinyproxy", "wsproxy")`,
 * which is also how the installer finds which tests need what.
 *
 * Only `node:` APIs here: Deno and Bun both import it.
 *
 * @module
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";

/** A program the tests run, and the Debian package that provides it. */
export interface SystemPackage {
  /** The command the tests spawn, e.g. `danted`. */
  command: string;
  /** The Debian package providing it, e.g. `dante-server`. */
  package: string;
  /** The service Debian starts on installing it (stopped again: the tests run their own). */
  service?: string;
  /** Users besides the tests, e.g. `deno task bench`. */
  alsoFor?: string;
  /** An environment variable that may name the executable instead, e.g. `CHROME_PATH`. */
  env?: string;
  /**
   * For a package without a program (a dictionary): the file it installs, looked for instead of
   * `command`, which then only names the entry for `needs()`.
   */
  file?: string;
}

/** A system user the tests log in as. */
export interface SystemUser {
  /** The user name. */
  name: string;
  /** Its password. */
  password: string;
  /** What needs it. */
  purpose: string;
}

/**
 * The packages, by command.
 *
 * @example
 * ```ts
 * SYSTEM_PACKAGES.find((p) => p.command === "danted")?.package; // "dante-server"
 * ```
 */
export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  {
    command: "chromium",
    package: "chromium",
    alsoFor: "deno task bench, deno task conformance --record-parity",
    env: "CHROME_PATH",
  },
  { command: "tinyproxy", package: "tinyproxy", service: "tinyproxy", alsoFor: "deno task bench" },
  { command: "squid", package: "squid", service: "squid", alsoFor: "deno task bench" },
  { command: "danted", package: "dante-server", service: "danted" },
  { command: "socat", package: "socat" },
  { command: "curl", package: "curl" },
  { command: "zstd", package: "zstd" },
  { command: "wrk", package: "wrk", alsoFor: "deno task bench" },
  { command: "openssl", package: "openssl" },
  { command: "hunspell", package: "hunspell", alsoFor: "deno task bench" },
  {
    command: "hunspell-en-us",
    package: "hunspell-en-us",
    file: "/usr/share/hunspell/en_US.dic",
    alsoFor: "deno task bench",
  },
  { command: "hunspell-de-de", package: "hunspell-de-de", file: "/usr/share/hunspell/de_DE.dic" },
  { command: "hunspell-fr", package: "hunspell-fr", file: "/usr/share/hunspell/fr_FR.dic" },
  { command: "mitmdump", package: "mitmproxy", alsoFor: "deno task bench" },
  { command: "redis-server", package: "redis-server", service: "redis-server" },
  // node-hid and usb load libusb-1.0, which usbutils depends on (the library has no command).
  { command: "lsusb", package: "usbutils" },
];

/**
 * The users: danted's username method checks the system's password database.
 *
 * @example
 * ```ts
 * const { name, password } = SYSTEM_USERS[0];
 * ```
 */
export const SYSTEM_USERS: readonly SystemUser[] = [
  { name: "wsproxy", password: "s3cret-Pass", purpose: "danted's username method" },
];

/** Folders holding system programs that a non-root PATH often lacks. */
export const SYSTEM_DIRS: readonly string[] = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/**
 * The executable of a command the way a spawn by name would find it (for one of
 * {@linkcode SYSTEM_PACKAGES}, its `env` variable first), then in the system folders a non-root
 * PATH lacks; null when there is none.
 *
 * @example
 * ```ts
 * locateCommand("danted"); // "/usr/sbin/danted"
 * ```
 */
export function locateCommand(command: string): string | null {
  const entry = SYSTEM_PACKAGES.find((p) => p.command === command);
  if (entry?.file) return existsSync(entry.file) ? entry.file : null;
  const named = entry?.env ? process.env[entry.env] : undefined;
  if (named) return executable(named) ? named : null;
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    if (executable(join(dir, command))) return join(dir, command);
  }
  return null;
}

/**
 * Whether the system's password database has the user.
 *
 * @example
 * ```ts
 * userExists("root"); // true
 * ```
 */
export function userExists(name: string): boolean {
  try {
    return readFileSync("/etc/passwd", "utf8").split("\n").some((l) => l.startsWith(`${name}:`));
  } catch {
    return false;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
