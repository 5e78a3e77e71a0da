/**
 * The user agent a session sends until `setUserAgent` is called: websession's name and version,
 * then the runtime's, then the platform, e.g. `websession/0.1.0 Deno/2.9.0 (linux; x64)` or
 * `websession/0.1.0 Bun/1.4.5 (linux; x64)`. In a page it is the browser's own (a page cannot
 * change it).
 *
 * @module
 */

/** websession's version in the default user agent. */
export const WEBSESSION_VERSION = "0.1.0";

/**
 * The default user agent of this runtime.
 *
 * @example
 * ```ts
 * defaultUserAgent().startsWith("websession/"); // true under Deno and Bun
 * ```
 */
export function defaultUserAgent(): string {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun) return `websession/${WEBSESSION_VERSION} Bun/${g.Bun.version} ${platform(g)}`;
  if (g.Deno?.version) {
    return `websession/${WEBSESSION_VERSION} Deno/${g.Deno.version.deno} ${platform(g)}`;
  }
  return g.navigator?.userAgent ?? `websession/${WEBSESSION_VERSION}`;
}

// deno-lint-ignore no-explicit-any
function platform(g: any): string {
  // On Deno, Deno.build in Node's names (what process.platform and process.arch answer there):
  // touching `process` would start Deno's Node layer at import (issue #24).
  if (g.Deno?.build && !g.Bun) {
    const { os, arch } = g.Deno.build;
    return `(${os === "windows" ? "win32" : os}; ${NODE_ARCH[arch] ?? arch})`;
  }
  const process = g.process;
  if (process?.platform) return `(${process.platform}; ${process.arch})`;
  return "";
}

/** Deno.build.arch as Node's process.arch names it. */
const NODE_ARCH: Record<string, string> = { x86_64: "x64", aarch64: "arm64" };
