/**
 * What the browser bundle keeps out of what a page loads up front (issue #24): the modules that
 * load on first use are in chunks behind a literal `import()`, never in `websession.js` nor in a
 * chunk it imports statically. `bundle_lazy_test.ts` checks in Chromium that a page fetches them
 * only when a member needs them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildBundleFiles } from "../../scripts/bundle.ts";

/** The modules a page loads on first use only, with the member that loads each. */
const ON_FIRST_USE: Record<string, string> = {
  "kernel/messaging/_isolated_plugin.ts": "plugins.load of an isolated plugin",
  "kernel/messaging/_module_graph.ts": "plugins.load",
  "kernel/messaging/_load_plugin.ts": "loadPlugin, plugins.load",
  "kernel/messaging/_plugin_jws.ts": "signPlugin, verifyPlugin, keyThumbprint, plugins.load",
  "plugins/serial/serial.ts": "ses.serial",
  "plugins/serial/serial_port.ts": "ses.serial",
  "plugins/hid/hid.ts": "ses.hid",
  "plugins/hid/report_descriptor.ts": "ses.hid",
  "plugins/usb/usb.ts": "ses.usb",
  "plugins/downloads/download_item.ts": "ses.downloadURL",
  "plugins/permissions/isolated_devices.ts": "an isolated plugin's ctx.devices",
  "plugins/permissions/picker.ts": "ses.serial, ses.hid, ses.usb",
  "plugins/har/har_replayer.ts": "ses.har.replay",
  "plugins/har/har_match.ts": "ses.har.replay",
  "plugins/protocol/callback_protocols.ts": "a request to a register*Protocol scheme",
  "plugins/protocol/file_answer.ts": "a request to a registerFileProtocol scheme",
  "plugins/protocol/http_answer.ts": "a request to a registerHttpProtocol scheme",
  "plugins/spellcheck/_dictionary_open.ts": "the first dictionary a session loads",
  "plugins/spellcheck/hunspell_files.ts": "the first dictionary a session loads",
  "plugins/host-resolver/resolve_host.ts": "ses.resolveHost, ses.preconnect",
  "plugins/extensions/_dnr_arguments.ts": "ses.declarativeNetRequest's methods",
  "kernel/net/_digest_answer.ts": "a Digest challenge",
  "plugins/cdp/launcher.ts": "cdp.connect, cdp.launch",
  "kernel/http/body_taps.ts": "a request with requestBody or responseBody taps",
  "plugins/protocol/_handler_answer.ts":
    "a request to a protocol.handle or register*Protocol scheme",
  "plugins/extensions/_chrome_schema.ts": "ses.declarativeNetRequest's methods",
  "plugins/extensions/_dnr_rule_schema.ts": "ses.declarativeNetRequest's methods",
};

describe("the browser bundle's split", () => {
  it("keeps the parts loaded on first use out of what a page loads up front", async () => {
    const files = await buildBundleFiles();
    const upFront = new Set(files.filter((f) => f.upFront).flatMap((f) => f.inputs));
    const lazy = new Set(files.filter((f) => !f.upFront).flatMap((f) => f.inputs));
    for (const [module, member] of Object.entries(ON_FIRST_USE)) {
      assert.ok(!upFront.has(module), `${module} (for ${member}) is loaded up front`);
      assert.ok(lazy.has(module), `${module} (for ${member}) is in no chunk`);
    }
  });

  it("ships the built-in plugins' manifests without what a page never reads", async () => {
    const files = await buildBundleFiles();
    const dist = new URL("../../dist/", import.meta.url).pathname;
    const shipped = files.map((f) => readFileSync(`${dist}${f.path}`, "utf8")).join("\n");
    for (const name of ["spellcheck", "web-request", "cookies", "har"]) {
      const path = new URL(`../../plugins/${name}/manifest.json`, import.meta.url).pathname;
      const manifest = JSON.parse(readFileSync(path, "utf8"));
      // The prose and the signed files' list (what signing and plugins.load read) stay out.
      assert.ok(!shipped.includes(manifest.description), `${name}'s description is shipped`);
      if (manifest.files) {
        assert.ok(!shipped.includes(JSON.stringify(manifest.files)), `${name}'s files are shipped`);
      }
      // What the session reads is kept.
      assert.ok(shipped.includes(JSON.stringify(manifest.api)), `${name}'s api is not shipped`);
    }
  });
});
