/**
 * Isolation for Bun: a plain Worker. Bun does not enforce Worker permissions, so the kernel loads
 * isolated plugins with it only when the caller passes `allowUnenforcedIsolation: true`.
 *
 * @example
 * ```ts
 * import { bunIsolation } from "./bun.ts";
 * bunIsolation.enforcesPermissions; // false
 * ```
 *
 * @module
 */
import type {
  IsolatedWorker,
  IsolationAdapter,
  WorkerPermissions,
} from "../../kernel/isolation.ts";

export type {
  IsolatedWorker,
  IsolationAdapter,
  WorkerPermissions,
} from "../../kernel/isolation.ts";

/** Bun's isolation adapter (permissions not enforced). */
export const bunIsolation: IsolationAdapter = {
  runtime: "bun",
  enforcesPermissions: false,
  spawn(module: URL, _permissions: WorkerPermissions): IsolatedWorker {
    return new Worker(module, { type: "module" });
  },
};

export default bunIsolation;
