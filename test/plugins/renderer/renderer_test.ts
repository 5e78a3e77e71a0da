import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";

const runtime = "Bun" in globalThis ? "bun" : "deno";

describe("preload scripts", () => {
  it("stores setPreloads' list per session, relative paths too (Electron logs, not throws)", () => {
    const ses = session.fromPartition("preloads-legacy");
    ses.setPreloads(["/app/a.js", "/app/b.js"]);
    assert.deepEqual(ses.getPreloads(), ["/app/a.js", "/app/b.js"]);
    assert.deepEqual(session.fromPartition("preloads-other").getPreloads(), []);
    // Electron's spec/api-browser-window-spec.ts sets a relative path and reads it back.
    ses.setPreloads(["/app/a.js", "relative.js"]);
    assert.deepEqual(ses.getPreloads(), ["/app/a.js", "relative.js"]);
    // @ts-expect-error: wrong type on purpose
    assert.throws(() => ses.setPreloads([1]), TypeError);
    ses.setPreloads([]);
    assert.deepEqual(ses.getPreloads(), []);
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
    // Electron's messages (shell/browser/api/electron_api_session.cc).
    assert.throws(
      () => ses.registerPreloadScript({ type: "frame", id: "sw", filePath: "/app/x.js" }),
      { name: "Error", message: "Cannot register preload script with existing ID 'sw'" },
    );
    assert.throws(
      () => ses.registerPreloadScript({ type: "frame", filePath: "x.js" }),
      { name: "Error", message: "Preload script must have absolute path: x.js" },
    );
    assert.throws(
      // @ts-expect-error: wrong type on purpose
      () => ses.registerPreloadScript({ type: "page", filePath: "/app/x.js" }),
      { name: "TypeError", message: /type must be "frame" or "service-worker"/ },
    );
    ses.unregisterPreloadScript("sw");
    assert.deepEqual(ses.getPreloadScripts().map((s) => s.id), [id]);
    assert.throws(() => ses.unregisterPreloadScript("sw"), {
      name: "Error",
      message: "Cannot unregister preload script with non-existing ID 'sw'",
    });
  });

  it("keeps setPreloads and the registered scripts in one list, as Electron's session.ts", () => {
    const ses = session.fromPartition("preloads-one-list");
    const frame = ses.registerPreloadScript({ type: "frame", filePath: "/app/frame.js" });
    ses.registerPreloadScript({ type: "service-worker", id: "sw", filePath: "/app/sw.js" });
    // getPreloads() is the paths of every frame script.
    assert.deepEqual(ses.getPreloads(), ["/app/frame.js"]);
    // setPreloads replaces every frame script (the registered one too) and lists its own.
    ses.setPreloads(["/app/a.js"]);
    const scripts = ses.getPreloadScripts();
    assert.deepEqual(scripts.map((s) => [s.type, s.filePath]), [
      ["service-worker", "/app/sw.js"],
      ["frame", "/app/a.js"],
    ]);
    assert.ok(!scripts.some((s) => s.id === frame));
    // Each has an id, so the usual clean-up (spec/api-service-worker-main-spec.ts) empties it.
    for (const { id } of ses.getPreloadScripts()) ses.unregisterPreloadScript(id);
    assert.deepEqual([ses.getPreloadScripts(), ses.getPreloads()], [[], []]);
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
      message: /is neither a blob: URL nor a blob's UUID/,
    });
  });

  it("reads a blob by its UUID, Electron's identifier", async () => {
    const ses = session.fromPartition("blob-data-uuid");
    const url = URL.createObjectURL(new Blob(["by uuid"]));
    const uuid = url.slice(-36);
    try {
      assert.equal(new TextDecoder().decode(await ses.getBlobData(uuid)), "by uuid");
      assert.equal(new TextDecoder().decode(await ses.getBlobData(uuid.toUpperCase())), "by uuid");
    } finally {
      URL.revokeObjectURL(url);
    }
    await assert.rejects(ses.getBlobData(uuid), /no blob for blob:/);
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

  it("take null back to the default, which websession has, without an error", () => {
    const ses = session.fromPartition("renderer-null-handlers");
    ses.setDisplayMediaRequestHandler(null);
    ses.setBluetoothPairingHandler(null);
    ses.registerLocalAIHandler(null); // Electron's way to clear the handler
  });

  it("registerLocalAIHandler: a NotSupportedError saying it works in Electron only", () => {
    const ses = session.fromPartition("renderer-local-ai");
    assert.throws(() => ses.registerLocalAIHandler({}), (error) => {
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "NotSupportedError");
      assert.match(error.message, /^ses\.registerLocalAIHandler is not supported on \w+: /);
      assert.match(error.message, /it works in Electron\b/);
      assert.doesNotMatch(error.message, /Chromium-backed/); // CDP has no Prompt API handler
      return true;
    });
  });
});

describe("setCodeCachePath", () => {
  it("checks the path as Electron's spec does, and keeps an absolute one", () => {
    const ses = session.fromPartition("renderer-code-cache");
    // Electron's spec/api-session-spec.ts, 'session.setCodeCachePath()'.
    assert.throws(() => ses.setCodeCachePath("../fixtures"), {
      message: "Absolute path must be provided to store code cache.",
    });
    assert.throws(() => ses.setCodeCachePath(""), {
      message: "Absolute path must be provided to store code cache.",
    });
    ses.setCodeCachePath("/tmp/websession-code-cache");
  });
});
