/**
 * Chrome's `extraHeaders`: without it, listeners of `ses.webRequest.events` neither see nor change
 * `Accept-Encoding`, `Accept-Language`, `Cookie`, `Origin`, `Referer` and `Set-Cookie`; with it they
 * do. Electron's surface shows every header.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { serve, type TestServer } from "../../_serve.ts";
import { until, webRequestSessions } from "./_helpers.ts";

type Header = { name: string; value?: string };

let server: TestServer;
const sessions = webRequestSessions("web-request-extra-headers");

before(async () => {
  server = await serve((request) => {
    const headers = new Headers({ "x-server": "1" });
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    return new Response(JSON.stringify(Object.fromEntries(request.headers)), { headers });
  });
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

const SENT = {
  "accept-language": "fr",
  "accept-encoding": "identity",
  cookie: "c=3",
  origin: "http://origin.test",
  referer: "http://referrer.test/",
  "x-mine": "1",
};
const HIDDEN = ["accept-encoding", "accept-language", "cookie", "origin", "referer"];

function lowerNames(headers: Header[]): string[] {
  return headers.map((h) => h.name.toLowerCase());
}

describe("chrome.webRequest extraHeaders", () => {
  it("without it, the hidden request headers are out of view and an answer cannot drop or change them", async () => {
    const ses = await sessions.fresh();
    const seen: Record<string, string[]> = {};
    ses.webRequest.events.onBeforeSendHeaders.addListener(
      (details: { requestHeaders: Header[] }) => {
        seen.before = lowerNames(details.requestHeaders);
        // an answer of only x-mine changed, and an attempt to set a hidden one
        return {
          requestHeaders: [
            { name: "x-mine", value: "2" },
            { name: "cookie", value: "evil=1" },
          ],
        };
      },
      { urls: ["<all_urls>"] },
      ["blocking", "requestHeaders"],
    );
    ses.webRequest.events.onSendHeaders.addListener(
      (details: { requestHeaders: Header[] }) => {
        seen.send = lowerNames(details.requestHeaders);
      },
      { urls: ["<all_urls>"] },
      ["requestHeaders"],
    );
    const echoed = await (await ses.fetch(server.url, { headers: SENT })).json();
    for (const name of HIDDEN) {
      assert.equal(seen.before.includes(name), false, `${name} hidden from onBeforeSendHeaders`);
      assert.equal(seen.send.includes(name), false, `${name} hidden from onSendHeaders`);
    }
    assert.ok(seen.before.includes("x-mine"));
    assert.equal(echoed["x-mine"], "2");
    assert.equal(echoed.cookie, "c=3");
    assert.equal(echoed["accept-language"], "fr");
    assert.equal(echoed.origin, "http://origin.test");
  });

  it("with it, the request headers are shown and an answer changes and removes them", async () => {
    const ses = await sessions.fresh();
    let seen: string[] = [];
    ses.webRequest.events.onBeforeSendHeaders.addListener(
      (details: { requestHeaders: Header[] }) => {
        seen = lowerNames(details.requestHeaders);
        const kept = details.requestHeaders.filter((h) => h.name.toLowerCase() !== "referer");
        return {
          requestHeaders: kept.map((h) =>
            h.name.toLowerCase() === "cookie" ? { name: h.name, value: "d=4" } : h
          ),
        };
      },
      { urls: ["<all_urls>"] },
      ["blocking", "requestHeaders", "extraHeaders"],
    );
    const echoed = await (await ses.fetch(server.url, { headers: SENT })).json();
    for (const name of HIDDEN) assert.ok(seen.includes(name), `${name} shown with extraHeaders`);
    assert.equal(echoed.cookie, "d=4");
    assert.equal(echoed.referer, undefined);
  });

  it("Set-Cookie: hidden and kept without it, shown and changeable with it", async () => {
    const ses = await sessions.fresh();
    const without: string[][] = [];
    const withExtra: string[][] = [];
    for (const event of ["onHeadersReceived", "onResponseStarted", "onCompleted"] as const) {
      ses.webRequest.events[event].addListener(
        (details: { responseHeaders: Header[] }) => {
          without.push(lowerNames(details.responseHeaders));
          if (event !== "onHeadersReceived") return;
          return { responseHeaders: [{ name: "x-server", value: "changed" }] };
        },
        { urls: ["<all_urls>"] },
        event === "onHeadersReceived" ? ["blocking", "responseHeaders"] : ["responseHeaders"],
      );
    }
    const response = await ses.fetch(server.url);
    await response.text();
    await until(() => without.length === 3);
    for (const names of without) {
      assert.equal(names.includes("set-cookie"), false);
      assert.ok(names.includes("x-server"));
    }
    assert.equal(response.headers.get("x-server"), "changed");
    assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);

    const other = await sessions.fresh();
    other.webRequest.events.onHeadersReceived.addListener(
      (details: { responseHeaders: Header[] }) => {
        withExtra.push(lowerNames(details.responseHeaders));
        return {
          responseHeaders: details.responseHeaders.filter((h) => h.value !== "b=2"),
        };
      },
      { urls: ["<all_urls>"] },
      ["blocking", "responseHeaders", "extraHeaders"],
    );
    const changed = await other.fetch(server.url);
    await changed.body?.cancel();
    assert.deepEqual(withExtra[0].filter((n) => n === "set-cookie"), ["set-cookie", "set-cookie"]);
    assert.deepEqual(changed.headers.getSetCookie(), ["a=1"]);
  });

  it("Electron's surface shows every header, without any extraInfoSpec", async () => {
    const ses = await sessions.fresh();
    let request: Record<string, string> = {};
    let response: Record<string, string[]> = {};
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      request = details.requestHeaders as Record<string, string>;
      callback!({});
    });
    ses.webRequest.onHeadersReceived((details, callback) => {
      response = details.responseHeaders as Record<string, string[]>;
      callback!({});
    });
    const answer = await ses.fetch(server.url, { headers: SENT });
    await answer.body?.cancel();
    for (const name of HIDDEN) assert.ok(name in request, `${name} shown to Electron's listener`);
    assert.deepEqual(response["set-cookie"], ["a=1", "b=2"]);
  });
});
