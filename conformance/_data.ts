/**
 * Where the third-party conformance suites are read from: the folder named by
 * `WEBSESSION_CONFORMANCE`, else `../shared/conformance` beside the repository. The repository
 * holds only the runners; the data stays outside it.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** The repository root (the folder holding deno.json). */
const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The conformance data folder: `WEBSESSION_CONFORMANCE` (relative to `base`), else
 * `<repo>/../shared/conformance`. It need not exist.
 *
 * @example
 * ```ts
 * console.log(conformanceDir()); // e.g. /work/shared/conformance
 * ```
 */
export function conformanceDir(base: string = process.cwd()): string {
  const env = process.env.WEBSESSION_CONFORMANCE;
  if (env) return isAbsolute(env) ? env : resolve(base, env);
  return resolve(root, "..", "shared", "conformance");
}

/**
 * Null when `dir` holds the conformance data, else the one-line message saying where it was looked
 * for and how to point at it.
 *
 * @example
 * ```ts
 * const problem = missingConformance(conformanceDir());
 * if (problem) console.error(problem);
 * ```
 */
export function missingConformance(dir: string): string | null {
  if (existsSync(dir) && statSync(dir).isDirectory()) return null;
  const how = process.env.WEBSESSION_CONFORMANCE
    ? "WEBSESSION_CONFORMANCE names a folder that does not exist"
    : "put the suites in ../shared/conformance beside the repository, or set WEBSESSION_CONFORMANCE to their folder";
  return `No conformance data at ${dir}: ${how}`;
}

/**
 * The path of a file of the conformance data, e.g. `cookies/wpt-cookies.json`; throws the
 * one-line message of {@linkcode missingConformance} when the folder is absent.
 *
 * @example
 * ```ts
 * const file = conformancePath("proxy/chromium-proxy.json");
 * ```
 */
export function conformancePath(relative: string): string {
  const dir = conformanceDir();
  const problem = missingConformance(dir);
  if (problem) throw new Error(problem);
  return join(dir, relative);
}

/**
 * A text file of the conformance data.
 *
 * @example
 * ```ts
 * const script = conformanceText("pac/chromium/direct.js");
 * ```
 */
export function conformanceText(relative: string): string {
  return readFileSync(conformancePath(relative), "utf8");
}

/**
 * A JSON file of the conformance data.
 *
 * @example
 * ```ts
 * const cases = conformanceJson<unknown[]>("cookies/wpt-cookies.json");
 * ```
 */
export function conformanceJson<T>(relative: string): T {
  return JSON.parse(conformanceText(relative)) as T;
}
