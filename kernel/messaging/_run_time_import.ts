/**
 * The plugin loader's one import of a module named at run time (an absolute URL, after the
 * manifest and signature checks). `deno publish` warns on every `import()` whose specifier it
 * cannot read, with no way to mark an intended one (denoland/deno#22594), and that warning is about
 * import-map specifiers, which the loader never passes. The import is made by a function built
 * from constant source text, so the published module graph holds no unanalyzable import. It is
 * built on first use: a context that forbids code generation (a Chrome extension's pages, a strict
 * CSP) can still import websession and fails only when it loads a third-party plugin, with a
 * message that says why.
 *
 * @module
 */

type ImportUrl = (url: string) => Promise<Record<string, unknown>>;
let importUrl: ImportUrl | undefined;

/** Imports the module at the absolute URL `url` (file:, http(s):, blob: or data:). */
export function importAtRunTime(url: string): Promise<Record<string, unknown>> {
  if (!URL.canParse(url)) {
    return Promise.reject(new TypeError(`A plugin entry must be an absolute URL, not "${url}"`));
  }
  try {
    importUrl ??= new Function("url", "return import(url)") as ImportUrl;
  } catch (error) {
    return Promise.reject(
      new TypeError(
        `Cannot load a third-party plugin here: this context forbids building the import (${
          (error as Error).message
        }); add the plugin with ses.plugins.add(plugin) after importing it yourself`,
      ),
    );
  }
  return importUrl(url);
}
