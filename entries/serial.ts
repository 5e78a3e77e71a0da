/**
 * The `./serial` subpath for Deno and Bun: the serial plugin (`plugins/serial`) wired to the POSIX
 * tty adapter (`adapters/serial/posix.ts`), the adapter itself for other folders or paths, and the
 * kernel configured for the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { createSerialPlugin, posixSerialAdapter } from "./serial.ts";
 * const ses = session.fromPartition("entry-serial", {
 *   plugins: [createSerialPlugin({ adapter: posixSerialAdapter({ paths: ["/tmp/my-pty"] }) })],
 * });
 * await ses.serial.getPorts(); // []
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/serial/mod.ts";
export {
  DEFAULT_SERIAL_FOLDERS,
  posixSerialAdapter,
  type PosixSerialOptions,
  type SerialFolder,
  sttyArguments,
} from "../adapters/serial/posix.ts";
export { serialPlugin } from "../presets/default.ts";
