/**
 * Cold start (issue #24), read from the source: what `mod.ts` evaluates when imported. No npm
 * package but valibot (the kernel's checks of the manifest and the options, on the library issue
 * #12 asks for), no `node:` module and none of the parts ARCHITECTURE.md ("Cold start") lists as
 * loaded on first use is on the start path; `lazy_start_test.ts` checks the same at run time.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { startPath } from "./_start_path.ts";
import { denoExecutable, root, run } from "./_process.ts";

/** Parts that load on first use (ARCHITECTURE.md, "Cold start"). */
const LOADED_ON_FIRST_USE = [
  "adapters/http/node_tls.ts",
  "adapters/socks/tunnel.ts",
  "kernel/http/body_taps.ts",
  "kernel/messaging/_load_plugin.ts",
  "kernel/messaging/_plugin_jws.ts",
  "kernel/net/_digest_answer.ts",
  "kernel/net/_digest_hashes.ts",
  "plugins/cache/_engine.ts",
  "plugins/cookies/_tldts.ts",
  "plugins/downloads/download_item.ts",
  "plugins/extensions/_dnr_arguments.ts",
  "plugins/host-resolver/resolve_host.ts",
  "plugins/protocol/_callback_handlers.ts",
  "plugins/protocol/_handler_answer.ts",
  "plugins/proxy/_engine.ts",
  "plugins/spellcheck/_dictionary_open.ts",
  "plugins/web-request/dnr_engine.ts",
];

describe("the start path of mod.ts", () => {
  const loaded = startPath("mod.ts");

  it("holds no npm package but valibot, and no node: module", () => {
    const outside = [...loaded].filter((m) =>
      (m.startsWith("npm:") && m !== "npm:valibot") || m.startsWith("node:")
    );
    assert.deepEqual(outside, []);
  });

  it("holds none of the parts loaded on first use", () => {
    assert.deepEqual(LOADED_ON_FIRST_USE.filter((m) => loaded.has(m)), []);
  });

  it("is read from value imports only (type-only imports and import() are not followed)", () => {
    assert.ok(loaded.has("kernel/session.ts"));
    assert.ok(loaded.has("plugins/cookies/public_suffix.ts"));
    assert.ok(loaded.has("plugins/cookies/manifest.json"));
    assert.ok(!loaded.has("plugins/proxy/proxy_service.ts"), "import type only");
  });
});

describe("what Deno evaluates at start (its loader's log)", () => {
  it("is the start path read from the source, without Deno's fetch and streams modules", async () => {
    const script = "scripts/bench/_startup_session.ts";
    const ran = await run(
      await denoExecutable(),
      ["run", "-A", "--no-check", "-L", "debug", script],
      root,
    );
    assert.equal(ran.code, 0, ran.output);
    // once each: the log can name a module in more than one line (a clean clone's CI, its Deno
    // and Bun runs sharing one cache, had kernel/events.ts and two more twice)
    const loaded = [...new Set([...ran.output.matchAll(/ES module: (\S+?),/g)].map((m) => m[1]))];
    const internal = loaded.filter((m) => m.startsWith("ext:"));
    assert.deepEqual(internal.filter((m) => !m.startsWith("ext:deno_fetch/20_headers")), []);
    const files = loaded.filter((m) => !m.startsWith("ext:")).map((m) =>
      /\/node_modules\/valibot\//.test(m)
        ? "npm:valibot"
        : m.startsWith(`file://${root}/`)
        ? m.slice(`file://${root}/`.length)
        : m
    );
    const expected = [...startPath(script)].filter((m) => !m.endsWith(".json"));
    assert.deepEqual(files.sort(), expected.sort());
  });
});
