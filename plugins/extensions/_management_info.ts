/**
 * Chrome's `management.ExtensionInfo` of the extension a background belongs to (what
 * `chrome.management.getSelf()` answers): websession loads unpacked extensions only, so each is
 * an `"extension"` of install type `"development"`, enabled unless `management.setEnabled`
 * disabled it. Pure: it runs in the background Worker
 * (`getSelf`) and on the session's side (`get`, `getAll`).
 *
 * @module
 */
import type { BackgroundInit } from "./_wire.ts";

/** Chrome's `management.ExtensionInfo` (the fields that apply to a loaded extension). */
export interface ExtensionInfo {
  id: string;
  name: string;
  shortName: string;
  description: string;
  version: string;
  versionName?: string;
  mayDisable: boolean;
  enabled: boolean;
  /** Why it is disabled (Chrome's `"unknown"` for one another extension disabled). */
  disabledReason?: "unknown";
  type: "extension";
  installType: "development";
  isApp: false;
  offlineEnabled: boolean;
  optionsUrl: string;
  homepageUrl?: string;
  permissions: string[];
  hostPermissions: string[];
}

/**
 * What an `ExtensionInfo` is made of: an extension's id, manifest and permissions, and whether
 * `management.setEnabled` disabled it.
 */
export type DescribedExtension =
  & Pick<BackgroundInit, "id" | "manifest" | "permissions" | "origins">
  & { disabled?: boolean };

/**
 * The `ExtensionInfo` of the extension `init` describes.
 *
 * @example
 * ```ts
 * const info = extensionInfo({
 *   id: "a".repeat(32),
 *   manifest: { manifest_version: 3, name: "x", version: "1.0" },
 *   permissions: ["storage"],
 *   origins: [],
 * });
 * info.installType; // "development"
 * ```
 */
export function extensionInfo(init: DescribedExtension): ExtensionInfo {
  const manifest = init.manifest;
  const text = (key: string) => typeof manifest[key] === "string" ? manifest[key] as string : "";
  const options = (manifest.options_ui as { page?: unknown } | undefined)?.page ??
    manifest.options_page;
  const info: ExtensionInfo = {
    id: init.id,
    name: manifest.name,
    shortName: text("short_name") || manifest.name,
    description: manifest.description ?? "",
    version: manifest.version,
    mayDisable: true,
    enabled: init.disabled !== true,
    type: "extension",
    installType: "development",
    isApp: false,
    offlineEnabled: manifest.offline_enabled === true,
    optionsUrl: typeof options === "string"
      ? `chrome-extension://${init.id}/${options.replace(/^\//, "")}`
      : "",
    permissions: [...init.permissions],
    hostPermissions: [...init.origins],
  };
  if (init.disabled === true) info.disabledReason = "unknown";
  // Chromium 156 gives both, "" when the manifest has none
  info.versionName = text("version_name");
  info.homepageUrl = text("homepage_url");
  return info;
}
