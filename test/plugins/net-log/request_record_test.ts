/**
 * A request's compact record against its events written one by one: a log that keeps records
 * (the default) and one that does not (a `maxFileSize`, whose events are counted as they come)
 * give each request the same events with the same params, whichever way it went; and a record's
 * JSON bytes are the text of its events made one by one.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { EventBuffer, eventsText } from "../../../plugins/net-log/event_buffer.ts";
import { eventsJson } from "../../../plugins/net-log/event_json.ts";
import { RequestRecord, STAGE, writeRecord } from "../../../plugins/net-log/request_record.ts";

// deno-lint-ignore no-explicit-any
type Log = { constants: any; events: any[] };

let server: TestServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(`${tmpdir()}/websession-netlog-record-`);
  server = await serve((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/start") {
      return new Response(null, { status: 302, headers: { location: "/page" } });
    }
    if (url.pathname === "/auth") {
      return new Response("no", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="r"' },
      });
    }
    return new Response("hello", {
      headers: { "set-cookie": "a=1; Path=/", "x-latin": "caf\u00e9", "cache-control": "no-store" },
    });
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each source's `name:phase params` list, ids and times left out, sorted by its first line. */
function trails(log: Log): string[] {
  const names = Object.fromEntries(
    Object.entries(log.constants.logEventTypes).map(([name, id]) => [id, name]),
  );
  const bySource = new Map<number, string[]>();
  for (const e of log.events) {
    const list = bySource.get(e.source.id) ?? [];
    bySource.set(e.source.id, list);
    const params = JSON.stringify(e.params ?? null)
      .replace(/"id":\d+/g, '"id":N')
      .replace(/date: [^"]*/g, "date: D");
    list.push(`${e.source.type} ${names[e.type]}:${e.phase} ${params}`);
  }
  return [...bySource.values()].map((list) => list.join("\n")).sort();
}

async function record(
  captureMode: "default" | "includeSensitive" | "everything",
  maxFileSize?: number,
): Promise<Log> {
  const ses = session.fromPartition(`netlog-record-${captureMode}-${maxFileSize ?? "records"}`);
  const path = `${dir}/${captureMode}-${maxFileSize ?? "records"}.json`;
  await ses.netLog.startLogging(path, { captureMode, maxFileSize });
  const port = server.port;
  await (await ses.fetch(`${server.url}/x?q=1`)).text();
  await (await ses.fetch(`${server.url}/x`)).text(); // sends the cookie the first one stored
  await (await ses.fetch(`${server.url}/x`, {
    headers: { host: `127.0.0.1:${port}`, authorization: "Basic dTpw", "x-h": "caf\u00e9" },
  })).text();
  await (await ses.fetch(`${server.url}/start`)).text();
  await (await ses.fetch(`${server.url}/echo`, { method: "POST", body: "abc" })).text();
  await (await ses.fetch(`${server.url}/auth`)).text();
  await Promise.all([1, 2, 3].map(async (i) => (await ses.fetch(`${server.url}/p${i}`)).text()));
  await assert.rejects(ses.fetch("http://127.0.0.1:1/"));
  await ses.netLog.stopLogging();
  return JSON.parse(readFileSync(path, "utf8"));
}

describe("net log request records", () => {
  for (const mode of ["default", "includeSensitive", "everything"] as const) {
    it(`give every request the events it gets one by one (${mode})`, async () => {
      const kept = trails(await record(mode));
      const oneByOne = trails(await record(mode, 1e9));
      assert.ok(kept.length >= 10, `${kept.length} sources`);
      assert.deepEqual(kept, oneByOne);
    });
  }

  it("writes a record's JSON bytes as the text of its events made one by one", () => {
    for (const mode of ["default", "includeSensitive", "everything"] as const) {
      for (const stages of [STAGE.alive, STAGE.sent, STAGE.started]) {
        for (const routed of [false, true]) {
          const buffer = new EventBuffer();
          buffer.event(2, 1, 3, 1, 10, 11, { url: "http://a.test/" });
          const rec = new RequestRecord(7, 100, 'http://a.test/é?q="x"');
          rec.jobUrl = "http://a.test/other";
          rec.method = "GET";
          rec.initiator = "not an origin";
          rec.requestType = "other";
          rec.routed = routed;
          rec.controllerId = routed ? 8 : 0;
          rec.controllerStart = 101;
          rec.controllerUrl = rec.url;
          rec.pac = "PROXY p:8080;DIRECT";
          rec.line = "GET /é HTTP/1.1\r\n";
          rec.host = "Host: a.test";
          rec.requestPairs = [
            "accept",
            "*/*",
            "authorization",
            "Basic dTpw",
            "cookie",
            "a=1; b; c=\u00e9",
            "x-ctl",
            "tab\there",
          ];
          rec.status = 200;
          rec.statusText = "";
          rec.responsePairs = [
            "content-type",
            "text/html",
            "www-authenticate",
            "Negotiate abc",
            "set-cookie",
            "s=1",
            "set-cookie",
            "t=2",
          ];
          for (let stage = STAGE.alive; stage <= stages; stage++) {
            rec.reach(stage as typeof STAGE[keyof typeof STAGE], 100 + stage);
          }
          writeRecord(buffer, rec, [{ domain: "a.test", name: "s", path: "/" }]);
          buffer.event(2, 2, 3, 1, 10, 12, undefined);
          const bytes = buffer.take();
          const text = eventsText(bytes, mode);
          assert.equal(new TextDecoder().decode(eventsJson(bytes, mode, false)), text);
          assert.equal(new TextDecoder().decode(eventsJson(bytes, mode, true)), `,\n${text}`);
          assert.ok(JSON.parse(`[${text}]`).length > 2);
        }
      }
    }
  });
});
