/**
 * A separate process for the persistence test: `fill ROOT URL` caches `/max-age` (a small body,
 * kept in the store's row) and `/big` (64 KiB, kept in a file) in persist:cache, flushes, prints
 * `flushed` and waits to be killed; `read ROOT URL` prints what `only-if-cached` finds.
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
  await ses.getCacheSize();
  await ses.flushStorageData();
  console.log("flushed");
  setInterval(() => {}, 1000);
} else {
  const small = await ses.fetch(`${url}/max-age`, { cache: "only-if-cached", mode: "same-origin" });
  const big = await ses.fetch(`${url}/big`, { cache: "only-if-cached", mode: "same-origin" });
  console.log(JSON.stringify({
    small: await small.text(),
    big: (await big.arrayBuffer()).byteLength,
    size: await ses.getCacheSize(),
  }));
  await ses.close();
}
