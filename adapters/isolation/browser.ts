/**
 * Isolation in the browser: a module Worker. It has no file system or environment, but the
 * browser does not limit its network by host, so permissions count as not enforced.
 *
 * @example
 * ```ts
 * import { browserIsolation } from "./browser.ts";
 * browserIsolation.enforcesPermissions; // false
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

/** The browser's isolation adapter (network permissions not enforced). */
export const browserIsolation: IsolationAdapter = plainWorkerIsolation("browser");

export default browserIsolation;
