/**
 * What `loadPlugin` (`plugin_loader.ts`) does, loaded with the first plugin a session loads (cold start, #24):
 * reads, validates, verifies and prepares the plugin at `source`.
 *
 * @module
 */
import { parseManifest } from "../manifest.ts";
import type { Manifest } from "../manifest.ts";
import { definePlugin, type Plugin } from "../plugin.ts";
import type { LoadOptions, WorkerPermissions } from "../contracts.ts";
import { readBytes, signedFiles } from "./plugin_signature.ts";
import { verifyPlugin } from "./_plugin_jws.ts";
import { DEFAULT_HOOK_TIMEOUT, DEFAULT_SETUP_TIMEOUT, manifestUrlOf } from "./plugin_loader.ts";
import { importAtRunTime } from "./_run_time_import.ts";
import { onFirstUse } from "../lazy.ts";

// Loaded with the first plugin a session loads (cold start, #24): a page or process that loads
// none never fetches the module-graph check nor the isolated plugin's host side.
const moduleGraphCheck = onFirstUse(
  "the plugin module-graph check",
  () => import("./_module_graph.ts"),
);
const isolatedPluginHost = onFirstUse(
  "the isolated plugin host",
  () => import("./_isolated_plugin.ts"),
);

const OPTION_KEYS = new Set([
  "trustedKeys",
  "requireSignature",
  "allowUnenforcedIsolation",
  "hookTimeout",
  "setupTimeout",
  "isolation",
  "runtime",
  "base",
]);

function permissionsOf(manifest: Manifest, manifestUrl: URL): WorkerPermissions {
  const path = (p: string) =>
    p.startsWith("/") ? p : decodeURIComponent(new URL(p, manifestUrl).pathname);
  const own = manifestUrl.protocol === "file:"
    ? signedFiles(manifest).map((f) => decodeURIComponent(new URL(f, manifestUrl).pathname))
    : [];
  return {
    net: [...manifest.permissions.net],
    read: [...new Set([...own, ...manifest.permissions.read.map(path)])],
    write: manifest.permissions.write.map(path),
    env: [...manifest.permissions.env],
  };
}

/**
 * `loadPlugin`'s work (`plugin_loader.ts`): reads, validates, verifies and prepares the plugin at `source`.
 *
 * @example
 * ```ts
 * const plugin = await loadPluginNow("./plugins/hello", { requireSignature: true, trustedKeys: [key] });
 * ```
 */
export async function loadPluginNow(
  source: string | URL,
  options: LoadOptions = {},
): Promise<Plugin> {
  if (options === null || typeof options !== "object") {
    throw new TypeError("plugins.load: options must be an object");
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`plugins.load: unknown option "${key}"`);
  }
  const hookTimeout = options.hookTimeout ?? DEFAULT_HOOK_TIMEOUT;
  const setupTimeout = options.setupTimeout ?? Math.max(hookTimeout, DEFAULT_SETUP_TIMEOUT);
  for (const [name, ms] of [["hookTimeout", hookTimeout], ["setupTimeout", setupTimeout]]) {
    if (typeof ms !== "number" || !(ms > 0)) {
      throw new TypeError(`plugins.load: ${name} must be a positive number of ms`);
    }
  }
  const manifestUrl = manifestUrlOf(source, options.base);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(await readBytes(manifestUrl)));
  } catch (error) {
    throw new TypeError(`Plugin manifest ${manifestUrl.href}: ${(error as Error).message}`);
  }
  const manifest = parseManifest(raw, manifestUrl.href);
  const runtime = options.runtime ?? null;
  if (runtime !== null && !manifest.runtimes.includes(runtime as "deno")) {
    throw new TypeError(
      `Plugin ${manifest.name} does not run on ${runtime} (its manifest lists ${
        manifest.runtimes.join(", ")
      })`,
    );
  }
  await verifyPlugin(manifestUrl, manifest, options);
  // the signature covers the listed files: nothing else of the plugin's may run
  await (await moduleGraphCheck()).checkModuleGraph(manifestUrl, manifest);
  const entry = new URL(manifest.entry, manifestUrl);

  if (manifest.isolation === "worker") {
    const adapter = options.isolation;
    if (!adapter) {
      throw new TypeError(
        `Plugin ${manifest.name} asks for isolation, but no isolation adapter is configured (configure({ isolation }) or options.isolation)`,
      );
    }
    if (!adapter.enforcesPermissions && !options.allowUnenforcedIsolation) {
      throw new TypeError(
        `Plugin ${manifest.name} asks for isolation, which ${adapter.runtime} cannot enforce; pass allowUnenforcedIsolation: true to load it anyway`,
      );
    }
    if (manifest.api.length > 0) {
      throw new TypeError(
        `Plugin ${manifest.name} is isolated and cannot add session members (api: ${
          manifest.api.join(", ")
        })`,
      );
    }
    adapter.check?.();
    const { isolatedPlugin } = await isolatedPluginHost();
    return isolatedPlugin(manifest, entry, {
      adapter,
      permissions: permissionsOf(manifest, manifestUrl),
      hookTimeout,
      setupTimeout,
    });
  }

  const module = await importAtRunTime(entry.href);
  const exported = (module.default ?? module.plugin) as Plugin | undefined;
  if (!exported || typeof exported.setup !== "function") {
    throw new TypeError(
      `Plugin ${manifest.name}: ${manifest.entry} must export default definePlugin({ ... })`,
    );
  }
  if (exported.name !== undefined && exported.name !== manifest.name) {
    throw new TypeError(
      `Plugin ${manifest.name}: ${manifest.entry} defines a plugin named ${exported.name}`,
    );
  }
  if (exported.manifest) return Object.freeze({ ...exported, manifest, name: manifest.name });
  return definePlugin({ manifest: raw, setup: exported.setup });
}
