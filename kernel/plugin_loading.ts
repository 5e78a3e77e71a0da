/**
 * The contract of third-party plugin loading: what `ses.plugins.load()` takes, and the loader the
 * entry hands to the kernel (`kernel/messaging/plugin_loader.ts` for Deno, Bun and pages).
 *
 * @module
 */
import type { IsolationAdapter } from "./isolation.ts";
import type { Plugin } from "./plugin.ts";

/**
 * Options of `ses.plugins.load()` (session-wide defaults come from `fromPartition`).
 *
 * @example
 * ```ts
 * const options: LoadOptions = { requireSignature: true, hookTimeout: 2000 };
 * ```
 */
export interface LoadOptions {
  /** Public JWKs whose signatures are trusted. */
  trustedKeys?: readonly JsonWebKey[];
  /** Refuse unsigned plugins and plugins signed by keys not in `trustedKeys`. */
  requireSignature?: boolean;
  /** Load `"isolation": "worker"` plugins even where the runtime cannot enforce permissions. */
  allowUnenforcedIsolation?: boolean;
  /** How long an isolated plugin's hook may take before it is cut off (ms, default 5000). */
  hookTimeout?: number;
  /** The isolation adapter (default: the one given to `configure()`; `mod.ts` sets it). */
  isolation?: IsolationAdapter;
  /** The runtime, to check the manifest's `runtimes` (null: do not check). */
  runtime?: string | null;
  /** Where a relative path is resolved from (default: the working directory or page). */
  base?: string | URL;
}

/**
 * Reads, checks and returns a third-party plugin from a path or URL.
 *
 * @example
 * ```ts
 * const loader: PluginLoader = (source) => Promise.reject(new TypeError(`Cannot load ${source}`));
 * ```
 */
export type PluginLoader = (source: string | URL, options: LoadOptions) => Promise<Plugin>;
