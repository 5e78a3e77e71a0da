/**
 * The extensions plugin: Electron's `ses.loadExtension(path, { allowFileAccess })`,
 * `removeExtension`, `getExtension`, `getAllExtensions` (also as `ses.extensions.*`) and the
 * `extension-loaded` / `extension-ready` / `extension-unloaded` events, for unpacked Chrome
 * extensions (MV2 and MV3). Ids are derived as Chromium derives them. Each extension's background
 * (MV3 service worker, classic or module; MV2 scripts) runs in its own Worker with a `chrome.*`
 * backed by the session: `webRequest` through `ses.webRequest`, `declarativeNetRequest` (static,
 * dynamic and session rules), `cookies` through `ses.cookies`, `proxy.settings` through
 * `ses.setProxy`, `storage`, `alarms`, `permissions`, `runtime`, and `tabs` as far as there are
 * no tabs. Host permissions decide what an extension sees and may change.
 *
 * The plugin imports no adapter: `createExtensionsPlugin({ isolation, files })` takes the Worker
 * starter and the file reader (`presets/default.ts` hands in those of Deno and Bun).
 *
 * @example
 * ```ts ignore
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("persist:with-extensions");
 * const extension = await ses.loadExtension("./my-extension");
 * ses.on("extension-unloaded", (_event, ext) => console.log("gone:", ext.name));
 * ses.removeExtension(extension.id);
 * ```
 *
 * @module
 */
export {
  createExtensionsPlugin,
  type ExtensionsMembers,
  type ExtensionsPluginOptions,
} from "./plugin.ts";
export { Extensions } from "./extensions.ts";
export type { Extension, ExtensionFiles, LoadExtensionOptions } from "./loaded_extension.ts";
export type { ExtensionManifest, RuleResource } from "./extension_manifest.ts";
export { parseExtensionManifest } from "./extension_manifest.ts";
export { extensionId, idFromBytes } from "./extension_id.ts";
export { HostAccess } from "./host_access.ts";
export type { MatchedRuleInfo } from "./extension_rules.ts";
export type { IsolationAdapter } from "../../kernel/contracts.ts";
export { ExtensionPort, type PortLink, type PortSender } from "./_port.ts";
export { ChromeEvent, type ChromeListener } from "./_chrome_event.ts";
