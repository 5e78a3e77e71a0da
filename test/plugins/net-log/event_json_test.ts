import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventBuffer, eventsText } from "../../../plugins/net-log/event_buffer.ts";
import { eventsJson } from "../../../plugins/net-log/event_json.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A buffer with every kind of event and value the recorder and the other parts write. */
function varied(): EventBuffer {
  const buffer = new EventBuffer();
  const long = "y".repeat(70) + "é€😀";
  buffer.event(2, 1, 7, 1, 123456789, 123456790, undefined);
  buffer.event(3, 0, 7, 1, 0, 0, {
    url: `http://127.0.0.1/${long}?q="x"\\y`,
    control: "tab\there\u0001\u001f\b\f\n\r end",
    count: 3,
    negative: -12,
    fraction: 0.25,
    huge: 2 ** 60,
    notANumber: Number.NaN,
    infinite: Number.POSITIVE_INFINITY,
    yes: true,
    no: false,
    none: null,
    list: ["a", 1, { b: [true] }],
    ref: { id: 4, type: 1, deeper: { é: "ü", 'quo"te': "\\" } },
    skipped: undefined,
    "ключ": "значение",
    lone: "\ud800 alone",
  });
  buffer.event(4, 2, 4294967295, 255, 1.5, 987654321012, { net_error: -3 });
  const headers = new Headers([
    ["cookie", "a=1; b=2"],
    ["authorization", "Bearer secret"],
    ["www-authenticate", "Negotiate abcdef"],
    ["x-latin", "caf\u00e9"],
    ["set-cookie", "s=1; Path=/"],
    ["set-cookie", "t=2"],
    ["x-quote", 'say "hi"'],
  ]);
  buffer.headersEvent(
    9,
    0,
    7,
    1,
    123456789,
    123456792,
    "GET /?q=1 HTTP/1.1\r\n",
    "Host: h",
    headers,
  );
  buffer.headersEvent(10, 0, 7, 1, 123456789, 123456793, null, "HTTP/1.1 200 OK", headers);
  buffer.headersEvent(10, 0, 7, 1, 123456789, 123456794, null, null, new Headers());
  buffer.headersEvent(10, 0, 7, 1, 123456789, 123456795, "POST / HTTP/1.1\r\n", null, headers);
  return buffer;
}

describe("net log events as JSON bytes", () => {
  it("writes exactly the text eventsText makes, in every capture mode, with and without a lead", () => {
    for (const mode of ["default", "includeSensitive", "everything"] as const) {
      const bytes = varied().take();
      const text = eventsText(bytes, mode);
      assert.equal(decode(eventsJson(bytes, mode, false)), text);
      assert.equal(decode(eventsJson(bytes, mode, true)), `,\n${text}`);
      // and it is JSON: the events parse back as a list
      assert.equal(JSON.parse(`[${text}]`).length, 7);
    }
  });

  it("writes nothing for no events, and grows past its first guess of the size", () => {
    assert.equal(eventsJson(new Uint8Array(0), "default", false).length, 0);
    const buffer = new EventBuffer();
    // Header lines longer than the events' bytes: "[N bytes were stripped]" and escapes grow them.
    const headers = new Headers([["x-escapes", "\u0001".repeat(40)], ["cookie", "c"]]);
    for (let i = 0; i < 50; i++) buffer.headersEvent(9, 0, i, 1, 0, i, null, null, headers);
    const bytes = buffer.take();
    assert.equal(decode(eventsJson(bytes, "default", false)), eventsText(bytes, "default"));
  });
});
