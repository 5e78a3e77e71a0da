/**
 * The core's other contracts (besides the store and the HTTP transport): which runtime this is,
 * the Workers of isolated plugins and the loader of third-party plugins. The kernel's sub-folders
 * hold the contracts the core does not use (`network/`: tunnels and the host resolver;
 * `storage/files.ts`; `net_log/sink.ts`; `devices/`; `cdp/`).
 * @module
 */
import type { Plugin } from "./plugin.ts";

/** The runtimes websession knows, as plugin manifests list them. */
export const RUNTIMES = ["deno", "bun", "browser"] as const;

/** A runtime's name: `deno`, `bun` or `browser` (anything that is neither). */
export type RuntimeName = typeof RUNTIMES[number];

/**
 * The runtime this code runs on: the only detection; entries choose their adapters by it. Bun is
 * tested first: it defines some Deno-like globals, never the reverse.
 * @example
 * ```ts
 * detectRuntime(); // "deno" under Deno
 * ```
 */
export function detectRuntime(): RuntimeName {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun !== undefined ? "bun" : g.Deno !== undefined ? "deno" : "browser";
}

/** What an isolated plugin may touch; anything not listed is denied. */
export interface WorkerPermissions {
  /** Hosts (`host` or `host:port`) it may connect to. */ net: string[];
  /** Absolute paths it may read (its own files are added by the loader). */ read: string[];
  /** Absolute paths it may write. */ write: string[];
  /** Environment variable names it may read. */ env: string[];
}

/** The part of a Worker the kernel uses. */
export interface IsolatedWorker {
  /** `Worker.postMessage`. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** `Worker.terminate`. */
  terminate(): void;
  /** `Worker.addEventListener` (`error`, `messageerror`, `close` where the runtime has it). */
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * Starts the Worker of a plugin whose manifest says `"isolation": "worker"`, limited to the
 * manifest's permissions (`adapters/isolation/`). Where the runtime cannot enforce them,
 * `plugins.load` refuses such plugins unless given `allowUnenforcedIsolation: true`.
 */
export interface IsolationAdapter {
  /** The runtime (`deno`, `bun`, `browser`). */ readonly runtime: string;
  /** Whether the Worker is held to its permissions. */ readonly enforcesPermissions: boolean;
  /** Throws a TypeError naming what this process lacks to start such Workers (a Deno flag). */
  check?(): void;
  /** Starts `module` (a module URL) in a new Worker limited to `permissions`. */
  spawn(module: URL, permissions: WorkerPermissions): IsolatedWorker;
}

/** Options of `ses.plugins.load()` (session-wide defaults come from `fromPartition`). */
export interface LoadOptions {
  /** Public JWKs whose signatures are trusted. */ trustedKeys?: readonly JsonWebKey[];
  /** Refuse unsigned plugins and those signed by other keys. */ requireSignature?: boolean;
  /** Load isolated plugins even if permissions are unenforced. */
  allowUnenforcedIsolation?: boolean;
  /** How long an isolated plugin's hook may take (ms, default 5000). */ hookTimeout?: number;
  /**
   * How long an isolated plugin's setup may take once its modules are loaded (ms, default the
   * larger of 15000 and `hookTimeout`).
   */
  setupTimeout?: number;
  /** The isolation adapter (default: the one of `configure()`). */ isolation?: IsolationAdapter;
  /** The runtime to check the manifest's `runtimes` against (null: none). */
  runtime?: string | null;
  /** Where a relative path is resolved from (default: the working directory or page). */
  base?: string | URL;
}

/**
 * Reads, checks and returns a third-party plugin from a path or URL (the entries hand
 * `kernel/messaging/plugin_loader.ts` to `configure()`).
 */
export type PluginLoader = (source: string | URL, options: LoadOptions) => Promise<Plugin>;
