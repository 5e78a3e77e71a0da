import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { configure, session } from "../../mod.ts";
import { ExtensionLoadError, startServer } from "../../web/server/server.ts";
import { parseArgs } from "../../web/server/main.ts";
import { serve, type TestServer } from "../_serve.ts";

const listener = fileURLToPath(new URL("../fixtures/extensions/mv3_listener", import.meta.url));
const broken = fileURLToPath(new URL("../fixtures/extensions/bad_manifest", import.meta.url));
let origin: TestServer;
let root: string | null = mkdtempSync(`${tmpdir()}/websession-server-ext-`);
try {
  configure({ storagePath: root });
} catch {
  rmSync(root, { recursive: true, force: true });
  root = null;
}

before(async () => {
  origin = await serve((r) => new Response(r.headers.get("x-extension") ?? "none"));
});
after(async () => {
  await origin.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function viaProxy(proxyUrl: string, url: string): Promise<string> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, path: url }, (res) => {
      let body = "";
      res.on("data", (chunk) => body += chunk);
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the session server with extensions", () => {
  it("takes --extension DIR, repeatable", () => {
    assert.deepEqual(parseArgs(["--extension", "a", "--extension=b"]).extensions, ["a", "b"]);
    assert.equal(parseArgs([]).extensions, undefined);
  });

  it("loads them into its session, lists them at GET /api/extensions, and proxies through them", async () => {
    const partition = `persist:server-extensions-${Date.now()}`;
    const server = await startServer({ port: 0, partition, extensions: [listener] });
    try {
      const response = await fetch(`${server.apiUrl}/extensions`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      assert.equal(response.status, 200);
      const list = await response.json() as Array<{ id: string; name: string; url: string }>;
      assert.equal(list.length, 1);
      assert.equal(list[0].name, "Listener test");
      assert.equal(list[0].url, `chrome-extension://${list[0].id}/`);
      assert.equal(await viaProxy(server.proxyUrl, `${origin.url}/x`), list[0].id);
    } finally {
      await server.close();
      await session.closePartition(partition);
    }
  });

  it("refuses to start when an extension does not load, naming it", async () => {
    const partition = `persist:server-extensions-bad-${Date.now()}`;
    await assert.rejects(
      startServer({ port: 0, partition, extensions: [broken] }),
      (error: unknown) => {
        assert.ok(error instanceof ExtensionLoadError);
        assert.match(error.message, /^--extension .*bad_manifest: .*manifest\.json: version: /);
        return true;
      },
    );
  });
});
