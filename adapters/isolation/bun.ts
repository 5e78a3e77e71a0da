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
import type { IsolationAdapter } from "../../kernel/contracts.ts";
import { plainWorkerIsolation } from "./plain_worker.ts";

export type {
  IsolatedWorker,
  IsolationAdapter,
  WorkerPermissions,
} from "../../kernel/contracts.ts";

/** Bun's isolation adapter (permissions not enforced). */
export const bunIsolation: IsolationAdapter = plainWorkerIsolation("bun");

export default bunIsolation;
