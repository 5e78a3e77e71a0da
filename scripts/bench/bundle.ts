/**
 * `deno task bench bundle`: the browser bundle's size (`scripts/bundle.ts`: the kernel and the
 * browser's default plugins, minified, then gzip), what a page loads up front (`websession.js` and
 * the chunks it imports statically) against what it loads on first use (chunks behind a literal
 * `import()`). Goal (issue #24): at most 40 KB (40,000 bytes) min+gzip up front. A goal not met
 * ends the run with exit code 1.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { buildBundleFiles } from "../bundle.ts";
import { finish, report } from "./_report.ts";

const GOAL_BYTES = 40_000;
const dist = new URL("../../dist/", import.meta.url).pathname;

const files = await buildBundleFiles();
let upFront = 0;
let onUse = 0;
let minified = 0;
for (const file of files) {
  const gzipped = gzipSync(readFileSync(`${dist}${file.path}`), { level: 9 }).length;
  console.log(
    `  ${file.path}: ${file.bytes} B min, ${gzipped} B min+gzip, ${
      file.upFront ? "up front" : "on first use"
    }`,
  );
  if (file.upFront) {
    upFront += gzipped;
    minified += file.bytes;
  } else onUse += gzipped;
}
const met = upFront <= GOAL_BYTES;
report({
  bench: "bundle",
  figure: `loaded up front, min+gzip (${(minified / 1024).toFixed(1)} KiB minified)`,
  value: upFront / 1000,
  unit: "KB",
  baseline: { name: "goal", value: GOAL_BYTES / 1000 },
  goal: `<= ${GOAL_BYTES / 1000} KB`,
  met,
});
report({
  bench: "bundle",
  figure: "chunks loaded on first use, min+gzip",
  value: onUse / 1000,
  unit: "KB",
});
finish();
if (!met) {
  console.error(
    `bundle: GOAL NOT MET: ${upFront} bytes min+gzip up front, goal at most ${GOAL_BYTES}`,
  );
  Deno.exit(1);
}
