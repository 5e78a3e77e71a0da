// Electron's deprecated file protocols (docs/api/protocol.md: registerFileProtocol,
// interceptFileProtocol), read as shell/browser/net/electron_url_loader_factory.cc reads the
// callback's answer: a path or { path, headers }, sent with the file's own type and
// Access-Control-Allow-Origin: *.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { protocol, session } from "../../../mod.ts";
import { failsWith, readySession, serveTestAppForFile } from "./_fixture.ts";

const server = serveTestAppForFile();
let dir = "";
before(() => {
  dir = mkdtempSync(`${tmpdir()}/websession-file-protocol-`);
  writeFileSync(`${dir}/index.html`, "<h1>from a file</h1>");
  writeFileSync(`${dir}/odd name #1.css`, "p {}");
});
after(() => rmSync(dir, { recursive: true, force: true }));

function essenceOf(response: Response): string | undefined {
  return response.headers.get("content-type")?.split(";")[0];
}

describe("protocol: Electron's deprecated file protocols", () => {
  it("registerFileProtocol sends the file a path names, typed by its extension", async () => {
    const ses = await readySession("file-register");
    const asked: string[] = [];
    const registered = ses.protocol.registerFileProtocol("atom", (request, callback) => {
      const path = new URL(request.url).pathname;
      asked.push(`${request.method} ${path}`);
      if (path === "/odd") return callback(`${dir}/odd name #1.css`);
      callback({ path: `${dir}/index.html`, headers: { "x-from": "callback" } });
    });
    assert.equal(registered, true);
    assert.equal(ses.protocol.registerFileProtocol("atom", () => {}), false, "already registered");
    assert.equal(ses.protocol.isProtocolRegistered("atom"), true);
    const page = await ses.fetch("atom://app/index");
    assert.equal(page.status, 200);
    assert.equal(essenceOf(page), "text/html");
    assert.equal(page.headers.get("x-from"), "callback");
    assert.equal(page.headers.get("access-control-allow-origin"), "*", "Electron's CORS header");
    assert.equal(await page.text(), "<h1>from a file</h1>");
    const odd = await ses.fetch("atom://app/odd");
    assert.equal(essenceOf(odd), "text/css");
    assert.equal(await odd.text(), "p {}");
    assert.deepEqual(asked, ["GET /index", "GET /odd"]);
    assert.equal(ses.protocol.unregisterProtocol("atom"), true);
    assert.equal(ses.protocol.isProtocolRegistered("atom"), false);
  });

  it("a missing file, an error number, a relative path, no answer or a wrong one fail as in Electron", async () => {
    const ses = await readySession("file-errors");
    ses.protocol.registerFileProtocol("gone", (_r, callback) => callback(`${dir}/missing.html`));
    ses.protocol.registerFileProtocol("denied", (_r, callback) => callback({ error: -10 }));
    ses.protocol.registerFileProtocol("relative", (_r, callback) => callback("index.html"));
    ses.protocol.registerFileProtocol("nothing", (_r, callback) => callback());
    // deno-lint-ignore no-explicit-any
    ses.protocol.registerFileProtocol("number", (_r, callback) => callback(7 as any));
    const expected = {
      gone: "net::ERR_FILE_NOT_FOUND",
      denied: "net::ERR_ACCESS_DENIED",
      relative: "net::ERR_FILE_NOT_FOUND",
      nothing: "net::ERR_NOT_IMPLEMENTED",
      number: "net::ERR_FAILED",
    };
    for (const [scheme, code] of Object.entries(expected)) {
      await assert.rejects(ses.fetch(`${scheme}://x/`), failsWith(code), scheme);
    }
  });

  it("a Location answer redirects; interceptFileProtocol answers http and file URLs", async () => {
    const ses = await readySession("file-intercept");
    ses.protocol.registerFileProtocol(
      "moved",
      (_r, callback) =>
        callback({ statusCode: 302, headers: { Location: `${server.origin}/hello` } }),
    );
    assert.equal(await (await ses.fetch("moved://x/")).text(), "hello");

    assert.equal(
      ses.protocol.interceptFileProtocol("http", (_r, cb) => cb(`${dir}/index.html`)),
      true,
    );
    assert.equal(ses.protocol.interceptFileProtocol("http", () => {}), false);
    assert.equal(ses.protocol.isProtocolIntercepted("http"), true);
    assert.equal(await (await ses.fetch(`${server.origin}/hello`)).text(), "<h1>from a file</h1>");
    assert.equal(ses.protocol.uninterceptProtocol("http"), true);
    assert.equal(await (await ses.fetch(`${server.origin}/hello`)).text(), "hello");

    // Without a path the request's own file is read, with the answer's headers.
    ses.protocol.interceptFileProtocol("file", (_r, cb) => cb({ headers: { "x-seen": "yes" } }));
    const own = await ses.fetch(pathToFileURL(`${dir}/index.html`).href);
    assert.equal(own.headers.get("x-seen"), "yes");
    assert.equal(await own.text(), "<h1>from a file</h1>");
    assert.equal(ses.protocol.uninterceptProtocol("file"), true);
  });

  it("refuses a bad scheme or handler with a TypeError; the module forwards to the default session", async () => {
    const ses = await readySession("file-refuse");
    assert.throws(() => ses.protocol.registerFileProtocol("a b", () => {}), {
      name: "TypeError",
      message: /registerFileProtocol: invalid scheme "a b"/,
    });
    // deno-lint-ignore no-explicit-any
    assert.throws(() => ses.protocol.interceptFileProtocol("http", "x" as any), {
      name: "TypeError",
      message: /interceptFileProtocol: the handler of "http" must be a function/,
    });
    assert.equal(ses.protocol.isProtocolIntercepted("http"), false);

    await session.defaultSession.ready;
    assert.equal(
      protocol.registerFileProtocol("legacy-file", (_r, cb) => cb(`${dir}/index.html`)),
      true,
    );
    try {
      assert.equal(session.defaultSession.protocol.isProtocolRegistered("legacy-file"), true);
    } finally {
      assert.equal(protocol.unregisterProtocol("legacy-file"), true);
    }
    assert.equal(protocol.interceptFileProtocol("file", (_r, cb) => cb({})), true);
    assert.equal(protocol.uninterceptProtocol("file"), true);
  });
});
