import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import harValidator from "har-validator";
import { session } from "../../../mod.ts";
import type { Har } from "../../../plugins/har/mod.ts";
import { serve, type TestServer } from "../../_serve.ts";

let server: TestServer;
let dir: string;
let hits = 0;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);

before(async () => {
  dir = mkdtempSync(`${tmpdir()}/websession-har-`);
  server = await serve(async (request) => {
    hits++;
    const url = new URL(request.url);
    if (url.pathname === "/start") {
      return new Response(null, { status: 302, headers: { location: "/page?x=1" } });
    }
    if (url.pathname === "/image") {
      return new Response(PNG, { headers: { "content-type": "image/png" } });
    }
    if (url.pathname === "/echo") {
      return Response.json({ got: await request.text() });
    }
    return new Response("<p>page</p>", {
      headers: { "content-type": "text/html", "set-cookie": "sid=abc; Path=/; HttpOnly" },
    });
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function valid(har: Har): Promise<void> {
  await harValidator.har(har);
}

describe("ses.har.record", () => {
  it("writes HAR 1.2 that har-validator accepts: hops, cookies, bodies, timings", async () => {
    const ses = session.fromPartition("har-record");
    const path = `${dir}/record.har`;
    const recorder = ses.har.record({ path });
    assert.equal(await (await ses.fetch(`${server.url}/start`)).text(), "<p>page</p>");
    await (await ses.fetch(`${server.url}/image`)).arrayBuffer();
    await (await ses.fetch(`${server.url}/echo`, { method: "POST", body: "hello" })).json();
    const har = await recorder.stop();
    await valid(har);
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), har);
    const [redirect, page, image, echo] = har.log.entries;
    assert.equal(har.log.entries.length, 4);
    assert.equal(redirect.response.status, 302);
    assert.equal(redirect.response.redirectURL, "/page?x=1");
    assert.equal(page.request.url, `${server.url}/page?x=1`);
    assert.deepEqual(page.request.queryString, [{ name: "x", value: "1" }]);
    assert.equal(page.response.content.text, "<p>page</p>");
    assert.deepEqual(page.response.cookies, [
      { name: "sid", value: "abc", path: "/", httpOnly: true },
    ]);
    assert.equal(image.response.content.encoding, "base64");
    assert.equal(atob(image.response.content.text!).length, PNG.length);
    assert.deepEqual(image.request.cookies, [{ name: "sid", value: "abc" }]);
    assert.equal(echo.request.postData?.text, "hello");
    assert.equal(echo.response.content.text, '{"got":"hello"}');
    for (const entry of har.log.entries) {
      for (const value of [entry.timings.blocked, entry.timings.wait, entry.timings.receive]) {
        assert.ok(value >= 0);
      }
      assert.ok(entry.time >= entry.timings.wait);
    }
  });

  it("keeps only urlFilter's requests, and omits bodies when asked", async () => {
    const ses = session.fromPartition("har-filter");
    const recorder = ses.har.record({ content: "omit", urlFilter: "**/image" });
    await (await ses.fetch(`${server.url}/start`)).text();
    await (await ses.fetch(`${server.url}/image`)).arrayBuffer();
    const har = await recorder.stop();
    await valid(har);
    assert.deepEqual(har.log.entries.map((e) => new URL(e.request.url).pathname), ["/image"]);
    assert.equal(har.log.entries[0].response.content.text, undefined);
  });

  it("attaches bodies as files beside the HAR", async () => {
    const ses = session.fromPartition("har-attach");
    const path = `${dir}/attach/site.har`;
    const recorder = ses.har.record({ path, content: "attach" });
    await (await ses.fetch(`${server.url}/image`)).arrayBuffer();
    const har = await recorder.stop();
    await valid(har);
    const file = har.log.entries[0].response.content._file!;
    assert.match(file, /^[0-9a-f]{40}\.png$/);
    assert.deepEqual([...readFileSync(`${dir}/attach/${file}`)], [...PNG]);
  });

  it("rejects bad options", () => {
    const ses = session.fromPartition("har-bad");
    // @ts-expect-error: wrong value on purpose
    assert.throws(() => ses.har.record({ content: "inline" }), { name: "TypeError" });
    assert.throws(() => ses.har.record({ content: "attach" }), /needs a path/);
  });
});

describe("ses.har.replay", () => {
  it("answers from the HAR without the network, redirects included; abort or fallback for the rest", async () => {
    const recording = session.fromPartition("har-source");
    const recorder = recording.har.record({ path: `${dir}/replay.har`, content: "attach" });
    await (await recording.fetch(`${server.url}/start`)).text();
    await (await recording.fetch(`${server.url}/image`)).arrayBuffer();
    await recorder.stop();

    const ses = session.fromPartition("har-replay");
    const replay = await ses.har.replay(`${dir}/replay.har`);
    const before = hits;
    const page = await ses.fetch(`${server.url}/start`);
    assert.equal(await page.text(), "<p>page</p>");
    assert.equal(page.url, `${server.url}/page?x=1`);
    assert.deepEqual([
      ...new Uint8Array(await (await ses.fetch(`${server.url}/image`)).arrayBuffer()),
    ], [
      ...PNG,
    ]);
    await assert.rejects(ses.fetch(`${server.url}/missing`), {
      code: "net::ERR_FAILED",
      message: /no entry for GET/,
    });
    assert.equal(hits, before, "nothing reached the server");
    await replay.stop();

    const fallback = await ses.har.replay(`${dir}/replay.har`, { notFound: "fallback" });
    assert.equal((await ses.fetch(`${server.url}/missing`)).status, 200);
    assert.equal(hits, before + 1);
    await fallback.stop();
  });

  it("matches as routeFromHAR: a POST's body must match, the most matching headers win", async () => {
    const entry = (
      method: string,
      path: string,
      headers: string[][],
      body: string | null,
      text: string,
    ) => ({
      startedDateTime: new Date().toISOString(),
      time: 1,
      request: {
        method,
        url: `${server.url}${path}`,
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: headers.map(([name, value]) => ({ name, value })),
        queryString: [],
        headersSize: -1,
        bodySize: body?.length ?? 0,
        ...(body === null ? {} : { postData: { mimeType: "text/plain", text: body } }),
      },
      response: {
        status: 200,
        statusText: "OK",
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: [{ name: "content-type", value: "text/plain" }],
        content: { size: text.length, mimeType: "text/plain", text },
        redirectURL: "",
        headersSize: -1,
        bodySize: text.length,
      },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 1, receive: 0, ssl: -1 },
    });
    const har = {
      log: {
        version: "1.2",
        creator: { name: "test", version: "1" },
        entries: [
          entry("POST", "/echo", [], "a", "har a"),
          entry("GET", "/page", [["x-variant", "one"]], null, "one"),
          entry("GET", "/page", [["x-variant", "two"], ["accept", "text/plain"]], null, "two"),
        ],
      },
    } as Har;
    const ses = session.fromPartition("har-match");
    const replay = await ses.har.replay(har, { notFound: "fallback" });
    const post = async (body: string) =>
      await (await ses.fetch(`${server.url}/echo`, { method: "POST", body })).text();
    assert.equal(await post("a"), "har a");
    assert.equal(await post("b"), JSON.stringify({ got: "b" }), "another body is not found");
    const page = async (variant: string) =>
      await (await ses.fetch(`${server.url}/page`, { headers: { "x-variant": variant } })).text();
    assert.equal(await page("two"), "two");
    assert.equal(await page("one"), "one");
    await replay.stop();
  });

  it("records into the file with update", async () => {
    const ses = session.fromPartition("har-update");
    const path = `${dir}/update.har`;
    const update = await ses.har.replay(path, { update: true, url: "**/echo" });
    await (await ses.fetch(`${server.url}/echo`, { method: "POST", body: "u" })).text();
    await (await ses.fetch(`${server.url}/image`)).arrayBuffer();
    await update.stop();
    assert.ok(existsSync(path));
    const har = JSON.parse(readFileSync(path, "utf8"));
    assert.deepEqual(har.log.entries.map((e: { request: { url: string } }) => e.request.url), [
      `${server.url}/echo`,
    ]);
  });
});
