// An isolated plugin's setup timeout (15 s) counts from the moment its Worker has loaded the
// plugin's modules, not from the Worker's start: the runtime's own loading (`deno test`
// type-checks a Worker's module graph when it starts, seconds on a busy machine) and the entry's
// top-level code are bounded apart (LOAD_TIMEOUT, 120 s). Here the entry's top-level code waits
// 16 s, longer than the setup timeout, and the plugin still loads and runs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { configure, detectRuntime, session } from "../../../mod.ts";
import { isolationFor } from "../../../adapters/isolation/mod.ts";
import { type EchoServer, echoServer, pluginCopy } from "../_plugin_helpers.ts";

configure({ isolation: isolationFor(detectRuntime()) });

describe("an isolated plugin whose modules take longer to load than the setup timeout", () => {
  let server: EchoServer;
  before(async () => (server = await echoServer()));
  after(() => server.close());

  it("loads, since the setup timeout starts once its modules are loaded", async () => {
    const plugin = await pluginCopy("header_plugin");
    const entry = join(plugin.dir, "mod.ts");
    await writeFile(
      entry,
      `await new Promise((resolve) => setTimeout(resolve, 16_000));\n${await readFile(
        entry,
        "utf8",
      )}`,
    );
    const ses = session.fromPartition("isolated-load", { preset: false, plugins: [] });
    try {
      const info = await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true });
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
});
