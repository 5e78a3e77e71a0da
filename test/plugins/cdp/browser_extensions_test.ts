// loadExtension on a Chromium-backed session (CDP's Extensions domain): a tiny MV3 extension
// written here, with a background service worker, a content script and a declarativeNetRequest
// rule, acting on the pages of the session's context.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";

needs("chromium");

let browser: CdpBrowser;
let server: Server;
let site = "";
let dir = "";
let extensionDir = "";
const partitions: string[] = [];

async function eventually(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 150; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 40));
  }
  assert.fail(`${what} did not happen within 6 s`);
}

async function writeExtension(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const files: Record<string, unknown> = {
    "manifest.json": {
      manifest_version: 3,
      name: "websession test extension",
      version: "1.2.3",
      background: { service_worker: "background.js" },
      content_scripts: [{ matches: ["<all_urls>"], js: ["content.js"], run_at: "document_start" }],
      permissions: ["declarativeNetRequest"],
      host_permissions: ["<all_urls>"],
      declarative_net_request: {
        rule_resources: [{ id: "block", enabled: true, path: "rules.json" }],
      },
    },
    "rules.json": [{
      id: 1,
      priority: 1,
      action: { type: "block" },
      condition: { urlFilter: "/ad.txt", resourceTypes: ["xmlhttprequest"] },
    }],
  };
  for (const [name, value] of Object.entries(files)) {
    await writeFile(join(folder, name), JSON.stringify(value));
  }
  await writeFile(join(folder, "background.js"), "self.ready = true;\n");
  await writeFile(
    join(folder, "content.js"),
    'document.documentElement.dataset.extension = "content script ran";\n',
  );
}

const marked = "document.documentElement.dataset.extension ?? null";
const adFetch = 'fetch("/ad.txt").then((r) => r.text(), () => "blocked")';

describe("loadExtension on a Chromium-backed session", () => {
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/ad.txt") return void response.end("an ad");
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<title>plain page</title><p>hello</p>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), "websession-browser-extensions-"));
    extensionDir = join(dir, "extension");
    await writeExtension(extensionDir);
    browser = await launch({ pipe: true });
  });
  after(async () => {
    for (const partition of partitions) await session.closePartition(partition);
    await browser?.close();
    server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("on the session's own Chromium: background worker, content script and DNR rule act; removeExtension undoes them", async () => {
    const partition = `extensions-own-${Math.random().toString(36).slice(2)}`;
    partitions.push(partition);
    const ses = await browserSession(null, partition);
    const events: string[] = [];
    for (const name of ["extension-loaded", "extension-ready", "extension-unloaded"]) {
      ses.on(
        name,
        (_event, extension) => events.push(`${name} ${(extension as { id: string }).id}`),
      );
    }
    const extension = await ses.loadExtension(extensionDir);
    assert.match(extension.id, /^[a-p]{32}$/);
    assert.equal(extension.name, "websession test extension");
    assert.equal(extension.version, "1.2.3");
    assert.equal(extension.path, extensionDir);
    assert.equal(extension.url, `chrome-extension://${extension.id}/`);
    assert.deepEqual(ses.getExtension(extension.id), extension);
    assert.deepEqual(ses.getAllExtensions(), [extension]);
    assert.deepEqual(events, [
      `extension-loaded ${extension.id}`,
      `extension-ready ${extension.id}`,
    ]);

    const connection = ses.browserContext.connection;
    await eventually(async () => {
      const { targetInfos } = await connection.send("Target.getTargets", {});
      return targetInfos.some((t) =>
        t.type === "service_worker" && t.url === `${extension.url}background.js`
      );
    }, "the background service worker starting");

    const page = await ses.pages.open(`${site}/`);
    assert.equal(await page.evaluate(marked), "content script ran");
    assert.equal(await page.evaluate(adFetch), "blocked");

    ses.removeExtension(extension.id);
    assert.equal(ses.getExtension(extension.id), null);
    assert.deepEqual(ses.getAllExtensions(), []);
    await eventually(
      () => Promise.resolve(events.includes(`extension-unloaded ${extension.id}`)),
      "extension-unloaded",
    );
    const { extensions } = await connection.send("Extensions.getExtensions");
    assert.equal(extensions.some((e) => e.id === extension.id), false);
    const after = await ses.pages.open(`${site}/`);
    assert.equal(await after.evaluate(marked), null);
    assert.equal(await after.evaluate(adFetch), "an ad");
  });

  it("on a context of a shared browser: acts on the context's pages, uninstalled when the session closes", async () => {
    const partition = `extensions-shared-${Math.random().toString(36).slice(2)}`;
    const ses = await browserSession(browser, partition);
    const extension = await ses.loadExtension(extensionDir);
    const page = await ses.pages.open(`${site}/`);
    assert.equal(await page.evaluate(marked), "content script ran");
    assert.equal(await page.evaluate(adFetch), "blocked");
    const listed = await browser.connection.send("Extensions.getExtensions");
    assert.ok(listed.extensions.some((e) => e.id === extension.id && e.enabled));

    await session.closePartition(partition);
    const left = await browser.connection.send("Extensions.getExtensions");
    assert.equal(left.extensions.some((e) => e.id === extension.id), false);
  });

  it("bad input: a relative path is a TypeError; a folder without a manifest rejects with Chromium's reason", async () => {
    const partition = `extensions-bad-${Math.random().toString(36).slice(2)}`;
    partitions.push(partition);
    const ses = await browserSession(browser, partition);
    await assert.rejects(ses.loadExtension("relative/dir"), {
      name: "TypeError",
      message: "loadExtension: path must be an absolute path",
    });
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    await assert.rejects(ses.loadExtension(empty), (error: Error) => {
      assert.match(error.message, new RegExp(`^Loading extension at ${empty} failed with: `));
      assert.match(error.message, /manifest/i);
      assert.doesNotMatch(error.message, /Extensions\./, "Chromium's words, not the command's");
      return true;
    });
    assert.deepEqual(ses.getAllExtensions(), []);
  });
});
