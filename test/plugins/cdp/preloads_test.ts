import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { type DefaultSession, session } from "../../../mod.ts";
import type { CdpBrowser } from "../../../entries/cdp.ts";
import { TargetTree } from "../../../plugins/cdp/target_tree.ts";
import { until } from "../../_cdp_site.ts";
import { needs } from "../../_system.ts";

/** A page (on 127.0.0.1) with a cross-origin iframe (on localhost): both report what they see. */
function pageServer(): Promise<{ server: Server; page: string }> {
  let frameOrigin = "";
  const report = (name: string) =>
    `<script>document.dispatchEvent(new Event("preload-ping"));` +
    `console.log(${JSON.stringify(name)} + " a=" + document.body.dataset.a + " b=" + ` +
    `document.body.dataset.b + " global=" + typeof globalThis.fromPreload)</script>`;
  const server = createServer((req, res) => {
    const body = req.url === "/frame.html"
      ? `<!doctype html><body>${report("frame")}`
      : `<!doctype html><body>${report("page")}<iframe src="${frameOrigin}/frame.html"></iframe>`;
    res.writeHead(200, { "content-type": "text/html", "cache-control": "no-store" }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      frameOrigin = `http://localhost:${port}`;
      resolve({ server, page: `http://127.0.0.1:${port}/` });
    })
  );
}

/** A preload that answers the page's ping by marking the body, in its own world. */
const preload = (name: string) =>
  `const mark = ${JSON.stringify(name)};
document.addEventListener("preload-ping", () => { document.body.dataset[mark] = "1"; });
globalThis.fromPreload = mark;
console.log("preload " + mark + " " + location.host);`;

describe("preload scripts in pages driven through ses.cdp", () => {
  needs("chromium");
  let dir: string;
  let site: { server: Server; page: string };
  let ses: DefaultSession;
  let browser: CdpBrowser;
  let tree: TargetTree;
  const logs: string[] = [];
  const errors: string[] = [];

  before(async () => {
    dir = mkdtempSync(`${tmpdir()}/preloads-`);
    writeFileSync(`${dir}/a.js`, preload("a"));
    writeFileSync(`${dir}/b.js`, preload("b"));
    writeFileSync(`${dir}/sw.js`, `console.log("service worker preload");`);
    site = await pageServer();
    ses = session.fromPartition("cdp-preloads");
    ses.setPreloads([`${dir}/a.js`]);
    ses.registerPreloadScript({ type: "frame", id: "b", filePath: `${dir}/b.js` });
    ses.registerPreloadScript({ type: "service-worker", id: "sw", filePath: `${dir}/sw.js` });
    browser = await ses.cdp.launch({ pipe: true });
    tree = await TargetTree.start(browser.connection, {
      hooks: [(s) => s.send("Runtime.enable")],
      onError: (error) => errors.push(String((error as Error).message)),
    });
    browser.connection.on("Runtime.consoleAPICalled", (event) => {
      logs.push(String(event.args[0]?.value));
    });
  });

  after(async () => {
    tree?.stop();
    await ses?.close();
    await new Promise((resolve) => site?.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs setPreloads' then the registered frame scripts before the page's own, in every frame", async () => {
    await tree.newPage(site.page);
    await until(() => logs.some((l) => l.startsWith("frame ")), 15000, "the iframe's report");
    const host = new URL(site.page).host;
    const frameHost = host.replace("127.0.0.1", "localhost");
    assert.deepEqual(logs.filter((l) => l.includes(host) || l.startsWith("page ")), [
      `preload a ${host}`,
      `preload b ${host}`,
      "page a=1 b=1 global=undefined",
    ]);
    // The cross-origin iframe is a target of its own (site isolation): it gets them too.
    assert.deepEqual(logs.filter((l) => l.includes(frameHost) || l.startsWith("frame ")), [
      `preload a ${frameHost}`,
      `preload b ${frameHost}`,
      "frame a=1 b=1 global=undefined",
    ]);
    assert.ok(
      !logs.includes("service worker preload"),
      "service-worker scripts are not frame scripts",
    );
    assert.deepEqual(errors, []);
  });

  it("reads the scripts when a target is attached: a removed one stops, a missing file is reported", async () => {
    logs.length = 0;
    ses.unregisterPreloadScript("b");
    ses.setPreloads([`${dir}/a.js`, `${dir}/missing.js`]);
    await tree.newPage(`${site.page}?second`);
    await until(() => logs.some((l) => l.startsWith("frame ")), 15000, "the iframe's report");
    assert.ok(logs.includes("page a=1 b=undefined global=undefined"), logs.join("\n"));
    assert.ok(logs.includes("frame a=1 b=undefined global=undefined"), logs.join("\n"));
    assert.ok(!logs.some((l) => l.startsWith("preload b")));
    assert.ok(errors.length >= 1);
    assert.match(errors[0], new RegExp(`preload ${dir}/missing\\.js: .*(ENOENT|No such file)`));
  });
});
