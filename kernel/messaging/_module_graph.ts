/**
 * The rule that makes a plugin's signature cover what runs: every local module its entry can load
 * (static imports, re-exports, `import()` with a string) is the manifest itself or listed in the
 * manifest (`entry` and `files`, the signed list). A local module is one the plugin's own URL
 * reaches by a relative or absolute path or URL of the same origin; bare specifiers (`websession`,
 * `npm:`, `jsr:`, `node:`) are packages, not files of the plugin. Type-only imports are erased
 * before running and are not followed. An `import()` whose specifier is computed cannot be
 * checked and is refused.
 *
 * @module
 */
import { PluginSignatureError, readBytes, signedFiles } from "./plugin_signature.ts";
import type { Manifest } from "../manifest.ts";

const SCRIPT = /\.(?:[cm]?[jt]sx?)$/i;

/** The local URL a specifier names, or null for a package (bare, `npm:`, `jsr:`, `node:`...). */
function localTarget(specifier: string, from: URL): URL | null {
  if (/^\.{0,2}\//.test(specifier)) return new URL(specifier, from);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return null;
  let url: URL;
  try {
    url = new URL(specifier);
  } catch {
    return null; // not a URL: the runtime refuses to load it
  }
  if (url.protocol === "file:" && from.protocol === "file:") return url;
  if (/^https?:$/.test(url.protocol) && url.origin === from.origin) return url;
  return null;
}

/**
 * Walks the module graph of `manifest`'s entry and throws a {@link PluginSignatureError}
 * (`reason: "unsigned"`) naming the first local module the manifest does not list.
 *
 * @example
 * ```ts
 * // await checkModuleGraph(new URL("file:///plugins/hello/manifest.json"), manifest);
 * ```
 */
export async function checkModuleGraph(manifestUrl: URL, manifest: Manifest): Promise<void> {
  // loaded on first use: only loading a third-party plugin needs the lexer
  const { init, parse } = await import("es-module-lexer");
  await init();
  const listed = new Set([
    manifestUrl.href,
    ...signedFiles(manifest).map((file) => new URL(file, manifestUrl).href),
  ]);
  const entry = new URL(manifest.entry, manifestUrl);
  const seen = new Set<string>([entry.href]);
  const queue = [entry];
  const name = manifest.name;
  while (queue.length > 0) {
    const module = queue.shift()!;
    if (!SCRIPT.test(module.pathname)) continue; // JSON and other data modules import nothing
    const source = new TextDecoder().decode(await readBytes(module));
    const where = module.href.startsWith(new URL(".", manifestUrl).href)
      ? module.href.slice(new URL(".", manifestUrl).href.length)
      : module.href;
    let imports;
    try {
      [imports] = parse(source, module.href);
    } catch (error) {
      throw new TypeError(
        `Plugin ${name}: ${where} cannot be read for its imports (${(error as Error).message})`,
      );
    }
    for (const found of imports) {
      if (found.type === "import-meta") continue;
      if (found.type !== "dynamic" && found.typeOnly) continue;
      if (found.specifier === undefined) {
        throw new PluginSignatureError(
          name,
          "unsigned",
          `Plugin ${name}: ${where} has an import() whose module is computed; the modules a plugin loads must be known and signed`,
        );
      }
      const target = localTarget(found.specifier, module);
      if (target === null) continue;
      target.search = target.hash = "";
      if (!listed.has(target.href)) {
        throw new PluginSignatureError(
          name,
          "unsigned",
          `Plugin ${name}: ${where} imports ${found.specifier}, which the manifest does not list; every local module a plugin loads must be in "files" (and so signed)`,
        );
      }
      if (!seen.has(target.href)) {
        seen.add(target.href);
        queue.push(target);
      }
    }
  }
}
