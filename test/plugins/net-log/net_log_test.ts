import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../../mod.ts";
import { createNetLogPlugin } from "../../../plugins/net-log/mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { runChild } from "../../_process.ts";

// deno-lint-ignore no-explicit-any
type Log = { constants: any; events: any[] };

let server: TestServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(`${tmpdir()}/websession-netlog-api-`);
  server = await serve(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/login") {
      return new Response("ok", { headers: { "set-cookie": "sid=secret-value; Path=/" } });
    }
    if (url.pathname === "/echo") return new Response(await request.text());
    return new Response("hello");
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function read(path: string): Log {
  return JSON.parse(readFileSync(path, "utf8"));
}

function eventsOf(log: Log, type: string) {
  return log.events.filter((e) => e.type === log.constants.logEventTypes[type]);
}

describe("ses.netLog", () => {
  it("records while currentlyLogging and writes a complete file on stopLogging", async () => {
    const ses = session.fromPartition("netlog-basic");
    assert.equal(ses.netLog.currentlyLogging, false);
    const path = `${dir}/basic.json`;
    await ses.netLog.startLogging(path);
    assert.equal(ses.netLog.currentlyLogging, true);
    assert.equal(await (await ses.fetch(`${server.url}/`)).text(), "hello");
    await ses.netLog.stopLogging();
    assert.equal(ses.netLog.currentlyLogging, false);
    const log = read(path);
    const alive = eventsOf(log, "REQUEST_ALIVE");
    assert.deepEqual(alive.map((e) => e.phase), [1, 2]);
    assert.equal(alive[0].params.url, `${server.url}/`);
    // Nothing is recorded after stopLogging.
    await (await ses.fetch(`${server.url}/`)).text();
    assert.equal(read(path).events.length, log.events.length);
  });

  it("elides cookies and credentials by default and keeps them with includeSensitive", async () => {
    const run = async (captureMode: "default" | "includeSensitive", partition: string) => {
      const ses = session.fromPartition(partition);
      const path = `${dir}/${captureMode}.json`;
      await ses.netLog.startLogging(path, { captureMode });
      await (await ses.fetch(`${server.url}/login`)).text();
      await (await ses.fetch(`${server.url}/`, { headers: { authorization: "Basic dTpw" } }))
        .text();
      await ses.netLog.stopLogging();
      return { text: readFileSync(path, "utf8"), log: read(path) };
    };
    const plain = await run("default", "netlog-default");
    assert.equal(plain.log.constants.logCaptureMode, "Default");
    assert.ok(!plain.text.includes("secret-value"));
    assert.ok(!plain.text.includes("dTpw"));
    assert.match(plain.text, /set-cookie: \[24 bytes were stripped\]/);
    assert.match(plain.text, /authorization: \[10 bytes were stripped\]/);
    const stored = eventsOf(plain.log, "COOKIE_INCLUSION_STATUS").map((e) => e.params);
    assert.ok(stored.some((p) => p.operation === "store" && p.name === "sid"));
    assert.ok(stored.some((p) => p.operation === "send" && p.name === "sid"));

    const sensitive = await run("includeSensitive", "netlog-sensitive");
    assert.equal(sensitive.log.constants.logCaptureMode, "IncludeSensitive");
    assert.ok(sensitive.text.includes("sid=secret-value"));
    assert.ok(sensitive.text.includes("Basic dTpw"));
  });

  it("includes request bodies only with everything", async () => {
    const body = "the-request-body";
    const run = async (captureMode: "default" | "everything") => {
      const ses = session.fromPartition(`netlog-body-${captureMode}`);
      const path = `${dir}/body-${captureMode}.json`;
      await ses.netLog.startLogging(path, { captureMode });
      await (await ses.fetch(`${server.url}/echo`, { method: "POST", body })).text();
      await ses.netLog.stopLogging();
      return eventsOf(read(path), "HTTP_TRANSACTION_SEND_REQUEST_BODY")[0].params;
    };
    const plain = await run("default");
    assert.equal(plain.length, body.length);
    assert.equal(plain.bytes, undefined);
    const everything = await run("everything");
    assert.equal(atob(everything.bytes), body);
  });

  it("logs who cancelled a request, and every tap's decision with everything", async () => {
    const run = async (captureMode: "default" | "everything") => {
      const ses = session.fromPartition(`netlog-decisions-${captureMode}`);
      ses.webRequest.onBeforeRequest({ urls: ["*://*/blocked*"] }, (_details, callback) => {
        callback({ cancel: true });
      });
      const path = `${dir}/decisions-${captureMode}.json`;
      await ses.netLog.startLogging(path, { captureMode });
      await assert.rejects(ses.fetch(`${server.url}/blocked`), {
        code: "net::ERR_BLOCKED_BY_CLIENT",
      });
      await ses.netLog.stopLogging();
      const log = read(path);
      const end = eventsOf(log, "REQUEST_ALIVE").find((e) => e.phase === 2);
      assert.equal(end.params.net_error, -20);
      assert.equal(log.constants.netError.ERR_BLOCKED_BY_CLIENT, -20);
      return eventsOf(log, "DELEGATE_INFO").map((e) => e.params);
    };
    const plain = await run("default");
    assert.equal(plain.length, 1);
    assert.match(plain[0].delegate_blocked_by, /web-request/);
    const everything = await run("everything");
    assert.ok(
      everything.some((p) => p.stage === "beforeRequest" && p.applied && p.result.cancel === true),
      JSON.stringify(everything),
    );
  });

  it("lets a program that never stops logging exit, its events written", async () => {
    const path = `${dir}/never-stopped.json`;
    const script = new URL("./_never_stopped.ts", import.meta.url).pathname;
    const child = await runChild(script, [path]);
    assert.deepEqual([child.code, child.signal, child.out], [0, null, "done\n"]);
    // The file ends where the program did: without the closing of the events' list.
    const log = JSON.parse(`${readFileSync(path, "utf8")}\n]}`) as Log;
    const types = Object.fromEntries(
      Object.entries(log.constants.logEventTypes).map(([name, id]) => [id, name]),
    );
    const names = log.events.map((event) => types[event.type]);
    assert.ok(names.includes("REQUEST_ALIVE"), names.join());
  });

  it("stops recording at maxFileSize, leaving a valid file; the log runs until stopLogging", async () => {
    const ses = session.fromPartition("netlog-max");
    const path = `${dir}/max.json`;
    await ses.netLog.startLogging(path, { maxFileSize: 4000 });
    for (let i = 0; i < 20; i++) {
      await (await ses.fetch(`${server.url}/?${i}`)).text();
      await new Promise((r) => setTimeout(r, 0));
    }
    // As Electron's: the exporter stays until stopLogging, which then resolves.
    assert.equal(ses.netLog.currentlyLogging, true);
    await ses.netLog.stopLogging();
    assert.equal(ses.netLog.currentlyLogging, false);
    const log = read(path);
    assert.ok(log.events.length > 0);
    const constantsSize = JSON.stringify(log.constants).length;
    assert.ok(statSync(path).size < constantsSize + 4000 + 100);
  });

  it("throws at once for bad arguments and a second start, as Electron's spec asks", async () => {
    const ses = session.fromPartition("netlog-bad");
    // Electron's spec/api-net-log-spec.ts: `expect(() => startLogging(...)).to.throw()`.
    assert.throws(() => ses.netLog.startLogging(""), {
      name: "TypeError",
      message: /The first parameter must be a valid string/,
    });
    // @ts-expect-error: wrong type on purpose
    assert.throws(() => ses.netLog.startLogging(null), TypeError);
    // @ts-expect-error: wrong type on purpose
    assert.throws(() => ses.netLog.startLogging([]), TypeError);
    // @ts-expect-error: wrong type on purpose
    assert.throws(() => ses.netLog.startLogging(42), TypeError);
    assert.throws(
      // @ts-expect-error: wrong value on purpose
      () => ses.netLog.startLogging(`${dir}/x.json`, { captureMode: "aoeu" }),
      { name: "TypeError", message: /Invalid value for captureMode: must be "default"/ },
    );
    assert.throws(
      // @ts-expect-error: wrong value on purpose
      () => ses.netLog.startLogging(`${dir}/x.json`, { maxFileSize: null }),
      { name: "TypeError", message: /Invalid value for maxFileSize/ },
    );
    assert.throws(() => ses.netLog.startLogging(`${dir}/x.json`, { maxFileSize: -1 }), TypeError);
    assert.equal(ses.netLog.currentlyLogging, false);
    const started = ses.netLog.startLogging(`${dir}/x.json`);
    // Logging from the call on (Electron makes its exporter at once), so a second start throws.
    assert.equal(ses.netLog.currentlyLogging, true);
    assert.throws(() => ses.netLog.startLogging(`${dir}/y.json`), {
      name: "TypeError",
      message: /There is already a net log running/,
    });
    await started;
    assert.throws(() => ses.netLog.startLogging(`${dir}/y.json`), /already a net log running/);
    await ses.netLog.stopLogging();
    assert.equal(ses.netLog.currentlyLogging, false);
  });

  it("rejects stopLogging without a running log with Electron's message", async () => {
    const ses = session.fromPartition("netlog-no-start");
    await assert.rejects(ses.netLog.stopLogging(), { message: /No net log in progress/ });
    await ses.netLog.startLogging(`${dir}/once.json`);
    await ses.netLog.stopLogging();
    await assert.rejects(ses.netLog.stopLogging(), { message: /No net log in progress/ });
  });

  it("closes a session with or without a running log and reports nothing", async () => {
    for (const logging of [false, true]) {
      const ses = session.fromPartition(`netlog-close-${logging}`);
      const errors: unknown[] = [];
      ses.on("hook-error", (_event, error) => errors.push(error));
      const path = `${dir}/closed-${logging}.json`;
      if (logging) await ses.netLog.startLogging(path);
      await ses.close();
      assert.deepEqual(errors, []);
      if (logging) assert.ok(Array.isArray(read(path).events)); // complete: stopped at close
    }
  });

  it("stops a log whose start is still under way once it has begun", async () => {
    const ses = session.fromPartition("netlog-stop-early");
    const started = ses.netLog.startLogging(`${dir}/early.json`);
    await ses.netLog.stopLogging();
    await started;
    assert.equal(ses.netLog.currentlyLogging, false);
    assert.ok(Array.isArray(read(`${dir}/early.json`).events));
  });

  it("rejects a path in a folder that does not exist, as Electron's file open, and is not logging", async () => {
    const ses = session.fromPartition("netlog-no-folder");
    const path = `${dir}/missing-folder/log.json`;
    await assert.rejects(ses.netLog.startLogging(path), {
      message: /FILE_ERROR_NOT_FOUND.*missing-folder\/log\.json/,
    });
    assert.equal(ses.netLog.currentlyLogging, false);
    assert.throws(() => statSync(`${dir}/missing-folder`), { code: "ENOENT" });
    await ses.netLog.startLogging(`${dir}/after-missing-folder.json`);
    await ses.netLog.stopLogging();
  });

  it("names the missing file system where there is none", async () => {
    const ses = session.fromPartition("netlog-no-fs", {
      preset: false,
      plugins: [createNetLogPlugin()],
    });
    await assert.rejects(ses.netLog.startLogging(`${dir}/z.json`), /no file system/);
  });
});
