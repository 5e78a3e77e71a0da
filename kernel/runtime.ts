/**
 * The runtimes websession knows, and which one this code runs on. The entry points (`mod.ts`,
 * `web/mod.ts`) choose their adapters by it; plugins read it where a runtime lacks something.
 *
 * @module
 */

/** The runtimes websession knows, as plugin manifests list them. */
export const RUNTIMES = ["deno", "bun", "browser"] as const;

/** A runtime's name: `deno`, `bun` or `browser` (anything that is neither). */
export type RuntimeName = typeof RUNTIMES[number];

/**
 * The runtime this code runs on (Bun first: it also defines some Deno-like globals for
 * compatibility, never the reverse).
 *
 * @example
 * ```ts
 * detectRuntime(); // "deno" under Deno
 * ```
 */
export function detectRuntime(): RuntimeName {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "browser";
}
