/**
 * The process's environment, working directory, platform and command line for the adapters and
 * entries of Deno and Bun, read from `Deno` where it exists and from `process` otherwise: on Deno
 * the first touch of `process` (the global as much as `node:process`) starts the Node
 * compatibility layer, about 15 ms of cold start (issue #24), so nothing on the start path may
 * touch it.
 *
 * @module
 */

interface DenoLike {
  env: { get(name: string): string | undefined };
  cwd(): string;
  build: { os: string };
}

/** The part of `process` {@linkcode nodeProcess} types. */
export interface ProcessLike {
  /** `process.env`. */ env: Record<string, string | undefined>;
  /** `process.cwd()`. */ cwd(): string;
  /** `process.argv`. */ argv: string[];
  /** `process.platform`. */ platform: string;
  /** `process.arch`. */ arch: string;
}

const deno = (globalThis as { Deno?: DenoLike }).Deno;
const proc = (): ProcessLike => (globalThis as unknown as { process: ProcessLike }).process;

/**
 * The environment variable `name`, or `undefined`.
 *
 * @example
 * ```ts
 * envVar("WEBSESSION_HOME"); // undefined unless set
 * ```
 */
export function envVar(name: string): string | undefined {
  return deno !== undefined ? deno.env.get(name) : proc().env[name];
}

/**
 * The working directory.
 *
 * @example
 * ```ts
 * workingDirectory().startsWith("/"); // true on POSIX
 * ```
 */
export function workingDirectory(): string {
  return deno !== undefined ? deno.cwd() : proc().cwd();
}

/**
 * Whether the platform is Windows.
 *
 * @example
 * ```ts
 * typeof isWindows(); // "boolean"
 * ```
 */
export function isWindows(): boolean {
  return deno !== undefined ? deno.build.os === "windows" : proc().platform === "win32";
}

/**
 * `process` (Node's, Bun's, or Deno's compatibility one), for what runs after start (a net log's
 * client info): on Deno its first use starts the Node layer.
 *
 * @example
 * ```ts ignore
 * nodeProcess().platform; // "linux"
 * ```
 */
export function nodeProcess(): ProcessLike {
  return proc();
}
