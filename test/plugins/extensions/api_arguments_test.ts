/**
 * `chrome.runtime.getURL`/`setUninstallURL`, `chrome.i18n.getMessage`, `chrome.permissions.*` and
 * `chrome.proxy.settings.*` arguments off the schema throw at the call. Every expected message is
 * the text Chromium 156 (Debian's, 156.0.8078.129) threw for the same call in an MV3 extension's
 * service worker (puppeteer-core, `worker.evaluate`); what Chrome takes is taken here too.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { askChrome, cleanUp, loadWritten } from "./_helpers.ts";

after(cleanUp);

const PERMISSIONS = (op: string) =>
  `permissions.${op}(permissions.Permissions permissions, optional function callback)`;
const GET_MESSAGE =
  "i18n.getMessage(string messageName, optional any substitutions, optional object options)";
const SETTING = (op: string) =>
  `types.ChromeSetting.${op}(object details, optional function callback)`;
const noMatch = (signature: string) => ({
  thrown: `TypeError: Error in invocation of ${signature}: No matching signature.`,
});
const atParameter = (signature: string, parameter: string, problem: string) => ({
  thrown:
    `TypeError: Error in invocation of ${signature}: Error at parameter '${parameter}': ${problem}`,
});
const INVALID = { thrown: "TypeError: Invalid invocation" };

async function extension() {
  const { ses, id } = await loadWritten({
    manifest_version: 3,
    name: "Arguments",
    version: "1.0",
    permissions: ["proxy", "storage"],
    optional_permissions: ["alarms"],
    host_permissions: ["<all_urls>"],
    background: { service_worker: "worker.js" },
  });
  return (call: string, ...args: unknown[]) => askChrome(ses, id, call, ...args);
}

describe("chrome.* arguments off the schema (Chromium 156's words)", () => {
  it("runtime.getURL and runtime.setUninstallURL: no string is no matching signature", async () => {
    const ask = await extension();
    const GET_URL = "runtime.getURL(string path)";
    assert.deepEqual(await ask("runtime.getURL"), noMatch(GET_URL));
    assert.deepEqual(await ask("runtime.getURL", 1), noMatch(GET_URL));
    assert.deepEqual(await ask("runtime.getURL", null), noMatch(GET_URL));
    assert.deepEqual(await ask("runtime.getURL", "a", "b"), noMatch(GET_URL));
    assert.match(
      String((await ask("runtime.getURL", "a.html")).value),
      /^chrome-extension:\/\/[a-p]{32}\/a\.html$/,
    );
    const UNINSTALL = "runtime.setUninstallURL(string url, optional function callback)";
    assert.deepEqual(await ask("runtime.setUninstallURL"), noMatch(UNINSTALL));
    assert.deepEqual(await ask("runtime.setUninstallURL", 1), noMatch(UNINSTALL));
    assert.deepEqual(await ask("runtime.setUninstallURL", "http://a/", 1), noMatch(UNINSTALL));
    assert.deepEqual(await ask("runtime.setUninstallURL", "ftp://a/"), {
      error: 'Invalid URL: "ftp://a/".',
    });
  });

  it("i18n.getMessage: options off the schema, or a fourth argument", async () => {
    const ask = await extension();
    assert.deepEqual(
      await ask("i18n.getMessage", "x", "y", { escapeLt: 1 }),
      atParameter(
        GET_MESSAGE,
        "options",
        "Error at property 'escapeLt': Invalid type: expected boolean, found integer.",
      ),
    );
    assert.deepEqual(
      await ask("i18n.getMessage", "x", "y", { foo: 1 }),
      atParameter(GET_MESSAGE, "options", "Unexpected property: 'foo'."),
    );
    assert.deepEqual(await ask("i18n.getMessage", "x", "y", 1), noMatch(GET_MESSAGE));
    assert.deepEqual(await ask("i18n.getMessage", "x", "y", []), noMatch(GET_MESSAGE));
    assert.deepEqual(await ask("i18n.getMessage", "x", null, null, 1), noMatch(GET_MESSAGE));
    assert.deepEqual(await ask("i18n.getMessage", "x", "y", { escapeLt: true }), { value: "" });
    assert.deepEqual(await ask("i18n.getMessage", "x", "y", { escapeLt: null }), { value: "" });
  });

  it("permissions: no Permissions object, or one off the schema", async () => {
    const ask = await extension();
    for (const op of ["contains", "request", "remove"]) {
      assert.deepEqual(await ask(`permissions.${op}`), noMatch(PERMISSIONS(op)));
      assert.deepEqual(await ask(`permissions.${op}`, 1), noMatch(PERMISSIONS(op)));
      assert.deepEqual(await ask(`permissions.${op}`, []), noMatch(PERMISSIONS(op)));
      assert.deepEqual(await ask(`permissions.${op}`, {}, 1), noMatch(PERMISSIONS(op)));
      assert.deepEqual(
        await ask(`permissions.${op}`, { permissions: 1 }),
        atParameter(
          PERMISSIONS(op),
          "permissions",
          "Error at property 'permissions': Invalid type: expected array, found integer.",
        ),
      );
      assert.deepEqual(
        await ask(`permissions.${op}`, { permissions: [1] }),
        atParameter(
          PERMISSIONS(op),
          "permissions",
          "Error at property 'permissions': Error at index 0: Invalid type: expected string, found integer.",
        ),
      );
      assert.deepEqual(
        await ask(`permissions.${op}`, { origins: "x" }),
        atParameter(
          PERMISSIONS(op),
          "permissions",
          "Error at property 'origins': Invalid type: expected array, found string.",
        ),
      );
      assert.deepEqual(
        await ask(`permissions.${op}`, { foo: 1 }),
        atParameter(PERMISSIONS(op), "permissions", "Unexpected property: 'foo'."),
      );
    }
    assert.deepEqual(
      await ask("permissions.getAll", 1),
      noMatch("permissions.getAll(optional function callback)"),
    );
    assert.deepEqual(await ask("permissions.contains", { permissions: null, origins: null }), {
      value: true,
    });
    assert.deepEqual(await ask("permissions.contains", { permissions: ["bogus"] }), {
      error: "'bogus' is not a recognized permission.",
    });
  });

  it("proxy.settings.get and clear: details off the schema", async () => {
    const ask = await extension();
    for (const op of ["get", "clear"]) {
      assert.deepEqual(await ask(`proxy.settings.${op}`), noMatch(SETTING(op)));
      assert.deepEqual(await ask(`proxy.settings.${op}`, 1), noMatch(SETTING(op)));
      assert.deepEqual(await ask(`proxy.settings.${op}`, null), noMatch(SETTING(op)));
      assert.deepEqual(await ask(`proxy.settings.${op}`, {}, 1), noMatch(SETTING(op)));
      assert.deepEqual(
        await ask(`proxy.settings.${op}`, { foo: 1 }),
        atParameter(SETTING(op), "details", "Unexpected property: 'foo'."),
      );
    }
    assert.deepEqual(
      await ask("proxy.settings.get", { incognito: 1 }),
      atParameter(
        SETTING("get"),
        "details",
        "Error at property 'incognito': Invalid type: expected boolean, found integer.",
      ),
    );
    assert.deepEqual(
      await ask("proxy.settings.clear", { scope: "bogus" }),
      atParameter(
        SETTING("clear"),
        "details",
        "Error at property 'scope': Value must be one of incognito_persistent, incognito_session_only, regular, regular_only.",
      ),
    );
    assert.deepEqual(
      await ask("proxy.settings.clear", { scope: 1 }),
      atParameter(
        SETTING("clear"),
        "details",
        "Error at property 'scope': Invalid type: expected types.ChromeSettingScope, found integer.",
      ),
    );
    assert.deepEqual(await ask("proxy.settings.clear", { scope: "regular" }), {});
    assert.equal(
      ((await ask("proxy.settings.get", { incognito: null })).value as { value: unknown }).value !==
        undefined,
      true,
    );
  });

  it("proxy.settings.set: details off the schema are Chrome's bare 'Invalid invocation'", async () => {
    const ask = await extension();
    assert.deepEqual(await ask("proxy.settings.set"), noMatch(SETTING("set")));
    assert.deepEqual(
      await ask("proxy.settings.set", { value: { mode: "direct" } }, 1),
      noMatch(SETTING("set")),
    );
    for (
      const details of [
        1,
        null,
        [],
        {},
        { value: 1 },
        { value: null },
        { value: {} },
        { value: { mode: "bogus" } },
        { value: { mode: "direct", foo: 1 } },
        { value: { mode: "direct" }, foo: 1 },
        { value: { mode: "direct" }, scope: "bogus" },
        { value: { mode: "fixed_servers", rules: 1 } },
        { value: { mode: "fixed_servers", rules: { singleProxy: {} } } },
        { value: { mode: "fixed_servers", rules: { singleProxy: { host: 1 } } } },
        { value: { mode: "fixed_servers", rules: { singleProxy: { host: "a", scheme: "ftp" } } } },
        { value: { mode: "fixed_servers", rules: { singleProxy: { host: "a", port: 1.5 } } } },
        {
          value: { mode: "fixed_servers", rules: { singleProxy: { host: "a" }, bypassList: [1] } },
        },
        { value: { mode: "pac_script", pacScript: { url: 1 } } },
        { value: { mode: "pac_script", pacScript: { data: "x", mandatory: 1 } } },
      ]
    ) assert.deepEqual(await ask("proxy.settings.set", details), INVALID, JSON.stringify(details));
    assert.deepEqual(
      await ask("proxy.settings.set", { value: { mode: "direct", rules: null }, scope: null }),
      {},
    );
    // Chrome's hook hands the value on without its null properties
    assert.deepEqual((await ask("proxy.settings.get", {})).value, {
      value: { mode: "direct" },
      levelOfControl: "controlled_by_this_extension",
    });
    assert.deepEqual(
      await ask("proxy.settings.set", { value: { mode: "direct" }, scope: "incognito_persistent" }),
      { error: "You do not have permission to access incognito preferences." },
    );
  });

  it("runtime.sendMessage and runtime.connect: ids, options and forms off the schema", async () => {
    const ask = await extension();
    const SEND = "runtime.sendMessage(optional string extensionId, any message, optional object " +
      "options, optional function callback)";
    const CONNECT = "runtime.connect(optional string extensionId, optional object connectInfo)";
    const badId = (signature: string, id: string) => ({
      thrown: `TypeError: Error in invocation of ${signature}: Invalid extension id: '${id}'`,
    });
    assert.deepEqual(await ask("runtime.sendMessage", "m", 5), badId(SEND, "m"));
    assert.deepEqual(await ask("runtime.sendMessage", "m", "x", {}), badId(SEND, "m"));
    assert.deepEqual(await ask("runtime.sendMessage", "id", "m", 5), noMatch(SEND));
    assert.deepEqual(await ask("runtime.sendMessage", 1, "m"), noMatch(SEND));
    assert.deepEqual(await ask("runtime.sendMessage", 1, "m", {}), noMatch(SEND));
    assert.deepEqual(
      await ask("runtime.sendMessage", { a: 1 }, { foo: 1 }),
      atParameter(SEND, "options", "Unexpected property: 'foo'."),
    );
    assert.deepEqual(
      await ask("runtime.sendMessage", null, "m", { includeTlsChannelId: 1 }),
      atParameter(
        SEND,
        "options",
        "Error at property 'includeTlsChannelId': Invalid type: expected boolean, found integer.",
      ),
    );
    const nobody = { error: "Could not establish connection. Receiving end does not exist." };
    assert.deepEqual(await ask("runtime.sendMessage", "a".repeat(32), "m"), nobody);
    assert.deepEqual(await ask("runtime.connect", "m"), badId(CONNECT, "m"));
    assert.deepEqual(await ask("runtime.connect", 5), noMatch(CONNECT));
    assert.deepEqual(await ask("runtime.connect", []), noMatch(CONNECT));
    assert.deepEqual(await ask("runtime.connect", null, 5), noMatch(CONNECT));
    assert.deepEqual(await ask("runtime.connect", "a".repeat(32), {}, 1), noMatch(CONNECT));
    assert.deepEqual(
      await ask("runtime.connect", { name: 1 }),
      atParameter(
        CONNECT,
        "connectInfo",
        "Error at property 'name': Invalid type: expected string, found integer.",
      ),
    );
    assert.deepEqual(
      await ask("runtime.connect", "m", { name: 1 }),
      atParameter(
        CONNECT,
        "connectInfo",
        "Error at property 'name': Invalid type: expected string, found integer.",
      ),
    );
    assert.deepEqual(
      await ask("runtime.connect", { foo: 1 }),
      atParameter(CONNECT, "connectInfo", "Unexpected property: 'foo'."),
    );
    // a null id is left out, as Chrome takes it (the port keeps its name)
    const port = await ask("runtime.connect", null, { name: "x" });
    assert.equal((port.value as { name: string }).name, "x");
  });
});
