import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { DefaultSession } from "../../../mod.ts";
import type { TestServer } from "../../_serve.ts";
import { callChrome, closeSessions, echoServer, fixture, freshSession } from "./_helpers.ts";

// What Chrome's extension docs promise and extension code relies on, checked against a classic
// MV3 service worker (test/fixtures/extensions/mv3_parity).

let server: TestServer;
let proxy: Server;
let proxyPort: number;
before(async () => {
  server = await echoServer();
  proxy = createServer((_req, res) => res.end("proxied"));
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
  proxyPort = (proxy.address() as { port: number }).port;
});
after(async () => {
  await closeSessions();
  await server.close();
  await new Promise<void>((r) => proxy.close(() => r()));
});

async function loaded(): Promise<{ ses: DefaultSession; id: string; errors: Error[] }> {
  const { ses, errors } = await freshSession();
  const { id } = await ses.loadExtension(fixture("mv3_parity"));
  return { ses, id, errors };
}

const read = (ses: DefaultSession, id: string, path: string) =>
  ses.extensions.sendMessage(id, { read: path });

describe("Chrome's enum objects and constants", () => {
  it("has the enums extension code reads its values from", async () => {
    const { ses, id } = await loaded();
    assert.equal(
      await read(ses, id, "declarativeNetRequest.RuleActionType.UPGRADE_SCHEME"),
      "upgradeScheme",
    );
    assert.equal(
      await read(ses, id, "declarativeNetRequest.ResourceType.MAIN_FRAME"),
      "main_frame",
    );
    assert.equal(
      await read(ses, id, "declarativeNetRequest.ResourceType.WEBTRANSPORT"),
      "webtransport",
    );
    assert.equal(await read(ses, id, "declarativeNetRequest.HeaderOperation.REMOVE"), "remove");
    assert.equal(await read(ses, id, "declarativeNetRequest.DomainType.THIRD_PARTY"), "thirdParty");
    assert.equal(await read(ses, id, "declarativeNetRequest.RequestMethod.POST"), "post");
    assert.equal(
      await read(ses, id, "webRequest.OnBeforeSendHeadersOptions.EXTRA_HEADERS"),
      "extraHeaders",
    );
    assert.equal(
      await read(ses, id, "webRequest.OnAuthRequiredOptions.ASYNC_BLOCKING"),
      "asyncBlocking",
    );
    assert.equal(
      await read(ses, id, "webRequest.IgnoredActionType.REQUEST_HEADERS"),
      "request_headers",
    );
    assert.equal(await read(ses, id, "webRequest.ResourceType.XMLHTTPREQUEST"), "xmlhttprequest");
    assert.equal(await read(ses, id, "runtime.OnInstalledReason.INSTALL"), "install");
    assert.equal(await read(ses, id, "cookies.SameSiteStatus.NO_RESTRICTION"), "no_restriction");
    assert.equal(
      await read(ses, id, "cookies.OnChangedCause.EXPIRED_OVERWRITE"),
      "expired_overwrite",
    );
    assert.equal(await read(ses, id, "proxy.Mode.FIXED_SERVERS"), "fixed_servers");
    assert.equal(
      await read(ses, id, "storage.AccessLevel.TRUSTED_AND_UNTRUSTED_CONTEXTS"),
      "TRUSTED_AND_UNTRUSTED_CONTEXTS",
    );
  });

  it("has every MAX_NUMBER_OF_* and quota constant of declarativeNetRequest", async () => {
    const { ses, id } = await loaded();
    // as Chromium 156 has them (no MAX_NUMBER_OF_DISABLED_STATIC_RULES, though the limit holds)
    const expected: Record<string, number | undefined> = {
      MAX_NUMBER_OF_DYNAMIC_RULES: 30000,
      MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES: 5000,
      MAX_NUMBER_OF_SESSION_RULES: 5000,
      MAX_NUMBER_OF_UNSAFE_SESSION_RULES: 5000,
      MAX_NUMBER_OF_REGEX_RULES: 1000,
      MAX_NUMBER_OF_STATIC_RULESETS: 100,
      MAX_NUMBER_OF_ENABLED_STATIC_RULESETS: 50,
      MAX_NUMBER_OF_DYNAMIC_AND_SESSION_RULES: 5000,
      MAX_NUMBER_OF_DISABLED_STATIC_RULES: undefined,
      GUARANTEED_MINIMUM_STATIC_RULES: 30000,
      MAX_GETMATCHEDRULES_CALLS_PER_INTERVAL: 20,
      GETMATCHEDRULES_QUOTA_INTERVAL: 10,
    };
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(await read(ses, id, `declarativeNetRequest.${name}`), value, name);
    }
  });

  it("accepts setExtensionActionOptions (there is no action to badge)", async () => {
    const { ses, id } = await loaded();
    assert.equal(
      await callChrome(ses, id, "declarativeNetRequest.setExtensionActionOptions", {
        displayActionCountAsBadgeText: true,
      }),
      undefined,
    );
  });
});

describe("chrome.webRequest", () => {
  it("takes a 'blocking' listener's return value even when it declares two parameters", async () => {
    const { ses, errors } = await loaded();
    const started = Date.now();
    await assert.rejects(ses.fetch(`${server.url}/two-params`), /ERR_BLOCKED_BY_CLIENT/);
    // it answered at once, not after web-request's listener timeout
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.equal((await ses.fetch(`${server.url}/other`)).status, 200);
    assert.deepEqual(errors, []);
  });
});

describe("chrome.cookies", () => {
  it("sets a cookie without SameSite when sameSite is left out ('unspecified')", async () => {
    const { ses, id } = await loaded();
    const url = `${server.url}/`;
    const cookie = await callChrome(ses, id, "cookies.set", { url, name: "plain", value: "1" }) as {
      sameSite: string;
    };
    assert.equal(cookie.sameSite, "unspecified");
    const [stored] = await ses.cookies.get({ url, name: "plain" });
    assert.equal(stored.sameSite, "unspecified");
    const strict = await callChrome(ses, id, "cookies.set", {
      url,
      name: "strict",
      value: "1",
      sameSite: "strict",
    }) as { sameSite: string };
    assert.equal(strict.sameSite, "strict");
  });
});

describe("chrome.proxy", () => {
  it("fires proxy.settings.onChange with the new value and level of control", async () => {
    const { ses, id } = await loaded();
    const value = {
      mode: "fixed_servers",
      rules: { singleProxy: { scheme: "http", host: "127.0.0.1", port: proxyPort } },
    };
    await callChrome(ses, id, "proxy.settings.set", { value, scope: "regular" });
    await callChrome(ses, id, "proxy.settings.clear", {});
    assert.deepEqual(await ses.extensions.sendMessage(id, "proxyChanges"), [
      { value, levelOfControl: "controlled_by_this_extension" },
      { value: { mode: "direct" }, levelOfControl: "controllable_by_this_extension" },
    ]);
  });
});

describe("chrome.proxy.settings, as Chromium 156 gives values back", () => {
  it("fills in each server's scheme and port and a PAC script's mandatory; refuses what Chrome refuses", async () => {
    const { ses, id } = await loaded();
    const got = async (value: unknown) => {
      await callChrome(ses, id, "proxy.settings.set", { value });
      return ((await callChrome(ses, id, "proxy.settings.get", {})) as { value: unknown }).value;
    };
    assert.deepEqual(
      await got({
        mode: "fixed_servers",
        rules: { proxyForHttp: { host: "p.example" }, bypassList: ["<local>"] },
      }),
      {
        mode: "fixed_servers",
        rules: {
          proxyForHttp: { host: "p.example", scheme: "http", port: 80 },
          bypassList: ["<local>"],
        },
      },
    );
    assert.deepEqual(
      await got({ mode: "fixed_servers", rules: { singleProxy: { host: "s", scheme: "socks5" } } }),
      {
        mode: "fixed_servers",
        rules: { singleProxy: { host: "s", scheme: "socks5", port: 1080 } },
      },
    );
    const data = 'function FindProxyForURL(u, h) { return "DIRECT"; }';
    assert.deepEqual(await got({ mode: "pac_script", pacScript: { data } }), {
      mode: "pac_script",
      pacScript: { data, mandatory: false },
    });
    await assert.rejects(
      callChrome(ses, id, "proxy.settings.set", { value: { mode: "fixed_servers" } }),
      { message: "Proxy mode 'fixed_servers' requires a 'rules' field." },
    );
    await assert.rejects(
      callChrome(ses, id, "proxy.settings.set", {
        value: { mode: "direct" },
        scope: "incognito_session_only",
      }),
      { message: "You do not have permission to access incognito preferences." },
    );
    await callChrome(ses, id, "proxy.settings.clear", {});
  });
});

describe("chrome.storage", () => {
  it("refuses a set over QUOTA_BYTES with Chrome's message and stores nothing of it", async () => {
    const { ses, id } = await loaded();
    const quota = await read(ses, id, "storage.local.QUOTA_BYTES") as number;
    assert.equal(quota, 10_485_760);
    await callChrome(ses, id, "storage.local.set", { small: 1 });
    // key plus JSON: 3 + 2 quotes + the string's length, one byte over what is left
    const big = "x".repeat(
      quota - (await callChrome(ses, id, "storage.local.getBytesInUse") as number) - 4,
    );
    await assert.rejects(
      callChrome(ses, id, "storage.local.set", { big, other: 2 }),
      /^Error: Resource::kQuotaBytes quota exceeded$/, // Chromium 156's words
    );
    assert.deepEqual(await callChrome(ses, id, "storage.local.get", null), { small: 1 });
    await callChrome(ses, id, "storage.local.set", { big: big.slice(1) });
    assert.equal(await callChrome(ses, id, "storage.local.getBytesInUse"), quota);
    await assert.rejects(
      callChrome(ses, id, "storage.session.set", { big: "x".repeat(quota) }),
      /^Error: Session storage quota bytes exceeded. Values were not stored.$/,
    );
    assert.deepEqual(await callChrome(ses, id, "storage.session.get", null), {});
  });
});

describe("webRequest addListener's argument checks", () => {
  it("throws in the background for a value the event does not take, and registers nothing", async () => {
    const { ses, id, errors } = await loaded();
    const [completed, beforeRequest, types, fine, noUrls] = await ses.extensions.sendMessage(
      id,
      "refused",
    ) as Array<string | null>;
    // Chrome's bindings: the argument's error alone, an enum's values in sorted order
    assert.equal(
      completed,
      "TypeError: Error at parameter 'extraInfoSpec': Error at index 0: " +
        "Value must be one of extraHeaders, responseHeaders.",
    );
    assert.equal(
      beforeRequest,
      "TypeError: Error at parameter 'extraInfoSpec': Error at index 0: " +
        "Value must be one of blocking, extraHeaders, requestBody.",
    );
    assert.equal(
      types,
      "TypeError: Error at parameter 'filter': Error at property 'types': Error at index 0: " +
        "Value must be one of csp_report, font, image, main_frame, media, object, other, ping, " +
        "script, stylesheet, sub_frame, webbundle, websocket, xmlhttprequest.",
    );
    assert.equal(
      noUrls,
      "TypeError: Error at parameter 'filter': Missing required property 'urls'.",
    );
    assert.equal(fine, null);
    // nothing half-registered reached the session (it reported refused listeners as hook errors)
    assert.equal((await ses.fetch(`${server.url}/other`)).status, 200);
    assert.deepEqual(errors, []);
  });
});

describe("declarativeNetRequest's errors, worded as Chrome's", () => {
  it("refuses too many rules and duplicate ids with Chrome's messages", async () => {
    const { ses, id } = await loaded();
    const rules = (n: number, from = 1) =>
      Array.from({ length: n }, (_, i) => ({
        id: from + i,
        action: { type: "block" },
        condition: { urlFilter: `/r${from + i}/` },
      }));
    await assert.rejects(
      callChrome(ses, id, "declarativeNetRequest.updateSessionRules", { addRules: rules(5001) }),
      /^Error: Session rule count exceeded\.$/,
    );
    await assert.rejects(
      callChrome(ses, id, "declarativeNetRequest.updateDynamicRules", { addRules: rules(30001) }),
      /^Error: Dynamic rule count exceeded\.$/,
    );
    await assert.rejects(
      callChrome(ses, id, "declarativeNetRequest.updateDynamicRules", {
        addRules: [...rules(1, 7), ...rules(1, 7)],
      }),
      /^Error: Rule with id 7 does not have a unique ID\.$/,
    );
    assert.deepEqual(await callChrome(ses, id, "declarativeNetRequest.getDynamicRules"), []);
  });

  it("refuses more than 5,000 dynamic rules that redirect or change headers (unsafe rules)", async () => {
    const { ses, id } = await loaded();
    const rules = (n: number, from: number, action: Record<string, unknown>) =>
      Array.from({ length: n }, (_, i) => ({
        id: from + i,
        action,
        condition: { urlFilter: `/u${from + i}/` },
      }));
    const redirect = { type: "redirect", redirect: { url: "https://example.test/" } };
    const headers = {
      type: "modifyHeaders",
      requestHeaders: [{ header: "x-a", operation: "remove" }],
    };
    const unsafe = [...rules(2500, 1, redirect), ...rules(2501, 2501, headers)];
    await assert.rejects(
      callChrome(ses, id, "declarativeNetRequest.updateDynamicRules", { addRules: unsafe }),
      /^Error: Dynamic unsafe rule count exceeded\.$/, // Chromium's words
    );
    assert.deepEqual(await callChrome(ses, id, "declarativeNetRequest.getDynamicRules"), []);
    // 5,000 unsafe rules and any number of safe ones (block, allow, upgradeScheme) are fine
    const fine = [...unsafe.slice(1), ...rules(6000, 10_000, { type: "block" })];
    await callChrome(ses, id, "declarativeNetRequest.updateDynamicRules", { addRules: fine });
    const stored = await callChrome(ses, id, "declarativeNetRequest.getDynamicRules") as unknown[];
    assert.equal(stored.length, 11_000);
  });

  it("answers getMatchedRules and setExtensionActionOptions as Chrome does without tabs", async () => {
    const { ses, id } = await loaded();
    await assert.rejects(
      callChrome(ses, id, "declarativeNetRequest.getMatchedRules", {}),
      /^Error: The extension must have the declarativeNetRequestFeedback permission or have activeTab granted for the specified tab ID in order to call this function\.$/,
    );
    const tabUpdate = { tabId: 3, increment: 1 };
    await assert.rejects(
      callChrome(ses, id, "declarativeNetRequest.setExtensionActionOptions", { tabUpdate }),
      /^Error: Cannot increment action count unless displaying action count as badge text\.$/,
    );
    await callChrome(ses, id, "declarativeNetRequest.setExtensionActionOptions", {
      displayActionCountAsBadgeText: true,
    });
    await assert.rejects(
      callChrome(ses, id, "declarativeNetRequest.setExtensionActionOptions", { tabUpdate }),
      /^Error: No tab with id: 3\.$/,
    );
  });
});

describe("chrome.runtime.getPlatformInfo and chrome.extension", () => {
  it("answers getPlatformInfo with Chrome's names for this machine's OS and architecture", async () => {
    const { ses, id } = await loaded();
    const { platform, arch } = await import("node:os");
    const os = ({ darwin: "mac", win32: "win", linux: "linux", openbsd: "openbsd" } as Record<
      string,
      string
    >)[platform()];
    const chromeArch = ({ x64: "x86-64", ia32: "x86-32", arm64: "arm64", arm: "arm" } as Record<
      string,
      string
    >)[arch()];
    assert.deepEqual(await callChrome(ses, id, "runtime.getPlatformInfo"), {
      os,
      arch: chromeArch,
      nacl_arch: chromeArch === "arm64" ? "arm" : chromeArch,
    });
  });

  it("has chrome.extension.getURL and inIncognitoContext (Electron's chrome.extension)", async () => {
    const { ses, id } = await loaded();
    assert.equal(
      await callChrome(ses, id, "extension.getURL", "/options.html"),
      `chrome-extension://${id}/options.html`,
    );
    assert.equal(await read(ses, id, "extension.inIncognitoContext"), false);
  });
});

describe("chrome.alarms.create", () => {
  it("takes an undefined name as the default name, with the info after it", async () => {
    const { Alarms } = await import("../../../plugins/extensions/alarms.ts");
    const fired: string[] = [];
    const alarms = new Alarms((alarm) => fired.push(alarm.name));
    const before = Date.now();
    alarms.create(undefined, { delayInMinutes: 1 });
    const alarm = alarms.get("");
    assert.ok(alarm && alarm.scheduledTime >= before + 60_000, JSON.stringify(alarm));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(fired, []);
    alarms.clearAll();
  });
});

describe("chrome.storage.session.setAccessLevel", () => {
  it("takes Chrome's two access levels and refuses others (Chromium 156's words)", async () => {
    const { ses, id } = await loaded();
    assert.equal(
      await callChrome(ses, id, "storage.session.setAccessLevel", {
        accessLevel: "TRUSTED_AND_UNTRUSTED_CONTEXTS",
      }),
      undefined,
    );
    await assert.rejects(
      callChrome(ses, id, "storage.session.setAccessLevel", { accessLevel: "EVERYONE" }),
      {
        message: "Error in invocation of storage.setAccessLevel(object accessOptions, optional " +
          "function callback): Error at parameter 'accessOptions': Error at property " +
          "'accessLevel': Value must be one of TRUSTED_AND_UNTRUSTED_CONTEXTS, TRUSTED_CONTEXTS.",
      },
    );
  });
});

describe("messages to a background without runtime.onMessage listeners", () => {
  it("reject as Chrome's do: nobody receives them", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/websession-no-listener-`);
    try {
      writeFileSync(
        `${dir}/manifest.json`,
        JSON.stringify({
          manifest_version: 3,
          name: "No listener",
          version: "1.0",
          background: { service_worker: "worker.js" },
        }),
      );
      writeFileSync(`${dir}/worker.js`, "globalThis.started = true;\n");
      const { ses } = await freshSession();
      const { id } = await ses.loadExtension(dir);
      await assert.rejects(
        ses.extensions.sendMessage(id, "anyone?"),
        /^Error: .*Could not establish connection\. Receiving end does not exist\.$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("runtime.sendMessage from a background to the session", () => {
  it("answers undefined when no listener responds nor returns true, as Chrome's promise does", async () => {
    const { ses, id } = await loaded();
    const later: Array<(value: unknown) => void> = [];
    let mode = "silent";
    ses.extensions.on("runtime-message", (_event, _message, _sender, sendResponse) => {
      if (mode === "silent") return undefined;
      if (mode === "promise") return Promise.resolve("from a promise");
      later.push(sendResponse as (value: unknown) => void);
      return true;
    });
    // Before Chrome's rule this never settled: bounded, so that the test fails instead of hanging.
    const waited = new Promise((r) => setTimeout(() => r("still waiting after 5 s"), 5000));
    const silent = callChrome(ses, id, "runtime.sendMessage", "anyone?");
    assert.equal(await Promise.race([silent, waited]), undefined);
    mode = "promise";
    assert.equal(await callChrome(ses, id, "runtime.sendMessage", "p"), "from a promise");
    mode = "later";
    const answer = callChrome(ses, id, "runtime.sendMessage", "wait");
    while (later.length === 0) await new Promise((r) => setTimeout(r, 5));
    later[0]("answered later");
    assert.equal(await answer, "answered later");
  });
});
