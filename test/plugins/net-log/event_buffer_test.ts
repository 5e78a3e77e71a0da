import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventBuffer, eventTexts } from "../../../plugins/net-log/event_buffer.ts";
import {
  type EventFormatter,
  formatWorkersStarted,
  startFormatter,
} from "../../../plugins/net-log/formatter.ts";
import { headerLines } from "../../../plugins/net-log/sensitive_headers.ts";

/** What the recorder wrote before events were kept as bytes: one JSON text an event. */
function expected(
  type: number,
  phase: number,
  source: [number, number, number],
  time: number,
  params?: unknown,
): string {
  const tail = `"phase":${phase},"source":{"id":${source[0]},"start_time":"${source[2]}","type":${
    source[1]
  }},"time":"${time}","type":${type}}`;
  return params === undefined ? `{${tail}` : `{"params":${JSON.stringify(params)},${tail}`;
}

describe("net log event buffer", () => {
  it("gives back each event's JSON, params and header lines as JSON.stringify writes them", () => {
    const buffer = new EventBuffer();
    const long = "x".repeat(100) + "é€😀";
    const params = { url: `http://127.0.0.1/${long}`, n: 3, ok: true, ref: { id: 4, type: 1 } };
    buffer.event(2, 1, 7, 1, 123456789, 123456790, undefined);
    buffer.event(3, 0, 7, 1, 123456789, 123456791, params);
    buffer.event(4, 0, 8, 6, 5, 6, { message: 'ünï "quoted"\n' });
    const headers = new Headers([
      ["cookie", "a=1; b=2"],
      ["x-latin", "caf\u00e9"],
      ["set-cookie", "s=1; Path=/"],
      ["accept", "*/*"],
      ["set-cookie", "t=2"],
      ["x-long", long.slice(0, 100)],
    ]);
    const line = "GET /?q=1 HTTP/1.1\r\n";
    buffer.headersEvent(9, 0, 7, 1, 123456789, 123456792, line, "Host: 127.0.0.1", headers);
    buffer.headersEvent(10, 0, 7, 1, 123456789, 123456793, null, "HTTP/1.1 200 OK", headers);
    buffer.headersEvent(10, 0, 7, 1, 123456789, 123456794, null, null, new Headers());
    for (const mode of ["default", "includeSensitive"] as const) {
      const lines = headerLines(headers, mode);
      const bytes = buffer.take().slice();
      // take() leaves an empty buffer behind; writing the same events again gives the same bytes.
      assert.equal(buffer.length, 0);
      assert.deepEqual(eventTexts(bytes, mode), [
        expected(2, 1, [7, 1, 123456789], 123456790),
        expected(3, 0, [7, 1, 123456789], 123456791, params),
        expected(4, 0, [8, 6, 5], 6, { message: 'ünï "quoted"\n' }),
        expected(9, 0, [7, 1, 123456789], 123456792, {
          headers: ["Host: 127.0.0.1", ...lines],
          line,
        }),
        expected(10, 0, [7, 1, 123456789], 123456793, { headers: ["HTTP/1.1 200 OK", ...lines] }),
        expected(10, 0, [7, 1, 123456789], 123456794, { headers: [] }),
      ]);
      buffer.event(2, 1, 7, 1, 123456789, 123456790, undefined);
      buffer.event(3, 0, 7, 1, 123456789, 123456791, params);
      buffer.event(4, 0, 8, 6, 5, 6, { message: 'ünï "quoted"\n' });
      buffer.headersEvent(9, 0, 7, 1, 123456789, 123456792, line, "Host: 127.0.0.1", headers);
      buffer.headersEvent(10, 0, 7, 1, 123456789, 123456793, null, "HTTP/1.1 200 OK", headers);
      buffer.headersEvent(10, 0, 7, 1, 123456789, 123456794, null, null, new Headers());
    }
  });

  it("writes params of any values as JSON.stringify does (left-out keys, nesting, odd strings)", () => {
    const buffer = new EventBuffer();
    const inherited = Object.assign(Object.create({ hidden: 1 }), { own: "yes" });
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const cases: Record<string, unknown>[] = [
      { gone: undefined, fn: () => 1, sym: Symbol("s"), kept: "a" },
      { nothing: null, t: true, f: false, zero: -0, nan: NaN, inf: -Infinity, big: 1e21 },
      { list: [1, "b", null], date: new Date(0), nested: { a: { b: [] } } },
      { lone: "a\ud800b", emoji: "😀", quote: 'say "hi"\\', control: "\u0001\n\t" },
      { "2": "integer-like keys first", b: 1, "1": 0, "é key": "x" },
      { [`${"long".repeat(40)}`]: "z".repeat(70_000) },
      inherited,
      many,
      { inner: many, after: 1 },
      { a: { b: { c: { d: { e: { f: "deep" } } } } }, ref: { id: 4, type: 7 } },
      { nullProto: Object.assign(Object.create(null), { x: 1 }), url: new URL("http://a.test/") },
      {
        own: { toJSON: () => "custom" },
        cls: new (class Point {
          x = 1;
        })(),
      },
      {},
    ];
    for (const params of cases) buffer.event(5, 0, 1, 1, 0, 1, params);
    assert.deepEqual(
      eventTexts(buffer.take(), "default"),
      cases.map((params) => expected(5, 0, [1, 1, 0], 1, params)),
    );
  });

  it("grows for an event larger than its buffer, keeping the events before it", () => {
    const buffer = new EventBuffer();
    const huge = "a".repeat(3 * 1024 * 1024);
    buffer.event(2, 1, 1, 1, 0, 1, undefined);
    buffer.event(3, 0, 1, 1, 0, 2, { huge });
    const texts = eventTexts(buffer.take(), "default");
    assert.equal(texts.length, 2);
    assert.equal(texts[0], expected(2, 1, [1, 1, 0], 1));
    assert.equal(texts[1], expected(3, 0, [1, 1, 0], 2, { huge }));
  });

  it("formats in a Worker, answering buffers in the order they were given", async () => {
    const formatter = await startFormatter("default");
    const decoder = new TextDecoder();
    const answers: Promise<Uint8Array>[] = [];
    const wanted: string[] = [];
    for (let batch = 0; batch < 40; batch++) {
      const buffer = new EventBuffer();
      const texts: string[] = [];
      for (let i = 0; i < 50; i++) {
        const params = i % 3 === 0 ? { url: `http://127.0.0.1/${batch}/${i}` } : undefined;
        buffer.event(2, i % 3, batch, 1, 0, i, params);
        texts.push(expected(2, i % 3, [batch, 1, 0], i, params));
      }
      answers.push(formatter.format(buffer.take(), batch > 0));
      wanted.push((batch > 0 ? ",\n" : "") + texts.join(",\n"));
    }
    const got = (await Promise.all(answers)).map((a) =>
      typeof a === "string" ? a : decoder.decode(a)
    );
    formatter.close();
    assert.equal(formatter.constructor.name, "WorkerFormatter");
    assert.deepEqual(got, wanted);
  });

  it("keeps an idle Worker for the next log, and starts another for a buffer after that", async () => {
    const formatter = await startFormatter("default");
    const started = formatWorkersStarted();
    const decoder = new TextDecoder();
    const once = async (into: EventFormatter, id: number) => {
      const buffer = new EventBuffer();
      buffer.event(2, 1, id, 1, 0, 5, { id });
      const answer = await into.format(buffer.take(), id > 1);
      return typeof answer === "string" ? answer : decoder.decode(answer);
    };
    assert.equal(await once(formatter, 1), expected(2, 1, [1, 1, 0], 5, { id: 1 }));
    // Past the idle time (one second) the Worker left the first log and waits for the next one,
    // which starts without one of its own.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const next = await startFormatter("default");
    assert.equal(formatWorkersStarted(), started);
    assert.equal(await once(next, 2), `,\n${expected(2, 1, [2, 1, 0], 5, { id: 2 })}`);
    // The first log's next buffer finds no idle Worker: a new one.
    assert.equal(await once(formatter, 3), `,\n${expected(2, 1, [3, 1, 0], 5, { id: 3 })}`);
    assert.equal(formatWorkersStarted(), started + 1);
    formatter.close();
    next.close();
  });
});
