import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { detectRuntime, session } from "../../../mod.ts";
import { isolationFor } from "../../../adapters/isolation/mod.ts";
import type { IsolationAdapter } from "../../../kernel/contracts.ts";
import type { HookError } from "../../../kernel/errors.ts";
import { parseManifest } from "../../../kernel/manifest.ts";
import { isolatedPlugin, MAX_PROTOCOL_FAULTS } from "../../../kernel/messaging/_isolated_plugin.ts";
import { serve, type TestServer } from "../../_serve.ts";

const HOSTILE = new URL("../fixtures/hostile_worker.ts", import.meta.url);
const root = new URL("../../../", import.meta.url).pathname;
const real = isolationFor(detectRuntime());
// the runtime's real Workers, started on the hostile module instead of the kernel's worker
const hostile: IsolationAdapter = {
  runtime: real.runtime,
  enforcesPermissions: real.enforcesPermissions,
  check: real.check,
  spawn: (_module, permissions) => real.spawn(HOSTILE, permissions),
};
let origin: TestServer;
let counter = 0;

before(async () => {
  origin = await serve((request) =>
    new Response(`origin ${new URL(request.url).pathname}`, { headers: { "x-origin": "1" } })
  );
});
after(() => origin.close());

async function hostileSession() {
  const ses = session.fromPartition(`hostile-worker-${++counter}`, { preset: false, plugins: [] });
  const errors: HookError[] = [];
  ses.on("hook-error", (_event, error) => errors.push(error as HookError));
  const manifest = parseManifest({
    name: "hostile",
    version: "1.0.0",
    hooks: ["transport", "headersReceived"],
    isolation: "worker",
  });
  await ses.plugins.add(isolatedPlugin(manifest, new URL("file:///hostile/mod.ts"), {
    adapter: hostile,
    permissions: { net: [], read: [root], write: [], env: [] },
    hookTimeout: 30_000,
    setupTimeout: 30_000,
  }));
  return { ses, errors };
}

async function text(response: Response): Promise<string> {
  assert.equal(response.status, 200);
  return await response.text();
}

describe("isolated plugins: malformed messages from the Worker", () => {
  it("a header block without its newline is the plugin's error; the request goes on unanswered", async () => {
    const { ses, errors } = await hostileSession();
    try {
      const response = await ses.fetch(`${origin.url}/no-newline`);
      assert.equal(response.headers.get("x-evil"), null);
      assert.equal(await text(response), "origin /no-newline");
      assert.equal(errors.length, 1);
      assert.equal(errors[0].plugin, "hostile");
      assert.equal(errors[0].hook, "protocol");
      assert.match(errors[0].message, /malformed message.*responseHeaders/);
      // the host still answers, and the plugin is still loaded after one fault
      assert.equal(await text(await ses.fetch(`${origin.url}/fine`)), "origin /fine");
      assert.deepEqual(ses.plugins.list().map((p) => p.name), ["hostile"]);
    } finally {
      await session.closePartition(ses.partition);
    }
  });

  it("a response with status 99 neither throws in the host nor answers the request", async () => {
    const { ses, errors } = await hostileSession();
    try {
      assert.equal(await text(await ses.fetch(`${origin.url}/status-99`)), "origin /status-99");
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, /malformed message.*status/);
    } finally {
      await session.closePartition(ses.partition);
    }
  });

  it(`after ${MAX_PROTOCOL_FAULTS} malformed messages the plugin is cut off and unloaded`, async () => {
    const { ses, errors } = await hostileSession();
    try {
      assert.equal(await text(await ses.fetch(`${origin.url}/long-tuple`)), "origin /long-tuple");
      assert.equal(
        await text(await ses.fetch(`${origin.url}/unknown-kind`)),
        "origin /unknown-kind",
      );
      assert.equal(await text(await ses.fetch(`${origin.url}/status-99`)), "origin /status-99");
      assert.equal(errors.length, MAX_PROTOCOL_FAULTS);
      assert.match(errors.at(-1)!.message, /the plugin was cut off/);
      // unloading happens on the next turn of the event loop
      while (ses.plugins.list().length > 0) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await text(await ses.fetch(`${origin.url}/after`)), "origin /after");
    } finally {
      await session.closePartition(ses.partition);
    }
  });
});
