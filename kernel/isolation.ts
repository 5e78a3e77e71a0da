/**
 * The isolation contract: how the kernel starts a Worker for a plugin whose manifest says
 * `"isolation": "worker"`, with exactly the permissions the manifest declares. One adapter per
 * runtime in `adapters/isolation/`; an adapter that cannot enforce permissions says so, and the
 * kernel then refuses isolated plugins unless the caller passes `allowUnenforcedIsolation: true`.
 *
 * @module
 */

/**
 * What an isolated plugin may touch; anything not listed is denied.
 *
 * @example
 * ```ts
 * const permissions: WorkerPermissions = { net: ["api.example.com"], read: [], write: [], env: [] };
 * ```
 */
export interface WorkerPermissions {
  /** Hosts (`host` or `host:port`) it may connect to. */
  net: string[];
  /** Absolute paths it may read (its own files are added by the loader). */
  read: string[];
  /** Absolute paths it may write. */
  write: string[];
  /** Environment variable names it may read. */
  env: string[];
}

/**
 * The part of a Worker the kernel uses.
 *
 * @example
 * ```ts
 * const worker: IsolatedWorker = denoIsolation.spawn(moduleUrl, permissions);
 * ```
 */
export interface IsolatedWorker {
  /** `Worker.postMessage`. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** `Worker.terminate`. */
  terminate(): void;
  /** `Worker.addEventListener` (`error`, `messageerror`, `close` where the runtime has it). */
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * Starts Workers for isolated plugins on one runtime.
 *
 * @example
 * ```ts
 * import { denoIsolation } from "../adapters/isolation/deno.ts";
 * const adapter: IsolationAdapter = denoIsolation;
 * ```
 */
export interface IsolationAdapter {
  /** The runtime (`deno`, `bun`, `browser`). */
  readonly runtime: string;
  /** Whether the runtime enforces {@linkcode WorkerPermissions} inside the Worker. */
  readonly enforcesPermissions: boolean;
  /**
   * Throws a TypeError naming what is missing when this process cannot start such Workers (Deno
   * without `--unstable-worker-options`); `plugins.load` calls it before adding the plugin.
   */
  check?(): void;
  /** Starts `module` (a module URL) in a new Worker limited to `permissions`. */
  spawn(module: URL, permissions: WorkerPermissions): IsolatedWorker;
}
