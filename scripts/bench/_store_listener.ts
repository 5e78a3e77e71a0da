/**
 * The listening process of the store benchmark's propagation figure: `session URL` opens the
 * partition `persist:bench-propagation` on the Redis store and prints `<value> <time>` for each
 * cookie `changed`; `raw URL` subscribes a plain node-redis client to `bench-raw` and prints the
 * same for each message (the baseline). Prints `ready` once listening. Times are
 * `performance.timeOrigin + performance.now()`, comparable across processes of one machine.
 *
 * @module
 */
import { createClient } from "redis";
import { configure, session } from "../../mod.ts";
import { redisStoreFactory } from "../../adapters/store/redis.ts";

const [mode, url] = Deno.args;
const now = () => performance.timeOrigin + performance.now();
if (mode === "raw") {
  const client = createClient({ url });
  await client.connect();
  await client.subscribe("bench-raw", (message) => console.log(`${message} ${now()}`));
} else {
  configure({ store: redisStoreFactory(url) });
  const ses = session.fromPartition("persist:bench-propagation");
  await ses.ready;
  ses.cookies.on("changed", (_event, cookie, _cause, removed) => {
    if (!removed) console.log(`${cookie.value} ${now()}`);
  });
}
console.log("ready");
