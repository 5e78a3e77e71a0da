// The session server's DownloadList with an item a will-download listener prevented: as in
// Electron, such an item is destroyed from the next tick, and the list drops it instead of failing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../mod.ts";
import { DownloadList } from "../../web/server/downloads.ts";
import type { EventStream } from "../../web/server/event_stream.ts";
import { type FileServer, fileServer } from "../plugins/downloads/_file_server.ts";

let files: FileServer;
let dir: string;

before(async () => {
  files = await fileServer();
  dir = mkdtempSync(`${tmpdir()}/websession-download-list-`);
});
after(async () => {
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("DownloadList", () => {
  it("drops an item prevented in will-download once it is destroyed", async () => {
    const published: unknown[] = [];
    const list = new DownloadList(
      { publish: (e: unknown) => published.push(e) } as unknown as EventStream,
    );
    const ses = session.fromPartition(`download-list-${Math.random()}`);
    ses.setDownloadPath(dir);
    list.watch(ses);
    ses.once("will-download", (event) => event.preventDefault());
    const id = await list.start(ses, `${files.url}/file/prevented.bin?size=10`);
    assert.equal(list.get(id)?.state, "cancelled"); // still this turn of the event loop
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(list.get(id), undefined);
    assert.deepEqual(list.list(), []);
    assert.equal(list.act(id, "cancel"), false);
    assert.ok(published.length > 0);
    list.close();
  });
});
