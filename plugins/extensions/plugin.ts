/**
 * The extensions plugin's factory and members: what a preset needs, without the modules that
 * read, check and run an extension (`loaded_extension.ts` and what it imports), which load with
 * the first `loadExtension`.
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { IsolationAdapter } from "../../kernel/contracts.ts";
import { Extensions } from "./extensions.ts";
import type { Extension, ExtensionFiles, LoadExtensionOptions } from "./loaded_extension.ts";

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
