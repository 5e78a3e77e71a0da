import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { originServer, testSession } from "websession/testing";
import { importKey, sign, signedText } from "./sign.ts";

const KEY = crypto.getRandomValues(new Uint8Array(32));

describe("header-signer", () => {
  it("runs isolated, fetches its key from the API host and signs that host's requests", async () => {
    const api = await originServer((request) =>
      new URL(request.url).pathname === "/signing-key" ? new Response(KEY) : new Response("ok")
    );
    const other = await originServer();
    // A copy of the plugin whose config points at this test's API server.
    const dir = await mkdtemp(join(tmpdir(), "header-signer-"));
    await cp(new URL("./", import.meta.url), dir, {
      recursive: true,
      filter: (src) => !src.includes("node_modules"),
    });
    await writeFile(join(dir, "config.json"), JSON.stringify({ keyUrl: `${api.url}/signing-key` }));
    const { ses, close } = testSession([]);
    try {
      const info = await ses.plugins.load(dir, { allowUnenforcedIsolation: "Bun" in globalThis });
      assert.equal(info.name, "header-signer");
      await (await ses.fetch(`${api.url}/orders?id=7`, { method: "POST", body: "x" })).text();
      const got = api.last().headers;
      const key = await importKey(KEY);
      const expected = await sign(key, signedText("POST", "/orders?id=7", got["x-signature-date"]));
      assert.equal(got["x-signature"], expected);
      await (await ses.fetch(other.url)).text();
      assert.equal(other.last().headers["x-signature"], undefined);
    } finally {
      await close();
      await api.close();
      await other.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
