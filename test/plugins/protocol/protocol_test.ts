import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { MissingPluginError, net, NetError, session } from "../../../mod.ts";
import { record } from "../../kernel/net/_server.ts";
import { readySession, serveTestAppForFile } from "./_fixture.ts";

const server = serveTestAppForFile();

const ready = readySession;

describe("protocol: handle, unhandle, isProtocolHandled", () => {
  it("a hono app's fetch answers a custom scheme", async () => {
    const ses = await ready("app");
    const app = new Hono();
    app.get("/index.html", (c) => c.html("<h1>hi</h1>"));
    app.get("/data/:id", (c) => c.json({ id: c.req.param("id"), host: new URL(c.req.url).host }));
    ses.protocol.handle("app", app.fetch);
    assert.equal(ses.protocol.isProtocolHandled("app"), true);
    const page = await ses.fetch("app://bundle/index.html");
    assert.equal(page.status, 200);
    assert.equal(page.url, "app://bundle/index.html");
    assert.equal(await page.text(), "<h1>hi</h1>");
    assert.deepEqual(await (await ses.fetch("app://bundle/data/7")).json(), {
      id: "7",
      host: "bundle",
    });
    ses.protocol.unhandle("app");
    assert.equal(ses.protocol.isProtocolHandled("app"), false);
    await assert.rejects(
      ses.fetch("app://bundle/index.html"),
      (error: NetError) => error.code === "net::ERR_UNKNOWN_URL_SCHEME",
    );
  });

  it("refuses invalid schemes, a second handler, and unhandling an unhandled scheme", async () => {
    const ses = await ready("refuse");
    const handler = () => new Response("x");
    for (const bad of ["", "1app", "my app", "app:", "a/b"]) {
      assert.throws(() => ses.protocol.handle(bad, handler), TypeError, bad);
    }
    // deno-lint-ignore no-explicit-any
    assert.throws(() => ses.protocol.handle("app", "nope" as any), TypeError);
    ses.protocol.handle("my-app+v1.2", handler);
    // Electron's words (lib/browser/api/protocol.ts)
    assert.throws(() => ses.protocol.handle("my-app+v1.2", handler), {
      message: "Failed to register protocol: my-app+v1.2",
    });
    assert.throws(() => ses.protocol.handle("MY-APP+V1.2", handler), {
      message: "Failed to register protocol: MY-APP+V1.2",
    });
    assert.throws(() => ses.protocol.unhandle("other"), {
      message: "Failed to unhandle protocol: other",
    });
    assert.equal(ses.protocol.isProtocolHandled("nothing"), false);
  });

  it("is per session, and a session built without the plugin names it", async () => {
    const a = await ready("a");
    const b = await ready("b");
    a.protocol.handle("app", () => new Response("a"));
    assert.equal(b.protocol.isProtocolHandled("app"), false);
    const bare = session.fromPartition(`protocol-bare-${Math.random()}`, {
      preset: false,
      plugins: [],
    });
    assert.throws(() => (bare as typeof a).protocol, MissingPluginError);
  });
});

describe("protocol: http and https", () => {
  it("intercepts http, and falls back to the network with bypassCustomProtocolHandlers", async () => {
    const ses = await ready("http");
    const seen: string[] = [];
    ses.protocol.handle("http", (request) => {
      seen.push(new URL(request.url).pathname);
      if (new URL(request.url).pathname === "/intercepted") return new Response("from handler");
      return ses.fetch(request, { bypassCustomProtocolHandlers: true });
    });
    assert.equal(await (await ses.fetch(`${server.origin}/intercepted`)).text(), "from handler");
    assert.equal(await (await ses.fetch(`${server.origin}/hello`)).text(), "hello");
    const direct = await ses.fetch(`${server.origin}/hello`, {
      bypassCustomProtocolHandlers: true,
    });
    assert.equal(await direct.text(), "hello");
    assert.deepEqual(seen, ["/intercepted", "/hello"]);
  });

  it("net.fetch falls back from a handler on the default session", async () => {
    const ses = session.defaultSession;
    await ses.ready;
    let calls = 0;
    ses.protocol.handle("http", (request) => {
      calls++;
      return net.fetch(request, { bypassCustomProtocolHandlers: true });
    });
    try {
      const response = await net.fetch(`${server.origin}/echo`, { method: "POST", body: "b" });
      assert.equal((await response.json()).body, "b");
      assert.equal(calls, 1);
    } finally {
      ses.protocol.unhandle("http");
    }
  });

  it("net.request goes through the handler, its body intact, events in order", async () => {
    const ses = await ready("request");
    ses.protocol.handle("http", async (request) => {
      const text = await request.text();
      return new Response(`${request.method} ${request.headers.get("x-test")} ${text}`);
    });
    const request = net.request({ method: "POST", url: `${server.origin}/x`, session: ses });
    request.setHeader("X-Test", "yes");
    const seen = record(request);
    request.write("part one, ");
    request.end("part two");
    await seen.closed;
    assert.equal(seen.body(), "POST yes part one, part two");
    assert.deepEqual(seen.events, [
      "finish",
      "response",
      "response:end",
      "response:close",
      "close",
    ]);
  });
});

describe("protocol: bodies, ranges, failures", () => {
  it("a chunked upload streams to the handler", async () => {
    const ses = await ready("upload");
    ses.protocol.handle("http", async (request) => {
      let bytes = 0;
      for await (const chunk of request.body!) bytes += chunk.byteLength;
      return Response.json({ bytes });
    });
    const request = net.request({ method: "POST", url: `${server.origin}/up`, session: ses });
    request.chunkedEncoding = true;
    const seen = record(request);
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < 128; i++) {
      if (!request.write(chunk)) await new Promise((resolve) => request.once("drain", resolve));
    }
    request.end();
    await seen.closed;
    assert.deepEqual(JSON.parse(seen.body()), { bytes: 128 * 64 * 1024 });
  });

  it("form posts and range requests reach the handler intact", async () => {
    const ses = await ready("range");
    const file = new TextEncoder().encode("0123456789");
    const got: Record<string, string | null> = {};
    ses.protocol.handle("app", async (request) => {
      if (request.method === "POST") {
        const form = await request.formData();
        return new Response(`${form.get("name")}:${(form.get("file") as File).size}`);
      }
      const range = request.headers.get("range");
      got.range = range;
      const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? "");
      if (!m) return new Response(file);
      const [start, end] = [Number(m[1]), Number(m[2])];
      return new Response(file.slice(start, end + 1), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${end}/${file.length}` },
      });
    });
    const partial = await ses.fetch("app://files/data.bin", { headers: { Range: "bytes=2-5" } });
    assert.equal(got.range, "bytes=2-5");
    assert.equal(partial.status, 206);
    assert.equal(partial.headers.get("content-range"), "bytes 2-5/10");
    assert.equal(await partial.text(), "2345");
    const form = new FormData();
    form.set("name", "websession");
    form.set("file", new Blob([new Uint8Array(3000)]), "blob.bin");
    const posted = await ses.fetch("app://files/upload", { method: "POST", body: form });
    assert.equal(await posted.text(), "websession:3000");
  });

  it("an Origin of null is taken out before the handler sees the request, as Electron does", async () => {
    const ses = await ready("origin-null");
    ses.protocol.handle("app", (request) => new Response(String(request.headers.has("origin"))));
    const opaque = await ses.fetch("app://x/", { headers: { Origin: "null" } });
    assert.equal(await opaque.text(), "false", "no Origin header reached the handler");
    ses.protocol.handle("http", (request) => new Response(String(request.headers.get("origin"))));
    const real = await ses.fetch(`${server.origin}/`, { headers: { Origin: "app://x" } });
    assert.equal(await real.text(), "app://x");
  });

  it("a throwing handler fails the request with net::ERR_UNEXPECTED (as Electron) and the error as cause", async () => {
    const ses = await ready("throw");
    const boom = new Error("boom");
    ses.protocol.handle("app", () => {
      throw boom;
    });
    ses.protocol.handle("http", () => Promise.reject(boom));
    await assert.rejects(ses.fetch("app://x/"), (error: unknown) => {
      assert.ok(error instanceof NetError);
      assert.equal(error.code, "net::ERR_UNEXPECTED");
      assert.equal(error.errno, -9);
      assert.equal(error.cause, boom);
      return true;
    });
    const request = net.request({ url: `${server.origin}/`, session: ses });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.deepEqual(seen.events, ["finish", "error", "close"]);
    assert.equal((seen.errors[0] as NetError).code, "net::ERR_UNEXPECTED");
    assert.equal((seen.errors[0] as NetError).cause, boom);
  });

  it("a non-Response answer is net::ERR_UNEXPECTED, Response.error() net::ERR_FAILED, a Response-like object is served", async () => {
    const ses = await ready("notresponse");
    // deno-lint-ignore no-explicit-any
    ses.protocol.handle("app", () => "text" as any);
    // deno-lint-ignore no-explicit-any
    ses.protocol.handle("num", () => ({ status: "200" }) as any);
    ses.protocol.handle("bad", () => Response.error());
    ses.protocol.handle("like", () =>
      ({
        status: 201,
        statusText: "Made",
        headers: { "x-like": "1" },
        body: new Response("shaped").body,
        // deno-lint-ignore no-explicit-any
      }) as any);
    for (const url of ["app://x/", "num://x/"]) {
      await assert.rejects(
        ses.fetch(url),
        (error: NetError) => error.code === "net::ERR_UNEXPECTED",
      );
    }
    await assert.rejects(
      ses.fetch("bad://x/"),
      (error: NetError) => error.code === "net::ERR_FAILED",
    );
    const like = await ses.fetch("like://x/");
    assert.equal(like.status, 201);
    assert.equal(like.statusText, "Made");
    assert.equal(like.headers.get("x-like"), "1");
    assert.equal(await like.text(), "shaped");
  });

  it("a Response-like object is read as Electron's validateResponse does: type error fails, headers null serves", async () => {
    const ses = await ready("response-like");
    // deno-lint-ignore no-explicit-any
    ses.protocol.handle("failed", () => ({ type: "error" }) as any);
    // deno-lint-ignore no-explicit-any
    ses.protocol.handle("bare", () => ({ status: 204, headers: null }) as any);
    await assert.rejects(
      ses.fetch("failed://x/"),
      (error: NetError) => error.code === "net::ERR_FAILED",
    );
    const bare = await ses.fetch("bare://x/");
    assert.equal(bare.status, 204);
    assert.equal(await bare.text(), "");
  });

  it("aborting a request whose handler body still streams cancels that body", async () => {
    const ses = await ready("abort-stream");
    let cancelled: unknown = null;
    let pulls = 0;
    ses.protocol.handle("app", () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulls++;
            controller.enqueue(new Uint8Array(1024));
          },
          cancel(reason) {
            cancelled = reason ?? "cancelled";
          },
        }),
      ));
    const controller = new AbortController();
    const response = await ses.fetch("app://endless/", { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await assert.rejects(reader.read(), (e: Error) => e.name === "AbortError");
    assert.notEqual(cancelled, null);
    const before = pulls;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(pulls, before, "the handler's stream is no longer pulled");
  });

  it("runs after beforeSendHeaders taps, and its redirects are followed", async () => {
    const ses = await ready("taps");
    ses.pipeline.tap("beforeSendHeaders", (req) => {
      const headers = new Headers(req.headers);
      headers.set("x-from-tap", "1");
      return { requestHeaders: headers };
    }, { plugin: "test" });
    ses.protocol.handle("app", (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/old") return Response.redirect("app://host/new", 301);
      return new Response(`${path} ${request.headers.get("x-from-tap")}`);
    });
    const response = await ses.fetch("app://host/old");
    assert.equal(response.url, "app://host/new");
    assert.equal(await response.text(), "/new 1");
  });
});
