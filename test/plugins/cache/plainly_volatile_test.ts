// The cache's own decision for responses that say nothing about caching (plainlyVolatile) and the
// policy it makes later (lazyPolicy) against http-cache-semantics' answer for the same exchange.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HopRequest } from "../../../kernel/http/hop_request.ts";
import {
  lazyPolicy,
  newPolicy,
  plainlyVolatile,
  responseFields,
} from "../../../plugins/cache/_policy.ts";

function request(method: string, headers: Record<string, string> = {}) {
  return new HopRequest(1, Date.now(), {
    url: "http://example.test:8080/a?b=1",
    method,
    headers: new Headers(headers),
    body: null,
  });
}

const STATUSES = [
  200,
  201,
  203,
  204,
  206,
  300,
  301,
  302,
  304,
  307,
  308,
  404,
  405,
  410,
  414,
  500,
  501,
];
const RESPONSES: Record<string, string>[] = [
  {},
  { "content-type": "text/plain", "content-length": "5" },
  { "cache-control": "max-age=60" },
  { "cache-control": "no-store" },
  { expires: "Thu, 01 Jan 2099 00:00:00 GMT" },
  { "last-modified": "Thu, 01 Jan 2015 00:00:00 GMT" },
  { etag: '"x"' },
  { vary: "accept" },
  { pragma: "no-cache" },
  { age: "10", date: new Date().toUTCString() },
];
const REQUESTS: [string, Record<string, string>][] = [
  ["GET", {}],
  ["GET", { accept: "*/*", "user-agent": "x" }],
  ["GET", { authorization: "Basic eDp5" }],
  ["GET", { host: "other.test" }],
  ["GET", { "cache-control": "no-store" }],
  ["GET", { pragma: "no-cache" }],
  ["HEAD", {}],
  ["POST", {}],
];

describe("plainlyVolatile and lazyPolicy", () => {
  it("say yes only where the library stores the response stale and without a validator", () => {
    let yes = 0;
    for (const status of STATUSES) {
      for (const headers of RESPONSES) {
        for (const [method, requestHeaders] of REQUESTS) {
          const req = request(method, requestHeaders);
          const response = new Response(null, { status: status === 304 ? 304 : status, headers });
          const fields = responseFields(response.headers);
          if (!plainlyVolatile(req, status, fields)) continue;
          yes++;
          const policy = newPolicy(req, response, fields);
          const where = `${method} ${JSON.stringify(requestHeaders)} -> ${status} ${
            JSON.stringify(headers)
          }`;
          assert.equal(policy.storable(), true, where);
          assert.equal(policy.timeToLive(), 0, where);
          assert.equal(fields.etag ?? fields["last-modified"], undefined, where);
          const lazy = lazyPolicy(req, status, fields)();
          const now = policy.toObject();
          assert.ok(Math.abs(lazy.t - now.t) < 1000, where);
          assert.deepEqual({ ...lazy, t: 0 }, { ...now, t: 0 }, where);
        }
      }
    }
    // the common case is covered: plain GETs answered 200, 204, 404, ... with no caching fields
    assert.ok(yes >= 3 * 11, `only ${yes} exchanges took the fast path`);
  });

  it("makes the policy once, when first asked", () => {
    const req = request("GET");
    const made = lazyPolicy(req, 200, { "content-type": "text/plain" });
    assert.equal(made(), made());
    assert.equal(made().st, 200);
    assert.equal(made().u, req.url);
  });
});
