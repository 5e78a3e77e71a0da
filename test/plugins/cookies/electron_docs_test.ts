/**
 * What Electron's docs (api/cookies.md) and its `Cookies` over Chromium's cookie manager say of
 * `ses.cookies`: `get({ url: "" })` is every cookie; a URL whose scheme has no cookies finds and
 * removes nothing; `get({})` lists them as Chromium's `GetAllCookies` does (expired ones removed,
 * with `changed` events; longer paths, then older first); a `path`
 * given to `set()` is stored percent-encoded as URLs spell it (`CreateSanitizedCookie`, so
 * requests to it carry the cookie); the refusals of a path or domain use Electron's sentences.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CookieJar,
  Cookies,
  cookiesPlugin,
  loadPublicSuffixList,
} from "../../../plugins/cookies/mod.ts";
import { type OriginServer, originServer, testSession } from "../../../testing/mod.ts";

let server: OriginServer;
before(async () => {
  server = await originServer((request) => new Response(request.headers.get("cookie") ?? ""));
});
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
  await server.close();
});

/** A session with only the cookies plugin. */
function fresh() {
  const { ses, close } = testSession([cookiesPlugin]);
  closers.push(close);
  return ses;
}

describe("ses.cookies.get({ url: '' })", () => {
  it("retrieves the cookies of every URL, as Electron's docs say of an empty url", async () => {
    const ses = fresh();
    await ses.cookies.set({ url: "https://a.example/", name: "a", value: "1" });
    await ses.cookies.set({ url: "https://b.example/", name: "b", value: "2" });
    const names = (await ses.cookies.get({ url: "" })).map((c) => c.name).sort();
    assert.deepEqual(names, ["a", "b"]);
    assert.deepEqual((await ses.cookies.get({ url: "", name: "b" })).map((c) => c.value), ["2"]);
  });
});

describe("ses.cookies.get / remove with a URL whose scheme has no cookies", () => {
  it("finds and removes nothing, as Chromium's cookie manager answers, yet refuses a non-URL", async () => {
    const ses = fresh();
    await ses.cookies.set({ url: "https://a.example/", name: "a", value: "1" });
    for (const url of ["about:blank", "file:///tmp/page.html", "data:text/plain,hi"]) {
      assert.deepEqual(await ses.cookies.get({ url }), [], url);
      await ses.cookies.remove(url, "a");
    }
    assert.deepEqual((await ses.cookies.get({})).map((c) => c.name), ["a"]);
    await assert.rejects(ses.cookies.get({ url: "not a url" }), /^TypeError: .*invalid URL/);
    await assert.rejects(ses.cookies.remove("not a url", "a"), /^TypeError: .*invalid URL/);
  });
});

describe("ses.cookies.get({}) order", () => {
  it("lists every cookie as Chromium's GetAllCookies sorts them: longer paths, then older first", async () => {
    const ses = fresh();
    await ses.cookies.set({ url: "https://a.example/", name: "a-root", value: "1" });
    await ses.cookies.set({ url: "https://b.example/", name: "b-root", value: "1" });
    await ses.cookies.set({ url: "https://a.example/", name: "a-deep", value: "1", path: "/x/y" });
    await ses.cookies.set({ url: "https://b.example/", name: "b-mid", value: "1", path: "/x" });
    await ses.cookies.set({ url: "https://a.example/", name: "a-mid", value: "1", path: "/z" });
    const names = (await ses.cookies.get({})).map((c) => c.name);
    assert.deepEqual(names, ["a-deep", "b-mid", "a-mid", "a-root", "b-root"]);
  });
});

describe("ses.cookies.get({}) and expired cookies", () => {
  it("removes the expired ones it meets, telling 'changed' listeners, as GetAllCookies does", async () => {
    await loadPublicSuffixList();
    let now = Date.now();
    const jar = new CookieJar({ now: () => now });
    const cookies = new Cookies(jar, null);
    const expirationDate = Math.floor(now / 1000) + 10;
    await cookies.set({ url: "https://a.example/", name: "short", value: "1", expirationDate });
    await cookies.set({ url: "https://a.example/", name: "kept", value: "2" });
    const seen: string[] = [];
    cookies.on("changed", (_event, cookie, cause, removed) => {
      seen.push(`${cookie.name}:${cause}:${removed}`);
    });
    now += 20_000;
    assert.deepEqual((await cookies.get({})).map((c) => c.name), ["kept"]);
    assert.deepEqual(seen, ["short:expired:true"]);
    assert.equal(jar.size, 1);
  });
});

describe("ses.cookies.set over an HttpOnly cookie", () => {
  it("refuses a cookie that is not HttpOnly itself, as Electron's set() (HttpOnly access only with httpOnly)", async () => {
    const ses = fresh();
    const url = "https://a.example/";
    await ses.cookies.set({ url, name: "sid", value: "1", httpOnly: true });
    await assert.rejects(
      ses.cookies.set({ url, name: "sid", value: "2" }),
      (e: Error) =>
        e instanceof TypeError &&
        e.message.startsWith(
          "Failed to set cookie - The cookie would have overwritten an HttpOnly cookie, " +
            "and was not allowed to do so.",
        ),
    );
    assert.deepEqual((await ses.cookies.get({})).map((c) => [c.value, c.httpOnly]), [["1", true]]);
    await ses.cookies.set({ url, name: "sid", value: "3", httpOnly: true });
    assert.deepEqual((await ses.cookies.get({})).map((c) => [c.value, c.httpOnly]), [["3", true]]);
  });
});

describe("ses.cookies.set({ path })", () => {
  it("stores the path percent-encoded, so a request to that path carries the cookie", async () => {
    const ses = fresh();
    const origin = `http://127.0.0.1:${server.port}`;
    await ses.cookies.set({ url: origin, name: "spaced", value: "1", path: "/my docs" });
    await ses.cookies.set({ url: origin, name: "accent", value: "2", path: "/café" });
    const paths = (await ses.cookies.get({})).map((c) => c.path).sort();
    assert.deepEqual(paths, ["/caf%C3%A9", "/my%20docs"]);
    const sent = async (path: string) => await (await ses.fetch(`${origin}${path}`)).text();
    assert.equal(await sent("/my docs/readme"), "spaced=1");
    assert.equal(await sent("/café"), "accent=2");
    assert.equal(await sent("/other"), "");
  });

  it("refuses a path or domain with Electron's sentence for the reason, storing nothing", async () => {
    const ses = fresh();
    const url = "https://example.org/";
    const cases: [object, string][] = [
      [{ path: "relative" }, "The cookie was malformed and could not be stored"],
      [{ path: `/${"a".repeat(1024)}` }, "Cookie exceeded the attribute size limit."],
      // 342 characters that each encode to three: too long once percent-encoded
      [{ path: `/${" ".repeat(342)}x` }, "Cookie exceeded the attribute size limit."],
      [{ path: "/a;b" }, "The cookie contains ASCII control characters"],
      [{ domain: `${"a".repeat(1024)}.example.org` }, "Cookie exceeded the attribute size limit."],
    ];
    for (const [extra, sentence] of cases) {
      await assert.rejects(
        ses.cookies.set({ url, name: "a", value: "1", ...extra }),
        (e: Error) =>
          e instanceof TypeError && e.message.startsWith(`Failed to set cookie - ${sentence}`),
        sentence,
      );
    }
    assert.deepEqual(await ses.cookies.get({}), []);
  });
});
