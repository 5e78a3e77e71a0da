// file: URLs asked for directly are read (Deno's and Bun's transports), webRequest sees them
// (onBeforeRequest, then onResponseStarted and onCompleted), and failures have Chromium's codes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { net, NetError, session } from "../../../mod.ts";

let dir = "";
let fileUrl = "";
before(() => {
  dir = mkdtempSync(`${tmpdir()}/websession-file-url-`);
  writeFileSync(`${dir}/hello.txt`, "hello from a file");
  writeFileSync(`${dir}/style.css`, "p {}");
  writeFileSync(`${dir}/page.HTML`, "<p>");
  fileUrl = pathToFileURL(`${dir}/hello.txt`).href;
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("file: URLs", () => {
  it("net.fetch and ses.fetch read a file asked for directly; webRequest skips the header stages", async () => {
    const ses = session.fromPartition(`file-url-${Math.random()}`);
    try {
      const seen: string[] = [];
      for (
        const event of [
          "onBeforeRequest",
          "onBeforeSendHeaders",
          "onHeadersReceived",
          "onResponseStarted",
          "onCompleted",
        ] as const
      ) {
        // deno-lint-ignore no-explicit-any
        (ses.webRequest[event] as any)((_d: unknown, cb?: (a: object) => void) => {
          seen.push(event);
          cb?.({});
        });
      }
      assert.equal(await (await ses.fetch(fileUrl)).text(), "hello from a file");
      assert.deepEqual(seen, ["onBeforeRequest", "onResponseStarted", "onCompleted"]);
      assert.equal(await (await net.fetch(fileUrl)).text(), "hello from a file");
      const head = await ses.fetch(fileUrl, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    } finally {
      await session.closePartition(ses.partition);
    }
  });

  it("a missing file is net::ERR_FILE_NOT_FOUND; a POST net::ERR_METHOD_NOT_SUPPORTED", async () => {
    await assert.rejects(
      net.fetch(pathToFileURL(`${dir}/missing.txt`).href),
      (e: unknown) => e instanceof NetError && e.code === "net::ERR_FILE_NOT_FOUND",
    );
    await assert.rejects(
      net.fetch(fileUrl, { method: "POST", body: "x" }),
      (e: unknown) => e instanceof NetError && e.code === "net::ERR_METHOD_NOT_SUPPORTED",
    );
  });

  it("a file's Content-Type comes from its extension, as Chromium's file loader gives it", async () => {
    const essenceOf = async (name: string) => {
      const response = await net.fetch(pathToFileURL(`${dir}/${name}`).href);
      await response.body?.cancel();
      return response.headers.get("content-type")?.split(";")[0];
    };
    assert.equal(await essenceOf("style.css"), "text/css");
    assert.equal(await essenceOf("page.HTML"), "text/html");
    assert.equal(await essenceOf("hello.txt"), "text/plain");
  });
});
