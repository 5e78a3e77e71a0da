// Chrome's `details.requestBody` (extraInfoSpec 'requestBody'): for POST and PUT only; a body
// that parses as a form (application/x-www-form-urlencoded, or multipart/form-data) is given as
// `formData` alone, any other body as `raw` alone (chrome.webRequest's documentation: raw holds the
// elements "not already parsed in formData").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../../_serve.ts";
import { startServer, type WebRequestSession, webRequestSessions } from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-request-body");

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

/** The `requestBody` Chrome's onBeforeRequest listener saw for one request of `ses`. */
async function bodySeen(
  ses: WebRequestSession,
  init: RequestInit,
): Promise<Record<string, unknown> | undefined> {
  let seen: Record<string, unknown> | undefined | null = null;
  const listener = (details: Record<string, unknown>) => {
    seen = details.requestBody as Record<string, unknown> | undefined;
  };
  ses.webRequest.events.onBeforeRequest.addListener(listener, { urls: ["<all_urls>"] }, [
    "requestBody",
  ]);
  try {
    await (await ses.fetch(`${server.url}/echo`, init)).arrayBuffer();
  } finally {
    ses.webRequest.events.onBeforeRequest.removeListener(listener);
  }
  assert.notEqual(seen, null, "the listener was called");
  return seen ?? undefined;
}

const text = (buffer: unknown) => new TextDecoder().decode(buffer as ArrayBuffer);

describe("Chrome's requestBody", () => {
  it("a URL-encoded form is formData alone: repeated keys collect, + is a space", async () => {
    const ses = await sessions.fresh();
    const body = await bodySeen(ses, {
      method: "POST",
      body: new URLSearchParams([["a", "1"], ["b", "x y"], ["a", "2"]]),
    });
    assert.deepEqual(body, { formData: { a: ["1", "2"], b: ["x y"] } });
  });

  it("a multipart/form-data form is formData: a field's text, a file's name", async () => {
    const ses = await sessions.fresh();
    const form = new FormData();
    form.append("name", "Ada");
    form.append("upload", new File(["file body"], "notes.txt", { type: "text/plain" }));
    form.append("name", "Grace");
    const body = await bodySeen(ses, { method: "PUT", body: form });
    assert.deepEqual(body, { formData: { name: ["Ada", "Grace"], upload: ["notes.txt"] } });
  });

  it("a body that is no form (text/plain, or URL-encoded text that is malformed) is raw alone", async () => {
    const ses = await sessions.fresh();
    const plain = await bodySeen(ses, { method: "POST", body: "a=1&b=2" });
    assert.deepEqual(Object.keys(plain ?? {}), ["raw"]);
    const raw = plain!.raw as Array<{ bytes: ArrayBuffer }>;
    assert.equal(text(raw[0].bytes), "a=1&b=2");
    const malformed = await bodySeen(ses, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&flag",
    });
    assert.deepEqual(Object.keys(malformed ?? {}), ["raw"]);
  });

  it("a form value that is not UTF-8, and a part sent as application/octet-stream, are bytes", async () => {
    const ses = await sessions.fresh();
    const encoded = await bodySeen(ses, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "k=%FF%FE&t=%C3%A9",
    });
    const form = encoded!.formData as Record<string, unknown[]>;
    assert.deepEqual(new Uint8Array(form.k[0] as ArrayBuffer), new Uint8Array([0xff, 0xfe]));
    assert.deepEqual(form.t, ["é"]);
    const multipart = await bodySeen(ses, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=XyZ" },
      body: '--XyZ\r\nContent-Disposition: form-data; name="blob"\r\n' +
        "Content-Type: application/octet-stream\r\n\r\nab\r\ncd\r\n--XyZ--\r\n",
    });
    const parts = multipart!.formData as Record<string, unknown[]>;
    assert.equal(text(parts.blob[0]), "ab\r\ncd");
  });

  it("a streamed body cannot be read: Chrome's error", async () => {
    const ses = await sessions.fresh();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("a=1"));
        controller.close();
      },
    });
    const body = await bodySeen(
      ses,
      { method: "POST", body: stream, duplex: "half" } as RequestInit,
    );
    assert.deepEqual(body, { error: "Unknown error." });
  });

  it("only POST and PUT carry it", async () => {
    const ses = await sessions.fresh();
    for (const method of ["PATCH", "DELETE"]) {
      const body = await bodySeen(ses, { method, body: new URLSearchParams({ a: "1" }) });
      assert.equal(body, undefined, method);
    }
  });
});
