// ClientRequest details Electron's tests pin down: getHeader returns what was set, webRequest
// shows the names as set and in that order, upload-progress events.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net } from "../../../mod.ts";
import { freshSession, record, serve, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

describe("ClientRequest headers", () => {
  it("getHeader returns the value as set: a number stays a number, a list a list", () => {
    const request = net.request({ url: `${server.origin}/echo`, session: freshSession("get") });
    request.setHeader("X-Count", 7);
    request.setHeader("X-List", ["a", "b"]);
    assert.equal(request.getHeader("x-count"), 7);
    assert.deepEqual(request.getHeader("X-LIST"), ["a", "b"]);
    request.abort();
  });

  it("webRequest listeners see the names as set, in the order set; the values are sent", async () => {
    const ses = freshSession("names");
    let shown: string[] = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown = Object.keys(details.requestHeaders as object);
      callback!({ requestHeaders: details.requestHeaders as Record<string, string> });
    });
    const request = net.request({ url: `${server.origin}/echo`, session: ses });
    request.setHeader("X-Zeta", "1");
    request.setHeader("X-Alpha", 2);
    request.setHeader("Accept-Language", "fr");
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.deepEqual(shown.slice(0, 3), ["X-Zeta", "X-Alpha", "Accept-Language"]);
    const echoed = JSON.parse(seen.body()).headers;
    assert.equal(echoed["x-zeta"], "1");
    assert.equal(echoed["x-alpha"], "2");
    assert.equal(echoed["accept-language"], "fr");
  });
});

describe("ClientRequest upload-progress", () => {
  it("reports (current, total) for a chunked upload as the body is sent", async () => {
    const request = net.request({
      method: "POST",
      url: `${server.origin}/upload`,
      session: freshSession("progress"),
    });
    request.chunkedEncoding = true;
    const progress: Array<[number, number]> = [];
    request.on("upload-progress", (current: number, total: number) => {
      progress.push([current, total]);
    });
    const seen = record(request);
    const chunk = new Uint8Array(16 * 1024).fill(1);
    for (let i = 0; i < 4; i++) request.write(chunk);
    request.end();
    await seen.closed;
    assert.equal(JSON.parse(seen.body()).bytes, 4 * 16 * 1024);
    assert.ok(progress.length >= 1);
    assert.deepEqual(progress.at(-1), [4 * 16 * 1024, 4 * 16 * 1024]);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] >= progress[i - 1][0]);
    assert.deepEqual(request.getUploadProgress(), {
      active: false,
      started: true,
      current: 4 * 16 * 1024,
      total: 4 * 16 * 1024,
    });
  });

  it("reports a buffered upload once, whole", async () => {
    const request = net.request({
      method: "POST",
      url: `${server.origin}/upload`,
      session: freshSession("progress-buffered"),
    });
    const progress: Array<[number, number]> = [];
    request.on("upload-progress", (current: number, total: number) => {
      progress.push([current, total]);
    });
    const seen = record(request);
    request.end("x".repeat(1000));
    await seen.closed;
    assert.deepEqual(progress, [[1000, 1000]]);
  });
});
