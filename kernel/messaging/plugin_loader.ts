/**
 * Loading a third-party plugin from a path or URL through its `manifest.json`: the manifest is
 * validated with the kernel's schema, the runtime must be listed, the signature is checked against
 * the trusted keys, and the plugin runs inline or, with `"isolation": "worker"`, in a Worker that
 * has exactly the permissions its manifest declares. `ses.plugins.load()` uses this. The loading
 * itself (`_load_plugin.ts`) loads with the first plugin loaded (cold start, #24: in the browser
 * bundle, a chunk).
 *
 * @module
 */
import type { Plugin } from "../plugin.ts";
import type { LoadOptions } from "../contracts.ts";
export type { LoadOptions } from "../contracts.ts";
import { onFirstUse } from "../lazy.ts";

const loader = onFirstUse(
  "the plugin loader (kernel/messaging/_load_plugin.ts)",
  () => import("./_load_plugin.ts"),
);

/**
 * The default hook timeout of isolated plugins, in ms.
 *
 * @example
 * ```ts
 * DEFAULT_HOOK_TIMEOUT; // 5000
 * ```
 */
export const DEFAULT_HOOK_TIMEOUT = 5000;

/**
 * How long an isolated plugin's setup may take by default once its modules are loaded, in ms
 * (at least `hookTimeout`).
 * @example
 * ```ts
 * DEFAULT_SETUP_TIMEOUT; // 15000
 * ```
 */
export const DEFAULT_SETUP_TIMEOUT = 15_000;

function defaultBase(): string {
  const g = globalThis as { location?: { href?: string }; process?: { cwd?: () => string } };
  if (g.location?.href) return g.location.href;
  const cwd = g.process?.cwd?.();
  if (cwd) return `file://${cwd.replace(/\/?$/, "/")}`;
  throw new TypeError("A relative plugin path needs options.base");
}

/**
 * Where the manifest of `source` is: a URL or path to `manifest.json`, or to the plugin's folder.
 *
 * @example
 * ```ts
 * manifestUrlOf("/plugins/hello").href; // "file:///plugins/hello/manifest.json"
 * ```
 */
export function manifestUrlOf(source: string | URL, base?: string | URL): URL {
  let url: URL;
  if (source instanceof URL) url = new URL(source.href);
  else if (typeof source !== "string" || source === "") {
    throw new TypeError("plugins.load needs a path or URL");
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(source)) url = new URL(source);
  else if (source.startsWith("/")) url = new URL(`file://${encodeURI(source)}`);
  else url = new URL(encodeURI(source), base ?? defaultBase());
  if (!url.pathname.endsWith(".json")) {
    url.pathname = url.pathname.replace(/\/?$/, "/manifest.json");
  }
  return url;
}

/**
 * Reads, validates, verifies and prepares the plugin at `source`; the result is added to a
 * session with `ses.plugins.add()` (which `ses.plugins.load()` does).
 *
 * @example
 * ```ts
 * const plugin = await loadPlugin("./plugins/hello", { requireSignature: true, trustedKeys: [key] });
 * await ses.plugins.add(plugin);
 * ```
 */
export async function loadPlugin(source: string | URL, options: LoadOptions = {}): Promise<Plugin> {
  return await (await loader()).loadPluginNow(source, options);
}
