// The cache's one pass over a request's headers (cacheRequestFields) against Headers.get/has, the
// look-ups it replaces.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cacheRequestFields, hasOwnDirectives } from "../../../plugins/cache/_request_fields.ts";
import { RequestHeaders } from "../../../kernel/http/hop_request.ts";

describe("cacheRequestFields", () => {
  it("reads each field as Headers.get does, duplicates joined, other names ignored", () => {
    const headers = new Headers([
      ["Cache-Control", "max-age=0"],
      ["cache-control", "no-transform"],
      ["pragma", "no-cache"],
      ["range", "bytes=0-1"],
      ["host", "a.test"],
      ["authorization", "Basic eA=="],
      ["__proto__", "x"],
      ["user-agent", "test"],
    ]);
    const own = cacheRequestFields(headers);
    assert.equal(own.cacheControl, headers.get("cache-control"));
    assert.equal(own.pragma, "no-cache");
    assert.equal(own.range, "bytes=0-1");
    assert.equal(own.host, "a.test");
    assert.equal(own.authorization, "Basic eA==");
    assert.equal(own.conditional, false);
    assert.equal(hasOwnDirectives(own), true);
  });

  it("tells each conditional field, and nothing for headers without any of them", () => {
    for (const name of ["if-none-match", "If-Modified-Since", "if-match", "if-unmodified-since"]) {
      const own = cacheRequestFields(new Headers({ [name]: "x", "user-agent": "test" }));
      assert.equal(own.conditional, true, name);
      assert.equal(hasOwnDirectives(own), true, name);
    }
    const plain = cacheRequestFields(new Headers({ "user-agent": "test" }));
    // every field null, and no condition
    assert.deepEqual(new Set(Object.values(plain)), new Set([null, false]));
    assert.equal(hasOwnDirectives(plain), false);
    assert.equal(hasOwnDirectives(cacheRequestFields(new RequestHeaders())), false);
    const later = new RequestHeaders();
    later.set("range", "bytes=1-");
    assert.equal(cacheRequestFields(later).range, "bytes=1-");
  });
});
