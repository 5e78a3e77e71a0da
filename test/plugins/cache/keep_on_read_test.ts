// keepOnRead: the cache's copy of a small body taken when the caller reads it, whichever way.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { keepOnRead } from "../../../plugins/cache/_keep_on_read.ts";

function kept(body: BodyInit | null = '{"a":1}', init?: ResponseInit) {
  const copies: Uint8Array[] = [];
  const response = keepOnRead(new Response(body, init), (bytes) => copies.push(bytes));
  return { response, copies };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("keepOnRead", () => {
  it("hands back the same response, kept once by whichever reader reads it", async () => {
    const readers: Array<[string, (r: Response) => Promise<unknown>, unknown]> = [
      ["arrayBuffer", (r) => r.arrayBuffer().then((b) => text(new Uint8Array(b))), '{"a":1}'],
      ["text", (r) => r.text(), '{"a":1}'],
      ["json", (r) => r.json(), { a: 1 }],
      ["bytes", (r) => r.bytes().then(text), '{"a":1}'],
      ["blob", (r) => r.blob().then((b) => b.text()), '{"a":1}'],
      ["body", (r) => new Response(r.body).text(), '{"a":1}'],
    ];
    for (const [name, read, expected] of readers) {
      const original = new Response('{"a":1}');
      const copies: Uint8Array[] = [];
      const response = keepOnRead(original, (bytes) => copies.push(bytes));
      assert.equal(response, original, name);
      assert.deepEqual(await read(response), expected, name);
      assert.deepEqual(copies.map(text), ['{"a":1}'], name);
      assert.equal(response.bodyUsed, true, name);
      await assert.rejects(response.text(), TypeError, `${name}: read once, as any response`);
      assert.equal(copies.length, 1, name);
    }
  });

  it("keeps a copy: the caller's bytes are its own", async () => {
    const { response, copies } = kept("abc");
    const bytes = new Uint8Array(await response.arrayBuffer());
    bytes.fill(0);
    assert.equal(text(copies[0]), "abc");
  });

  it("keeps nothing for a body not read, cancelled or failed", async () => {
    const unread = kept("abc");
    assert.equal(unread.response.status, 200);
    assert.equal(unread.copies.length, 0);
    const cancelled = kept("abc");
    await cancelled.response.body!.cancel();
    assert.equal(cancelled.copies.length, 0);
    const failing = kept(
      new ReadableStream({ start: (c) => c.error(new Error("cut short")) }),
    );
    await assert.rejects(failing.response.text(), /cut short/);
    assert.equal(failing.copies.length, 0);
  });

  it("gives the same body stream each time, and null for a response without a body", async () => {
    const { response, copies } = kept("abc");
    assert.equal(response.body, response.body);
    assert.equal(text(new Uint8Array(await new Response(response.body).arrayBuffer())), "abc");
    assert.equal(copies.length, 1);
    assert.equal(kept(null).response.body, null);
  });

  it("reads a blob's type and a form as the runtime does", async () => {
    const typed = kept("a=1&b=2", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal((await typed.response.formData()).get("b"), "2");
    assert.equal(typed.copies.length, 1);
    const type = { "content-type": "Text/Plain;Charset=UTF-8" };
    const blob = await kept("x", { headers: type }).response.blob();
    assert.equal(blob.type, (await new Response("x", { headers: type }).blob()).type);
  });
});
