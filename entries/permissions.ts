/**
 * The `./permissions` subpath for Deno and Bun: the permissions plugin (`plugins/permissions`):
 * Electron's permission request, check and device handlers and the broker `ses.permissions`, with
 * the kernel configured for the runtime (`runtime_setup.ts`).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("entry-permissions");
 * ses.setPermissionRequestHandler((_webContents, permission, callback) =>
 *   callback(permission !== "geolocation")
 * );
 * await ses.permissions.request("geolocation"); // false
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/permissions/mod.ts";
