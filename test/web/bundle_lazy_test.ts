/**
 * Cold start in the browser bundle (issue #24): a fresh page that imports `websession.js` and
 * makes a session loads none of the parts behind a literal `import()` (the chunks in
 * `dist/chunks/` named after their module) until the member that needs one is first used, and
 * every member works right after `fromPartition` (issue #12). Which chunks a page fetched is read
 * from the page's resource timing entries.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type BundlePage, startBundlePage } from "./_bundle_page.ts";
import { needs } from "../_system.ts";

needs("chromium");

const html = `<!doctype html><meta charset="utf-8"><title>websession lazy parts</title>
<script type="module">
  import { session, loadPlugin } from "/websession.js";
  // The modules of dist/chunks/ the page has fetched so far, by name (without the hash).
  const fetched = () => performance.getEntriesByType("resource")
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.startsWith("/chunks/"))
    .map((path) => path.slice("/chunks/".length).replace(/-[A-Z0-9]+\\.js$/, ""))
    .filter((name) => name !== "chunk")
    .sort();
  window.run = async () => {
    const ses = session.fromPartition("lazy-page");
    // Sync members of the lazy parts work at once and load nothing.
    ses.setUSBProtectedClassesHandler(() => []);
    const registered = ses.protocol.registerStringProtocol("lazy", (_request, callback) => {
      callback({ data: "from the callback", mimeType: "text/plain" });
    });
    let download = "started";
    try {
      ses.downloadURL(location.origin + "/api/file");
    } catch (error) {
      download = error.name + ": " + error.message;
    }
    const steps = { start: fetched(), download, registered };
    steps.devices = [
      (await ses.serial.getPorts()).length,
      (await ses.hid.getDevices()).length,
      (await ses.usb.getDevices()).length,
    ];
    steps.afterDevices = fetched();
    const replay = await ses.har.replay({ log: { version: "1.2", entries: [] } });
    await replay.stop();
    steps.afterReplay = fetched();
    steps.answer = await (await ses.fetch("lazy://x/")).text();
    steps.afterCallbackProtocol = fetched();
    const plugin = await loadPlugin(location.origin + "/api/plugin/");
    await ses.plugins.add(plugin);
    steps.pluginLoaded = [plugin.name, ses.plugins.has("inline-one")];
    steps.afterPluginLoad = fetched();
    return steps;
  };
</script>`;

const pluginFiles: Record<string, [string, string]> = {
  "/api/plugin/manifest.json": [
    "application/json",
    JSON.stringify({ name: "inline-one", version: "1.0.0", entry: "mod.js", hooks: [] }),
  ],
  "/api/plugin/mod.js": ["text/javascript", "export default { setup() {} };"],
};

let page: BundlePage;

before(async () => {
  page = await startBundlePage(html, (request) => {
    const file = pluginFiles[new URL(request.url).pathname];
    if (!file) return new Response("not found", { status: 404 });
    return new Response(file[1], { headers: { "content-type": file[0] } });
  });
});

after(async () => await page?.close());

describe("the browser bundle's lazy parts", () => {
  it("loads none at fromPartition, each with its member's first use", async () => {
    const steps = await page.run() as Record<string, unknown>;
    assert.deepEqual(steps.start, []);
    // A page has no file system: downloadURL says so at once, and loads no download item.
    assert.equal(
      steps.download,
      "TypeError: downloadURL: downloads need a file system, which this runtime lacks",
    );
    // The device plugins' implementations and the page's adapters load with the first call.
    assert.deepEqual(steps.devices, [0, 0, 0]);
    assert.deepEqual(steps.afterDevices, [
      "hid",
      "serial",
      "usb",
      "usb_cdc_acm",
      "web_hid",
      "web_serial",
      "web_usb",
    ]);
    assert.deepEqual(steps.pluginLoaded, ["inline-one", true]);
    // A plugin loaded inline needs the loader and the module-graph check, not the isolated
    // plugin's host.
    // A HAR is replayed by a part of its own.
    assert.deepEqual(steps.afterReplay, [...steps.afterDevices as string[], "har_replayer"].sort());
    // A callback protocol's answer readers load with its first request (the session's first
    // request, which also loads the public suffix list for the cookies).
    assert.equal(steps.registered, true);
    assert.equal(steps.answer, "from the callback");
    assert.deepEqual(
      steps.afterCallbackProtocol,
      [...steps.afterReplay as string[], "_callback_handlers", "_handler_answer", "_tldts"].sort(),
    );
    assert.deepEqual(
      steps.afterPluginLoad,
      [...steps.afterCallbackProtocol as string[], "_load_plugin", "_module_graph", "lexer"].sort(),
    );
  });
});
