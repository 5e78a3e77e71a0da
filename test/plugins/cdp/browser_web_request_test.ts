// Electron's webRequest on a Chromium-backed session's page traffic, as an Electron user reads its
// docs: a subresource's details name its referrer, a statusLine given with responseHeaders is the
// status the page sees, a redirect response is told by onBeforeRedirect, not onResponseStarted,
// a cross-origin request that cannot connect ends with Chromium's net::ERR_* code, and uploadData
// holds a page's POST body byte for byte, a response from Chromium's HTTP cache is fromCache, and
// a listener's redirectURL for a cross-origin fetch passes its CORS check as in Chromium, and a
// Set-Cookie an onHeadersReceived listener adds is stored, and the response's own Set-Cookie lines
// are in responseHeaders (Chromium's Fetch domain leaves them out of a paused response); one a
// listener removes is not stored.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { needs } from "../../_system.ts";
import { eventually, freshSessions } from "./_browser_site.ts";

needs("chromium");

let browser: CdpBrowser;
let server: TestServer;
const { partitions, fresh } = freshSessions("chromium-web-request", () => browser);

describe("webRequest details and answers on a Chromium-backed session's page traffic", () => {
  before(async () => {
    server = await serve((request) => {
      const path = new URL(request.url).pathname;
      if (path === "/") {
        return new Response("<!doctype html><title>home</title>", {
          headers: { "content-type": "text/html" },
        });
      }
      if (path === "/cached.js") {
        return new Response("window.cached = true", {
          headers: { "content-type": "text/javascript", "cache-control": "max-age=600" },
        });
      }
      if (path.startsWith("/cors-")) {
        return new Response(`body of ${path}`, {
          headers: { "access-control-allow-origin": "*" },
        });
      }
      if (path === "/moved") return new Response(null, { status: 302, headers: { location: "/" } });
      if (path === "/sets-cookies") {
        const headers = new Headers();
        headers.append("set-cookie", "one=1; Path=/");
        headers.append("set-cookie", "two=2; Path=/; HttpOnly");
        return new Response("set", { headers });
      }
      return new Response(`body of ${path}`);
    });
    browser = await launch({ pipe: true });
  });
  after(async () => {
    for (const partition of partitions) await session.closePartition(partition);
    await browser?.close();
    await server?.close();
  });

  it("a subresource's details.referrer is the page it came from", async () => {
    const ses = await fresh();
    const referrers: Record<string, string> = {};
    ses.webRequest.onBeforeRequest({ urls: [`${server.url}/*`] }, (details, callback) => {
      referrers[new URL(details.url).pathname] = details.referrer;
      callback({});
    });
    const page = await ses.pages.open(`${server.url}/`);
    assert.equal(await page.evaluate("fetch('/data').then((r) => r.text())"), "body of /data");
    assert.equal(referrers["/"], "", "a navigation typed in has no referrer");
    assert.equal(referrers["/data"], `${server.url}/`);
    await page.close();
  });

  it("a statusLine answered with responseHeaders is the status the page and the later events see", async () => {
    const ses = await fresh();
    const told: string[] = [];
    ses.webRequest.onHeadersReceived({ urls: [`${server.url}/gone`] }, (details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, "X-Rewritten": ["yes"] },
        statusLine: "HTTP/1.1 404 Gone Fishing",
      });
    });
    ses.webRequest.onResponseStarted({ urls: [`${server.url}/gone`] }, (details) => {
      told.push(`started ${details.statusCode} ${details.statusLine}`);
    });
    ses.webRequest.onCompleted({ urls: [`${server.url}/gone`] }, (details) => {
      told.push(`completed ${details.statusCode}`);
    });
    const page = await ses.pages.open(`${server.url}/`);
    const seen = await page.evaluate<string>(
      "fetch('/gone').then((r) => `${r.status} ${r.statusText} ${r.headers.get('x-rewritten')}`)",
    );
    assert.equal(seen, "404 Gone Fishing yes");
    await eventually(() => told.length === 2, "onCompleted");
    assert.deepEqual(told, ["started 404 HTTP/1.1 404 Gone Fishing", "completed 404"]);
    await page.close();
  });

  it("a redirect response is told by onBeforeRedirect, and onResponseStarted only for the final one", async () => {
    const ses = await fresh();
    const events: string[] = [];
    const filter = { urls: [`${server.url}/moved`, `${server.url}/`] };
    const path = (url: string) => new URL(url).pathname;
    ses.webRequest.onHeadersReceived(filter, (details, callback) => {
      events.push(`headersReceived ${path(details.url)} ${details.statusCode}`);
      callback({});
    });
    ses.webRequest.onResponseStarted(filter, (details) => {
      events.push(`responseStarted ${path(details.url)} ${details.statusCode}`);
    });
    ses.webRequest.onBeforeRedirect(filter, (details) => {
      events.push(
        `beforeRedirect ${path(details.url)} ${details.statusCode} ${details.redirectURL}`,
      );
    });
    ses.webRequest.onCompleted(filter, (details) => {
      events.push(`completed ${path(details.url)} ${details.statusCode}`);
    });
    const page = await ses.pages.open("about:blank");
    await page.goto(`${server.url}/moved`);
    await eventually(() => events.some((e) => e.startsWith("completed")), "onCompleted");
    assert.deepEqual(events, [
      "headersReceived /moved 302",
      `beforeRedirect /moved 302 ${server.url}/`,
      "headersReceived / 200",
      "responseStarted / 200",
      "completed / 200",
    ]);
    await page.close();
  });

  it("a page's cross-origin fetch to a port nobody listens on errs with net::ERR_CONNECTION_REFUSED", async () => {
    const closed = await serve(() => new Response("gone"));
    const dead = `http://127.0.0.1:${closed.port}/x`;
    await closed.close();
    const ses = await fresh();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred({ urls: [dead] }, (details) => {
      errors.push(`${details.resourceType} ${details.error}`);
    });
    const page = await ses.pages.open(`${server.url}/`);
    const seen = await page.evaluate(`fetch(${JSON.stringify(dead)}).then(() => "ok", String)`);
    assert.equal(seen, "TypeError: Failed to fetch");
    await eventually(() => errors.length === 1, "onErrorOccurred");
    assert.deepEqual(errors, ["xhr net::ERR_CONNECTION_REFUSED"]);
    await page.close();
  });

  it("uploadData of a page's POST holds its body byte for byte, binary too", async () => {
    const ses = await fresh();
    const uploads: Record<string, number[]> = {};
    ses.webRequest.onBeforeRequest({ urls: [`${server.url}/*`] }, (details, callback) => {
      const bytes = details.uploadData?.[0]?.bytes;
      if (bytes) uploads[new URL(details.url).pathname] = [...bytes];
      callback({});
    });
    const page = await ses.pages.open(`${server.url}/`);
    await page.evaluate(
      "fetch('/binary', { method: 'POST', body: new Uint8Array([255, 0, 128, 65]) }).then((r) => r.text())",
    );
    await page.evaluate("fetch('/text', { method: 'POST', body: 'é' }).then((r) => r.text())");
    assert.deepEqual(uploads["/binary"], [255, 0, 128, 65]);
    assert.deepEqual(uploads["/text"], [0xc3, 0xa9]);
    await page.close();
  });

  it("a response answered by Chromium's HTTP cache is told with fromCache true", async () => {
    const ses = await fresh();
    const told: string[] = [];
    ses.webRequest.onCompleted({ urls: [`${server.url}/cached.js`] }, (details) => {
      told.push(`${details.statusCode} ${details.fromCache}`);
    });
    const page = await ses.pages.open(`${server.url}/`);
    // fetch() is not answered from the renderer's memory cache (which no webRequest sees)
    const load = "fetch('/cached.js').then((r) => r.text())";
    assert.equal(await page.evaluate(load), "window.cached = true");
    await eventually(() => told.length === 1, "the first fetch's onCompleted");
    assert.equal(await page.evaluate(load), "window.cached = true");
    await eventually(() => told.length === 2, "the second fetch's onCompleted");
    assert.deepEqual(told, ["200 false", "200 true"]);
    await page.close();
  });

  it("a listener's redirectURL for a page's cross-origin fetch gets the fetch the redirect's target", async () => {
    const ses = await fresh();
    const other = `http://localhost:${server.port}`;
    ses.webRequest.onBeforeRequest({ urls: [`${other}/*`] }, (details, callback) => {
      const url = new URL(details.url);
      if (url.pathname !== "/cors-from") return callback({});
      callback({ redirectURL: `${other}/cors-to` });
    });
    const page = await ses.pages.open(`${server.url}/`);
    const seen = await page.evaluate(`fetch("${other}/cors-from").then((r) => r.text(), String)`);
    assert.equal(seen, "body of /cors-to");
    await page.close();
  });

  it("a response's Set-Cookie lines are in responseHeaders, as in Electron", async () => {
    const ses = await fresh();
    const told: string[] = [];
    const setCookie = (headers: Record<string, string[]> | undefined) =>
      Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() === "set-cookie")
        .flatMap(([, lines]) => lines).join(" | ");
    const filter = { urls: [`${server.url}/sets-cookies`] };
    ses.webRequest.onHeadersReceived(filter, (details, callback) => {
      told.push(`headersReceived ${setCookie(details.responseHeaders)}`);
      callback({});
    });
    ses.webRequest.onCompleted(filter, (details) => {
      told.push(`completed ${setCookie(details.responseHeaders)}`);
    });
    const page = await ses.pages.open(`${server.url}/`);
    // Chromium tells the lines in responseReceivedExtraInfo, which on a loaded machine now and
    // then comes after the pause (README): a listener then sees none. Tried up to five times.
    for (let attempt = 1;; attempt++) {
      told.length = 0;
      assert.equal(await page.evaluate("fetch('/sets-cookies').then((r) => r.text())"), "set");
      await eventually(() => told.length === 2, "onCompleted");
      if (told[0] !== "headersReceived " || attempt === 5) break;
    }
    assert.deepEqual(told, [
      "headersReceived one=1; Path=/ | two=2; Path=/; HttpOnly",
      "completed one=1; Path=/ | two=2; Path=/; HttpOnly",
    ]);
    await page.close();
  });

  it("a Set-Cookie an onHeadersReceived listener removes is not stored, as in Electron", async () => {
    const ses = await fresh();
    let sawOne = false;
    ses.webRequest.onHeadersReceived(
      { urls: [`${server.url}/sets-cookies`] },
      (details, callback) => {
        const responseHeaders: Record<string, string[]> = {};
        const given: Record<string, string[]> = details.responseHeaders ?? {};
        for (const [name, lines] of Object.entries(given)) {
          const isCookie = name.toLowerCase() === "set-cookie";
          if (isCookie) sawOne ||= lines.some((line) => line.startsWith("one="));
          const kept = isCookie ? lines.filter((line) => !line.startsWith("one=")) : lines;
          if (kept.length > 0) responseHeaders[name] = kept;
        }
        callback({ responseHeaders });
      },
    );
    const page = await ses.pages.open(`${server.url}/`);
    // A line the listener was not shown (Chromium's late responseReceivedExtraInfo, README) is
    // not its to remove: tried until it is shown, at most five times.
    for (let attempt = 1; !sawOne && attempt <= 5; attempt++) {
      await ses.clearStorageData({ storages: ["cookies"] });
      assert.equal(await page.evaluate("fetch('/sets-cookies').then((r) => r.text())"), "set");
    }
    assert.ok(sawOne, "the listener was shown the Set-Cookie line in five tries");
    const names = (await ses.cookies.get({ url: `${server.url}/` })).map((c) => c.name);
    assert.deepEqual(names, ["two"]);
    await page.close();
  });

  it("a Set-Cookie an onHeadersReceived listener adds is stored in the context's jar", async () => {
    const ses = await fresh();
    ses.webRequest.onHeadersReceived({ urls: [`${server.url}/data`] }, (details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          "Set-Cookie": ["added=by-listener; Path=/; SameSite=Lax"],
        },
      });
    });
    const page = await ses.pages.open(`${server.url}/`);
    assert.equal(await page.evaluate("fetch('/data').then((r) => r.text())"), "body of /data");
    assert.equal(await page.evaluate("document.cookie"), "added=by-listener");
    const [cookie] = await ses.cookies.get({ name: "added" });
    assert.equal(cookie?.sameSite, "lax");
    await page.close();
  });
});
