import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CDPError } from "../../../kernel/cdp/mod.ts";
import { type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { TargetTree } from "../../../plugins/cdp/target_tree.ts";
import { WebView2Api } from "../../../plugins/cdp/webview2.ts";
import { type CdpSite, startCdpSite, until } from "../../_cdp_site.ts";
import { needs } from "../../_system.ts";

describe("WebView2Api on real Chromium (WebSocket)", () => {
  needs("chromium");
  let browser: CdpBrowser;
  let site: CdpSite;
  let tree: TargetTree;
  let webview: WebView2Api;
  let frameSessionId: string;

  before(async () => {
    site = await startCdpSite();
    browser = await launch();
    tree = await TargetTree.start(browser.connection);
    const page = await tree.newPage(`${site.origins[0]}/plain.html`);
    frameSessionId = (await tree.waitFor({ type: "iframe", url: site.frame })).sessionId;
    webview = new WebView2Api(browser.connection, page.sessionId);
  });

  after(async () => {
    tree?.stop();
    await browser?.close();
    await site?.close();
  });

  it("calls a method on the top page with JSON in and out", async () => {
    const json = await webview.callDevToolsProtocolMethod(
      "Runtime.evaluate",
      `{"expression":"location.href","returnByValue":true}`,
    );
    assert.equal(typeof json, "string");
    assert.equal(JSON.parse(json).result.value, `${site.origins[0]}/plain.html`);
    assert.equal(await webview.callDevToolsProtocolMethod("Runtime.enable", ""), "{}");
  });

  it("calls a method on a child session, and on the top page for an empty or null id", async () => {
    const href = async (sessionId: string | null) =>
      JSON.parse(
        await webview.callDevToolsProtocolMethodForSession(
          sessionId,
          "Runtime.evaluate",
          `{"expression":"location.href","returnByValue":true}`,
        ),
      ).result.value;
    assert.equal(await href(frameSessionId), site.frame);
    assert.equal(await href(""), `${site.origins[0]}/plain.html`);
    assert.equal(await href(null), `${site.origins[0]}/plain.html`);
  });

  it("rejects CDP errors and bad input", async () => {
    const error = await webview.callDevToolsProtocolMethod("Nope.nothing", "{}").catch((e) => e);
    assert.ok(error instanceof CDPError);
    assert.equal(error.code, -32601);
    await assert.rejects(
      webview.callDevToolsProtocolMethod("Runtime.evaluate", "{oops"),
      TypeError,
    );
    await assert.rejects(webview.callDevToolsProtocolMethod("Runtime.evaluate", "[1]"), TypeError);
    await assert.rejects(webview.callDevToolsProtocolMethod("evaluate", "{}"), TypeError);
    assert.throws(() => new WebView2Api(browser.connection, "nope"), TypeError);
    // a session that is not this page's nor under it is unknown to this webview, as in WebView2,
    // where each webview has its own DevTools connection: another page's is refused, not run
    const other = await tree.newPage("about:blank");
    for (const sessionId of [other.sessionId, "nope"]) {
      const foreign = await webview.callDevToolsProtocolMethodForSession(
        sessionId,
        "Runtime.evaluate",
        `{"expression":"window.ranHere = true"}`,
      ).catch((e) => e);
      assert.ok(foreign instanceof CDPError, String(foreign));
      assert.equal(foreign.code, -32001);
      assert.equal(foreign.sessionId, sessionId);
      assert.match(foreign.message, new RegExp(`^Runtime\\.evaluate: .*${sessionId}`));
    }
    const ran = await browser.connection.send("Runtime.evaluate", {
      expression: "window.ranHere === true",
      returnByValue: true,
    }, { sessionId: other.sessionId });
    assert.equal(ran.result.value, false);
  });

  it("delivers events of the page and its sessions until the handler is removed", async () => {
    const receiver = webview.getDevToolsProtocolEventReceiver("Runtime.consoleAPICalled");
    assert.equal(webview.getDevToolsProtocolEventReceiver("Runtime.consoleAPICalled"), receiver);
    const got: { sessionId: string; text: string }[] = [];
    const token = receiver.add(({ sessionId, parameterObjectAsJson }) => {
      got.push({ sessionId, text: JSON.parse(parameterObjectAsJson).args[0].value });
    });
    // Another page's events are not this webview's.
    const other = await tree.newPage("about:blank");
    await browser.connection.send("Runtime.enable", undefined, { sessionId: other.sessionId });
    await browser.connection.send("Runtime.evaluate", { expression: "console.log('other')" }, {
      sessionId: other.sessionId,
    });
    for (const id of ["", frameSessionId]) {
      await webview.callDevToolsProtocolMethodForSession(id, "Runtime.enable", "{}");
      await webview.callDevToolsProtocolMethodForSession(
        id,
        "Runtime.evaluate",
        JSON.stringify({ expression: `console.log(${JSON.stringify(id || "top")})` }),
      );
    }
    await until(() => got.length >= 3, 5000, "three events");
    // Runtime.enable on the iframe replays the message its page logged while loading.
    assert.deepEqual(got, [
      { sessionId: "", text: "top" },
      { sessionId: frameSessionId, text: "frame" },
      { sessionId: frameSessionId, text: frameSessionId },
    ]);
    receiver.remove(token);
    await webview.callDevToolsProtocolMethod(
      "Runtime.evaluate",
      `{"expression":"console.log('after')"}`,
    );
    await webview.callDevToolsProtocolMethod("Runtime.evaluate", `{"expression":"1"}`);
    assert.equal(got.length, 3);
  });
});
