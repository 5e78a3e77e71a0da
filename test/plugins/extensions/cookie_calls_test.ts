/**
 * `chrome.cookies` calls as Chrome's docs and its cookies API answer them: `getAll({ domain })`
 * lists the cookies whose domain is the filter's or a subdomain of it, not those of a parent
 * domain that would merely be sent to that host (Electron's `ses.cookies.get` reading); a refused
 * `set`, a bad url and an unknown store id fail with Chrome's sentences; `get` and `remove` need a
 * name, as Chrome's schema says.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cookiesPlugin } from "../../../plugins/cookies/mod.ts";
import { cookiesCall, type SessionCookies } from "../../../plugins/extensions/cookie_calls.ts";
import { HostAccess } from "../../../plugins/extensions/mod.ts";
import { testSession } from "../../../testing/mod.ts";
import { askChrome, cleanUp, loadWritten } from "./_helpers.ts";

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
  await cleanUp();
});

/** A loaded extension with `cookies` and every host, driven through its background. */
async function cookiesExtension() {
  const { ses, id } = await loadWritten({
    manifest_version: 3,
    name: "Cookies",
    version: "1.0",
    permissions: ["cookies"],
    host_permissions: ["<all_urls>"],
    background: { service_worker: "worker.js" },
  });
  return {
    ses,
    ask: (call: string, ...args: unknown[]) => askChrome(ses, id, call, ...args),
    /** The call in callback form (RPC_WORKER's `{ callback }`). */
    askWithCallback: (call: string, ...args: unknown[]) =>
      ses.extensions.sendMessage(id, { callback: call, args }),
  };
}

describe("chrome.cookies.getAll({ domain })", () => {
  it("lists the cookies of that domain and its subdomains only", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    const url = "https://www.example.com/";
    await ses.cookies.set({ url, name: "parent", value: "1", domain: "example.com" });
    await ses.cookies.set({ url, name: "host", value: "2" });
    await ses.cookies.set({ url: "https://a.www.example.com/", name: "child", value: "3" });
    const access = new HostAccess(["https://*.example.com/*"]);
    const cookies = ses.cookies as unknown as SessionCookies; // as the extensions plugin reads it
    const names = async (domain: string) =>
      ((await cookiesCall(cookies, access, "getAll", [{ domain }])) as Array<{ name: string }>)
        .map((c) => c.name).sort();
    assert.deepEqual(await names("www.example.com"), ["child", "host"]);
    assert.deepEqual(await names(".www.example.com"), ["child", "host"]);
    assert.deepEqual(await names("example.com"), ["child", "host", "parent"]);
    assert.deepEqual(await names("a.www.example.com"), ["child"]);
    assert.deepEqual(await names("ww.example.com"), []);
  });
});

describe("chrome.cookies errors, worded as Chrome's", () => {
  it("names the cookie a set refused, a bad url and an unknown store id; stores nothing", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    const access = new HostAccess(["<all_urls>"]);
    const cookies = ses.cookies as unknown as SessionCookies;
    const call = (op: string, details: object) => cookiesCall(cookies, access, op, [details]);
    await assert.rejects(
      call("set", { url: "http://plain.example/", name: "s", value: "1", secure: true }),
      { message: 'Failed to parse or set cookie named "s".' },
    );
    await assert.rejects(
      call("set", { url: "https://plain.example/", name: "__Host-x", value: "1" }),
      { message: 'Failed to parse or set cookie named "__Host-x".' },
    );
    await assert.rejects(call("get", { url: "not a url", name: "s" }), {
      message: 'Invalid url: "not a url".',
    });
    await assert.rejects(call("getAll", { storeId: "1" }), {
      message: 'Invalid cookie store id: "1".',
    });
    await assert.rejects(
      call("set", { url: "https://plain.example/", name: "a", value: "1", storeId: "7" }),
      { message: 'Invalid cookie store id: "7".' },
    );
    assert.deepEqual(await ses.cookies.get({}), []);
  });
});

describe("chrome.cookies.set of a cookie that is gone at once", () => {
  it("answers with no cookie (undefined, as Chromium 156), not null", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    const cookies = ses.cookies as unknown as SessionCookies;
    const access = new HostAccess(["<all_urls>"]);
    const set = await cookiesCall(cookies, access, "set", [
      { url: "https://shop.example/", name: "c", value: "v", expirationDate: 1 },
    ]);
    assert.equal(set, undefined);
    assert.equal(
      await cookiesCall(cookies, access, "get", [{ url: "https://shop.example/", name: "c" }]),
      null,
    );
  });
});

describe("chrome.cookies.get and remove without a name", () => {
  it("throw at the call, as Chrome's bindings do (name is required), instead of answering any cookie", async () => {
    const { ses, ask, askWithCallback } = await cookiesExtension();
    const url = "https://plain.example/";
    await ses.cookies.set({ url, name: "a", value: "1" });
    for (const op of ["get", "remove"]) {
      assert.deepEqual(await ask(`cookies.${op}`, { url }), {
        thrown: `TypeError: Error in invocation of cookies.${op}(cookies.CookieDetails details, ` +
          "optional function callback): Error at parameter 'details': Missing required property " +
          "'name'.",
      });
    }
    // the words Chromium 156 throws
    assert.deepEqual(await ask("cookies.get", { url, name: 3 }), {
      thrown: "TypeError: Error in invocation of cookies.get(cookies.CookieDetails details, " +
        "optional function callback): Error at parameter 'details': Error at property 'name': " +
        "Invalid type: expected string, found integer.",
    });
    // with a callback too: the call throws, and the callback is never called
    assert.deepEqual(await askWithCallback("cookies.remove", { url }), {
      thrown: "TypeError: Error in invocation of cookies.remove(cookies.CookieDetails details, " +
        "optional function callback): Error at parameter 'details': Missing required property " +
        "'name'.",
    });
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["a"]);
  });

  it("are refused by the session too when a call bypasses the bindings", async () => {
    // the background's code can post a call itself; the session checks it with the same words
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    const cookies = ses.cookies as unknown as SessionCookies;
    const access = new HostAccess(["<all_urls>"]);
    await assert.rejects(cookiesCall(cookies, access, "remove", [{ url: "https://a.example/" }]), {
      name: "TypeError",
      message: "Error in invocation of cookies.remove(cookies.CookieDetails details, optional " +
        "function callback): Error at parameter 'details': Missing required property 'name'.",
    });
  });
});

describe("chrome.cookies.set over an HttpOnly cookie", () => {
  it("replaces it, as Chrome's cookies API sets with HttpOnly access", async () => {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    const url = "https://plain.example/";
    await ses.cookies.set({ url, name: "sid", value: "1", httpOnly: true });
    const cookies = ses.cookies as unknown as SessionCookies;
    const access = new HostAccess(["<all_urls>"]);
    await cookiesCall(cookies, access, "set", [{ url, name: "sid", value: "2" }]);
    assert.deepEqual((await ses.cookies.get({})).map((c) => [c.value, c.httpOnly]), [["2", false]]);
  });
});

describe("chrome.cookies and partitionKey, as Chrome's cookies API reads it", () => {
  const url = "https://shop.example/";
  const news = { topLevelSite: "https://news.example" };
  async function seeded() {
    const { ses, close } = testSession([cookiesPlugin]);
    closers.push(close);
    await ses.cookies.set({ url, name: "u", value: "1", secure: true });
    await ses.cookies.set({
      url,
      name: "p",
      value: "2",
      secure: true,
      partitionKey: news.topLevelSite,
    });
    await ses.cookies.set({
      url,
      name: "own",
      value: "3",
      secure: true,
      partitionKey: "https://shop.example",
    });
    const cookies = ses.cookies as unknown as SessionCookies;
    const access = new HostAccess(["<all_urls>"]);
    const call = (op: string, details: object) => cookiesCall(cookies, access, op, [details]);
    const names = async (details: object) =>
      ((await call("getAll", details)) as Array<{ name: string }>).map((c) => c.name).sort();
    return { ses, call, names };
  }

  it("getAll: unpartitioned by default, every cookie with {}, one partition with its site", async () => {
    const { call, names } = await seeded();
    assert.deepEqual(await names({}), ["u"]);
    assert.deepEqual(await names({ url }), ["u"]);
    assert.deepEqual(await names({ partitionKey: {} }), ["own", "p", "u"]);
    assert.deepEqual(await names({ partitionKey: { topLevelSite: "" } }), ["u"]);
    assert.deepEqual(await names({ url, partitionKey: news }), ["p"]);
    const own = { topLevelSite: "https://shop.example" };
    assert.deepEqual(await names({ partitionKey: { ...own, hasCrossSiteAncestor: false } }), [
      "own",
    ]);
    assert.deepEqual(await names({ partitionKey: { ...own, hasCrossSiteAncestor: true } }), []);
    const [p] = (await call("getAll", { partitionKey: news })) as Array<Record<string, unknown>>;
    assert.deepEqual(p.partitionKey, {
      topLevelSite: "https://news.example",
      hasCrossSiteAncestor: true,
    });
    assert.equal(p.storeId, "0");
  });

  it("get, set and remove act on the unpartitioned cookie unless a partitionKey names one", async () => {
    const { ses, call } = await seeded();
    assert.equal(await call("get", { url, name: "p" }), null);
    const p = (await call("get", { url, name: "p", partitionKey: news })) as { value: string };
    assert.equal(p.value, "2");
    const set = (await call("set", {
      url,
      name: "p",
      value: "4",
      secure: true,
      partitionKey: news,
    })) as { value: string; partitionKey: unknown };
    assert.equal(set.value, "4");
    assert.deepEqual(set.partitionKey, {
      topLevelSite: "https://news.example",
      hasCrossSiteAncestor: true,
    });
    await call("remove", { url, name: "p" }); // the unpartitioned "p": there is none
    assert.deepEqual((await ses.cookies.get({ name: "p" })).map((c) => c.value), ["4"]);
    assert.deepEqual(await call("remove", { url, name: "p", partitionKey: news }), {
      url,
      name: "p",
      storeId: "0",
      partitionKey: news,
    });
    assert.deepEqual(await ses.cookies.get({ name: "p" }), []);
  });

  it("refuses the keys Chrome refuses, in its words, and stores nothing", async () => {
    const { ses, call } = await seeded();
    const before = await ses.cookies.get({});
    await assert.rejects(call("getAll", { partitionKey: { hasCrossSiteAncestor: true } }), {
      message: "CookiePartitionKey.topLevelSite unexpectedly not present.",
    });
    await assert.rejects(
      call("get", { url, name: "u", partitionKey: { topLevelSite: "INVALID" } }),
      { message: "Invalid value for CookiePartitionKey.topLevelSite." },
    );
    await assert.rejects(
      call("set", {
        url,
        name: "x",
        value: "1",
        secure: true,
        partitionKey: { ...news, hasCrossSiteAncestor: false },
      }),
      {
        message: "partitionKey has a first party value for hasCrossSiteAncestor when the url " +
          "and the topLevelSite are not first party.",
      },
    );
    await assert.rejects(
      call("getAll", { partitionKey: { topLevelSite: "", hasCrossSiteAncestor: true } }),
      {
        message: "partitionKey with empty topLevelSite unexpectedly has a cross-site ancestor " +
          "value of true.",
      },
    );
    assert.deepEqual(await ses.cookies.get({}), before);
  });

  it("throws at the call for a key off the schema, and rejects the keys Chrome's API refuses", async () => {
    const { ses, ask } = await cookiesExtension();
    await ses.cookies.set({ url, name: "u", value: "1", secure: true });
    assert.deepEqual(await ask("cookies.getAll", { partitionKey: "https://news.example" }), {
      thrown: "TypeError: Error in invocation of cookies.getAll(object details, optional " +
        "function callback): Error at parameter 'details': Error at property 'partitionKey': " +
        "Invalid type: expected cookies.CookiePartitionKey, found string.",
    });
    assert.deepEqual(await ask("cookies.getAll", { partitionKey: { topLevelSite: 3 } }), {
      thrown: "TypeError: Error in invocation of cookies.getAll(object details, optional " +
        "function callback): Error at parameter 'details': Error at property 'partitionKey': " +
        "Error at property 'topLevelSite': Invalid type: expected string, found integer.",
    });
    assert.deepEqual(
      await ask("cookies.set", {
        url,
        name: "x",
        value: "1",
        partitionKey: { hasCrossSiteAncestor: "no" },
      }),
      {
        thrown: "TypeError: Error in invocation of cookies.set(object details, optional " +
          "function callback): Error at parameter 'details': Error at property 'partitionKey': " +
          "Error at property 'hasCrossSiteAncestor': Invalid type: expected boolean, found string.",
      },
    );
    // Chrome's cookies API (not its bindings) refuses these: the promise rejects
    assert.deepEqual(
      await ask("cookies.getAll", { partitionKey: { hasCrossSiteAncestor: true } }),
      {
        error: "CookiePartitionKey.topLevelSite unexpectedly not present.",
      },
    );
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["u"]);
  });
});
