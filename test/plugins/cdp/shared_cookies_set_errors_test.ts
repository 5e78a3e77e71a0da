// One body, two sessions: `ses.cookies.set` refuses the same bad details with the same error
// (class and message, Electron's words: "Failed to set cookie - " and Chromium's sentence) on a
// library session and on a Chromium-backed session, and a refusal loses nothing already stored;
// `get` and `remove` refuse bad arguments alike too.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";
import { chromiumRig } from "./_browser_site.ts";

needs("chromium");

/** What both sessions' cookies offer. */
interface SettableCookies {
  set(details: unknown): Promise<void>;
  get(filter: unknown): Promise<{ name: string; value: string; httpOnly: boolean }[]>;
  remove(url: unknown, name: unknown): Promise<void>;
}

/** Bad calls of `get` and `remove`, by what is wrong with them. */
function badLookups(cookies: SettableCookies): [string, () => Promise<unknown>][] {
  return [
    ["get: filter not an object", () => cookies.get("kept")],
    ["get: url not a URL", () => cookies.get({ url: "not a url" })],
    ["get: url not a string", () => cookies.get({ url: 7 })],
    ["get: name not a string", () => cookies.get({ name: 7 })],
    ["get: secure not a boolean", () => cookies.get({ secure: "yes" })],
    ["remove: url not a URL", () => cookies.remove("not a url", "kept")],
    ["remove: name not a string", () => cookies.remove("http://127.0.0.1/", 7)],
  ];
}

/** Each bad call, by what is wrong with it. */
function badCalls(base: string): [string, unknown][] {
  const long = "v".repeat(4100);
  return [
    ["details not an object", null],
    ["no url", { name: "a", value: "1" }],
    ["url not a URL", { url: "not a url", name: "a", value: "1" }],
    ["scheme without cookies", { url: "data:text/plain,x", name: "a", value: "1" }],
    ["unknown sameSite", { url: base, name: "a", value: "1", sameSite: "sometimes" }],
    ["neither name nor value", { url: base }],
    ["';' in the name", { url: base, name: "a;b", value: "1" }],
    ["control character in the value", { url: base, name: "a", value: "1\u0001" }],
    ["name and value over 4096 bytes", { url: base, name: "a", value: long }],
    ["name not a string", { url: base, name: 7, value: "1" }],
    ["expirationDate not a number", { url: base, name: "a", value: "1", expirationDate: "soon" }],
    ["domain the URL is not in", { url: base, name: "a", value: "1", domain: "example.com" }],
    ["path without a leading /", { url: base, name: "a", value: "1", path: "shop" }],
    ["secure from an insecure URL", {
      url: base.replace("127.0.0.1", "localhost.test"),
      name: "a",
      value: "1",
      secure: true,
    }],
    ["__Host- with a domain", { url: base, name: "__Host-a", value: "1", domain: "127.0.0.1" }],
    ["overwriting an HttpOnly cookie", { url: base, name: "kept", value: "2" }],
  ];
}

/** The errors of the bad calls, and the jar after them. */
async function refusals(ses: { cookies: SettableCookies }, base: string) {
  await ses.cookies.set({ url: base, name: "kept", value: "1", httpOnly: true });
  const errors: Record<string, string> = {};
  const calls = [
    ...badCalls(base).map(([what, details]) => [what, () => ses.cookies.set(details)] as const),
    ...badLookups(ses.cookies),
  ];
  for (const [what, call] of calls) {
    await assert.rejects(call(), (error: Error) => {
      errors[what] = `${error.constructor.name}: ${error.message}`;
      return true;
    }, what);
  }
  const jar = (await ses.cookies.get({})).map((c) => `${c.name}=${c.value} ${c.httpOnly}`);
  return { errors, jar };
}

describe("cookies.set's (and get's and remove's) refusals on both kinds of session", () => {
  const rig = chromiumRig();

  it("a Chromium-backed session refuses as a library session does, in Electron's words", async () => {
    const library = `shared-set-errors-library-${Math.random().toString(36).slice(2)}`;
    const chromium = `shared-set-errors-chromium-${Math.random().toString(36).slice(2)}`;
    rig.partitions.push(library, chromium);
    const base = `${rig.site.url}/shop/`;
    const expected = await refusals(
      session.fromPartition(library) as unknown as { cookies: SettableCookies },
      base,
    );
    assert.deepEqual(expected.jar, ["kept=1 true"]);
    for (const message of Object.values(expected.errors)) assert.match(message, /^TypeError: /);
    const got = await refusals(
      await browserSession(rig.browser, chromium) as unknown as { cookies: SettableCookies },
      base,
    );
    assert.deepEqual(got.errors, expected.errors);
    assert.deepEqual(got.jar, ["kept=1 true"], "nothing stored was lost");
  });
});
