/**
 * `chrome.webRequest.<event>.addListener(callback, filter, extraInfoSpec)` arguments off the schema
 * throw at the call in the background Worker. Every expected message is the text Chromium 156
 * (Debian's, 156.0.8078.129) threw for the same call in an MV3 extension's service worker with
 * "webRequest" and `<all_urls>` (puppeteer-core, `worker.evaluate`): an event's errors carry no
 * "Error in invocation of" prefix, and what Chrome takes is taken here too.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cleanUp, loadWritten, until } from "./_helpers.ts";

after(cleanUp);

/** `{ event, args }` calls `addListener(listener, ...args)`; answers `{ thrown }` or `{ added }`. */
const WORKER = `
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  const event = chrome.webRequest[message.event];
  const listener = () => {};
  try {
    event.addListener(listener, ...message.args);
  } catch (error) {
    respond({ thrown: error.name + ": " + error.message, added: event.hasListener(listener) });
    return;
  }
  respond({ added: event.hasListener(listener) });
  event.removeListener(listener);
});
`;

async function extension() {
  const { ses, id, errors } = await loadWritten({
    manifest_version: 3,
    name: "webRequest arguments",
    version: "1.0",
    permissions: ["webRequest"],
    host_permissions: ["<all_urls>"],
    background: { service_worker: "worker.js" },
  }, { "worker.js": WORKER });
  const listen = (event: string, ...args: unknown[]) =>
    ses.extensions.sendMessage(id, { event, args });
  return { listen, errors };
}

const ALL = { urls: ["<all_urls>"] };
const refused = (message: string) => ({ thrown: `TypeError: ${message}`, added: false });
const NO_MATCH = refused("No matching signature.");
const atFilter = (problem: string) => refused(`Error at parameter 'filter': ${problem}`);

describe("chrome.webRequest addListener's arguments (Chromium 156's words)", () => {
  it("a filter that is left out or no object is no matching signature", async () => {
    const { listen } = await extension();
    assert.deepEqual(await listen("onBeforeRequest"), NO_MATCH);
    assert.deepEqual(await listen("onBeforeRequest", null), NO_MATCH);
    assert.deepEqual(await listen("onBeforeRequest", 5), NO_MATCH);
    assert.deepEqual(await listen("onBeforeRequest", []), NO_MATCH);
    assert.deepEqual(await listen("onBeforeRequest", ALL, "requestBody"), NO_MATCH);
    assert.deepEqual(await listen("onBeforeRequest", ALL, {}), NO_MATCH);
  });

  it("the filter is checked against webRequest.RequestFilter", async () => {
    const { listen } = await extension();
    assert.deepEqual(
      await listen("onBeforeRequest", {}),
      atFilter("Missing required property 'urls'."),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { urls: null }),
      atFilter("Missing required property 'urls'."),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { urls: "http://a.com/*" }),
      atFilter("Error at property 'urls': Invalid type: expected array, found string."),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { urls: [5] }),
      atFilter(
        "Error at property 'urls': Error at index 0: Invalid type: expected string, found integer.",
      ),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { ...ALL, types: "main_frame" }),
      atFilter("Error at property 'types': Invalid type: expected array, found string."),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { ...ALL, types: [5] }),
      atFilter(
        "Error at property 'types': Error at index 0: " +
          "Invalid type: expected webRequest.ResourceType, found integer.",
      ),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { ...ALL, tabId: 1.5 }),
      atFilter("Error at property 'tabId': Invalid type: expected integer, found number."),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { ...ALL, tabId: "1" }),
      atFilter("Error at property 'tabId': Invalid type: expected integer, found string."),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { ...ALL, windowId: 2147483648 }),
      atFilter("Error at property 'windowId': Invalid type: expected integer, found number."),
    );
    assert.deepEqual(
      await listen("onBeforeRequest", { ...ALL, bogus: 1 }),
      atFilter("Unexpected property: 'bogus'."),
    );
    // properties in the order given: tabId's type before the unknown one and the missing urls
    assert.deepEqual(
      await listen("onBeforeRequest", { tabId: 1.5, bogus: 2 }),
      atFilter("Error at property 'tabId': Invalid type: expected integer, found number."),
    );
  });

  it("extraInfoSpec is an array of the event's options", async () => {
    const { listen, errors } = await extension();
    assert.deepEqual(
      await listen("onBeforeRequest", ALL, [null]),
      refused(
        "Error at parameter 'extraInfoSpec': Error at index 0: " +
          "Invalid type: expected webRequest.OnBeforeRequestOptions, found null.",
      ),
    );
    assert.deepEqual(
      await listen("onCompleted", ALL, ["responseHeaders", "bogus"]),
      refused(
        "Error at parameter 'extraInfoSpec': Error at index 1: " +
          "Value must be one of extraHeaders, responseHeaders.",
      ),
    );
    // Chrome's OnHeadersReceivedOptions has the two securityInfo values (their listener is then
    // refused behind a developer flag, logged, not thrown)
    assert.deepEqual(
      await listen("onHeadersReceived", ALL, ["requestBody"]),
      refused(
        "Error at parameter 'extraInfoSpec': Error at index 0: Value must be one of blocking, " +
          "extraHeaders, responseHeaders, securityInfo, securityInfoRawDer.",
      ),
    );
    assert.deepEqual(await listen("onHeadersReceived", ALL, ["securityInfo"]), { added: true });
    const refusal = await until(() => errors.find((e) => /securityInfo/.test(e.message)));
    assert.match(
      String(refusal?.message),
      /ExtraInfoSpec\.securityInfo is allowed only with WebRequestSecurityInfo developer flag$/,
    );
    // an argument after extraInfoSpec is not looked at; extraInfoSpec still is
    assert.deepEqual(
      await listen("onBeforeRequest", ALL, ["bogus"], 4),
      refused(
        "Error at parameter 'extraInfoSpec': Error at index 0: " +
          "Value must be one of blocking, extraHeaders, requestBody.",
      ),
    );
  });

  it("takes what Chrome takes: null optional values, an argument too many", async () => {
    const { listen, errors } = await extension();
    assert.deepEqual(await listen("onBeforeRequest", ALL, null), { added: true });
    assert.deepEqual(await listen("onBeforeRequest", { ...ALL, tabId: null }), { added: true });
    assert.deepEqual(await listen("onSendHeaders", ALL, ["requestHeaders"], 4), { added: true });
    assert.deepEqual(await listen("onBeforeRequest", { urls: [] }, []), { added: true });
    assert.deepEqual(await listen("onBeforeRequest", { ...ALL, tabId: -5 }), { added: true });
    assert.deepEqual(await listen("onBeforeRequest", { ...ALL, types: [] }), { added: true });
    assert.deepEqual(errors, []);
  });
});
