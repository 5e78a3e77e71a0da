// headerPairs: what fetch reads from a request's Headers, made without its iterator.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { headerPairs } from "../../../adapters/http/_header_pairs.ts";

describe("headerPairs", () => {
  it("gives the pairs iterating the headers gives, in the same order", () => {
    const headers = new Headers([
      ["User-Agent", "ua"],
      ["accept", "a"],
      ["X-Two", "1"],
      ["x-two", "2"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    assert.deepEqual(headerPairs(headers), [...headers]);
    assert.deepEqual(headerPairs(new Headers()), []);
  });

  it("is what fetch sends: a Request made with the pairs has the same headers", () => {
    const headers = new Headers({ "user-agent": "ua", "accept-language": "en, fr" });
    const request = new Request("http://127.0.0.1/", { headers: headerPairs(headers) });
    assert.deepEqual([...request.headers], [...headers]);
  });
});
