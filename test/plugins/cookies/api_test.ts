import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import type { Session } from "../../../mod.ts";
import {
  type Cookie,
  Cookies,
  type CookiesMembers,
  cookiesPlugin,
} from "../../../plugins/cookies/mod.ts";

let n = 0;
const open: Session[] = [];
function fresh() {
  const ses = session.fromPartition(`cookies-api-${++n}`, {
    preset: false,
    plugins: [cookiesPlugin],
  });
  open.push(ses);
  return ses;
}
after(async () => {
  for (const ses of open) await session.closePartition(ses.partition);
});

describe("ses.cookies.set / get", () => {
  it("sets a host-only session cookie and reads it back in Electron's shape", async () => {
    const ses = fresh();
    await ses.ready;
    await ses.cookies.set({ url: "https://example.org/a/b", name: "sid", value: "1" });
    assert.deepEqual(await ses.cookies.get({}), [{
      name: "sid",
      value: "1",
      domain: "example.org",
      hostOnly: true,
      path: "/a",
      secure: false,
      httpOnly: false,
      session: true,
      sameSite: "lax",
    }]);
  });

  it("sets a domain cookie with expiry, secure, httpOnly and sameSite", async () => {
    const ses = fresh();
    await ses.ready;
    const expirationDate = Math.floor(Date.now() / 1000) + 3600;
    await ses.cookies.set({
      url: "https://www.example.org/",
      name: "pref",
      value: "dark",
      domain: "example.org",
      path: "/",
      secure: true,
      httpOnly: true,
      expirationDate,
      sameSite: "no_restriction",
    });
    const [c] = await ses.cookies.get({ name: "pref" });
    assert.equal(c.domain, ".example.org");
    assert.equal(c.hostOnly, false);
    assert.equal(c.session, false);
    assert.equal(c.expirationDate, expirationDate);
    assert.equal(c.sameSite, "no_restriction");
    assert.equal(c.secure, true);
    assert.equal(c.httpOnly, true);
  });

  it("caps expiry at 400 days", async () => {
    const ses = fresh();
    await ses.ready;
    const far = Date.now() / 1000 + 1000 * 86400;
    await ses.cookies.set({
      url: "https://example.org/",
      name: "a",
      value: "1",
      expirationDate: far,
    });
    const [c] = await ses.cookies.get({});
    const cap = Date.now() / 1000 + 400 * 86400;
    assert.ok(Math.abs(c.expirationDate! - cap) < 5, `${c.expirationDate} vs ${cap}`);
  });

  it("filters by url, name, domain, path, secure, session and httpOnly", async () => {
    const ses = fresh();
    await ses.ready;
    await ses.cookies.set({ url: "https://a.example.org/x/y", name: "p", value: "1", path: "/x" });
    await ses.cookies.set({ url: "https://a.example.org/", name: "s", value: "2", secure: true });
    await ses.cookies.set({
      url: "https://b.example.org/",
      name: "h",
      value: "3",
      httpOnly: true,
      expirationDate: Date.now() / 1000 + 60,
    });
    await ses.cookies.set({ url: "https://other.test/", name: "o", value: "4" });
    const names = async (filter: object) =>
      (await ses.cookies.get(filter)).map((c: Cookie) => c.name).sort();
    assert.deepEqual(await names({ url: "https://a.example.org/x/z" }), ["p", "s"]);
    assert.deepEqual(await names({ url: "http://a.example.org/" }), []);
    assert.deepEqual(await names({ domain: "example.org" }), ["h", "p", "s"]);
    assert.deepEqual(await names({ domain: "b.example.org" }), ["h"]);
    // Electron's MatchesDomain: a leading dot is optional, labels are whole, case as given
    assert.deepEqual(await names({ domain: ".example.org" }), ["h", "p", "s"]);
    assert.deepEqual(await names({ domain: "org" }), ["h", "p", "s"]);
    assert.deepEqual(await names({ domain: "ample.org" }), []);
    assert.deepEqual(await names({ domain: "x.b.example.org" }), []);
    assert.deepEqual(await names({ domain: "Example.org" }), []);
    assert.deepEqual(await names({ path: "/x" }), ["p"]);
    assert.deepEqual(await names({ secure: true }), ["s"]);
    assert.deepEqual(await names({ session: false }), ["h"]);
    assert.deepEqual(await names({ httpOnly: true }), ["h"]);
    assert.deepEqual(await names({ name: "o" }), ["o"]);
  });

  it("rejects bad input and refused cookies with a TypeError naming the rule", async () => {
    const ses = fresh();
    await ses.ready;
    const refused = async (details: object, pattern: RegExp) =>
      await assert.rejects(
        ses.cookies.set(details as never),
        (e: Error) => e instanceof TypeError && pattern.test(e.message),
      );
    await refused({ name: "a" }, /^Missing required option 'url'$/);
    await refused({ url: "not a url", name: "a" }, /invalid URL/);
    await refused({ url: "ftp://example.org/", name: "a" }, /ftp scheme cannot have cookies/);
    await refused(
      { url: "https://example.org/", name: "a", expirationDate: "soon" },
      /expirationDate/,
    );
    await refused(
      { url: "https://example.org/", name: "a", sameSite: "loose" },
      /^Failed to convert '.*' to an appropriate cookie same site value$/,
    );
    await refused({ url: "https://example.org/", name: "a;b" }, /name must not contain/);
    await refused({ url: "https://example.org/" }, /needs a name or a value/);
    await refused({ url: "https://example.org/", name: "a", path: "x" }, /path must start with/);
    await refused(
      { url: "http://example.org/", name: "a", secure: true },
      /Secure cookie set from an insecure URL/,
    );
    await refused({ url: "https://example.org/", name: "a", domain: "com" }, /public suffix/);
    await refused(
      { url: "https://example.org/", name: "a", domain: "other.org" },
      /does not match host/,
    );
    await refused(
      { url: "https://example.org/", name: "a", sameSite: "no_restriction", secure: false },
      /SameSite=None cookie without Secure/,
    );
    await refused({
      url: "https://example.org/",
      name: "__Host-a",
      secure: true,
      domain: "example.org",
      path: "/",
    }, /__Host- cookie with a Domain/);
    await refused(
      { url: "https://example.org/", name: "__Secure-a" },
      /__Secure- cookie without Secure/,
    );
    await refused(
      { url: "https://example.org/", name: "a", value: "x".repeat(4096) },
      /longer than 4096 bytes/,
    );
    assert.deepEqual(await ses.cookies.get({}), []);
  });

  it("removes cookies by url and name", async () => {
    const ses = fresh();
    await ses.ready;
    await ses.cookies.set({ url: "https://example.org/", name: "a", value: "1" });
    await ses.cookies.set({ url: "https://example.org/", name: "b", value: "2" });
    await ses.cookies.remove("https://example.org/", "a");
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["b"]);
    await assert.rejects(ses.cookies.remove("nope", "b"), TypeError);
  });
});

describe("ses.cookies changed events", () => {
  it("reports explicit, overwrite, expired-overwrite and removal with Electron's arguments", async () => {
    const ses = fresh();
    await ses.ready;
    const seen: Array<[string, string, string, boolean]> = [];
    ses.cookies.on("changed", (event, cookie: Cookie, cause: string, removed: boolean) => {
      assert.equal(typeof event.preventDefault, "function");
      seen.push([cookie.name, cookie.value, cause, removed]);
    });
    await ses.cookies.set({ url: "https://example.org/", name: "a", value: "1" });
    await ses.cookies.set({ url: "https://example.org/", name: "a", value: "2" });
    await ses.cookies.set({
      url: "https://example.org/",
      name: "a",
      value: "3",
      expirationDate: 1,
    });
    await ses.cookies.set({ url: "https://example.org/", name: "b", value: "1" });
    await ses.cookies.remove("https://example.org/", "b");
    assert.deepEqual(seen, [
      ["a", "1", "inserted", false],
      ["a", "1", "overwrite", true],
      ["a", "2", "inserted", false],
      ["a", "2", "expired-overwrite", true],
      ["b", "1", "inserted", false],
      ["b", "1", "explicit", true],
    ]);
  });

  it("tells an identical re-set and an attribute-only change from a value change (Electron 41)", async () => {
    const ses = fresh();
    await ses.ready;
    const seen: string[] = [];
    ses.cookies.on("changed", (_e, cookie: Cookie, cause: string, removed: boolean) => {
      seen.push(`${cookie.value}:${cause}:${removed}`);
    });
    const url = "https://example.org/";
    await ses.cookies.set({ url, name: "a", value: "1" });
    await ses.cookies.set({ url, name: "a", value: "1" });
    await ses.cookies.set({ url, name: "a", value: "1", httpOnly: true });
    await ses.cookies.set({ url, name: "a", value: "2", httpOnly: true });
    assert.deepEqual(seen, [
      "1:inserted:false",
      "1:overwrite:true",
      "1:inserted-no-change-overwrite:false",
      "1:overwrite:true",
      "1:inserted-no-value-change-overwrite:false",
      "1:overwrite:true",
      "2:inserted:false",
    ]);
    assert.equal((await ses.cookies.get({ name: "a" }))[0].httpOnly, true);
  });

  it("reports expired cookies when they are noticed", async () => {
    const ses = fresh();
    await ses.ready;
    const seen: string[] = [];
    ses.cookies.on("changed", (_e, cookie: Cookie, cause: string, removed: boolean) => {
      if (removed) seen.push(`${cookie.name}:${cause}`);
    });
    await ses.cookies.set({
      url: "https://example.org/",
      name: "short",
      value: "1",
      expirationDate: Date.now() / 1000 + 1,
    });
    await new Promise((r) => setTimeout(r, 2100));
    assert.deepEqual(await ses.cookies.get({ url: "https://example.org/" }), []);
    assert.deepEqual(seen, ["short:expired"]);
  });

  it("reports evictions beyond 180 cookies per site", async () => {
    const ses = fresh();
    await ses.ready;
    let evicted = 0;
    ses.cookies.on("changed", (_e, _c, cause: string) => {
      if (cause === "evicted") evicted++;
    });
    for (let i = 0; i < 181; i++) {
      await ses.cookies.set({ url: "https://example.org/", name: `c${i}`, value: "1" });
    }
    assert.equal(evicted, 31);
    assert.equal((await ses.cookies.get({})).length, 150);
  });
});

describe("ses.cookies export / import (Playwright storageState)", () => {
  it("exports persistent cookies, and session ones when asked, and imports them back", async () => {
    const a = fresh();
    await a.ready;
    const expires = Math.floor(Date.now() / 1000) + 3600;
    await a.cookies.set({
      url: "https://example.org/",
      name: "p",
      value: "1",
      expirationDate: expires,
    });
    await a.cookies.set({
      url: "https://www.example.org/",
      name: "s",
      value: "2",
      domain: "example.org",
      secure: true,
      httpOnly: true,
      sameSite: "strict",
    });
    assert.deepEqual((await a.cookies.export()).cookies.map((c) => c.name), ["p"]);
    const state = await a.cookies.export({ includeSessionCookies: true });
    assert.deepEqual(state, {
      cookies: [
        {
          name: "p",
          value: "1",
          domain: "example.org",
          path: "/",
          expires,
          httpOnly: false,
          secure: false,
          sameSite: "Lax",
        },
        {
          name: "s",
          value: "2",
          domain: ".example.org",
          path: "/",
          expires: -1,
          httpOnly: true,
          secure: true,
          sameSite: "Strict",
        },
      ],
      origins: [],
    });
    const b = fresh();
    await b.ready;
    await b.cookies.import(state);
    assert.deepEqual(await b.cookies.get({}), await a.cookies.get({}));
    const forWww = await b.cookies.get({ url: "https://www.example.org/" });
    assert.deepEqual(forWww.map((c) => c.name), ["s"]);
  });

  it("refuses a bad state naming the cookie and field, importing nothing", async () => {
    const ses = fresh();
    await ses.ready;
    await assert.rejects(
      ses.cookies.import({
        cookies: [
          {
            name: "ok",
            value: "1",
            domain: "a.test",
            path: "/",
            expires: -1,
            httpOnly: false,
            secure: false,
            sameSite: "Lax",
          },
          {
            name: "bad",
            value: "1",
            domain: "a.test",
            path: "x",
            expires: -1,
            httpOnly: false,
            secure: false,
            sameSite: "Lax",
          },
        ],
      }),
      /cookies\[1\] path must start with \//,
    );
    assert.deepEqual(await ses.cookies.get({}), []);
  });
});

describe("ses.clearStorageData", () => {
  it("removes every cookie, telling listeners", async () => {
    const ses = fresh();
    await ses.ready;
    await ses.cookies.set({ url: "https://example.org/", name: "a", value: "1" });
    await ses.cookies.set({ url: "https://example.net/", name: "b", value: "2" });
    const removed: string[] = [];
    ses.cookies.on("changed", (_e, c: Cookie, _cause: string, gone: boolean) => {
      if (gone) removed.push(c.name);
    });
    await ses.clearStorageData();
    assert.deepEqual(await ses.cookies.get({}), []);
    assert.deepEqual(removed.sort(), ["a", "b"]);
  });
});

describe("a session without the cookies plugin", () => {
  it("answers ses.cookies with an error naming the plugin and how to add it", () => {
    const ses = session.fromPartition("cookies-api-none", { preset: false, plugins: [] });
    assert.throws(
      () => (ses as Session & CookiesMembers).cookies,
      /without the cookies( or [a-z-]+)* plugin, which provides ses.cookies: add it with .*plugins: \[cookiesPlugin\]/,
    );
    assert.ok(fresh().cookies instanceof Cookies);
  });
});
