import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { curl, runServerToExit, startServerProcess } from "./_server_process.ts";
import { serve, type TestServer } from "../_serve.ts";
import { jsonErrorPlace } from "../../web/server/json_error.ts";

const home = mkdtempSync(`${tmpdir()}/websession-cli-`);
let origin: TestServer;

before(async () => {
  origin = await serve((request) =>
    new URL(request.url).pathname === "/hello"
      ? new Response("hello")
      : new Response("not found", { status: 404 })
  );
});

after(async () => {
  await origin?.close();
  rmSync(home, { recursive: true, force: true });
});

const block = (id: number, urlFilter: string) => ({
  id,
  action: { type: "block" },
  condition: { urlFilter, resourceTypes: ["other"] },
});

describe("the session server's command line", () => {
  it("prints every flag with its default for --help and -h, and exits 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const { code, stdout, stderr } = await runServerToExit(`${home}/help`, [flag]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^Usage: deno task start \[options\]/);
      assert.match(stdout, /--port N .*\(default: 8787\)/);
      assert.match(stdout, /--host ADDRESS .*\(default: 127\.0\.0\.1\)/);
      assert.match(stdout, /--rules FILE [\s\S]*?\(default: none\)/);
      assert.match(stdout, /--token-ttl SECS .*\(default: 86400\)/);
      assert.match(stdout, /--net-log FILE .*\(default: none\)/);
      assert.match(stdout, /-h, --help /);
      assert.doesNotMatch(stdout, /WEBSESSION_READY/);
    }
  });

  it("refuses an unknown option with exit code 2, pointing at --help", async () => {
    const { code, stderr } = await runServerToExit(`${home}/unknown`, ["--prot", "1"]);
    assert.equal(code, 2);
    assert.equal(stderr.trim(), "websession: Unknown option --prot (--help lists the options)");
  });

  it("names a port in use and the flag to change it in one line, exit code 1", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await runServerToExit(`${home}/taken`, [
        "--port",
        String(port),
      ]);
      assert.equal(code, 1);
      assert.equal(stdout, "");
      assert.equal(
        stderr,
        `websession: Port ${port} is already in use on 127.0.0.1; choose another with --port\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("names a --host that is not this machine's in one line, exit code 1", async () => {
    // 192.0.2.0/24 is TEST-NET-1: never an address of this machine.
    const { code, stderr } = await runServerToExit(`${home}/host`, [
      "--port",
      "0",
      "--host",
      "192.0.2.1",
    ]);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      "websession: 192.0.2.1 is not an address of this machine; choose another with --host\n",
    );
  });
});

describe("a bad rules file", () => {
  it("at start: names the line and column of a JSON syntax error, exit code 1", async () => {
    const file = `${home}/syntax.json`;
    writeFileSync(file, '[\n  {"id": 1,\n   "action": {"type": "block"}\n   "condition": {}}\n]');
    const { code, stdout, stderr } = await runServerToExit(`${home}/syntax`, [
      "--port",
      "0",
      "--rules",
      file,
    ]);
    assert.equal(code, 1);
    assert.doesNotMatch(stdout, /WEBSESSION_READY/);
    assert.equal(
      stderr,
      `websession: ${file}: line 4, column 4: Not valid JSON: Unexpected "\\""\n`,
    );
  });

  it("at start: names the rule's index, id and field the validator refuses, exit code 1", async () => {
    const file = `${home}/invalid.json`;
    const bad = { id: 7, action: { type: "explode" }, condition: {} };
    writeFileSync(file, JSON.stringify([block(1, "/a"), block(2, "/b"), bad]));
    const { code, stderr } = await runServerToExit(`${home}/invalid`, [
      "--port",
      "0",
      "--rules",
      file,
    ]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(`^websession: ${file}: rule 2 \\(id 7\\): action\\.type: .+\n$`),
    );
    assert.match(stderr, /"explode"/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it("at start: names duplicate ids and a file that is not an array", async () => {
    const file = `${home}/twice.json`;
    writeFileSync(file, JSON.stringify([block(3, "/a"), block(3, "/b")]));
    const twice = await runServerToExit(`${home}/twice`, ["--port", "0", "--rules", file]);
    assert.equal(twice.code, 1);
    assert.equal(
      twice.stderr,
      `websession: ${file}: rule 1 (id 3): id: Also the id of rule 0\n`,
    );
    writeFileSync(file, JSON.stringify({ rules: [block(3, "/a")] }));
    const object = await runServerToExit(`${home}/twice`, ["--port", "0", "--rules", file]);
    assert.equal(object.code, 1);
    assert.equal(object.stderr, `websession: ${file}: Must hold a JSON array of rules\n`);
  });

  it("on a change: prints the fault in one line and the previous rules still block", async () => {
    const file = `${home}/changing.json`;
    writeFileSync(file, JSON.stringify([block(1, "/hello")]));
    const server = await startServerProcess(`${home}/changing`, ["--rules", file]);
    const get = async () => (await curl(["-s", "-i", "-x", server.proxy, `${origin.url}/hello`]));
    try {
      assert.match((await get()).stdout, /^HTTP\/1\.1 403[\s\S]*rule 1 \(_session\)/);
      writeFileSync(
        file,
        JSON.stringify([block(1, "/hello"), { id: 2, action: { type: "block" }, condition: 5 }]),
      );
      const line = `websession: ${file}: rule 1 (id 2): condition: `;
      for (let i = 0; i < 50 && !server.output().includes(line); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(
        server.output(),
        new RegExp(`\n${escape(line)}[^\n]+ \\(the previous rules stay active\\)\n`),
      );
      assert.doesNotMatch(server.output(), /\n\s+at /);
      assert.match((await get()).stdout, /^HTTP\/1\.1 403[\s\S]*rule 1 \(_session\)/);
      writeFileSync(file, "[");
      const syntax = `websession: ${file}: line 1, column 2: Not valid JSON: Unexpected end`;
      for (let i = 0; i < 50 && !server.output().includes(syntax); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(server.output().includes(syntax), server.output());
      assert.match((await get()).stdout, /^HTTP\/1\.1 403/);
      writeFileSync(file, "[]");
      let answer = "";
      for (let i = 0; i < 50 && answer !== "hello"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        answer = (await curl(["-s", "-x", server.proxy, `${origin.url}/hello`])).stdout;
      }
      assert.equal(answer, "hello");
    } finally {
      await server.stop();
    }
  });
});

describe("jsonErrorPlace", () => {
  it("gives the line and column of the first fault, the same on every runtime", () => {
    assert.deepEqual(jsonErrorPlace('[\n  {"id": 1,}\n]'), {
      line: 2,
      column: 12,
      problem: 'Unexpected "}"',
    });
    assert.deepEqual(jsonErrorPlace(""), {
      line: 1,
      column: 1,
      problem: "Unexpected end of the text",
    });
    assert.deepEqual(jsonErrorPlace('{"a": "\\x"}')?.column, 9);
    assert.deepEqual(jsonErrorPlace("[1] 2")?.column, 5);
    assert.deepEqual(jsonErrorPlace("[01]")?.column, 3);
    for (const good of ['[1, -2.5e3, "\\u00e9\\n", true, false, null, {"a": {}}, []]', " {} "]) {
      assert.equal(jsonErrorPlace(good), null);
      JSON.parse(good);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
