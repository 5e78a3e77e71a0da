/**
 * The session's side of `chrome.management`: `get`, `getAll` and `getPermissionWarningsById`
 * (which need the `management` permission) over the session's loaded extensions, and
 * `getPermissionWarningsByManifest` (which needs none), with Chrome's error messages. `getSelf`
 * is answered in the Worker.
 *
 * @module
 */
import { type DescribedExtension, extensionInfo } from "./_management_info.ts";
import { parseExtensionManifest } from "./extension_manifest.ts";
import { HostAccess, isHostPattern } from "./host_access.ts";
import { permissionWarnings } from "./permission_warnings.ts";

/**
 * Answers one `chrome.management.<op>` call of the extension `self`; `all` lists the session's
 * loaded extensions.
 *
 * @example
 * ```ts
 * const self = {
 *   id: "a".repeat(32),
 *   manifest: { manifest_version: 3, name: "x", version: "1.0" },
 *   permissions: ["management"],
 *   origins: [],
 * };
 * managementCall("getAll", [], self, () => [self]); // [{ id: "aaa…", name: "x", ... }]
 * ```
 */
export function managementCall(
  op: string,
  args: unknown[],
  self: DescribedExtension,
  all: () => DescribedExtension[],
): unknown {
  if (op === "getPermissionWarningsByManifest") return warningsOfManifest(args[0]);
  if (!self.permissions.includes("management")) {
    throw new Error("'management' requires a permission the extension does not have");
  }
  const find = (id: unknown) => {
    const found = all().find((extension) => extension.id === id);
    if (!found) throw new Error(`Failed to find extension with id ${id}.`);
    return found;
  };
  switch (op) {
    case "getAll":
      return all().map(extensionInfo);
    case "get":
      return extensionInfo(find(args[0]));
    case "getPermissionWarningsById": {
      const found = find(args[0]);
      return permissionWarnings(found.permissions, found.origins);
    }
  }
  throw new Error(`management.${op} is not supported by websession`);
}

/** Chrome's `getPermissionWarningsByManifest`: its two errors keep no detail. */
function warningsOfManifest(text: unknown): string[] {
  let raw: unknown;
  try {
    raw = JSON.parse(String(text));
  } catch {
    raw = undefined;
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error("Failed to parse manifest.");
  }
  let access: HostAccess;
  let permissions: string[];
  try {
    const manifest = parseExtensionManifest(raw, "manifest.json");
    access = HostAccess.of(manifest, "manifest.json");
    permissions = (manifest.permissions ?? []).filter((p) => !isHostPattern(p));
  } catch {
    throw new Error("Failed to create extension from manifest.");
  }
  return permissionWarnings(permissions, access.origins);
}
