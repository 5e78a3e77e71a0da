/**
 * An interrupted download survives its process: a child process downloads, pauses and is killed
 * with SIGKILL; a new session resumes it with `createInterruptedDownload` and a Range request.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../../mod.ts";
import type {
  CreateInterruptedDownloadOptions,
  DownloadItem,
} from "../../../plugins/downloads/mod.ts";
import { runChild } from "../../_process.ts";
import { bytesOf, type FileServer, fileServer } from "./_file_server.ts";

const child = new URL("./_child.ts", import.meta.url).pathname;

/** Runs the child until it prints a line, then kills it with SIGKILL; resolves to the line. */
async function runUntilLine(args: string[]): Promise<{ line: string; signal: string | null }> {
  const ran = await runChild(child, args, (out) => out.includes("\n"));
  return { line: ran.out.split("\n")[0], signal: ran.signal };
}

let server: FileServer;
let dir: string;
before(async () => {
  server = await fileServer();
  dir = mkdtempSync(`${tmpdir()}/websession-restart-`);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("downloads across a restart", () => {
  it("createInterruptedDownload resumes what a killed process left in .crdownload", async () => {
    const size = 1024 * 1024;
    const url = `${server.url}/slow/restart.bin?size=${size}`;
    const { line, signal } = await runUntilLine(["start", url, dir]);
    assert.equal(signal, "SIGKILL");
    const info = JSON.parse(line) as CreateInterruptedDownloadOptions;
    assert.equal(info.path, `${dir}/restart.bin`);
    assert.ok(info.offset >= 64 * 1024 && info.offset < size);
    assert.ok(existsSync(`${info.path}.crdownload`));
    assert.ok(!existsSync(info.path));

    const ses = session.fromPartition(`restart-${Math.random()}`);
    const item = await new Promise<DownloadItem>((resolve) => {
      ses.once("will-download", (_event, item: DownloadItem) => resolve(item));
      ses.createInterruptedDownload(info);
    });
    assert.equal(item.getState(), "interrupted");
    assert.equal(item.canResume(), true);
    assert.equal(item.getReceivedBytes(), info.offset);
    assert.equal(item.getTotalBytes(), info.length); // 0 when the server streamed without a length
    assert.equal(item.getStartTime(), info.startTime);
    assert.deepEqual(item.getURLChain(), [url]);
    const done = new Promise((resolve) => item.once("done", (_e, state) => resolve(state)));
    item.resume();
    assert.equal(await done, "completed");
    const last = server.requests("/slow/restart.bin").at(-1)!;
    assert.equal(last.get("range"), `bytes=${info.offset}-`);
    assert.equal(last.get("if-range"), info.eTag);
    assert.deepEqual(readFileSync(info.path), Buffer.from(bytesOf(0, size)));
  });
});
