/**
 * The session's side of `chrome.management`: `get`, `getAll`, `getPermissionWarningsById`,
 * `setEnabled` and `uninstall` (which need the `management` permission) over the session's
 * extensions, and `getPermissionWarningsByManifest` and `uninstallSelf` (which need none), with
 * Chrome's error messages. `getSelf` is answered in the Worker.
 *
 * As in Chromium's management API: disabling is immediate (no gesture, no prompt), enabling loads
 * the extension again; an extension may uninstall itself without a dialog, while uninstalling
 * another one (or asking for the confirm dialog) needs a user gesture, which a background never
 * has, so it fails with Chrome's "chrome.management.uninstall requires a user gesture."
 *
 * @module
 */
import { type DescribedExtension, extensionInfo } from "./_management_info.ts";
import { parseExtensionManifest } from "./extension_manifest.ts";
import { HostAccess, isHostPattern } from "./host_access.ts";
import { permissionWarnings } from "./permission_warnings.ts";

/** What the management calls act on: the session's extensions, loaded or disabled. */
export interface ManagementHost {
  /** Every extension of the session: the loaded ones and those `setEnabled` disabled. */
  all(): DescribedExtension[];
  /** Disables (unloads, keeping it listed) or enables (loads again) an extension. */
  setEnabled(id: string, enabled: boolean): Promise<void>;
  /** Uninstalls an extension (Electron's `removeExtension`). */
  uninstall(id: string): void;
}

/**
 * Answers one `chrome.management.<op>` call of the extension `self` over the session's
 * extensions (`host`).
 *
 * @example
 * ```ts
 * const self = {
 *   id: "a".repeat(32),
 *   manifest: { manifest_version: 3, name: "x", version: "1.0" },
 *   permissions: ["management"],
 *   origins: [],
 * };
 * const host = { all: () => [self], setEnabled: async () => {}, uninstall: () => {} };
 * managementCall("getAll", [], self, host); // [{ id: "aaa…", name: "x", ... }]
 * ```
 */
export function managementCall(
  op: string,
  args: unknown[],
  self: DescribedExtension,
  host: ManagementHost,
): unknown {
  if (op === "getPermissionWarningsByManifest") return warningsOfManifest(args[0]);
  if (op === "uninstallSelf") return uninstall(host, self.id, self.id, args[0]);
  if (!self.permissions.includes("management")) {
    throw new Error("'management' requires a permission the extension does not have");
  }
  const find = (id: unknown) => {
    const found = host.all().find((extension) => extension.id === id);
    if (!found) throw new Error(`Failed to find extension with id ${id}.`);
    return found;
  };
  switch (op) {
    case "getAll":
      return host.all().map(extensionInfo);
    case "get":
      return extensionInfo(find(args[0]));
    case "getPermissionWarningsById": {
      const found = find(args[0]);
      return permissionWarnings(found.permissions, found.origins);
    }
    case "setEnabled": {
      const found = find(args[0]);
      if (found.disabled === !args[1]) return undefined; // already so: nothing changes
      return host.setEnabled(found.id, args[1] === true);
    }
    case "uninstall":
      return uninstall(host, self.id, find(args[0]).id, args[1]);
  }
  throw new Error(`management.${op} is not supported by websession`);
}

/**
 * Chrome's uninstall: a dialog is shown for another extension or when asked for, and a dialog
 * needs a user gesture, which a background never has.
 */
function uninstall(host: ManagementHost, self: string, target: string, options: unknown): void {
  const askedForDialog = (options as { showConfirmDialog?: unknown } | undefined)
    ?.showConfirmDialog === true;
  if (target !== self || askedForDialog) {
    throw new Error("chrome.management.uninstall requires a user gesture.");
  }
  host.uninstall(target);
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
