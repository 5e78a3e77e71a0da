/**
 * `chrome.storage.sync` and `chrome.storage.managed` as Chromium 156 answers them in a profile that
 * does not sync (checked against Debian's Chromium with puppeteer-core): sync is kept on this
 * machine with its quotas and their messages (`Resource::kQuotaBytesPerItem quota exceeded`, ...,
 * 120 writes a minute, refused ones counted), sizes count UTF-8 bytes, and managed is empty and
 * read-only.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import { callChrome, cleanUp, freshSession, RPC_WORKER, writeExtension } from "./_helpers.ts";

after(cleanUp);

const manifest = {
  manifest_version: 3,
  name: "Storage",
  version: "1.0",
  permissions: ["storage"],
  background: { service_worker: "worker.js" },
};

/** The test's RPC, the sync area's constants on asking, and odd values stored and read back. */
const WORKER = `${RPC_WORKER}
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (message === "odd") {
    const cyclic = { n: 1 };
    cyclic.self = cyclic;
    const shared = { s: 1 };
    chrome.storage.local.set({
      big: 1n, nan: NaN, fn: () => 1, u: undefined, cyclic, shared: [shared, shared],
      numbers: [NaN, Infinity, -0, 1, undefined, () => 1], date: new Date(5), map: new Map([[1, 2]]),
      boxed: new String("s"), nested: { keep: 1, drop: undefined, method() {} }, sparse: [1, , 3],
      getter: { get g() { return 7; } },
    })
      .then(() => chrome.storage.local.set({ bytes: new Uint8Array([1]) }))
      .catch((error) => error.message)
      .then(async (refused) => respond({
        stored: await chrome.storage.local.get(null),
        refused,
        defaults: await chrome.storage.local.get({ missing: new Date(0), fn: () => 1 }),
      }));
    return true;
  }
  if (message !== "constants") return;
  const { get, getKeys, set, remove, clear, getBytesInUse, setAccessLevel, onChanged, ...rest } =
    chrome.storage.sync;
  respond(rest);
});
`;

async function loaded(partition?: string, path?: string) {
  const { ses } = await freshSession(partition);
  const folder = path ?? await writeExtension(manifest, { "worker.js": WORKER });
  const { id } = await ses.loadExtension(folder);
  const call = (name: string, ...args: unknown[]) => callChrome(ses, id, name, ...args);
  const constants = () => ses.extensions.sendMessage(id, "constants");
  return { ses, id, call, constants, folder };
}

describe("chrome.storage.sync", () => {
  it("has sync's quotas, refuses a write past one in Chrome's words and stores nothing of it", async () => {
    const { call, constants } = await loaded();
    assert.deepEqual(await constants(), {
      QUOTA_BYTES: 102400,
      QUOTA_BYTES_PER_ITEM: 8192,
      MAX_ITEMS: 512,
      MAX_WRITE_OPERATIONS_PER_HOUR: 1800,
      MAX_WRITE_OPERATIONS_PER_MINUTE: 120,
      MAX_SUSTAINED_WRITE_OPERATIONS_PER_MINUTE: 1000000,
    });
    await call("storage.sync.set", { kept: 1 });
    await assert.rejects(
      call("storage.sync.set", { big: "x".repeat(9000) }),
      /^Error: Resource::kQuotaBytesPerItem quota exceeded$/,
    );
    const eightK: Record<string, string> = {};
    for (let i = 0; i < 20; i++) eightK[`k${i}`] = "x".repeat(8000);
    await assert.rejects(
      call("storage.sync.set", eightK),
      /^Error: Resource::kQuotaBytes quota exceeded$/,
    );
    const many: Record<string, number> = {};
    for (let i = 0; i < 513; i++) many[`n${i}`] = 1;
    await assert.rejects(
      call("storage.sync.set", many),
      /^Error: Resource::kMaxItems quota exceeded$/,
    );
    assert.deepEqual(await call("storage.sync.get", null), { kept: 1 });
    // a key's and a value's UTF-8 bytes: 2 for "é", 4 for the JSON "\"é\""
    await call("storage.sync.set", { "é": "é" });
    assert.equal(await call("storage.sync.getBytesInUse", "é"), 6);
  });

  it("allows 120 writes a minute, the refused ones among them", async () => {
    const { call } = await loaded();
    await assert.rejects(call("storage.sync.set", { big: "x".repeat(9000) }));
    for (let i = 1; i < 120; i++) await call("storage.sync.set", { n: i });
    await assert.rejects(
      call("storage.sync.remove", "n"),
      /^Error: This request exceeds the MAX_WRITE_OPERATIONS_PER_MINUTE quota\.$/,
    );
    assert.deepEqual(await call("storage.sync.get", "n"), { n: 119 });
    // storage.local has no such limit
    await call("storage.local.set", { n: 1 });
  });

  it("is kept in the partition's store across a restart, apart from storage.local", async () => {
    const partition = `persist:extensions-sync-${Date.now()}`;
    const first = await loaded(partition);
    await first.call("storage.sync.set", { theme: "dark" });
    await first.call("storage.local.set", { theme: "light" });
    await session.closePartition(partition);
    const { call } = await loaded(partition, first.folder);
    assert.deepEqual(await call("storage.sync.get", "theme"), { theme: "dark" });
    assert.deepEqual(await call("storage.local.get", "theme"), { theme: "light" });
    await session.closePartition(partition);
  });
});

describe("chrome.storage.managed", () => {
  it("is empty and read-only", async () => {
    const { call } = await loaded();
    assert.deepEqual(await call("storage.managed.get", null), {});
    assert.deepEqual(await call("storage.managed.get", { a: 1 }), { a: 1 });
    assert.equal(await call("storage.managed.getBytesInUse", null), 0);
    for (const [name, args] of [["set", [{ a: 1 }]], ["remove", ["a"]], ["clear", []]] as const) {
      await assert.rejects(
        call(`storage.managed.${name}`, ...args),
        /^Error: This is a read-only store\.$/,
        name,
      );
    }
    // Chromium 156 has setAccessLevel on every area
    for (const area of ["local", "sync", "session", "managed"]) {
      await call(`storage.${area}.setAccessLevel`, { accessLevel: "TRUSTED_CONTEXTS" });
    }
  });
});

describe("chrome.storage's argument forms and values, as Chromium 156 takes them", () => {
  it("stores what JSON cannot hold as Chrome converts it, and refuses binary data", async () => {
    const { ses, id } = await loaded();
    assert.deepEqual(await ses.extensions.sendMessage(id, "odd"), {
      stored: {
        cyclic: { n: 1, self: null },
        shared: [{ s: 1 }, { s: 1 }],
        numbers: [null, null, 0, 1, null, null],
        date: {},
        map: {},
        boxed: { 0: "s" },
        nested: { keep: 1 },
        sparse: [1, null, 3],
        getter: { g: 7 },
      },
      refused: "Cannot serialize value to JSON",
      defaults: { missing: {} },
    });
  });

  it("throws Chrome's 'No matching signature' at the call for arguments off the schema", async () => {
    const { ses, id } = await loaded();
    const thrown = async (call: string, args: unknown[]) =>
      ((await ses.extensions.sendMessage(id, { call, args })) as { thrown?: string }).thrown;
    const noMatch = (signature: string) =>
      `TypeError: Error in invocation of storage.${signature}: No matching signature.`;
    assert.equal(
      await thrown("storage.local.get", [42]),
      noMatch("get(optional [string|array|object] keys, optional function callback)"),
    );
    assert.equal(
      await thrown("storage.sync.set", ["x"]),
      noMatch("set(object items, optional function callback)"),
    );
    assert.equal(
      await thrown("storage.session.remove", []),
      noMatch("remove([string|array] keys, optional function callback)"),
    );
    assert.equal(
      await thrown("storage.local.remove", [[3]]),
      "TypeError: Error in invocation of storage.remove([string|array] keys, optional function " +
        "callback): Error at parameter 'keys': Value did not match any choice.",
    );
    assert.equal(
      await thrown("storage.local.clear", [1]),
      noMatch("clear(optional function callback)"),
    );
  });
});
