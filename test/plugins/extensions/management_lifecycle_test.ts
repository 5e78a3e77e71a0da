/**
 * `chrome.management.setEnabled`, `uninstall`, `uninstallSelf` and the management events, as
 * Chromium's management API behaves from a background (no user gesture): disabling is immediate
 * and enabling loads the extension again, an extension may uninstall itself, uninstalling another
 * one needs a gesture; extensions with the `management` permission hear `onInstalled`,
 * `onUninstalled`, `onEnabled` and `onDisabled` for the others.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DefaultSession } from "../../../mod.ts";
import { cleanUp, freshSession, RPC_WORKER, until, writeExtension } from "./_helpers.ts";

after(cleanUp);

const worker = { service_worker: "worker.js" };

/** The manager's worker: the test's RPC, plus a record of the management events it heard. */
const RECORDING_WORKER = `${RPC_WORKER}
const seen = [];
for (const name of ["onInstalled", "onUninstalled", "onEnabled", "onDisabled"]) {
  chrome.management[name].addListener((about) => seen.push([name, typeof about === "string"
    ? about
    : { id: about.id, enabled: about.enabled, disabledReason: about.disabledReason ?? null }]));
}
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (message === "seen") respond(seen.splice(0));
});
`;

type Answer = { value?: unknown; error?: string; thrown?: string };
const ask = (ses: DefaultSession, id: string, message: unknown) =>
  ses.extensions.sendMessage(id, message) as Promise<Answer>;

async function setUp() {
  const { ses } = await freshSession();
  const manager = await ses.loadExtension(
    await writeExtension({
      manifest_version: 3,
      name: "Manager",
      version: "1.0",
      permissions: ["management"],
      background: worker,
    }, { "worker.js": RECORDING_WORKER }),
  );
  const other = await ses.loadExtension(
    await writeExtension({
      manifest_version: 3,
      name: "Other",
      version: "1.0",
      background: worker,
    }),
  );
  /** The events the manager heard since the last look, once there are `count`. */
  const heard = async (count: number) => {
    const all: unknown[] = [];
    await until(async () => {
      all.push(...(await ses.extensions.sendMessage(manager.id, "seen") as unknown[]));
      return all.length >= count;
    });
    return all;
  };
  // the manager heard the other one's install
  assert.deepEqual(await heard(1), [["onInstalled", {
    id: other.id,
    enabled: true,
    disabledReason: null,
  }]]);
  return { ses, manager: manager.id, other: other.id, heard };
}

describe("chrome.management.setEnabled", () => {
  it("disables another extension at once (still listed) and enables it again", async () => {
    const { ses, manager, other, heard } = await setUp();
    const unloaded: string[] = [];
    ses.on("extension-unloaded", (_event, extension) => unloaded.push(extension.id));
    assert.deepEqual(
      await ask(ses, manager, { call: "management.setEnabled", args: [other, false] }),
      {},
    );
    assert.equal(ses.getExtension(other), null);
    assert.deepEqual(unloaded, [other]);
    await assert.rejects(ses.extensions.sendMessage(other, { call: "management.getSelf" }));
    const info = (await ask(ses, manager, { call: "management.get", args: [other] })).value as {
      enabled: boolean;
      disabledReason?: string;
    };
    assert.equal(info.enabled, false);
    assert.equal(info.disabledReason, "unknown");
    assert.deepEqual(await heard(1), [["onDisabled", {
      id: other,
      enabled: false,
      disabledReason: "unknown",
    }]]);
    // already disabled: nothing changes
    assert.deepEqual(
      await ask(ses, manager, { call: "management.setEnabled", args: [other, false] }),
      {},
    );

    assert.deepEqual(
      await ask(ses, manager, { call: "management.setEnabled", args: [other, true] }),
      {},
    );
    assert.notEqual(ses.getExtension(other), null);
    const self = (await ask(ses, other, { call: "management.getSelf" })).value as {
      enabled: boolean;
    };
    assert.equal(self.enabled, true);
    assert.deepEqual(await heard(1), [["onEnabled", {
      id: other,
      enabled: true,
      disabledReason: null,
    }]]);
  });

  it("refuses an unknown id and a call that is not Chrome's signature", async () => {
    const { ses, manager } = await setUp();
    const unknown = "b".repeat(32);
    assert.deepEqual(
      await ask(ses, manager, { call: "management.setEnabled", args: [unknown, false] }),
      {
        error: `Failed to find extension with id ${unknown}.`,
      },
    );
    assert.deepEqual(await ask(ses, manager, { call: "management.setEnabled", args: [unknown] }), {
      thrown:
        "TypeError: Error in invocation of management.setEnabled(string id, boolean enabled, " +
        "optional function callback): No matching signature.",
    });
  });
});

describe("chrome.management.uninstall and uninstallSelf", () => {
  it("uninstall of another extension needs a user gesture, which a background never has", async () => {
    const { ses, manager, other } = await setUp();
    assert.deepEqual(await ask(ses, manager, { call: "management.uninstall", args: [other] }), {
      error: "chrome.management.uninstall requires a user gesture.",
    });
    assert.deepEqual(
      await ask(ses, other, {
        call: "management.uninstallSelf",
        args: [{ showConfirmDialog: true }],
      }),
      { error: "chrome.management.uninstall requires a user gesture." },
    );
    assert.notEqual(ses.getExtension(other), null);
  });

  it("uninstallSelf, without any permission, removes the extension; the manager hears it", async () => {
    const { ses, other, heard } = await setUp();
    // the background is gone before it could answer
    ses.extensions.sendMessage(other, { call: "management.uninstallSelf" }).catch(() => {});
    await until(() => ses.getExtension(other) === null);
    assert.deepEqual(await heard(1), [["onUninstalled", other]]);
  });

  it("loading and removing extensions fire onInstalled and onUninstalled", async () => {
    const { ses, manager, other, heard } = await setUp();
    const third = await ses.loadExtension(
      await writeExtension({ manifest_version: 3, name: "Third", version: "1.0" }, {}),
    );
    ses.removeExtension(other);
    assert.deepEqual(await heard(2), [
      ["onInstalled", { id: third.id, enabled: true, disabledReason: null }],
      ["onUninstalled", other],
    ]);
    // a disabled extension removed is forgotten
    await ask(ses, manager, { call: "management.setEnabled", args: [third.id, false] });
    ses.removeExtension(third.id);
    assert.deepEqual((await heard(2)).map((event) => (event as string[])[0]), [
      "onDisabled",
      "onUninstalled",
    ]);
    const all = (await ask(ses, manager, { call: "management.getAll" })).value as Array<
      { id: string }
    >;
    assert.deepEqual(all.map((info) => info.id), [manager]);
  });
});
