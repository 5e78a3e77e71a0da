/**
 * websession: Electron's session layer on Web standards, for Deno and Bun.
 *
 * Importing this module configures the kernel for the runtime: persistent partitions keep their
 * data in SQLite under the storage root (`WEBSESSION_HOME`, or `.websession/` in the working
 * directory), requests go out through the runtime's fetch, and every session gets the default
 * preset of plugins.
 *
 * @example
 * ```ts
 * import { session } from "./mod.ts";
 *
 * const ses = session.fromPartition("persist:example");
 * const response = await ses.fetch("data:text/plain,hello");
 * console.log(await response.text()); // "hello"
 * ```
 *
 * @module
 */
import "./entries/runtime_setup.ts";
import type { SessionModule } from "./kernel/partitions.ts";
import { type DefaultMembers, session } from "./presets/typed_session.ts";

export * from "./kernel/mod.ts";
export { defaultPlugins } from "./presets/default.ts";
export { type DefaultMembers, type DefaultSession, session } from "./presets/typed_session.ts";
export { protocol, type ProtocolModule } from "./plugins/protocol/protocol_module.ts";
export type { CustomScheme, SchemePrivileges } from "./kernel/http/privileged_schemes.ts";
export { MemoryStore } from "./adapters/store/memory.ts";
export { SqliteStore } from "./adapters/store/sqlite.ts";
export { transportFor } from "./adapters/runtime.ts";
export type { RuntimeTransportOptions } from "./adapters/http/deno.ts";
export {
  browserIsolation,
  bunIsolation,
  denoIsolation,
  isolationFor,
} from "./adapters/isolation/mod.ts";

/**
 * `session.fromPartition`, typed with the default preset's members.
 *
 * @example
 * ```ts
 * import { fromPartition } from "./mod.ts";
 * fromPartition("typed-too").protocol.isProtocolHandled("app"); // false
 * ```
 */
export const fromPartition: SessionModule<DefaultMembers>["fromPartition"] = session.fromPartition;
