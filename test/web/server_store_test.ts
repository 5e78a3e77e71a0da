/**
 * The session server and its storage folder: a store that cannot be opened stops it at start
 * (one line naming the file; --repair moves the file aside), an API write survives kill -9 right
 * after its answer, the files are its owner's only, and a second server on the same folder stops
 * naming the folder and the first one's pid while the first keeps answering.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, truncateSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { runServerToExit, type ServerProcess, startServerProcess } from "./_server_process.ts";
import { serve, type TestServer } from "../_serve.ts";

let origin: TestServer;
before(async () => {
  origin = await serve((request) => new Response(`origin ${new URL(request.url).pathname}`));
});
after(() => origin.close());

const home = () => mkdtempSync(`${tmpdir()}/websession-store-`);
const dbOf = (dir: string) => `${dir}/Partitions/default/websession.db`;

function api(server: ServerProcess, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.proxy}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, ...init.headers as object },
  });
}

async function answers(server: ServerProcess): Promise<void> {
  const response = await api(server, "/api/stats");
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

describe("a store that cannot be opened", () => {
  it("stops the server at start with one line naming the file (garbage)", async () => {
    const dir = home();
    mkdirSync(`${dir}/Partitions/default`, { recursive: true });
    writeFileSync(dbOf(dir), "not a database ".repeat(400));
    const run = await runServerToExit(dir, ["--port", "0"]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /WEBSESSION_READY/);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.ok(lines[0].startsWith(`websession: The store ${dbOf(dir)} cannot be opened`), lines[0]);
    assert.match(lines[0], /--repair/);
  });

  it("stops the server when the store was truncated, rather than serve without its rules", async () => {
    const dir = home();
    const first = await startServerProcess(dir);
    const rules = [{
      id: 1,
      action: { type: "block" },
      condition: { urlFilter: "/blocked" },
    }];
    // enough rows that the file has pages to lose
    for (let i = 0; i < 40; i++) {
      const cookie = await api(first, "/api/cookies", {
        method: "POST",
        body: JSON.stringify({ url: origin.url, name: `c${i}`, value: "v".repeat(2000) }),
      });
      assert.equal(cookie.status, 201);
    }
    assert.equal(
      (await api(first, "/api/rules", { method: "POST", body: JSON.stringify({ rules }) })).status,
      201,
    );
    await first.stop();
    truncateSync(dbOf(dir), Math.floor(statSync(dbOf(dir)).size / 2));
    const run = await runServerToExit(dir, ["--port", "0"]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /WEBSESSION_READY/);
    assert.match(run.stderr.trim(), new RegExp(`^websession: The store ${dbOf(dir)} cannot be`));
  });

  it("--repair moves the broken file aside and starts with an empty store", async () => {
    const dir = home();
    mkdirSync(`${dir}/Partitions/default`, { recursive: true });
    writeFileSync(dbOf(dir), "not a database ".repeat(400));
    const server = await startServerProcess(dir, ["--repair"]);
    try {
      assert.match(server.output(), /--repair: moved the damaged store .*websession\.db to /);
      const aside = readdirSync(`${dir}/Partitions/default`).filter((f) => f.includes(".broken-"));
      assert.equal(aside.length, 1);
      await answers(server);
      const proxied = await fetch(`${server.proxy}/api/cookies`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      assert.deepEqual(await proxied.json(), []);
    } finally {
      await server.stop();
    }
  });
});

describe("durability and the storage folder", () => {
  it("a cookie set through the API survives kill -9 right after the answer", async () => {
    const dir = home();
    for (let i = 0; i < 3; i++) {
      const server = await startServerProcess(dir);
      const response = await api(server, "/api/cookies", {
        method: "POST",
        body: JSON.stringify({
          url: origin.url,
          name: `durable${i}`,
          value: "yes",
          expirationDate: Date.now() / 1000 + 3600,
        }),
      });
      assert.equal(response.status, 201);
      server.child.kill("SIGKILL");
      await server.stop();
    }
    // the lock the killed server left behind is taken over
    const server = await startServerProcess(dir);
    try {
      const cookies = await (await api(server, "/api/cookies")).json() as Array<{ name: string }>;
      assert.deepEqual(cookies.map((c) => c.name).sort(), ["durable0", "durable1", "durable2"]);
    } finally {
      await server.stop();
    }
  });

  it("keeps the store files 0600 and the partition folder 0700", async () => {
    const dir = home();
    const server = await startServerProcess(dir);
    try {
      const set = await api(server, "/api/cookies", {
        method: "POST",
        body: JSON.stringify({ url: origin.url, name: "a", value: "b", expirationDate: 4e9 }),
      });
      assert.equal(set.status, 201);
      const folder = `${dir}/Partitions/default`;
      assert.equal(statSync(folder).mode & 0o777, 0o700);
      const files = readdirSync(folder).filter((f) => f.startsWith("websession.db"));
      assert.ok(
        files.includes("websession.db") && files.includes("websession.db-wal"),
        files.join(),
      );
      for (const file of files) {
        assert.equal(statSync(`${folder}/${file}`).mode & 0o777, 0o600, file);
      }
      await answers(server);
    } finally {
      await server.stop();
    }
  });

  it("a second server on the same folder stops, naming it and the first one's pid", async () => {
    const dir = home();
    const first = await startServerProcess(dir);
    try {
      const second = await runServerToExit(dir, ["--port", "0"]);
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.doesNotMatch(second.stdout, /WEBSESSION_READY/);
      const lines = second.stderr.trim().split("\n");
      assert.equal(lines.length, 1, second.stderr);
      assert.match(
        lines[0],
        new RegExp(`storage folder ${dir} is in use .*\\(pid ${first.child.pid}\\)`),
      );
      await answers(first);
    } finally {
      await first.stop();
    }
    assert.ok(!existsSync(`${dir}/server.lock`));
  });
});
