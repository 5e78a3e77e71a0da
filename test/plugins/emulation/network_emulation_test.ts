import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";

const KIB = 1024;
let server: TestServer;
let hits = 0;
let firstUploadBytes = () => {};

before(async () => {
  server = await serve(async (request) => {
    hits++;
    const url = new URL(request.url);
    if (url.pathname === "/bytes") {
      return new Response(new Uint8Array(Number(url.searchParams.get("n"))).fill(7));
    }
    if (url.pathname === "/upload-signal") {
      // Tells the test once the first bytes are in, then reads the rest.
      const reader = request.body!.getReader();
      await reader.read();
      firstUploadBytes();
      while (!(await reader.read()).done);
      return new Response("whole");
    }
    if (url.pathname === "/upload") {
      const body = new Uint8Array(await request.arrayBuffer());
      return new Response(String(body.byteLength));
    }
    return new Response("ok");
  });
});
after(() => server.close());

/** Bytes per second of reading `url` to the end (the clock starts before the request). */
async function downloadRate(ses: { fetch(url: string): Promise<Response> }, url: string) {
  const start = performance.now();
  const body = new Uint8Array(await (await ses.fetch(url)).arrayBuffer());
  return { bytes: body.byteLength, rate: body.byteLength / ((performance.now() - start) / 1000) };
}

describe("enableNetworkEmulation", () => {
  it("fails new requests with net::ERR_INTERNET_DISCONNECTED while offline, without sending them", async () => {
    const ses = session.fromPartition("emulation-offline");
    ses.enableNetworkEmulation({ offline: true });
    const before = hits;
    await assert.rejects(ses.fetch(`${server.url}/`), (error: Error & { code?: string }) => {
      assert.equal(error.code, "net::ERR_INTERNET_DISCONNECTED");
      return true;
    });
    assert.equal(hits, before);
    // data: URLs are not network.
    assert.equal(await (await ses.fetch("data:text/plain,still")).text(), "still");
    ses.disableNetworkEmulation();
    assert.equal(await (await ses.fetch(`${server.url}/`)).text(), "ok");
    assert.equal(hits, before + 1);
  });

  it("adds the latency to each request", async () => {
    const ses = session.fromPartition("emulation-latency");
    const time = async () => {
      const start = performance.now();
      await (await ses.fetch(`${server.url}/`)).text();
      return performance.now() - start;
    };
    const median = async () => {
      const t = [await time(), await time(), await time()].sort((a, b) => a - b);
      return t[1];
    };
    await time();
    const plain = await median();
    ses.enableNetworkEmulation({ latency: 250 });
    const slowed = await median();
    ses.disableNetworkEmulation();
    const added = slowed - plain;
    assert.ok(added >= 245, `added ${added} ms, expected about 250`);
    assert.ok(added < 450, `added ${added} ms, expected about 250`);
  });

  it("paces downloads to downloadThroughput", async () => {
    const ses = session.fromPartition("emulation-download");
    const rate = 256 * KIB;
    ses.enableNetworkEmulation({ downloadThroughput: rate });
    const measured = await downloadRate(ses, `${server.url}/bytes?n=${256 * KIB}`);
    ses.disableNetworkEmulation();
    assert.equal(measured.bytes, 256 * KIB);
    assert.ok(measured.rate <= rate * 1.1, `${measured.rate} B/s is above ${rate}`);
    assert.ok(measured.rate >= rate * 0.7, `${measured.rate} B/s is far below ${rate}`);
  });

  it("shares one download bucket among the session's requests", async () => {
    const ses = session.fromPartition("emulation-shared");
    const rate = 256 * KIB;
    ses.enableNetworkEmulation({ downloadThroughput: rate });
    const start = performance.now();
    const bodies = await Promise.all(
      [1, 2].map(async () =>
        (await (await ses.fetch(`${server.url}/bytes?n=${128 * KIB}`)).arrayBuffer()).byteLength
      ),
    );
    const aggregate = (bodies[0] + bodies[1]) / ((performance.now() - start) / 1000);
    ses.disableNetworkEmulation();
    assert.deepEqual(bodies, [128 * KIB, 128 * KIB]);
    assert.ok(aggregate <= rate * 1.1, `together ${aggregate} B/s is above ${rate}`);
    assert.ok(aggregate >= rate * 0.7, `together ${aggregate} B/s is far below ${rate}`);
  });

  it("paces uploads to uploadThroughput and the body arrives whole", async () => {
    const ses = session.fromPartition("emulation-upload");
    const rate = 128 * KIB;
    ses.enableNetworkEmulation({ uploadThroughput: rate });
    const body = new Uint8Array(128 * KIB).fill(1);
    const start = performance.now();
    const received = await (await ses.fetch(`${server.url}/upload`, { method: "POST", body }))
      .text();
    const measured = body.byteLength / ((performance.now() - start) / 1000);
    ses.disableNetworkEmulation();
    assert.equal(received, String(128 * KIB));
    assert.ok(measured <= rate * 1.1, `${measured} B/s is above ${rate}`);
    assert.ok(measured >= rate * 0.6, `${measured} B/s is far below ${rate}`);
  });

  it("goes back to full speed when disabled", async () => {
    const ses = session.fromPartition("emulation-disable");
    const rate = 64 * KIB;
    ses.enableNetworkEmulation({ downloadThroughput: rate });
    ses.disableNetworkEmulation();
    const measured = await downloadRate(ses, `${server.url}/bytes?n=${256 * KIB}`);
    assert.ok(measured.rate > rate * 4, `${measured.rate} B/s still looks paced`);
  });

  it("fails a body in flight with net::ERR_INTERNET_DISCONNECTED once offline, as Chromium's throttled reads", async () => {
    const ses = session.fromPartition("emulation-offline-in-flight");
    ses.enableNetworkEmulation({ downloadThroughput: 16 * KIB });
    const response = await ses.fetch(`${server.url}/bytes?n=${256 * KIB}`);
    const reader = response.body!.getReader();
    assert.equal((await reader.read()).done, false);
    ses.enableNetworkEmulation({ offline: true });
    await assert.rejects(
      (async () => {
        while (!(await reader.read()).done);
      })(),
      { code: "net::ERR_INTERNET_DISCONNECTED" },
    );
    // After disableNetworkEmulation, a body in flight goes on at full speed, and offline later does
    // not reach it (Chromium drops the interceptor such a request holds).
    ses.disableNetworkEmulation();
    ses.enableNetworkEmulation({ downloadThroughput: 16 * KIB });
    const second = (await ses.fetch(`${server.url}/bytes?n=${256 * KIB}`)).body!.getReader();
    assert.equal((await second.read()).done, false);
    ses.disableNetworkEmulation();
    ses.enableNetworkEmulation({ offline: true });
    let bytes = 0;
    for (let chunk = await second.read(); !chunk.done; chunk = await second.read()) {
      bytes += chunk.value.byteLength;
    }
    assert.ok(bytes > 0 && bytes < 256 * KIB, `${bytes} bytes after the first read`);
    ses.disableNetworkEmulation();
  });

  it("fails an upload in flight with net::ERR_INTERNET_DISCONNECTED once offline", async () => {
    const ses = session.fromPartition("emulation-offline-upload");
    ses.enableNetworkEmulation({ uploadThroughput: 16 * KIB });
    const arrived = new Promise<void>((resolve) => firstUploadBytes = resolve);
    const upload = ses.fetch(`${server.url}/upload-signal`, {
      method: "POST",
      body: new Uint8Array(256 * KIB),
    });
    await arrived;
    ses.enableNetworkEmulation({ offline: true });
    await assert.rejects(upload, { code: "net::ERR_INTERNET_DISCONNECTED" });
    ses.disableNetworkEmulation();
  });

  it("rejects bad options with a TypeError naming the field", () => {
    const ses = session.fromPartition("emulation-bad");
    assert.throws(
      () => ses.enableNetworkEmulation({ latency: -1 }),
      { name: "TypeError", message: /latency must be a number >= 0/ },
    );
    assert.throws(
      // @ts-expect-error: wrong type on purpose
      () => ses.enableNetworkEmulation({ offline: "yes" }),
      { name: "TypeError", message: /offline must be a boolean/ },
    );
    assert.throws(
      // @ts-expect-error: wrong type on purpose
      () => ses.enableNetworkEmulation(null),
      { name: "TypeError", message: /options must be an object/ },
    );
  });
});
