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
import { session as kernelSession, type SessionModule } from "./kernel/partitions.ts";
import type { Session } from "./kernel/session.ts";
import type { DefaultMembers } from "./presets/default.ts";

export * from "./kernel/mod.ts";
export { type DefaultMembers, defaultPlugins } from "./presets/default.ts";
export { MemoryStore } from "./adapters/store/memory.ts";
export { SqliteStore } from "./adapters/store/sqlite.ts";
export {
  browserIsolation,
  bunIsolation,
  denoIsolation,
  isolationFor,
} from "./adapters/isolation/mod.ts";

/**
 * A session of the default preset, with the members its plugins add.
 *
 * @example
 * ```ts
 * import { type DefaultSession, session } from "./mod.ts";
 * const ses: DefaultSession = session.fromPartition("typed");
 * await ses.cookies.get({});
 * ```
 */
export type DefaultSession = Session & DefaultMembers;

/**
 * Electron's `session` module, typed with the default preset's members: `session.fromPartition`
 * returns a session whose `cookies`, `webRequest`, `setProxy`, `protocol`, ... type-check and
 * work at once, and `{ plugins: [...] }` adds the members of more plugins.
 *
 * @example
 * ```ts
 * import { session } from "./mod.ts";
 * const ses = session.fromPartition("persist:example");
 * ses.webRequest.onBeforeSendHeaders((details, callback) => callback?.({}));
 * ```
 */
export const session: SessionModule<DefaultMembers> = kernelSession as SessionModule<
  DefaultMembers
>;

/**
 * `session.fromPartition`, typed with the default preset's members.
 *
 * @example
 * ```ts
 * import { fromPartition } from "./mod.ts";
 * fromPartition("typed-too").protocol.isProtocolHandled("app"); // false
 * ```
 */
export const fromPartition: SessionModule<DefaultMembers>["fromPartition"] = kernelSession
  .fromPartition as SessionModule<DefaultMembers>["fromPartition"];
