/**
 * `deno task bundle`: builds the browser bundle (`web/mod.ts`: the kernel and every plugin that
 * runs in a page) with esbuild into `dist/websession.js`, with code splitting: what the bundle
 * imports with a literal `import()` (loaded on first use) goes into ES module chunks in
 * `dist/chunks/`, which a page serves beside `websession.js`. Its declarations with
 * dts-bundle-generator (TypeScript's compiler, `scripts/bundle_tsconfig.json`) into one
 * self-contained `dist/websession.d.ts` (the `devtools-protocol` types the CDP API refers to are
 * inlined, so a page needs no npm package to type-check). A service worker cannot `import()` (the
 * HTML spec forbids it there), so `dist/websession.worker.js` is the same API in one file without
 * chunks: what the page's bundle loads on first use is in it, still initialised on first use.
 *
 * @module
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import * as esbuild from "esbuild";
import { generateDtsBundle } from "dts-bundle-generator";

/** Where the bundle is written. */
export const bundlePath: string = new URL("../dist/websession.js", import.meta.url).pathname;

/** Where the bundle's declarations are written. */
export const declarationsPath: string =
  new URL("../dist/websession.d.ts", import.meta.url).pathname;

/** Where the service worker's bundle (one file, no chunks) is written. */
export const workerBundlePath: string =
  new URL("../dist/websession.worker.js", import.meta.url).pathname;

/** The folder of the bundle and its chunks. */
const distDir: string = new URL("../dist/", import.meta.url).pathname;

/**
 * The keys of a built-in plugin's `manifest.json` nothing in a page reads: the prose
 * (`description`), and what signing and `plugins.load` read of a plugin loaded from a path
 * (`entry`, `files`, `$schema`); `definePlugin` fills in their defaults. Nothing in a page reaches a
 * built-in plugin's manifest (`ses.plugins.list()` gives name, version, isolation and provides).
 */
const UNREAD_MANIFEST_KEYS = ["$schema", "description", "entry", "files"];

/**
 * Bundles the built-in plugins' manifests without {@linkcode UNREAD_MANIFEST_KEYS} (about 5 KB
 * minified of the up-front part).
 */
const leanManifests: esbuild.Plugin = {
  name: "lean-manifests",
  setup(build) {
    build.onLoad({ filter: /[\\/]plugins[\\/][\w-]+[\\/]manifest\.json$/ }, (args) => {
      const manifest = JSON.parse(readFileSync(args.path, "utf8"));
      for (const key of UNREAD_MANIFEST_KEYS) delete manifest[key];
      return { contents: JSON.stringify(manifest), loader: "json" };
    });
  },
};

/**
 * What both builds share: one ES module for browsers, minified, with a source map (each build
 * adds `leanManifests`).
 */
const BUILD_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
  absWorkingDir: new URL("../", import.meta.url).pathname,
} as const;

/**
 * Writes esbuild's output files so that a page loading the bundle meanwhile (another test's, or a
 * server's) never reads a missing or half-written file: each goes to a temporary name and is
 * renamed over the old one; chunks no build wrote are removed afterwards. Returns nothing.
 */
function writeOutputs(files: readonly esbuild.OutputFile[], keepChunks: boolean): void {
  const written = new Set<string>();
  for (const file of files) {
    mkdirSync(file.path.slice(0, file.path.lastIndexOf("/")), { recursive: true });
    const temporary = `${file.path}.${crypto.randomUUID()}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
    written.add(file.path);
  }
  if (keepChunks) return;
  const chunks = `${distDir}chunks/`;
  for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
    if (!written.has(`${chunks}${name}`) && !name.endsWith(".tmp")) rmSync(`${chunks}${name}`);
  }
}

/** An esbuild input path (relative to the repository, `absWorkingDir`), npm packages from `node_modules/`. */
function relativeInput(input: string): string {
  const modules = input.lastIndexOf("node_modules/");
  return modules >= 0 ? input.slice(modules) : input;
}

/** One output file of the bundle. */
export interface BundleFile {
  /** Its path under `dist/`, e.g. `websession.js` or `chunks/lexer-XXXX.js`. */
  path: string;
  /** Its size in bytes, minified. */
  bytes: number;
  /** Whether a page loads it with `websession.js` (statically imported), not on first use. */
  upFront: boolean;
  /** The source files bundled into it, relative to the repository (npm packages under `node_modules/`). */
  inputs: string[];
}

/**
 * Builds the bundle and its chunks into `dist/`; resolves to its JavaScript files, the entry
 * first.
 *
 * @example
 * ```ts
 * const files = await buildBundleFiles();
 * files.filter((f) => f.upFront).map((f) => f.path); // ["websession.js", ...]
 * ```
 */
export async function buildBundleFiles(): Promise<BundleFile[]> {
  const result = await esbuild.build({
    ...BUILD_OPTIONS,
    plugins: [leanManifests],
    entryPoints: { websession: new URL("../web/mod.ts", import.meta.url).pathname },
    outdir: distDir,
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    write: false,
  });
  await esbuild.stop();
  writeOutputs(result.outputFiles, false);
  const outputs = result.metafile!.outputs;
  const key = (path: string) => path.slice(path.indexOf("dist/") + "dist/".length);
  const upFront = new Set<string>();
  const visit = (path: string) => {
    if (upFront.has(path)) return;
    upFront.add(path);
    for (const i of outputs[path].imports) if (i.kind === "import-statement") visit(i.path);
  };
  const entry = Object.keys(outputs).find((path) => key(path) === "websession.js")!;
  visit(entry);
  return Object.entries(outputs)
    .filter(([path]) => path.endsWith(".js"))
    .map(([path, output]) => ({
      path: key(path),
      bytes: output.bytes,
      upFront: upFront.has(path),
      inputs: Object.keys(output.inputs).map(relativeInput),
    }))
    .sort((a, b) => Number(b.path === "websession.js") - Number(a.path === "websession.js"));
}

/**
 * Builds the bundle; resolves to its size in bytes (the entry and every chunk).
 *
 * @example
 * ```ts
 * const bytes = await buildBundle();
 * ```
 */
export async function buildBundle(): Promise<number> {
  const files = await buildBundleFiles();
  await buildWorkerBundle();
  return files.reduce((total, file) => total + file.bytes, 0);
}

/**
 * Builds `dist/websession.worker.js`, the bundle for service workers: one file, in which esbuild
 * turns each literal `import()` of the sources into the bundled module's initialisation (a service
 * worker may not `import()`); resolves to its size in bytes.
 *
 * @example
 * ```ts
 * const bytes = await buildWorkerBundle();
 * ```
 */
export async function buildWorkerBundle(): Promise<number> {
  const result = await esbuild.build({
    ...BUILD_OPTIONS,
    plugins: [leanManifests],
    entryPoints: [new URL("../web/mod.ts", import.meta.url).pathname],
    outfile: workerBundlePath,
    splitting: false,
    write: false,
  });
  await esbuild.stop();
  writeOutputs(result.outputFiles, true);
  const output = Object.entries(result.metafile!.outputs).find(([p]) => p.endsWith(".worker.js"));
  return output![1].bytes;
}

/**
 * The bytes a page is served at `pathname` (`/websession.js`, `/chunks/NAME.js`) from a built
 * bundle, or null for any other path.
 *
 * @example
 * ```ts
 * await buildBundle();
 * readBundleFile("/websession.js")?.length; // the entry's size
 * ```
 */
export function readBundleFile(pathname: string): Uint8Array<ArrayBuffer> | null {
  if (!/^\/(websession|websession\.worker|chunks\/[\w-]+)\.js$/.test(pathname)) return null;
  const path = `${distDir}${pathname.slice(1)}`;
  return existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
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
  // The service worker's bundle has the same exports.
  writeFileSync(
    declarationsPath.replace(/\.d\.ts$/, ".worker.d.ts"),
    '// websession.worker.js: the same API as websession.js.\nexport * from "./websession.js";\n',
  );
  return banner.length + text.length;
}

if (import.meta.main) {
  const { ensureInstalled } = await import("./_install.ts");
  await ensureInstalled();
  for (const file of await buildBundleFiles()) {
    const when = file.upFront ? "up front" : "on first use";
    console.log(`dist/${file.path}: ${(file.bytes / 1024).toFixed(1)} KiB (${when})`);
  }
  const workerBytes = await buildWorkerBundle();
  console.log(
    `dist/websession.worker.js: ${(workerBytes / 1024).toFixed(1)} KiB (service workers)`,
  );
  const declarationBytes = buildDeclarations();
  console.log(`dist/websession.d.ts: ${(declarationBytes / 1024).toFixed(1)} KiB`);
}
