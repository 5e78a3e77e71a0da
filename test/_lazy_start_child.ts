/**
 * A fresh process for `lazy_start_test.ts`: imports `mod.ts`, makes a session, uses members of
 * lazily loading plugins synchronously right after `fromPartition` (issue #12), then sends one
 * request to the URL given (which sets a cookie), and prints what it saw as JSON.
 *
 * @module
 */
import { session } from "../mod.ts";
import { publicSuffixListLoaded } from "../plugins/cookies/public_suffix.ts";
import { MatchPattern } from "../plugins/web-request/match_pattern.ts";

const url = (globalThis as { Deno?: { args: string[] } }).Deno?.args[0] ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv[2];
const ses = session.fromPartition("lazy-start");
const loadedAtStart = publicSuffixListLoaded();
// A sync helper that needs the list says so until it is loaded.
const etld = () => {
  try {
    return new MatchPattern("*://*.co.uk/*").matchesEffectiveTld();
  } catch (error) {
    return (error as Error).message;
  }
};
const etldAtStart = etld();
const changed: string[] = [];
const seen: string[] = [];
// Members of plugins whose parts load on first use, used synchronously at once.
ses.cookies.on("changed", (_event, cookie) => changed.push(`${cookie.name}@${cookie.domain}`));
ses.webRequest.onBeforeRequest((details, callback) => {
  seen.push(details.url);
  callback({});
});
ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
const response = await ses.fetch(url);
await response.text();
console.log(JSON.stringify({
  loadedAtStart,
  loadedAfterRequest: publicSuffixListLoaded(),
  etldAtStart,
  etldAfterRequest: etld(),
  changed,
  seen,
  proxy: await ses.resolveProxy(url),
  cookies: (await ses.cookies.get({})).map((c) => `${c.name}=${c.value}`),
}));
