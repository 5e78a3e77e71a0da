/**
 * The members of Electron's `details` per event (docs/api/web-request.md), for a request without a
 * page, as `net.request`'s in Electron: no `webContentsId`, `webContents` nor `frame`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../../_serve.ts";
import { recordElectron, startServer, until, webRequestSessions } from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-electron-details");

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

const COMMON = ["id", "method", "referrer", "resourceType", "timestamp", "url"];
const RESPONSE = ["responseHeaders", "statusCode", "statusLine"];

/** The members each event's details have, for a POST answered by a redirect (first hop). */
const FIRST_HOP: Record<string, string[]> = {
  onBeforeRequest: [...COMMON, "uploadData"],
  onBeforeSendHeaders: [...COMMON, "requestHeaders", "uploadData"],
  onSendHeaders: [...COMMON, "requestHeaders"],
  onHeadersReceived: [...COMMON, ...RESPONSE],
  onBeforeRedirect: [...COMMON, ...RESPONSE, "fromCache", "ip", "redirectURL"],
};

/** ... and for the GET of the second hop. */
const SECOND_HOP: Record<string, string[]> = {
  onBeforeRequest: COMMON,
  onBeforeSendHeaders: [...COMMON, "requestHeaders"],
  onSendHeaders: [...COMMON, "requestHeaders"],
  onHeadersReceived: [...COMMON, ...RESPONSE],
  onResponseStarted: [...COMMON, ...RESPONSE, "fromCache", "ip"],
  onCompleted: [...COMMON, ...RESPONSE, "error", "fromCache", "ip"],
};

describe("webRequest: Electron's details, member by member", () => {
  it("has the documented members of each event, and no page's", async () => {
    const ses = await sessions.fresh();
    const seen = recordElectron(ses.webRequest);
    const response = await ses.fetch(`${server.url}/redirect/1`, { method: "POST", body: "abc" });
    await response.text();
    await until(() => seen.some((s) => s.event === "onCompleted"));
    const redirectAt = seen.findIndex((s) => s.event === "onBeforeRedirect");
    const hops = [seen.slice(0, redirectAt + 1), seen.slice(redirectAt + 1)];
    for (const [index, expected] of [FIRST_HOP, SECOND_HOP].entries()) {
      assert.deepEqual(hops[index].map((s) => s.event), Object.keys(expected));
      for (const { event, details } of hops[index]) {
        assert.deepEqual(Object.keys(details).sort(), [...expected[event]].sort(), event);
      }
    }
    const completed = hops[1].at(-1)!.details;
    assert.equal(completed.referrer, "");
    assert.equal(completed.resourceType, "other");
    assert.equal(completed.fromCache, false);
    // milliseconds since the epoch (base::Time::Now().ToDoubleT() * 1000), not a monotonic clock
    assert.equal(typeof completed.timestamp, "number");
    assert.ok((completed.timestamp as number) > Date.UTC(2020, 0, 1));
  });
});
