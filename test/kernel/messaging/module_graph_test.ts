import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { session } from "../../../mod.ts";
import { PluginSignatureError } from "../../../kernel/messaging/plugin_signature.ts";
import { type EchoServer, echoServer, keyPair, pluginCopy, sign } from "../_plugin_helpers.ts";

let server: EchoServer;
let counter = 0;
before(async () => (server = await echoServer()));
after(() => server.close());

/** The header plugin, inline, whose header.ts imports `import` (a file written next to it). */
async function pluginImporting(line: string, listed: string[] = []) {
  const plugin = await pluginCopy("header_plugin", (m) => {
    m.isolation = "inline";
    m.files = ["./header.ts", ...listed];
  });
  const header = join(plugin.dir, "header.ts");
  await writeFile(header, `${line}\n${await readFile(header, "utf8")}`);
  await writeFile(join(plugin.dir, "extra.ts"), "export const extra = 1;\n");
  return plugin;
}

function signedSession(publicJwk: JsonWebKey) {
  return session.fromPartition(`module-graph-${++counter}`, {
    preset: false,
    plugins: [],
    trustedKeys: [publicJwk],
    requireSignature: true,
  });
}

describe("plugins.load: the signature covers every local module the entry loads", () => {
  it("refuses a signed plugin whose module imports a file the manifest does not list", async () => {
    const key = await keyPair();
    const plugin = await pluginImporting('import { extra } from "./extra.ts"; void extra;');
    await sign(plugin.dir, key.privateJwk);
    const ses = signedSession(key.publicJwk);
    try {
      await assert.rejects(
        ses.plugins.load(plugin.dir),
        (error: unknown) =>
          error instanceof PluginSignatureError && error.reason === "unsigned" &&
          /header\.ts imports \.\/extra\.ts, which the manifest does not list/.test(error.message),
      );
      assert.deepEqual(ses.plugins.list(), []);
      // the session still answers without the plugin
      const response = await ses.fetch(server.url);
      assert.equal(response.status, 200);
      assert.equal((await response.json()).headers["x-websession-plugin"], undefined);
    } finally {
      await session.closePartition(ses.partition);
      await plugin.remove();
    }
  });

  it("loads it once the file is listed (and so signed), and refuses it when that file changes", async () => {
    const key = await keyPair();
    const plugin = await pluginImporting('import { extra } from "./extra.ts"; void extra;', [
      "./extra.ts",
    ]);
    await sign(plugin.dir, key.privateJwk);
    const ses = signedSession(key.publicJwk);
    try {
      await ses.plugins.load(plugin.dir);
      const seen = await (await ses.fetch(server.url)).json();
      assert.equal(seen.headers["x-websession-plugin"], "header-plugin");
      await ses.plugins.unload("header-plugin");
      await writeFile(join(plugin.dir, "extra.ts"), "export const extra = 2;\n");
      await assert.rejects(ses.plugins.load(plugin.dir), /extra\.ts changed/);
    } finally {
      await session.closePartition(ses.partition);
      await plugin.remove();
    }
  });

  for (
    const [what, line] of [
      ["a re-export", 'export * from "./extra.ts";'],
      ["an import() with a string", 'void import("./extra.ts");'],
      ["a side-effect import by absolute file URL", 'import "PLACEHOLDER";'],
    ]
  ) {
    it(`refuses ${what} of an unlisted file`, async () => {
      const key = await keyPair();
      const plugin = await pluginImporting(line);
      const header = join(plugin.dir, "header.ts");
      await writeFile(
        header,
        (await readFile(header, "utf8")).replace("PLACEHOLDER", `file://${plugin.dir}/extra.ts`),
      );
      await sign(plugin.dir, key.privateJwk);
      const ses = signedSession(key.publicJwk);
      try {
        await assert.rejects(ses.plugins.load(plugin.dir), /which the manifest does not list/);
      } finally {
        await session.closePartition(ses.partition);
        await plugin.remove();
      }
    });
  }

  it("refuses an import() whose module is computed", async () => {
    const key = await keyPair();
    const plugin = await pluginImporting('const name = "./extra.ts"; void import(name);');
    await sign(plugin.dir, key.privateJwk);
    const ses = signedSession(key.publicJwk);
    try {
      await assert.rejects(ses.plugins.load(plugin.dir), /import\(\) whose module is computed/);
    } finally {
      await session.closePartition(ses.partition);
      await plugin.remove();
    }
  });

  it("follows packages by name and type-only imports not at all", async () => {
    const key = await keyPair();
    const plugin = await pluginImporting(
      'import type { Nothing } from "./types.ts";\nimport { sep } from "node:path";\nvoid sep;\nexport type T = Nothing;',
    );
    await sign(plugin.dir, key.privateJwk);
    const ses = signedSession(key.publicJwk);
    try {
      await ses.plugins.load(plugin.dir);
      assert.equal(ses.plugins.list().length, 1);
    } finally {
      await session.closePartition(ses.partition);
      await plugin.remove();
    }
  });
});
