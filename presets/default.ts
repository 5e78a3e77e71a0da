/**
 * The default preset of Deno and Bun: the plugins every session gets when websession is imported
 * from `mod.ts` (or any subpath entry), with the adapters of these runtimes handed to the plugins
 * that need them. Plugins import no adapter; this module (like `web/mod.ts` for the browser)
 * chooses them:
 *
 * - proxy: SOCKS and `CONNECT` tunnels over `node:net` (`adapters/socks/tunnel.ts`), the system
 *   resolver for PAC scripts (`adapters/dns/node.ts`), and the plugin's QuickJS PAC engine in a
 *   Worker (`plugins/proxy/pac_thread.ts`, loaded on the first PAC script);
 * - extensions: the runtime's Workers for backgrounds and `node:fs` for extension folders;
 * - cdp: the Chromium launcher (`adapters/cdp/chromium.ts`, pipe transport included) and the
 *   WebSocket transport (`adapters/cdp/websocket.ts`), each loaded on first use;
 * - cache and downloads: files through `node:fs` (`adapters/fs/node.ts`), and on Deno its file
 *   streams for downloads (`adapters/fs/deno_writable.ts`);
 * - spellcheck: the Hunspell dictionaries of the `dictionary-*` npm packages
 *   (`adapters/spellcheck/npm_dictionaries.ts`, each loaded on first use);
 * - serial, hid, usb: the POSIX tty adapter (`adapters/serial/posix.ts`), node-hid
 *   (`adapters/hid/node_hid.ts`) and the `usb` package (`adapters/usb/node_usb.ts`), each loaded
 *   on first use; they ask the permissions plugin (`plugins/permissions`), looked up on first use, so
 *   they set up even where the permissions plugin could not (a store that does not open).
 *
 * @module
 */
import type { Plugin } from "../kernel/plugin.ts";
import { type ProtocolMembers, protocolPlugin } from "../plugins/protocol/mod.ts";
import { type WebRequestMembers, webRequestPlugin } from "../plugins/web-request/mod.ts";
import type { CdpAdapters, CdpApi } from "../plugins/cdp/launcher.ts";
import { type CdpMembers, createCdpPlugin, lazyCdpApi } from "../plugins/cdp/plugin.ts";
import {
  createProxyPlugin as createPlainProxyPlugin,
  type PacEngineOptions,
  type ProxyMembers,
  type ProxyPluginOptions,
} from "../plugins/proxy/plugin.ts";
import type { PacEngine } from "../plugins/proxy/proxy_service.ts";
import { type CookiesMembers, cookiesPlugin } from "../plugins/cookies/mod.ts";
import type { TunnelAdapter } from "../kernel/network/tunnel.ts";
import { onFirstUse } from "../kernel/lazy.ts";
import { nodeHostResolver } from "../adapters/dns/node.ts";
import { createNetLogPlugin, type NetLogMembers } from "../plugins/net-log/plugin.ts";
import { nodeFiles as textFiles, openTextFile } from "../adapters/file/text_file.ts";
import { createHarPlugin, type HarMembers } from "../plugins/har/plugin.ts";
import { createTlsPlugin, type TlsMembers } from "../plugins/tls/mod.ts";
import {
  createHostResolverPlugin,
  type HostResolverMembers,
} from "../plugins/host-resolver/plugin.ts";
import { type RendererMembers, rendererPlugin } from "../plugins/renderer/mod.ts";
import { type UserAgentMembers, userAgentPlugin } from "../plugins/user-agent/mod.ts";
import { type EmulationMembers, emulationPlugin } from "../plugins/emulation/mod.ts";
import { type CacheMembers, createCachePlugin } from "../plugins/cache/mod.ts";
import { createDownloadsPlugin, type DownloadsMembers } from "../plugins/downloads/plugin.ts";
import {
  createSpellcheckPlugin as createPlainSpellcheckPlugin,
  type SpellcheckMembers,
  type SpellcheckPluginOptions,
} from "../plugins/spellcheck/plugin.ts";
import { npmDictionaries } from "../adapters/spellcheck/npm_dictionaries.ts";
import { createExtensionsPlugin, type ExtensionsMembers } from "../plugins/extensions/plugin.ts";
import { nodeExtensionFiles, nodeFiles } from "../adapters/fs/node.ts";
import { isolationFor } from "../adapters/isolation/mod.ts";
import { denoWritable } from "../adapters/fs/deno_writable.ts";
import { detectRuntime } from "../adapters/runtime.ts";
import { nodeProcess } from "../adapters/_env.ts";
import { type PermissionsMembers, permissionsPlugin } from "../plugins/permissions/plugin.ts";
import { createSerialPlugin, type SerialMembers } from "../plugins/serial/plugin.ts";
import { createHidPlugin, type HidMembers } from "../plugins/hid/plugin.ts";
import { createUsbPlugin, type UsbMembers } from "../plugins/usb/plugin.ts";
import { lazyHidAdapter, lazySerialAdapter, lazyUsbAdapter } from "../adapters/lazy_devices.ts";
import {
  createSharedDictionaryPlugin,
  type SharedDictionaryMembers,
} from "../plugins/shared-dictionary/mod.ts";
import { decodeZstdWithDictionary } from "../adapters/zstd/dictionary_zstd.ts";

/**
 * The PAC engine of Deno and Bun: the proxy plugin's QuickJS sandbox in a Worker
 * (`plugins/proxy/pac_thread.ts`, loaded on first use), so a slow or hostile script never blocks
 * the thread that serves requests; its memory is bounded to 32 MiB, and a Worker stuck past the
 * time limit is terminated.
 *
 * @example
 * ```ts
 * const pac = await quickJsPacEngine('function FindProxyForURL(u, h) { return "DIRECT"; }', {
 *   resolver: { resolve: () => [], localAddresses: () => [] },
 * });
 * (await pac.resolve("http://example.com/")).result; // "DIRECT"
 * pac.dispose();
 * ```
 */
export async function quickJsPacEngine(
  script: string,
  options: PacEngineOptions,
): Promise<PacEngine> {
  const { PacThread } = await import("../plugins/proxy/pac_thread.ts");
  return await PacThread.create(script, options);
}

const tunnelModule = onFirstUse(
  "the tunnel adapter (adapters/socks/tunnel.ts)",
  () => import("../adapters/socks/tunnel.ts"),
);

/** Tunnels over `node:net` (`adapters/socks/tunnel.ts`, loaded with the first tunnel). */
const nodeTunnels: TunnelAdapter = {
  name: "node",
  open: async (request) => await (await tunnelModule()).nodeTunnels.open(request),
};

/**
 * Makes the proxy plugin with Deno's and Bun's adapters (tunnels over `node:net`, the system
 * resolver, the QuickJS PAC engine); the adapters given in `options` replace them.
 *
 * @example
 * ```ts
 * const plugin = createProxyPlugin({ pacTimeout: 500 });
 * plugin.name; // "proxy"
 * ```
 */
export function createProxyPlugin(options: ProxyPluginOptions = {}): Plugin<ProxyMembers> {
  return createPlainProxyPlugin({
    ...options,
    tunnels: options.tunnels ?? nodeTunnels,
    pac: options.pac ?? quickJsPacEngine,
    resolver: options.resolver ?? nodeHostResolver(),
  });
}

/**
 * The proxy plugin of the default preset (Deno's and Bun's adapters, 1 s PAC time limit).
 *
 * @example
 * ```ts
 * proxyPlugin.manifest.api.includes("setProxy"); // true
 * ```
 */
export const proxyPlugin: Plugin<ProxyMembers> = createProxyPlugin();

/**
 * The CDP adapters of Deno and Bun: the Chromium launcher, the WebSocket transport, and preload
 * scripts read through `node:fs`.
 *
 * @example
 * ```ts ignore
 * const browser = await cdpAdapters.start!({ pipe: true });
 * await browser.dispose();
 * ```
 */
export const cdpAdapters: CdpAdapters = {
  // Both load on first use: a session that never drives a browser does not import them.
  start: async (options) => (await import("../adapters/cdp/chromium.ts")).startChromium(options),
  connect: async (url, options) =>
    await (await import("../adapters/cdp/websocket.ts")).WebSocketTransport.connect(url, options),
  readFile: textFiles.readText,
};

/**
 * Launch and connect, as plain functions, with Deno's and Bun's adapters.
 *
 * @example
 * ```ts ignore
 * const browser = await cdp.launch({ pipe: true });
 * await browser.close();
 * ```
 */
export const cdp: CdpApi = lazyCdpApi(cdpAdapters);

/**
 * The cdp plugin of the default preset: `ses.cdp.launch()` and `ses.cdp.connect()`.
 *
 * @example
 * ```ts
 * cdpPlugin.manifest.api.includes("cdp"); // true
 * ```
 */
export const cdpPlugin: Plugin<CdpMembers> = createCdpPlugin(cdpAdapters);

/**
 * The net-log plugin of Deno and Bun: files through `node:fs`, the process's command line in
 * `clientInfo`.
 *
 * @example
 * ```ts
 * netLogPlugin.manifest.api.includes("netLog"); // true
 * ```
 */
export const netLogPlugin: Plugin<NetLogMembers> = createNetLogPlugin({
  openFile: openTextFile,
  clientInfo: () => {
    const process = nodeProcess();
    return {
      name: "websession",
      version: "0.1.0",
      os_type: `${detectRuntime()} (${process.platform} ${process.arch})`,
      command_line: process.argv.join(" "),
    };
  },
});

/**
 * The host-resolver plugin of Deno and Bun: the system resolver (`node:dns`).
 *
 * @example
 * ```ts
 * hostResolverPlugin.manifest.api.includes("resolveHost"); // true
 * ```
 */
export const hostResolverPlugin: Plugin<HostResolverMembers> = createHostResolverPlugin({
  resolver: nodeHostResolver(),
});

/**
 * The har plugin of Deno and Bun: HAR files and attached bodies through `node:fs`.
 *
 * @example
 * ```ts
 * harPlugin.manifest.api; // ["har"]
 * ```
 */
export const harPlugin: Plugin<HarMembers> = createHarPlugin({ files: textFiles });

/** The TLS transport over `node:tls` (`adapters/http/node_tls.ts`), loaded with the first hop. */
const nodeTls = onFirstUse(
  "the TLS transport (adapters/http/node_tls.ts)",
  () => import("../adapters/http/node_tls.ts"),
);

/**
 * The tls plugin of Deno and Bun: HTTPS over `node:tls` once a verify proc or an SSL config is
 * set (cipher suites can be left out on Bun only).
 *
 * @example
 * ```ts
 * tlsPlugin.manifest.api.includes("setSSLConfig"); // true
 * ```
 */
export const tlsPlugin: Plugin<TlsMembers> = createTlsPlugin({
  send: async (request, options) => await (await nodeTls()).nodeTlsFetch(request, options),
  cipherSuites: detectRuntime() === "bun",
});

/**
 * The cache plugin of the default preset: large bodies of persistent partitions in files.
 *
 * @example
 * ```ts
 * cachePlugin.manifest.api.includes("getCacheSize"); // true
 * ```
 */
export const cachePlugin: Plugin<CacheMembers> = createCachePlugin({ files: nodeFiles });

/**
 * The downloads plugin of the default preset, writing through `node:fs` (on Deno, piping bodies
 * into Deno's file streams).
 *
 * @example
 * ```ts
 * downloadsPlugin.manifest.api.includes("downloadURL"); // true
 * ```
 */
export const downloadsPlugin: Plugin<DownloadsMembers> = createDownloadsPlugin({
  // On Deno a body is piped into the file natively (adapters/fs/deno_writable.ts).
  files: detectRuntime() === "deno" ? { ...nodeFiles, openWritable: denoWritable } : nodeFiles,
});

/**
 * Makes the spellcheck plugin with the bundled dictionaries of Deno and Bun (the `dictionary-*` npm
 * packages: en-US, en-GB, de-DE, fr-FR, es-ES); `options.dictionaries` replaces them.
 *
 * @example
 * ```ts
 * const plugin = createSpellcheckPlugin({ downloadTimeout: 10_000 });
 * plugin.name; // "spellcheck"
 * ```
 */
export function createSpellcheckPlugin(
  options: SpellcheckPluginOptions = {},
): Plugin<SpellcheckMembers> {
  return createPlainSpellcheckPlugin({
    ...options,
    dictionaries: options.dictionaries === undefined ? npmDictionaries : options.dictionaries,
  });
}

/**
 * The spellcheck plugin of the default preset (bundled npm dictionaries, downloads for the rest).
 *
 * @example
 * ```ts
 * spellcheckPlugin.manifest.api.includes("setSpellCheckerLanguages"); // true
 * ```
 */
export const spellcheckPlugin: Plugin<SpellcheckMembers> = createSpellcheckPlugin();

/**
 * The extensions plugin of the default preset: backgrounds in the runtime's Workers (on Deno with
 * the permissions each manifest implies), extension folders read through `node:fs`.
 *
 * @example
 * ```ts
 * extensionsPlugin.manifest.api.includes("loadExtension"); // true
 * ```
 */
export const extensionsPlugin: Plugin<ExtensionsMembers> = createExtensionsPlugin({
  isolation: isolationFor(detectRuntime()),
  files: nodeExtensionFiles,
});

/**
 * The serial plugin of the default preset: ports are the system's ttys (`/dev/ttyS*`,
 * `/dev/ttyUSB*`, `/dev/ttyACM*`).
 *
 * @example
 * ```ts
 * serialPlugin.manifest.requires; // ["permissions"]
 * ```
 */
export const serialPlugin: Plugin<SerialMembers> = createSerialPlugin({
  // adapters/serial/posix.ts loads with the first list or open.
  adapter: lazySerialAdapter(
    "posix-tty",
    async () => (await import("../adapters/serial/posix.ts")).posixSerialAdapter(),
  ),
});

/**
 * The hid plugin of the default preset: devices come from node-hid.
 *
 * @example
 * ```ts
 * hidPlugin.manifest.api; // ["hid"]
 * ```
 */
export const hidPlugin: Plugin<HidMembers> = createHidPlugin({
  adapter: lazyHidAdapter(
    "node-hid",
    async () => (await import("../adapters/hid/node_hid.ts")).nodeHidAdapter(),
  ),
});

/**
 * The usb plugin of the default preset: devices come from the `usb` package.
 *
 * @example
 * ```ts
 * usbPlugin.manifest.api; // ["usb"]
 * ```
 */
export const usbPlugin: Plugin<UsbMembers> = createUsbPlugin({
  adapter: lazyUsbAdapter(
    "usb",
    async () => (await import("../adapters/usb/node_usb.ts")).nodeUsbAdapter(),
  ),
});

/**
 * The shared-dictionary plugin with the runtime's zstd decoder (`dcz` answers are decoded) and
 * the `Accept-Encoding` its fetch sends (Deno's decodes gzip and br only).
 *
 * @example
 * ```ts
 * sharedDictionaryPlugin.manifest.api.includes("getSharedDictionaryUsageInfo"); // true
 * ```
 */
export const sharedDictionaryPlugin: Plugin<SharedDictionaryMembers> = createSharedDictionaryPlugin(
  {
    decodeZstd: decodeZstdWithDictionary,
    acceptEncoding: detectRuntime() === "deno" ? "gzip, br" : "gzip, deflate, br, zstd",
  },
);

export type { DefaultMembers } from "./typed_session.ts";

/**
 * The plugins of the default preset, in any order (their manifests' `requires` decide).
 *
 * @example
 * ```ts
 * defaultPlugins.map((p) => p.name);
 * ```
 */
export const defaultPlugins: readonly [
  Plugin<WebRequestMembers>,
  Plugin<CdpMembers>,
  Plugin<ProxyMembers>,
  Plugin<CookiesMembers>,
  Plugin<ProtocolMembers>,
  Plugin<NetLogMembers>,
  Plugin<UserAgentMembers>,
  Plugin<EmulationMembers>,
  Plugin<RendererMembers>,
  Plugin<HostResolverMembers>,
  Plugin<HarMembers>,
  Plugin<TlsMembers>,
  Plugin<CacheMembers>,
  Plugin<DownloadsMembers>,
  Plugin<SpellcheckMembers>,
  Plugin<ExtensionsMembers>,
  Plugin<PermissionsMembers>,
  Plugin<SerialMembers>,
  Plugin<HidMembers>,
  Plugin<UsbMembers>,
  Plugin<SharedDictionaryMembers>,
] = [
  webRequestPlugin,
  cdpPlugin,
  proxyPlugin,
  cookiesPlugin,
  protocolPlugin,
  netLogPlugin,
  userAgentPlugin,
  emulationPlugin,
  rendererPlugin,
  hostResolverPlugin,
  harPlugin,
  tlsPlugin,
  cachePlugin,
  downloadsPlugin,
  spellcheckPlugin,
  extensionsPlugin,
  permissionsPlugin,
  serialPlugin,
  hidPlugin,
  usbPlugin,
  sharedDictionaryPlugin,
];
