// setProxy({ mode: "pac_script" }) without a pacScript: Electron resolves and goes DIRECT.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import { createProxyPlugin } from "../../../entries/proxy.ts";
import { serve, type TestServer } from "../../_serve.ts";

let server: TestServer;
before(async () => {
  server = await serve((request) => new Response(`direct ${new URL(request.url).pathname}`));
});
after(async () => {
  await server.close();
});

describe("setProxy pac_script without a script", () => {
  it("resolves, reports DIRECT and sends requests DIRECT", async () => {
    const ses = session.fromPartition("proxy-pac-empty", {
      preset: false,
      plugins: [createProxyPlugin()],
    });
    try {
      await ses.setProxy({ mode: "pac_script", proxyRules: "127.0.0.1:1" });
      assert.equal(await ses.resolveProxy(`${server.url}/a`), "DIRECT");
      assert.equal(await ses.resolveProxy("http://example.test/"), "DIRECT");
      assert.equal(await (await ses.fetch(`${server.url}/a`)).text(), "direct /a");
      await ses.setProxy({ mode: "pac_script", pacScript: "" });
      assert.equal(await ses.resolveProxy("https://example.test/"), "DIRECT");
    } finally {
      await session.closePartition(ses.partition);
    }
  });
});
