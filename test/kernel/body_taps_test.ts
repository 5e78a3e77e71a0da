import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { type PipelineRequest, session } from "../../mod.ts";
import { serve, type TestServer } from "../_serve.ts";

let server: TestServer;
const CHUNK = 64 * 1024;
const CHUNKS = 32;

before(async () => {
  server = await serve(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/text") return new Response("hello body", { headers: { "x-kept": "yes" } });
    if (path === "/gzip") {
      return new Response(gzipSync("compressed hello"), {
        headers: { "content-encoding": "gzip", "content-type": "text/plain" },
      });
    }
    if (path === "/echo") {
      return Response.json({
        body: await request.text(),
        length: request.headers.get("content-length"),
      });
    }
    if (path === "/big") {
      let sent = 0;
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (sent === CHUNKS) return controller.close();
            controller.enqueue(new Uint8Array(CHUNK).fill(97));
            sent++;
          },
        }),
      );
    }
    if (path === "/empty") return new Response(null, { status: 204 });
    return new Response("not found", { status: 404 });
  });
});

after(() => server.close());

/** A transform that upper-cases ASCII letters, chunk by chunk. */
function upperCase(): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk.map((b) => (b >= 97 && b <= 122 ? b - 32 : b)));
    },
  });
}

/** A transform that appends text at the end. */
function appending(text: string): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform: (chunk, controller) => controller.enqueue(chunk),
    flush: (controller) => controller.enqueue(new TextEncoder().encode(text)),
  });
}

describe("the responseBody stage", () => {
  it("streams the body through the taps' transforms, in tap order, dropping the stale length", async () => {
    const ses = session.fromPartition("body-taps-response", { plugins: [] });
    ses.pipeline.tap("responseBody", () => upperCase(), { plugin: "first" });
    ses.pipeline.tap("responseBody", () => appending("!"), { plugin: "second" });
    const response = await ses.fetch(`${server.url}/text`);
    assert.equal(await response.text(), "HELLO BODY!");
    assert.equal(response.headers.get("content-length"), null);
    assert.equal(response.headers.get("x-kept"), "yes");
    assert.equal(response.url, `${server.url}/text`);
  });

  it("is chosen per request: null leaves the body alone and keeps the response as it was", async () => {
    const ses = session.fromPartition("body-taps-choose", { plugins: [] });
    const seen: string[] = [];
    ses.pipeline.tap("responseBody", (request: PipelineRequest, response: Response) => {
      seen.push(`${new URL(request.url).pathname} ${response.status}`);
      return request.url.endsWith("/text") ? upperCase() : null;
    }, { plugin: "chooser" });
    assert.equal(await (await ses.fetch(`${server.url}/text`)).text(), "HELLO BODY");
    const untouched = await ses.fetch(`${server.url}/echo`, { method: "POST", body: "abc" });
    assert.equal(untouched.headers.get("content-length") !== null, true);
    assert.equal((await untouched.json()).body, "abc");
    const empty = await ses.fetch(`${server.url}/empty`);
    assert.equal(empty.status, 204);
    assert.deepEqual(seen, ["/text 200", "/echo 200"]);
  });

  it("gets a compressed body decoded, and the encoding header goes once it is transformed", async () => {
    const ses = session.fromPartition("body-taps-gzip", { plugins: [] });
    ses.pipeline.tap("responseBody", () => upperCase(), { plugin: "upper" });
    const response = await ses.fetch(`${server.url}/gzip`);
    assert.equal(response.headers.get("content-encoding"), null);
    assert.equal(await response.text(), "COMPRESSED HELLO");
  });

  it("streams with backpressure: a slow reader keeps the transform from running ahead", async () => {
    const ses = session.fromPartition("body-taps-stream", { plugins: [] });
    let transformed = 0;
    ses.pipeline.tap("responseBody", () =>
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          transformed += chunk.length;
          controller.enqueue(chunk);
        },
      }), { plugin: "counter" });
    const response = await ses.fetch(`${server.url}/big`);
    const reader = response.body!.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Not the whole body: only what the stream queues hold ahead of the reader.
    assert.ok(transformed < CHUNK * CHUNKS / 2, `transformed ${transformed} bytes ahead`);
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
    }
    assert.ok(total > 0);
    assert.equal(transformed, CHUNK * CHUNKS);
  });

  it("reports a tap that throws or answers something else, and goes on without it", async () => {
    const ses = session.fromPartition("body-taps-errors", { plugins: [] });
    const reported: string[] = [];
    ses.on("hook-error", (...args: unknown[]) => {
      const error = args.find((arg) => arg instanceof Error) as Error;
      reported.push(`${error.message} ${(error.cause as Error)?.message}`);
    });
    ses.pipeline.tap("responseBody", () => {
      throw new Error("tap broke");
    }, { plugin: "broken" });
    ses.pipeline.tap("responseBody", () => "not a stream" as never, { plugin: "wrong" });
    ses.pipeline.tap("responseBody", () => upperCase(), { plugin: "fine" });
    assert.equal(await (await ses.fetch(`${server.url}/text`)).text(), "HELLO BODY");
    assert.equal(reported.length, 2, reported.join("\n"));
    assert.match(reported.join("\n"), /broken/);
    assert.match(reported.join("\n"), /TransformStream or null/);
  });

  it("keeps tap order when taps answering at once and taps answering a promise are mixed", async () => {
    // Taps that answer at once are run without a promise (most responses): once one answers a
    // promise, the rest still run after it, in order, and a rejection is reported like a throw.
    const ses = session.fromPartition("body-taps-mixed", { plugins: [] });
    const reported: string[] = [];
    ses.on("hook-error", (...args: unknown[]) => {
      reported.push(String((args.find((arg) => arg instanceof Error) as Error)?.cause));
    });
    const calls: string[] = [];
    const tap = (name: string, answer: () => unknown) =>
      ses.pipeline.tap("responseBody", () => (calls.push(name), answer() as never), {
        plugin: name,
      });
    tap("at-once-null", () => null);
    tap("later-upper", () => Promise.resolve(upperCase()));
    tap("at-once-append", () => appending("!"));
    tap("later-rejects", () => Promise.reject(new Error("later broke")));
    tap("later-append", () => Promise.resolve(appending("?")));
    assert.equal(await (await ses.fetch(`${server.url}/text`)).text(), "HELLO BODY!?");
    assert.deepEqual(calls, [
      "at-once-null",
      "later-upper",
      "at-once-append",
      "later-rejects",
      "later-append",
    ]);
    assert.deepEqual(reported, ["Error: later broke"]);
  });

  it("wraps nothing when no tap is installed: the transport's body is handed over", async () => {
    // cache: false: the preset's HTTP cache reads a storable body on its way (a transform).
    const ses = session.fromPartition("body-taps-none", { plugins: [], cache: false });
    let transportBody: ReadableStream | null = null;
    ses.pipeline.tap("transport", async (request: PipelineRequest) => {
      const response = await fetch(request.url);
      transportBody = response.body;
      return response;
    }, { plugin: "spy" });
    const response = await ses.fetch(`${server.url}/text`);
    assert.equal(response.body, transportBody);
    await response.text();
  });
});

describe("the requestBody stage", () => {
  it("streams the request body through the taps' transforms and drops the stale length", async () => {
    const ses = session.fromPartition("body-taps-request", { plugins: [] });
    ses.pipeline.tap("requestBody", () => upperCase(), { plugin: "upper" });
    const echoed = await (await ses.fetch(`${server.url}/echo`, {
      method: "POST",
      body: "shout this",
    })).json();
    assert.equal(echoed.body, "SHOUT THIS");
    assert.equal(echoed.length, null);
  });

  it("is not asked for a request without a body", async () => {
    const ses = session.fromPartition("body-taps-no-body", { plugins: [] });
    let asked = 0;
    ses.pipeline.tap("requestBody", () => {
      asked++;
      return null;
    }, { plugin: "counter" });
    await (await ses.fetch(`${server.url}/text`)).text();
    assert.equal(asked, 0);
    await (await ses.fetch(`${server.url}/echo`, { method: "POST", body: "x" })).text();
    assert.equal(asked, 1);
  });
});
