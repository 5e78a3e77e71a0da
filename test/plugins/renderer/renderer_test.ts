import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";

const runtime = "Bun" in globalThis ? "bun" : "deno";

describe("preload scripts", () => {
  it("stores setPreloads' list per session", () => {
    const ses = session.fromPartition("preloads-legacy");
    ses.setPreloads(["/app/a.js", "/app/b.js"]);
    assert.deepEqual(ses.getPreloads(), ["/app/a.js", "/app/b.js"]);
    assert.deepEqual(session.fromPartition("preloads-other").getPreloads(), []);
    assert.throws(() => ses.setPreloads(["relative.js"]), {
      name: "TypeError",
      message: /"relative.js" is not an absolute path/,
    });
    assert.deepEqual(ses.getPreloads(), ["/app/a.js", "/app/b.js"]);
  });

  it("registers, lists and unregisters preload scripts as Electron does", () => {
    const ses = session.fromPartition("preloads-registered");
    const id = ses.registerPreloadScript({ type: "frame", filePath: "/app/frame.js" });
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(
      ses.registerPreloadScript({ type: "service-worker", id: "sw", filePath: "/app/sw.js" }),
      "sw",
    );
    assert.deepEqual(ses.getPreloadScripts(), [
      { type: "frame", id, filePath: "/app/frame.js" },
      { type: "service-worker", id: "sw", filePath: "/app/sw.js" },
    ]);
    assert.throws(
      () => ses.registerPreloadScript({ type: "frame", id: "sw", filePath: "/app/x.js" }),
      /id "sw" already exists/,
    );
    assert.throws(
      // @ts-expect-error: wrong type on purpose
      () => ses.registerPreloadScript({ type: "page", filePath: "/app/x.js" }),
      { name: "TypeError", message: /type must be "frame" or "service-worker"/ },
    );
    ses.unregisterPreloadScript("sw");
    assert.deepEqual(ses.getPreloadScripts().map((s) => s.id), [id]);
  });
});

describe("getBlobData", () => {
  it("reads a blob: URL of this runtime", async () => {
    const ses = session.fromPartition("blob-data");
    const url = URL.createObjectURL(new Blob([new Uint8Array([1, 2, 3, 250])]));
    try {
      assert.deepEqual([...await ses.getBlobData(url)], [1, 2, 3, 250]);
    } finally {
      URL.revokeObjectURL(url);
    }
    await assert.rejects(ses.getBlobData(url), /no blob for blob:/);
    await assert.rejects(ses.getBlobData("1234-uuid"), {
      name: "TypeError",
      message: /is not a blob: URL/,
    });
  });
});

describe("members that need a renderer", () => {
  const check = (error: unknown, member: string) => {
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "NotSupportedError");
    assert.ok(error.message.includes(`ses.${member}`), error.message);
    assert.ok(error.message.includes(runtime), error.message);
    assert.match(error.message, /Electron and the Chromium-backed session|browser bundle/);
    return true;
  };

  it("throw a NotSupportedError naming the member, the runtime and where it works", async () => {
    const ses = session.fromPartition("renderer-unsupported");
    assert.throws(() => ses.setCodeCachePaths("/tmp/cache"), (e) => check(e, "setCodeCachePaths"));
    await assert.rejects(ses.clearCodeCaches({}), (e) => check(e, "clearCodeCaches"));
    assert.throws(
      () => ses.setDisplayMediaRequestHandler(() => {}),
      (e) => check(e, "setDisplayMediaRequestHandler"),
    );
    assert.throws(
      () => ses.setBluetoothPairingHandler(() => {}),
      (e) => check(e, "setBluetoothPairingHandler"),
    );
    assert.throws(
      () => ses.serviceWorkers.getAllRunning(),
      (e) => check(e, "serviceWorkers.getAllRunning"),
    );
  });
});
