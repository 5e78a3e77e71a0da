import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type ClientRequest, net } from "../../../mod.ts";
import { freshSession, record, serve, testApp, type TestServer } from "./_server.ts";

const execFileAsync = promisify(execFile);

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

/** Runs fixtures/upload_memory_child.ts in a new process of this runtime against `url`. */
async function memoryOfUpload(url: string): Promise<{ bytes: number; growth: number }> {
  const child = new URL("./fixtures/upload_memory_child.ts", import.meta.url).pathname;
  const isDeno = "Deno" in globalThis;
  const args = isDeno ? ["run", "-A", "--no-check", child, url] : [child, url];
  const { stdout } = await execFileAsync(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

async function writeAll(request: ClientRequest, total: number, chunkSize: number): Promise<void> {
  const chunk = new Uint8Array(chunkSize).fill(120);
  for (let sent = 0; sent < total; sent += chunkSize) {
    if (!request.write(chunk)) await new Promise((resolve) => request.once("drain", resolve));
  }
  request.end();
}

describe("ClientRequest: uploads", () => {
  it("chunked: streams a large body with flat memory, progress and finish before response", async () => {
    // A first upload lets the runtime grow its heaps once; the measured one must not add its size.
    const warmUp = net.request({
      method: "POST",
      url: `${server.origin}/upload`,
      session: freshSession("warm"),
    });
    warmUp.chunkedEncoding = true;
    const warmSeen = record(warmUp);
    await writeAll(warmUp, 32 * 1024 * 1024, 64 * 1024);
    await warmSeen.closed;
    const total = 96 * 1024 * 1024;
    const request = net.request({
      method: "POST",
      url: `${server.origin}/upload`,
      session: freshSession("upload"),
    });
    request.chunkedEncoding = true;
    const seen = record(request);
    const progress: number[] = [];
    const progressSampler = setInterval(
      () => progress.push(request.getUploadProgress().current),
      5,
    );
    await writeAll(request, total, 64 * 1024);
    await seen.closed;
    clearInterval(progressSampler);
    const result = JSON.parse(seen.body());
    assert.equal(result.bytes, total);
    assert.equal(result.transferEncoding, "chunked");
    assert.equal(result.contentLength, null);
    // Memory is measured in a process of its own (Bun runs every test file in one process, and
    // what earlier files left in its heap moved the figure).
    const measured = await memoryOfUpload(`${server.origin}/upload`);
    assert.equal(measured.bytes, total);
    assert.ok(
      measured.growth < 48,
      `memory grew by ${measured.growth.toFixed(1)} MiB while uploading 96 MiB`,
    );
    assert.ok(progress.some((p) => p > 0 && p < total), "progress was seen mid-upload");
    assert.deepEqual(request.getUploadProgress(), {
      active: false,
      started: true,
      current: total,
      total,
    });
    assert.deepEqual(seen.events.slice(0, 2), ["finish", "response"]);
  });

  it("chunked: the first write sends the request (the server sees it before end)", async () => {
    let seenAt = 0;
    const early = await serve(async (req) => {
      seenAt = performance.now();
      await req.arrayBuffer();
      return new Response("ok");
    });
    try {
      const request = net.request({
        method: "PUT",
        url: `${early.origin}/`,
        session: freshSession("early"),
      });
      request.chunkedEncoding = true;
      const seen = record(request);
      request.write("first");
      await new Promise((resolve) => setTimeout(resolve, 100));
      const endedAt = performance.now();
      request.end("last");
      await seen.closed;
      assert.ok(seenAt > 0 && seenAt < endedAt, "the request reached the server before end()");
      assert.equal(seen.body(), "ok");
    } finally {
      await early.close();
    }
  });

  it("buffered: a body written in chunks is sent with Content-Length at end()", async () => {
    const request = net.request({
      method: "POST",
      url: `${server.origin}/upload`,
      session: freshSession("buffered"),
    });
    const seen = record(request);
    await writeAll(request, 4 * 1024 * 1024, 256 * 1024);
    await seen.closed;
    const result = JSON.parse(seen.body());
    assert.equal(result.bytes, 4 * 1024 * 1024);
    assert.equal(result.contentLength, String(4 * 1024 * 1024));
  });

  it("chunkedEncoding can be set once, before the first write", () => {
    const request = net.request({ method: "POST", url: server.origin, session: freshSession("c") });
    assert.equal(request.chunkedEncoding, false);
    request.chunkedEncoding = true;
    assert.equal(request.chunkedEncoding, true);
    assert.throws(() => (request.chunkedEncoding = false), /only be set once/);
    request.abort();
  });

  it("chunked: writes the transport never read are called back with net::ERR_ABORTED", async () => {
    const ses = freshSession("unread");
    // Answers at once and drops the body, as a server refusing an upload early does.
    ses.pipeline.tap("transport", async (request) => {
      await (request.body as ReadableStream<Uint8Array>).cancel();
      return new Response("too big", { status: 413 });
    }, { plugin: "test" });
    const request = net.request({ method: "POST", url: `${server.origin}/upload`, session: ses });
    request.chunkedEncoding = true;
    const seen = record(request);
    const calledBack: unknown[] = [];
    request.write("first", (error) => calledBack.push(error));
    request.write("second", (error) => calledBack.push(error));
    request.end();
    await seen.closed;
    assert.equal(seen.response()?.statusCode, 413);
    assert.equal(calledBack.length, 2);
    for (const error of calledBack) {
      assert.equal((error as { code?: string }).code, "net::ERR_ABORTED", String(error));
    }
  });
});
