// How Electron reads webRequest.onX's arguments (shell/browser/api/electron_api_web_request.cc,
// SetListener) and what spec/api-net-session-spec.ts asserts of invalid filters, word for word.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../../_serve.ts";
import { startServer, webRequestSessions } from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-electron-arguments");

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

describe("webRequest: Electron's argument checks", () => {
  it("an invalid url pattern throws Electron's TypeError with Chromium's reason", async () => {
    const ses = await sessions.fresh();
    const listener = () => {};
    assert.throws(
      () => ses.webRequest.onBeforeRequest({ urls: ["*://www.googleapis.com"] }, listener),
      { name: "TypeError", message: "Invalid url pattern *://www.googleapis.com: Empty path." },
    );
    assert.throws(
      () =>
        ses.webRequest.onBeforeRequest(
          { urls: ["*://www.googleapis.com/", "*://blahblah.dev"] },
          listener,
        ),
      { message: "Invalid url pattern *://blahblah.dev: Empty path." },
    );
    assert.throws(
      () => ses.webRequest.onCompleted({ urls: ["nope"] }, listener),
      { message: "Invalid url pattern nope: Missing scheme separator." },
    );
  });

  it("a filter needs urls; types are Electron's, without 'other'", async () => {
    const ses = await sessions.fresh();
    assert.throws(
      () => ses.webRequest.onSendHeaders({ types: ["xhr"] } as never, () => {}),
      { name: "TypeError", message: "Parameter 'filter' must have property 'urls'." },
    );
    for (const type of ["other", "bogus"]) {
      assert.throws(
        () =>
          ses.webRequest.onSendHeaders({ urls: ["<all_urls>"], types: [type] } as never, () => {}),
        { name: "TypeError", message: `Invalid type ${type}` },
      );
    }
  });

  it("the listener must be a function or null; nothing else removes it", async () => {
    const ses = await sessions.fresh();
    let calls = 0;
    ses.webRequest.onSendHeaders(() => void calls++);
    const bad: (() => void)[] = [
      () => (ses.webRequest.onSendHeaders as (...a: unknown[]) => void)(),
      () => (ses.webRequest.onSendHeaders as (...a: unknown[]) => void)(undefined),
      () => (ses.webRequest.onSendHeaders as (...a: unknown[]) => void)("x"),
      () => (ses.webRequest.onSendHeaders as (...a: unknown[]) => void)({ urls: ["<all_urls>"] }),
    ];
    for (const call of bad) {
      assert.throws(call, { name: "TypeError", message: "Must pass null or a Function" });
    }
    await (await ses.fetch(`${server.url}/ok`)).text();
    assert.equal(calls, 1, "the listener set first is still there");
    ses.webRequest.onSendHeaders({ urls: ["<all_urls>"] }, null);
    await (await ses.fetch(`${server.url}/ok`)).text();
    assert.equal(calls, 1, "null removed it");
  });
});

describe("webRequest: Electron's details", () => {
  it("uploadData[].bytes is a Buffer, so bytes.toString() is the text (spec: qs.parse)", async () => {
    const ses = await sessions.fresh();
    let bytes: Uint8Array | undefined;
    ses.webRequest.onBeforeRequest((details, callback) => {
      bytes = (details.uploadData as { bytes: Uint8Array }[] | undefined)?.[0]?.bytes;
      callback!({ cancel: true });
    });
    await assert.rejects(
      ses.fetch(`${server.url}/echo`, { method: "POST", body: "name=post+test" }),
    );
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.toString(), "name=post+test");
  });

  it("onCompleted has error 'net::OK'; onBeforeSendHeaders has the uploadData too", async () => {
    const ses = await sessions.fresh();
    let completed: Record<string, unknown> | undefined;
    let sending: Record<string, unknown> | undefined;
    ses.webRequest.onCompleted((details) => void (completed = details));
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      sending = details;
      callback!({});
    });
    await (await ses.fetch(`${server.url}/echo`, { method: "POST", body: "abc" })).text();
    assert.equal(completed?.error, "net::OK");
    assert.equal(completed?.statusCode, 200);
    const upload = sending?.uploadData as { type: string; bytes: Uint8Array }[];
    assert.equal(upload[0].bytes.toString(), "abc");
    // Electron's converter of the request body: a bytes element is { type: "rawData", bytes }
    assert.equal(upload[0].type, "rawData");
  });

  it("onHeadersReceived's statusLine replaces the status when responseHeaders come with it", async () => {
    const ses = await sessions.fresh();
    const lines: unknown[] = [];
    ses.webRequest.onCompleted((details) => void lines.push(details.statusLine));
    ses.webRequest.onHeadersReceived((details, callback) =>
      callback!({ responseHeaders: details.responseHeaders, statusLine: "HTTP/1.1 404 Not Found" })
    );
    const changed = await ses.fetch(`${server.url}/ok`);
    assert.equal(changed.status, 404);
    assert.equal(changed.statusText, "Not Found");
    assert.equal(changed.headers.get("x-server"), "1");
    assert.equal(await changed.text(), "ok");
    ses.webRequest.onHeadersReceived((_details, callback) =>
      callback!({ statusLine: "HTTP/1.1 404 Not Found" })
    );
    const kept = await ses.fetch(`${server.url}/ok`);
    assert.equal(kept.status, 200, "without responseHeaders the status stays");
    await kept.text();
    assert.deepEqual(lines, ["HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"]);
  });

  it("a statusLine of a status without a body (205, 304) drops the body it replaces", async () => {
    const ses = await sessions.fresh();
    for (const line of ["HTTP/1.1 205 Reset Content", "HTTP/1.1 304 Not Modified"]) {
      ses.webRequest.onHeadersReceived((details, callback) =>
        callback!({ responseHeaders: details.responseHeaders, statusLine: line })
      );
      const response = await ses.fetch(`${server.url}/ok`);
      assert.equal(`HTTP/1.1 ${response.status} ${response.statusText}`, line);
      assert.equal(response.body, null);
    }
  });
});
