import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import type { BodyDetails } from "../../../entries/web_request.ts";
import { serve, type TestServer } from "../../_serve.ts";

let server: TestServer;

before(async () => {
  server = await serve(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/echo") return new Response(`got ${await request.text()}`);
    return new Response(`page ${path}`, { headers: { "content-type": "text/plain" } });
  });
});

after(() => server.close());

function replacing(from: string, to: string): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      const text = new TextDecoder().decode(chunk);
      controller.enqueue(new TextEncoder().encode(text.replaceAll(from, to)));
    },
  });
}

describe("webRequest.events.onResponseBody and onRequestBody", () => {
  it("rewrites the response bodies of the URLs the filter matches, with Chrome-style details", async () => {
    const ses = session.fromPartition("body-events-response");
    // the preset's own taps of the stage (the shared-dictionary plugin's)
    const presetTaps = ses.pipeline.tapCount("responseBody");
    const seen: BodyDetails[] = [];
    const listener = (details: BodyDetails) => {
      seen.push(details);
      return replacing("page", "PAGE");
    };
    ses.webRequest.events.onResponseBody.addListener(listener, {
      urls: [`${server.url}/rewrite/*`],
    });
    assert.equal(ses.webRequest.events.onResponseBody.hasListener(listener), true);
    assert.equal(await (await ses.fetch(`${server.url}/rewrite/a`)).text(), "PAGE /rewrite/a");
    assert.equal(await (await ses.fetch(`${server.url}/other`)).text(), "page /other");
    assert.equal(seen.length, 1);
    assert.equal(seen[0].url, `${server.url}/rewrite/a`);
    assert.equal(seen[0].method, "GET");
    assert.equal(seen[0].statusCode, 200);
    assert.ok(seen[0].responseHeaders!.some((h) => h.name === "content-type"));
    ses.webRequest.events.onResponseBody.removeListener(listener);
    assert.equal(ses.webRequest.events.onResponseBody.hasListener(listener), false);
    assert.equal(await (await ses.fetch(`${server.url}/rewrite/b`)).text(), "page /rewrite/b");
    assert.equal(ses.pipeline.tapCount("responseBody"), presetTaps, "the listener's tap is gone");
  });

  it("rewrites request bodies, and a scope sees the same events", async () => {
    const ses = session.fromPartition("body-events-request");
    ses.webRequest.scope("other").events.onRequestBody.addListener(
      () => replacing("secret", "******"),
      { urls: ["<all_urls>"] },
    );
    const answer = await ses.fetch(`${server.url}/echo`, { method: "POST", body: "my secret" });
    assert.equal(await answer.text(), "got my ******");
  });

  it("refuses a bad filter or listener with a TypeError", () => {
    const ses = session.fromPartition("body-events-bad");
    const event = ses.webRequest.events.onResponseBody;
    assert.throws(() => event.addListener(() => null, {} as never), {
      name: "TypeError",
      message: "The filter must be an object with a urls array",
    });
    assert.throws(() => event.addListener(() => null, { urls: ["not a pattern"] }), TypeError);
    assert.throws(() => event.addListener("nope" as never, { urls: [] }), {
      name: "TypeError",
      message: "The listener must be a function",
    });
  });
});
