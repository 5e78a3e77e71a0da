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

/** The browser's isolation adapter (network permissions not enforced). */
export const browserIsolation: IsolationAdapter = {
  runtime: "browser",
  enforcesPermissions: false,
  spawn(module: URL, _permissions: WorkerPermissions): IsolatedWorker {
    return new Worker(module, { type: "module" });
  },
};

export default browserIsolation;
