/**
 * The `./protocol` subpath for Deno and Bun: the protocol plugin (`plugins/protocol/mod.ts`), with the kernel configured for the runtime
 * (`runtime_setup.ts`), so that importing it alone gives a working default session.
 *
 * @example
 * ```ts
 * import { protocolPlugin } from "./protocol.ts";
 * protocolPlugin.name; // "protocol"
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/protocol/mod.ts";
