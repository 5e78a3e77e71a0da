/**
 * The isolation adapter for a runtime: Deno's enforces the manifest's permissions, Bun's and the
 * browser's do not.
 *
 * @example
 * ```ts
 * import { configure } from "../../kernel/partitions.ts";
 * import { isolationFor } from "./mod.ts";
 * configure({ isolation: isolationFor("deno") });
 * ```
 *
 * @module
 */
import type { IsolationAdapter } from "../../kernel/contracts.ts";
import type { RuntimeName } from "../../kernel/contracts.ts";
import { denoIsolation } from "./deno.ts";
import { bunIsolation } from "./bun.ts";
import { browserIsolation } from "./browser.ts";

export type {
  IsolatedWorker,
  IsolationAdapter,
  WorkerPermissions,
} from "../../kernel/contracts.ts";

export { browserIsolation, bunIsolation, denoIsolation };

/**
 * The isolation adapter for `runtime`.
 *
 * @example
 * ```ts
 * isolationFor("bun").enforcesPermissions; // false
 * ```
 */
export function isolationFor(runtime: RuntimeName): IsolationAdapter {
  if (runtime === "deno") return denoIsolation;
  if (runtime === "bun") return bunIsolation;
  return browserIsolation;
}
