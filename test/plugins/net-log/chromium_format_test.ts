/**
 * The net log's file against one that Debian's Chromium writes with `--log-net-log` for the same
 * requests to the same local server: the same layout, the same constant tables, only Chromium's
 * event and source type names, and each request's events in an order Chromium also has.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { needs, requireCommand } from "../../_system.ts";

// deno-lint-ignore no-explicit-any
type Log = { constants: any; events: any[]; polledData?: unknown };

let server: TestServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(`${tmpdir()}/websession-netlog-`);
  server = await serve((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/start") {
      return new Response(null, { status: 302, headers: { location: "/page" } });
    }
    return new Response("<p>hi</p>", {
      headers: { "content-type": "text/html", "set-cookie": "seen=1; Path=/" },
    });
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function chromiumNetLog(url: string, file: string): Promise<void> {
  const chromium = requireCommand("chromium");
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${dir}/profile`,
    `--log-net-log=${file}`,
    "--dump-dom",
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(chromium, args, { timeout: 60_000 }, (error) => error ? reject(error) : resolve());
  });
}

/** The (event name, phase) list of the URL_REQUEST source that starts with `url`. */
function requestEvents(log: Log, url: string): string[] {
  const types = Object.fromEntries(
    Object.entries(log.constants.logEventTypes).map(([name, id]) => [id, name]),
  );
  const urlRequest = log.constants.logSourceType.URL_REQUEST;
  const alive = log.events.find((e) =>
    e.source.type === urlRequest && types[e.type] === "REQUEST_ALIVE" && e.phase === 1 &&
    e.params?.url === url
  );
  assert.ok(alive, `no request for ${url}`);
  return log.events.filter((e) => e.source.id === alive.source.id).map((e) =>
    `${types[e.type]}:${e.phase}`
  );
}

function isSubsequence(ours: string[], theirs: string[]): boolean {
  let i = 0;
  for (const item of theirs) if (item === ours[i]) i++;
  return i === ours.length;
}

describe("net log format against Chromium's --log-net-log", () => {
  needs("chromium");
  let chrome: Log;
  let ours: Log;

  before(async () => {
    const url = `${server.url}/start`;
    try {
      await chromiumNetLog(url, `${dir}/chromium.json`);
      chrome = JSON.parse(readFileSync(`${dir}/chromium.json`, "utf8"));
    } catch {
      // needs() reports a missing Chromium; other failures show in the tests below.
    }
    const ses = session.fromPartition("netlog-vs-chromium");
    await ses.netLog.startLogging(`${dir}/ours.json`);
    await (await ses.fetch(url)).text();
    await ses.netLog.stopLogging();
    ours = JSON.parse(readFileSync(`${dir}/ours.json`, "utf8"));
  });

  it("has the same top-level layout and constant tables", () => {
    assert.deepEqual(Object.keys(ours), Object.keys(chrome));
    assert.deepEqual(Object.keys(ours.constants).sort(), Object.keys(chrome.constants).sort());
    assert.deepEqual(ours.constants.logEventPhase, chrome.constants.logEventPhase);
    assert.equal(ours.constants.logFormatVersion, chrome.constants.logFormatVersion);
    assert.equal(typeof ours.constants.timeTickOffset, typeof chrome.constants.timeTickOffset);
    assert.equal(ours.constants.logCaptureMode, chrome.constants.logCaptureMode);
    for (const [name, number] of Object.entries(ours.constants.netError)) {
      assert.equal(chrome.constants.netError[name], number, `netError ${name}`);
    }
  });

  it("uses only Chromium's event and source type names", () => {
    for (const name of Object.keys(ours.constants.logEventTypes)) {
      assert.ok(name in chrome.constants.logEventTypes, `event type ${name}`);
    }
    for (const name of Object.keys(ours.constants.logSourceType)) {
      assert.ok(name in chrome.constants.logSourceType, `source type ${name}`);
    }
  });

  it("writes events with Chromium's fields and types", () => {
    const shape = (e: Log["events"][number]) =>
      [
        typeof e.phase,
        typeof e.time,
        typeof e.type,
        typeof e.source.id,
        typeof e.source.start_time,
        typeof e.source.type,
      ].join();
    assert.ok(ours.events.length > 0);
    const chromeShape = shape(chrome.events[0]);
    for (const event of ours.events) assert.equal(shape(event), chromeShape);
  });

  it("logs the redirected request in an order Chromium also logs it", () => {
    const url = `${server.url}/start`;
    const theirs = requestEvents(chrome, url);
    const mine = requestEvents(ours, url);
    assert.ok(mine.includes("URL_REQUEST_REDIRECTED:0"));
    assert.ok(mine.includes("HTTP_TRANSACTION_READ_RESPONSE_HEADERS:0"));
    assert.ok(
      isSubsequence(mine, theirs),
      `ours:\n${mine.join("\n")}\n\nChromium's:\n${theirs.join("\n")}`,
    );
  });

  it("writes the request and response headers as Chromium's lines", () => {
    const types = ours.constants.logEventTypes;
    const sent = ours.events.find((e) => e.type === types.HTTP_TRANSACTION_SEND_REQUEST_HEADERS);
    assert.equal(sent.params.line, "GET /start HTTP/1.1\r\n");
    assert.ok(sent.params.headers.every((h: string) => /^[^:]+: /.test(h)));
    const read = ours.events.find((e) => e.type === types.HTTP_TRANSACTION_READ_RESPONSE_HEADERS);
    assert.equal(read.params.headers[0], "HTTP/1.1 302 Found");
  });
});
