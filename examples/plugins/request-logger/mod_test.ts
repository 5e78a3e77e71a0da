import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { originServer, testSession } from "websession/testing";
import requestLogger from "./mod.ts";

describe("request-logger", () => {
  it("logs each request as a HAR entry with the headers as sent and the response", async () => {
    const origin = await originServer((request) =>
      new URL(request.url).pathname === "/missing"
        ? new Response("no", { status: 404, headers: { "x-why": "gone" } })
        : new Response("ok", { headers: { "content-type": "text/plain" } })
    );
    const { ses, close } = testSession([requestLogger]);
    try {
      await (await ses.fetch(`${origin.url}/page`, { headers: { "x-test": "1" } })).text();
      await (await ses.fetch(`${origin.url}/missing`)).text();
      const har = ses.requestLogger.har();
      assert.equal(har.log.version, "1.2");
      assert.equal(har.log.creator.name, "request-logger");
      assert.deepEqual(
        har.log.entries.map((e) => [e.request.method, e.request.url, e.response.status]),
        [["GET", `${origin.url}/page`, 200], ["GET", `${origin.url}/missing`, 404]],
      );
      const first = har.log.entries[0];
      assert.ok(first.request.headers.some((h) => h.name === "x-test" && h.value === "1"));
      assert.ok(har.log.entries[1].response.headers.some((h) => h.name === "x-why"));
      assert.ok(first.time >= 0 && first.timings.wait >= 0);
      assert.ok(!Number.isNaN(Date.parse(first.startedDateTime)));
      assert.equal(ses.requestLogger.size, 2);
      ses.requestLogger.clear();
      assert.equal(ses.requestLogger.har().log.entries.length, 0);
    } finally {
      await close();
      await origin.close();
    }
  });

  it("logs a failed request with status 0 and its net::ERR_* code", async () => {
    const origin = await originServer();
    const port = origin.port;
    await origin.close();
    const { ses, close } = testSession([requestLogger]);
    try {
      await assert.rejects(ses.fetch(`http://127.0.0.1:${port}/`));
      const [entry] = ses.requestLogger.har().log.entries;
      assert.equal(entry.response.status, 0);
      assert.equal(entry.response._error, "net::ERR_CONNECTION_REFUSED");
    } finally {
      await close();
    }
  });
});
