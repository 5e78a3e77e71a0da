import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { protocol, session } from "../../../mod.ts";
import { failsWith, readySession, serveTestAppForFile } from "./_fixture.ts";

const server = serveTestAppForFile();

function ready(name: string) {
  return readySession(`callback-${name}`);
}

describe("protocol: Electron's deprecated string and buffer protocols", () => {
  it("registerStringProtocol answers with a string or a ProtocolResponse, and returns booleans", async () => {
    const ses = await ready("string");
    const seen: { method: string; body: string; header: string | undefined }[] = [];
    const registered = ses.protocol.registerStringProtocol("app", (request, callback) => {
      const bytes = request.uploadData?.[0].bytes;
      seen.push({
        method: request.method,
        body: bytes ? new TextDecoder().decode(bytes) : "",
        header: request.headers["x-test"],
      });
      if (new URL(request.url).pathname === "/plain") return callback("plain text");
      callback({
        statusCode: 201,
        mimeType: "text/plain",
        charset: "utf-8",
        headers: { "x-one": "1", "x-many": ["a", "b"] },
        data: "made",
      });
    });
    assert.equal(registered, true);
    assert.equal(ses.protocol.registerStringProtocol("app", () => {}), false);
    assert.equal(ses.protocol.isProtocolRegistered("app"), true);
    assert.equal(ses.protocol.isProtocolHandled("app"), true);
    assert.equal(await (await ses.fetch("app://x/plain")).text(), "plain text");
    const made = await ses.fetch("app://x/made", {
      method: "POST",
      body: "sent",
      headers: { "X-Test": "yes" },
    });
    assert.equal(made.status, 201);
    assert.equal(made.headers.get("content-type"), "text/plain");
    assert.equal(made.headers.get("x-one"), "1");
    assert.equal(made.headers.get("x-many"), "a, b");
    assert.equal(made.headers.get("access-control-allow-origin"), "*", "Electron's SendContents");
    assert.equal(await made.text(), "made");
    assert.deepEqual(seen[1], { method: "POST", body: "sent", header: "yes" });
    assert.equal(ses.protocol.unregisterProtocol("app"), true);
    assert.equal(ses.protocol.unregisterProtocol("app"), false);
    assert.equal(ses.protocol.isProtocolRegistered("app"), false);
  });

  it("the callback's error number is Chromium's code; no answer or a wrong one fails as in Electron", async () => {
    const ses = await ready("errors");
    ses.protocol.registerStringProtocol("missing", (_request, callback) => callback({ error: -6 }));
    ses.protocol.registerStringProtocol("nothing", (_request, callback) => callback());
    // deno-lint-ignore no-explicit-any
    ses.protocol.registerStringProtocol("number", (_request, callback) => callback(7 as any));
    ses.protocol.registerBufferProtocol("text", (_request, callback) =>
      // deno-lint-ignore no-explicit-any
      callback("not a buffer" as any));
    // deno-lint-ignore no-explicit-any
    ses.protocol.registerBufferProtocol("nodata", (_request, callback) => callback({} as any));
    await assert.rejects(ses.fetch("missing://x/"), failsWith("net::ERR_FILE_NOT_FOUND"));
    await assert.rejects(ses.fetch("nothing://x/"), failsWith("net::ERR_NOT_IMPLEMENTED"));
    await assert.rejects(ses.fetch("number://x/"), failsWith("net::ERR_FAILED"));
    await assert.rejects(ses.fetch("text://x/"), failsWith("net::ERR_NOT_IMPLEMENTED"));
    await assert.rejects(ses.fetch("nodata://x/"), failsWith("net::ERR_FAILED"));
  });

  it("registerBufferProtocol takes bytes or { data }, and a Location answer redirects", async () => {
    const ses = await ready("buffer");
    ses.protocol.registerBufferProtocol("bin", (request, callback) => {
      const path = new URL(request.url).pathname;
      if (path === "/moved") {
        return callback({ statusCode: 302, headers: { Location: `${server.origin}/hello` } });
      }
      if (path === "/raw") return callback(new Uint8Array([104, 105]));
      callback({ data: new TextEncoder().encode("bytes"), mimeType: "application/octet-stream" });
    });
    assert.equal(await (await ses.fetch("bin://x/raw")).text(), "hi");
    const wrapped = await ses.fetch("bin://x/wrapped");
    assert.equal(wrapped.headers.get("content-type"), "application/octet-stream");
    assert.equal(await wrapped.text(), "bytes");
    const moved = await ses.fetch("bin://x/moved");
    assert.equal(moved.url, `${server.origin}/hello`);
    assert.equal(await moved.text(), "hello");
  });

  it("intercept*Protocol answers http, beside handle's interception, and the module forwards them", async () => {
    const ses = await ready("intercept");
    assert.equal(
      ses.protocol.interceptStringProtocol("http", (_request, callback) => callback("caught")),
      true,
    );
    assert.equal(ses.protocol.interceptBufferProtocol("http", () => {}), false);
    assert.equal(ses.protocol.isProtocolIntercepted("http"), true);
    assert.equal(ses.protocol.isProtocolHandled("http"), true);
    assert.equal(ses.protocol.isProtocolRegistered("http"), false);
    assert.equal(await (await ses.fetch(`${server.origin}/hello`)).text(), "caught");
    assert.equal(ses.protocol.uninterceptProtocol("http"), true);
    assert.equal(ses.protocol.uninterceptProtocol("http"), false);
    assert.equal(await (await ses.fetch(`${server.origin}/hello`)).text(), "hello");
    ses.protocol.handle("https", () => new Response("handled"));
    assert.equal(ses.protocol.isProtocolIntercepted("https"), true);
    ses.protocol.unhandle("https");

    await session.defaultSession.ready;
    assert.equal(protocol.registerStringProtocol("legacy-module", (_r, cb) => cb("m")), true);
    try {
      assert.equal(session.defaultSession.protocol.isProtocolRegistered("legacy-module"), true);
    } finally {
      assert.equal(protocol.unregisterProtocol("legacy-module"), true);
    }
  });

  it("refuses a bad scheme or handler with a TypeError naming the member", async () => {
    const ses = await ready("refuse");
    assert.throws(() => ses.protocol.registerStringProtocol("a b", () => {}), {
      name: "TypeError",
      message: /registerStringProtocol: invalid scheme "a b"/,
    });
    // deno-lint-ignore no-explicit-any
    assert.throws(() => ses.protocol.interceptBufferProtocol("http", 1 as any), {
      name: "TypeError",
      message: /interceptBufferProtocol: the handler of "http" must be a function/,
    });
    assert.equal(ses.protocol.isProtocolIntercepted("http"), false);
  });
});

describe("protocol: Electron's deprecated stream protocol", () => {
  it("registerStreamProtocol reads a Node stream, { data: stream }, or data null as empty", async () => {
    const ses = await ready("stream");
    const { PassThrough, Readable } = await import("node:stream");
    ses.protocol.registerStreamProtocol("flow", (request, callback) => {
      const path = new URL(request.url).pathname;
      if (path === "/bare") return callback(Readable.from(["bare ", "stream"]));
      if (path === "/empty") return callback({ statusCode: 200, data: null });
      // deno-lint-ignore no-explicit-any
      if (path === "/web") return callback(new Response("x").body as any);
      // deno-lint-ignore no-explicit-any
      if (path === "/text") return callback("text" as any);
      const data = new PassThrough();
      callback({ statusCode: 202, headers: { "x-kind": "stream" }, data });
      data.write("piped ");
      data.end("along");
    });
    assert.equal(ses.protocol.isProtocolRegistered("flow"), true);
    assert.equal(await (await ses.fetch("flow://x/bare")).text(), "bare stream");
    const piped = await ses.fetch("flow://x/piped");
    assert.equal(piped.status, 202);
    assert.equal(piped.headers.get("x-kind"), "stream");
    assert.equal(await piped.text(), "piped along");
    assert.equal(await (await ses.fetch("flow://x/empty")).text(), "");
    await assert.rejects(ses.fetch("flow://x/web"), failsWith("net::ERR_FAILED"));
    await assert.rejects(ses.fetch("flow://x/text"), failsWith("net::ERR_NOT_IMPLEMENTED"));
    assert.equal(
      ses.protocol.interceptStreamProtocol("http", (_r, cb) => cb(Readable.from(["x"]))),
      true,
    );
    assert.equal(await (await ses.fetch(`${server.origin}/hello`)).text(), "x");
  });
});
