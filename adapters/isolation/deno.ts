/**
 * Isolation for Deno: a Worker whose `deno.permissions` are exactly the plugin's (Deno enforces
 * them; needs `"unstable": ["worker-options"]` in deno.json or `--unstable-worker-options`).
 * Without either, `spawn` throws a TypeError naming them instead of letting Deno end the process.
 *
 * @example
 * ```ts
 * import { denoIsolation } from "./deno.ts";
 * denoIsolation.enforcesPermissions; // true
 * ```
 *
 * @module
 */
import type {
  IsolatedWorker,
  IsolationAdapter,
  WorkerPermissions,
} from "../../kernel/contracts.ts";
import { WORKER_OPTIONS_FLAG, workerOptionsEnabled } from "./_deno_worker_options.ts";

export type {
  IsolatedWorker,
  IsolationAdapter,
  WorkerPermissions,
} from "../../kernel/contracts.ts";

/** Deno's isolation adapter. */
export const denoIsolation: IsolationAdapter = {
  runtime: "deno",
  enforcesPermissions: true,
  check(): void {
    if (workerOptionsEnabled() === false) {
      throw new TypeError(
        `Isolated plugins run in Workers with their own permissions, which Deno allows only with ${WORKER_OPTIONS_FLAG} (or "unstable": ["worker-options"] in deno.json)`,
      );
    }
  },
  spawn(module: URL, permissions: WorkerPermissions): IsolatedWorker {
    denoIsolation.check!();
    const options = {
      type: "module" as const,
      name: module.searchParams.get("plugin") ?? undefined,
      deno: {
        permissions: {
          // "*" stands for every host (an extension's <all_urls>), which Deno writes as true
          net: permissions.net.includes("*")
            ? true
            : permissions.net.length
            ? permissions.net
            : false,
          read: permissions.read.length ? permissions.read : false,
          write: permissions.write.length ? permissions.write : false,
          env: permissions.env.length ? permissions.env : false,
          run: false,
          ffi: false,
          sys: false,
          import: false,
        },
      },
    };
    return new Worker(module, options as WorkerOptions);
  },
};

export default denoIsolation;
