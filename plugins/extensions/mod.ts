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
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { IsolationAdapter } from "../../kernel/contracts.ts";
import { Extensions } from "./extensions.ts";
import type { Extension, ExtensionFiles, LoadExtensionOptions } from "./loaded_extension.ts";

export { Extensions } from "./extensions.ts";
export type { Extension, ExtensionFiles, LoadExtensionOptions } from "./loaded_extension.ts";
export type { ExtensionManifest, RuleResource } from "./extension_manifest.ts";
export { parseExtensionManifest } from "./extension_manifest.ts";
export { extensionId, idFromBytes } from "./extension_id.ts";
export { HostAccess } from "./host_access.ts";
export type { MatchedRuleInfo } from "./extension_rules.ts";
export type { IsolationAdapter } from "../../kernel/contracts.ts";

/**
 * The session members the extensions plugin adds.
 *
 * @example
 * ```ts ignore
 * const ses: ExtensionsMembers = session.fromPartition("x", { plugins: [extensionsPlugin] });
 * ses.getAllExtensions(); // []
 * ```
 */
export interface ExtensionsMembers {
  /** Electron's `ses.extensions`. */
  readonly extensions: Extensions;
  /** Electron's `ses.loadExtension(path, options)`. */
  loadExtension(path: string, options?: LoadExtensionOptions): Promise<Extension>;
  /** Electron's `ses.removeExtension(id)`. */
  removeExtension(extensionId: string): void;
  /** Electron's `ses.getExtension(id)`. */
  getExtension(extensionId: string): Extension | null;
  /** Electron's `ses.getAllExtensions()`. */
  getAllExtensions(): Extension[];
}

/** What the plugin is given. */
export interface ExtensionsPluginOptions {
  /** Starts the backgrounds' Workers; without it, an extension with a background fails to load. */
  isolation?: IsolationAdapter | null;
  /** Reads extension folders. */
  files: ExtensionFiles;
  /** How long an MV3 service worker may idle before it is stopped, in ms (default 30,000). */
  serviceWorkerIdleTimeout?: number;
}

/**
 * Makes the extensions plugin with a Worker starter and a file reader.
 *
 * @example
 * ```ts ignore
 * import { denoIsolation } from "../../adapters/isolation/deno.ts";
 * import { nodeExtensionFiles } from "../../adapters/fs/node.ts";
 * const plugin = createExtensionsPlugin({ isolation: denoIsolation, files: nodeExtensionFiles });
 * ```
 */
export function createExtensionsPlugin(
  options: ExtensionsPluginOptions,
): Plugin<ExtensionsMembers> {
  if (!options || typeof options.files?.readText !== "function") {
    throw new TypeError("createExtensionsPlugin: options.files is required");
  }
  return definePlugin<ExtensionsMembers>({
    manifest,
    setup(ctx) {
      const extensions = new Extensions(
        { ctx, files: options.files, isolation: options.isolation ?? null },
        (name, ...args) => ctx.session.emit(name, ...args),
        options.serviceWorkerIdleTimeout,
      );
      ctx.provide({
        extensions,
        loadExtension: (path: string, o?: LoadExtensionOptions) =>
          extensions.loadExtension(path, o),
        removeExtension: (id: string) => extensions.removeExtension(id),
        getExtension: (id: string) => extensions.getExtension(id),
        getAllExtensions: () => extensions.getAllExtensions(),
      });
      return () => extensions.close();
    },
  });
}
