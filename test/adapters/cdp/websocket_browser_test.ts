import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as esbuild from "esbuild";
import { type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { TargetTree } from "../../../plugins/cdp/target_tree.ts";
import { until } from "../../_cdp_site.ts";
import { needs } from "../../_system.ts";

const root = new URL("../../../", import.meta.url).pathname;

/** The page: connects from the browser to its own browser's DevTools endpoint. */
const PAGE = `<!doctype html><script type="module">
import { CdpConnection, WebSocketTransport, TargetTree } from "/cdp.js";
const ws = new URLSearchParams(location.search).get("ws");
try {
  const connection = new CdpConnection(await WebSocketTransport.connect(ws));
  const { product } = await connection.send("Browser.getVersion");
  const tree = await TargetTree.start(connection);
  const pages = tree.query({ type: "page", url: location.href });
  console.log("result", product, pages.length);
  connection.close();
} catch (error) {
  console.log("error", String(error));
}
</script>`;

describe("WebSocketTransport in a browser page (bundled with esbuild)", () => {
  needs("chromium");
  let server: Server;
  let browser: CdpBrowser;
  let origin = "";

  before(async () => {
    const { outputFiles } = await esbuild.build({
      stdin: {
        contents: `export { CdpConnection } from "./kernel/cdp/mod.ts";
          export { WebSocketTransport } from "./adapters/cdp/websocket.ts";
          export { TargetTree } from "./plugins/cdp/mod.ts";`,
        resolveDir: root,
        loader: "ts",
      },
      bundle: true,
      format: "esm",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    const bundle = outputFiles[0].text;
    server = createServer((req, res) => {
      if (req.url === "/cdp.js") {
        res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
      } else res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launch({ args: [`--remote-allow-origins=${origin}`] });
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections?.();
    await new Promise((resolve) => server?.close(resolve));
    await esbuild.stop();
  });

  it("talks CDP from the page, with flat sessions and the target tree", async () => {
    const tree = await TargetTree.start(browser.connection, {
      hooks: [(session) => session.send("Runtime.enable")],
    });
    const logs: string[] = [];
    browser.connection.on("Runtime.consoleAPICalled", (event) => {
      logs.push(event.args.map((a) => String(a.value)).join(" "));
    });
    await tree.newPage(`${origin}/?ws=${encodeURIComponent(browser.wsEndpoint!)}`);
    await until(() => logs.length > 0, 10000, "the page's result");
    assert.match(logs[0], /^result Chrome\/[\d.]+ 1$/);
    tree.stop();
  });
});
