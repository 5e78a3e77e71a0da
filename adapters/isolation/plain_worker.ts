/**
 * Isolation by a plain module Worker, for runtimes that cannot limit a Worker's permissions (Bun;
 * a browser, which does not limit a Worker's network by host). The kernel loads isolated plugins
 * with it only when the caller passes `allowUnenforcedIsolation: true`.
 *
 * @module
 */
import type {
  IsolatedWorker,
  IsolationAdapter,
  WorkerPermissions,
} from "../../kernel/contracts.ts";
import type { RuntimeName } from "../../kernel/contracts.ts";

/**
 * The isolation adapter of a runtime whose Workers run with the whole process's rights.
 *
 * @example
 * ```ts
 * const adapter = plainWorkerIsolation("bun");
 * adapter.enforcesPermissions; // false
 * ```
 */
export function plainWorkerIsolation(runtime: RuntimeName): IsolationAdapter {
  return {
    runtime,
    enforcesPermissions: false,
    spawn(module: URL, _permissions: WorkerPermissions): IsolatedWorker {
      return new Worker(module, { type: "module" });
    },
  };
}
