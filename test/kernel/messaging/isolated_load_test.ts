// An isolated plugin's setup timeout (`setupTimeout`, 15 s by default) counts from the moment its
// Worker has loaded the plugin's modules, not from the Worker's start: the runtime's own loading
// (`deno test` type-checks a Worker's module graph when it starts, seconds on a busy machine) and
// the entry's top-level code are bounded apart (LOAD_TIMEOUT, 120 s). Here the setup timeout is
// 1 s: an entry whose top-level code waits 2.5 s still loads and runs, and a setup that itself
// takes 2.5 s is cut off.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { configure, detectRuntime, session } from "../../../mod.ts";
import { isolationFor } from "../../../adapters/isolation/mod.ts";
import { type EchoServer, echoServer, pluginCopy } from "../_plugin_helpers.ts";

configure({ isolation: isolationFor(detectRuntime()) });

const WAIT = "await new Promise((resolve) => setTimeout(resolve, 2500));";

/** The header plugin with its entry's text changed by `change`. */
async function changedPlugin(change: (entry: string) => string) {
  const plugin = await pluginCopy("header_plugin");
  const entry = join(plugin.dir, "mod.ts");
  await writeFile(entry, change(await readFile(entry, "utf8")));
  return plugin;
}

describe("an isolated plugin's setup timeout", () => {
  let server: EchoServer;
  before(async () => (server = await echoServer()));
  after(() => server.close());

  it("starts once its modules are loaded: slow top-level code does not count", async () => {
    const plugin = await changedPlugin((entry) => `${WAIT}\n${entry}`);
    const ses = session.fromPartition("isolated-load", { preset: false, plugins: [] });
    try {
      const info = await ses.plugins.load(plugin.dir, {
        allowUnenforcedIsolation: true,
        setupTimeout: 1000,
      });
      assert.equal(info.isolation, "worker");
      const seen = await (await ses.fetch(server.url)).json() as {
        headers: Record<string, string>;
      };
      assert.equal(seen.headers["x-websession-plugin"], "header-plugin");
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("cuts off a setup that takes longer, and the session goes on without the plugin", async () => {
    const plugin = await changedPlugin((entry) => {
      const slow = entry.replace(
        /setup\((.*)\): void \{/,
        `async setup($1): Promise<void> {\n${WAIT}`,
      );
      assert.notEqual(slow, entry, "the fixture's setup signature changed");
      return slow;
    });
    const ses = session.fromPartition("isolated-slow-setup", { preset: false, plugins: [] });
    const errors: Error[] = [];
    ses.on("hook-error", (_event, error) => errors.push(error as Error));
    try {
      await assert.rejects(
        ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true, setupTimeout: 1000 }),
        /Plugin header-plugin failed to set up \(see the hook-error event\)/,
      );
      assert.deepEqual(errors.map((error) => error.message), [
        "Plugin header-plugin failed in setup: Setup timed out after 1000 ms",
      ]);
      const seen = await (await ses.fetch(server.url)).json() as {
        headers: Record<string, string>;
      };
      assert.equal(seen.headers["x-websession-plugin"], undefined);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("must be a positive number of ms", async () => {
    const ses = session.fromPartition("isolated-bad-timeout", { preset: false, plugins: [] });
    try {
      for (const setupTimeout of [0, -1, Number.NaN, "1000"]) {
        await assert.rejects(
          ses.plugins.load("/nowhere", { setupTimeout: setupTimeout as number }),
          {
            name: "TypeError",
            message: "plugins.load: setupTimeout must be a positive number of ms",
          },
        );
      }
    } finally {
      await ses.close();
    }
  });
});
