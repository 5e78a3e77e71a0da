/**
 * A separate process for the persistence test: `fill ROOT URL` caches `/max-age` (a small body,
 * kept in the store's row) and `/big` (64 KiB, kept in a file) in persist:cache, flushes, prints
 * `flushed` and waits to be killed; `read ROOT URL` prints what `only-if-cached` finds. `/expired`
 * (stale on arrival, no validator) is kept in memory only: `fill` prints the text `force-cache`
 * gets for it before flushing, `read` whether `only-if-cached` finds it after the restart.
 *
 * @module
 */
import process from "node:process";
import { configure, session } from "../../../mod.ts";

const [mode, root, url] = process.argv.slice(2);
configure({ storagePath: root });
const ses = session.fromPartition("persist:cache");
await ses.ready;

if (mode === "fill") {
  await (await ses.fetch(`${url}/max-age`)).text();
  await (await ses.fetch(`${url}/big`)).arrayBuffer();
  await (await ses.fetch(`${url}/expired`)).text();
  await ses.getCacheSize();
  const forced = await (await ses.fetch(`${url}/expired`, { cache: "force-cache" })).text();
  console.log(`force-cache: ${forced}`);
  await ses.flushStorageData();
  console.log("flushed");
  setInterval(() => {}, 1000);
} else {
  const small = await ses.fetch(`${url}/max-age`, { cache: "only-if-cached", mode: "same-origin" });
  const big = await ses.fetch(`${url}/big`, { cache: "only-if-cached", mode: "same-origin" });
  const expired = await ses.fetch(`${url}/expired`, {
    cache: "only-if-cached",
    mode: "same-origin",
  }).then(() => "found", (error) => error.code);
  console.log(JSON.stringify({
    small: await small.text(),
    big: (await big.arrayBuffer()).byteLength,
    expired,
    size: await ses.getCacheSize(),
  }));
  await ses.close();
}
