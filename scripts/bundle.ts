/**
 * `deno task bundle`: builds the browser bundle (`web/mod.ts`: the kernel and every plugin that
 * runs in a page) with esbuild into `dist/websession.js`, and its declarations with
 * dts-bundle-generator (TypeScript's compiler, `scripts/bundle_tsconfig.json`) into one
 * self-contained `dist/websession.d.ts` (the `devtools-protocol` types the CDP API refers to are
 * inlined, so a page needs no npm package to type-check).
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import * as esbuild from "esbuild";
import { generateDtsBundle } from "dts-bundle-generator";

/** Where the bundle is written. */
export const bundlePath: string = new URL("../dist/websession.js", import.meta.url).pathname;

/** Where the bundle's declarations are written. */
export const declarationsPath: string =
  new URL("../dist/websession.d.ts", import.meta.url).pathname;

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

/**
 * Writes the bundle's declarations (the exports of `web/mod.ts`, one file, no imports); returns
 * their size in bytes. Takes a few seconds: it runs TypeScript's compiler on the bundle's sources.
 *
 * @example
 * ```ts
 * const bytes = buildDeclarations();
 * ```
 */
export function buildDeclarations(): number {
  const [text] = generateDtsBundle([{
    filePath: new URL("../web/mod.ts", import.meta.url).pathname,
    libraries: { inlinedLibraries: ["devtools-protocol"] },
    output: { noBanner: true },
  }], { preferredConfigPath: new URL("./bundle_tsconfig.json", import.meta.url).pathname });
  const banner = "// websession's browser bundle (dist/websession.js): its declarations.\n";
  writeFileSync(declarationsPath, banner + text);
  return banner.length + text.length;
}

if (import.meta.main) {
  const { ensureInstalled } = await import("./_install.ts");
  await ensureInstalled();
  const bytes = await buildBundle();
  console.log(`dist/websession.js: ${(bytes / 1024).toFixed(1)} KiB`);
  const declarationBytes = buildDeclarations();
  console.log(`dist/websession.d.ts: ${(declarationBytes / 1024).toFixed(1)} KiB`);
}
