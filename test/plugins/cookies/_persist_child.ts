/**
 * A separate process for the persistence tests: `write ROOT SERVER` stores cookies (through
 * Set-Cookie and the API) in persist:jar and flushes; `write-and-hang` does the same, then keeps
 * changing cookies without flushing until it is killed; `read ROOT [restore]` prints the cookies
 * a new process finds.
 *
 * @module
 */
import process from "node:process";
import { configure, session } from "../../../mod.ts";
import { createCookiesPlugin } from "../../../plugins/cookies/mod.ts";

const [mode, root, arg] = process.argv.slice(2);
configure({ storagePath: root });
const ses = session.fromPartition("persist:jar", {
  preset: false,
  plugins: [createCookiesPlugin({ restoreSessionCookies: mode === "read" && arg === "restore" })],
});
await ses.ready;

if (mode === "write" || mode === "write-and-hang") {
  const lines = ["persistent=1; Max-Age=3600", "session=2", "gone=3; Max-Age=3600"];
  const q = lines.map((l) => `set=${encodeURIComponent(l)}`).join("&");
  await (await ses.fetch(`${arg}/set?${q}`)).text();
  await ses.cookies.set({
    url: arg,
    name: "api",
    value: "4",
    expirationDate: Date.now() / 1000 + 3600,
  });
  await ses.cookies.remove(arg, "gone");
  await ses.cookies.flushStore();
  console.log("flushed");
  if (mode === "write-and-hang") {
    let i = 0;
    setInterval(() => {
      ses.cookies.set({ url: arg, name: `later${i++}`, value: "x", expirationDate: 2e9 });
    }, 1);
  } else {
    await session.closePartition("persist:jar");
  }
} else {
  const cookies = await ses.cookies.get({});
  console.log(JSON.stringify(cookies.map((c) => `${c.name}=${c.value}`).sort()));
  await session.closePartition("persist:jar");
}
