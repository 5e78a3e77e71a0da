/**
 * `deno task bundle`: builds the browser bundle (`web/mod.ts`: the kernel and every plugin that
 * runs in a page) with esbuild into `dist/websession.js`.
 *
 * @module
 */
import * as esbuild from "esbuild";

/** Where the bundle is written. */
export const bundlePath: string = new URL("../dist/websession.js", import.meta.url).pathname;

/**
 * Builds the bundle; resolves to its size in bytes.
 *
 * @example
 * ```ts
 * const bytes = await buildBundle();
 * ```
 */
export async function buildBundle(): Promise<number> {
  const result = await esbuild.build({
    entryPoints: [new URL("../web/mod.ts", import.meta.url).pathname],
    outfile: bundlePath,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  });
  await esbuild.stop();
  return Object.entries(result.metafile!.outputs)
    .filter(([path]) => path.endsWith(".js"))
    .reduce((total, [, output]) => total + output.bytes, 0);
}

if (import.meta.main) {
  const { ensureInstalled } = await import("./_install.ts");
  await ensureInstalled();
  const bytes = await buildBundle();
  console.log(`dist/websession.js: ${(bytes / 1024).toFixed(1)} KiB`);
}
