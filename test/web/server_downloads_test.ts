// The session server's downloads API against a running server and a local file server: starting
// a download, its progress in the list and on the event stream, pause/resume/cancel, bad input.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { type ServerProcess, startServerProcess } from "./_server_process.ts";
import { type FileServer, fileServer, sha256Of } from "../plugins/downloads/_file_server.ts";

const home = mkdtempSync(`${tmpdir()}/websession-server-downloads-`);
const folder = `${home}/Downloads`;
let files: FileServer;
let server: ServerProcess;

interface Download {
  id: number;
  partition: string;
  url: string;
  filename: string;
  savePath: string;
  state: string;
  paused: boolean;
  canResume: boolean;
  receivedBytes: number;
  totalBytes: number;
  percentComplete: number;
  bytesPerSecond: number;
  endTime: number;
}

before(async () => {
  files = await fileServer();
  server = await startServerProcess(home, [], { XDG_DOWNLOAD_DIR: folder });
});

after(async () => {
  await server?.stop();
  await files?.close();
  rmSync(home, { recursive: true, force: true });
});

function api(path: string, method = "GET", body?: unknown): Promise<Response> {
  return fetch(`${server.proxy}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function listed(id: number): Promise<Download> {
  const list = await (await api("/downloads")).json() as Download[];
  const found = list.find((d) => d.id === id);
  assert.ok(found, `download ${id} is listed`);
  return found;
}

async function until(id: number, done: (d: Download) => boolean): Promise<Download> {
  for (let i = 0; i < 400; i++) {
    const d = await listed(id);
    if (done(d)) return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `download ${id} never reached the expected state: ${JSON.stringify(await listed(id))}`,
  );
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("the session server's downloads", () => {
  it("starts a download, lists it and saves the file under the name Chromium picks", async () => {
    const size = 300_000;
    const response = await api("/downloads", "POST", {
      url: `${files.url}/file/data.bin?size=${size}`,
    });
    assert.equal(response.status, 201);
    const started = await response.json() as Download;
    assert.equal(started.partition, "persist:default");
    assert.equal(started.filename, "data.bin");
    const done = await until(started.id, (d) => d.state === "completed");
    assert.equal(done.savePath, `${folder}/data.bin`);
    assert.equal(done.receivedBytes, size);
    assert.equal(done.totalBytes, size);
    assert.equal(done.percentComplete, 100);
    assert.ok(done.endTime > 0);
    assert.equal(sha256(done.savePath), sha256Of(size));
  });

  it("shows progress on the event stream, pauses, resumes and completes", async () => {
    const size = 1_000_000;
    const events = await api("/events");
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    const seen: Download[] = [];
    let text = "";
    const reading = (async () => {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
        for (const match of text.matchAll(/^data: (.*)$/gm)) {
          const event = JSON.parse(match[1]);
          if (event.type === "download") seen.push(event.download);
        }
        text = text.slice(text.lastIndexOf("\n") + 1);
      }
    })();
    const started = await (await api("/downloads", "POST", {
      url: `${files.url}/slow/slow.bin?size=${size}`,
    })).json() as Download;
    await until(started.id, (d) => d.receivedBytes > 0);
    const paused = await (await api("/downloads/pause", "POST", { id: started.id })).json();
    assert.equal(paused.paused, true);
    assert.equal(paused.state, "progressing");
    const still = (await listed(started.id)).receivedBytes;
    await new Promise((r) => setTimeout(r, 300));
    assert.ok((await listed(started.id)).receivedBytes - still <= 64 * 1024, "paused: little more");
    const resumed = await (await api("/downloads/resume", "POST", { id: started.id })).json();
    assert.equal(resumed.paused, false);
    const done = await until(started.id, (d) => d.state === "completed");
    assert.equal(sha256(done.savePath), sha256Of(size));
    // the list says completed; the event stream's last update may still be on its way
    for (let i = 0; i < 250; i++) {
      if (seen.some((d) => d.id === started.id && d.state === "completed")) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await reader.cancel();
    await reading.catch(() => {});
    const mine = seen.filter((d) => d.id === started.id);
    assert.ok(mine.length >= 3, `download events: ${mine.length}`);
    const bytes = mine.map((d) => d.receivedBytes);
    assert.deepEqual(bytes, [...bytes].sort((a, b) => a - b), "progress only grows");
    assert.equal(mine.at(-1)!.state, "completed");
    assert.ok(mine.some((d) => d.paused), "a paused update was published");
  });

  it("cancels a download: the state is cancelled and no partial file is left", async () => {
    const started = await (await api("/downloads", "POST", {
      url: `${files.url}/slow/gone.bin?size=2000000`,
    })).json() as Download;
    await until(started.id, (d) => d.receivedBytes > 0);
    const cancelled = await (await api("/downloads/cancel", "POST", { id: started.id })).json();
    assert.equal(cancelled.state, "cancelled");
    await until(started.id, (d) => d.state === "cancelled");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(existsSync(`${folder}/gone.bin.crdownload`), false);
    assert.equal(existsSync(`${folder}/gone.bin`), false);
  });

  it("lists a failed download as interrupted", async () => {
    const response = await api("/downloads", "POST", { url: `${files.url}/missing` });
    assert.equal(response.status, 201);
    const started = await response.json() as Download;
    const failed = await until(started.id, (d) => d.state !== "progressing");
    assert.equal(failed.state, "interrupted");
    assert.equal(failed.canResume, false);
  });

  it("answers 400 naming the field for bad input and 404 for an unknown id", async () => {
    const bad = await api("/downloads", "POST", { url: "not a url" });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).field, "url");
    const extra = await api("/downloads", "POST", { url: `${files.url}/file/x`, to: "/etc" });
    assert.equal(extra.status, 400);
    assert.equal((await extra.json()).field, "to");
    const badId = await api("/downloads/pause", "POST", { id: "one" });
    assert.equal(badId.status, 400);
    assert.equal((await badId.json()).field, "id");
    const unknown = await api("/downloads/resume", "POST", { id: 9999 });
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).field, "id");
  });

  it("lists the downloads of another partition apart", async () => {
    const url = `${files.url}/file/other.bin?size=1000`;
    const response = await api("/downloads", "POST", { partition: "persist:other", url });
    assert.equal(response.status, 201);
    const started = await response.json() as Download;
    assert.equal(started.partition, "persist:other");
    const other = await (await api("/downloads?partition=persist:other")).json() as Download[];
    assert.deepEqual(other.map((d) => d.id), [started.id]);
    const own = await (await api("/downloads")).json() as Download[];
    assert.ok(!own.some((d) => d.id === started.id));
  });
});
