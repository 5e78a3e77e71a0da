/**
 * The startup benchmark's split of the session script's time, in a new process: how long the
 * `import()` of `mod.ts` takes and how long the first `fromPartition` then takes, printed as JSON
 * (`{"import": ms, "fromPartition": ms}`).
 *
 * @module
 */
const start = performance.now();
const { session } = await import("../../mod.ts");
const imported = performance.now();
session.fromPartition("x");
const made = performance.now();
console.log(JSON.stringify({ import: imported - start, fromPartition: made - imported }));
