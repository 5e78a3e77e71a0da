/**
 * The `./emulation` subpath for Deno and Bun: the emulation plugin (`plugins/emulation/mod.ts`), with the kernel configured for
 * the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { emulationPlugin } from "./emulation.ts";
 * emulationPlugin.manifest.api.includes("enableNetworkEmulation"); // true
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/emulation/mod.ts";
