import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CDPClosedError,
  CdpConnection,
  CDPError,
  type CdpSession,
  type CdpTransport,
} from "../../../kernel/cdp/mod.ts";
import { WebSocketTransport } from "../../../adapters/cdp/websocket.ts";
import { type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { type CdpSite, startCdpSite, until } from "../../_cdp_site.ts";
import { needs } from "../../_system.ts";

/** A real transport with a hook to inject raw text as if the browser had sent it. */
class TappedTransport implements CdpTransport {
  onmessage: ((message: string) => void) | null = null;
  readonly closed: Promise<string>;
  #inner: CdpTransport;
  constructor(inner: CdpTransport) {
    this.#inner = inner;
    this.closed = inner.closed;
    inner.onmessage = (text) => this.onmessage?.(text);
  }
  send(message: string): void {
    this.#inner.send(message);
  }
  close(): void {
    this.#inner.close();
  }
  inject(text: string): void {
    this.onmessage?.(text);
  }
}

const NEVER = "new Promise(() => {})";

describe("CdpConnection on real Chromium", () => {
  needs("chromium");
  let browser: CdpBrowser;
  let site: CdpSite;
  let connection: CdpConnection;
  let tap: TappedTransport;
  const errors: Error[] = [];

  before(async () => {
    site = await startCdpSite();
    browser = await launch();
    tap = new TappedTransport(await WebSocketTransport.connect(browser.wsEndpoint!));
    connection = new CdpConnection(tap, { onError: (e) => errors.push(e) });
  });

  after(async () => {
    connection?.close();
    await browser?.close();
    await site?.close();
  });

  async function attachPage(url: string): Promise<CdpSession> {
    const { targetId } = await connection.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await connection.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const session = connection.session(sessionId)!;
    assert.ok(session, "attachedToTarget arrives before the reply");
    await session.send("Page.enable");
    const loaded = new Promise((resolve) => session.on("Page.loadEventFired", resolve));
    await session.send("Page.navigate", { url });
    await loaded;
    return session;
  }

  it("sends typed commands and routes events by session", async () => {
    const version = await connection.send("Browser.getVersion");
    assert.match(version.product, /Chrome/);
    const session = await attachPage(site.origins[0] + "/log/hello.html");
    const seen: [string, string][] = [];
    connection.on("Runtime.consoleAPICalled", (event, sessionId) => {
      if (sessionId === session.id) seen.push(["all", String(event.args[0]?.value)]);
    });
    session.on("Runtime.consoleAPICalled", (event, sessionId) => {
      assert.equal(sessionId, session.id);
      seen.push(["own", String(event.args[0]?.value)]);
    });
    await session.send("Runtime.enable");
    await session.send("Runtime.evaluate", { expression: "console.log('again')" });
    await until(() => seen.length >= 2, 5000, "console events");
    assert.deepEqual(seen.slice(-2), [["all", "again"], ["own", "again"]]);
    await connection.send("Target.closeTarget", { targetId: session.targetInfo!.targetId });
  });

  it("rejects a CDP error reply with a CDPError carrying code, message, data and method", async () => {
    const error = await connection.sendRaw("Nope.nothing", {}).catch((e) => e);
    assert.ok(error instanceof CDPError);
    assert.equal(error.code, -32601);
    assert.equal(error.method, "Nope.nothing");
    assert.match(error.message, /Nope\.nothing/);
    const bad = await connection.send("Target.attachToTarget", { targetId: "nope" }).catch((e) =>
      e
    );
    assert.ok(bad instanceof CDPError);
    assert.equal(bad.method, "Target.attachToTarget");
    assert.equal(typeof bad.code, "number");
    assert.ok("data" in bad);
    // as puppeteer's ProtocolError: the message names the command and carries the reply's data,
    // which says what was wrong; the browser's own message is kept apart
    const invalid = await connection.sendRaw("Target.createTarget", {}).catch((e) => e);
    assert.ok(invalid instanceof CDPError);
    assert.equal(invalid.code, -32602);
    assert.match(String(invalid.data), /params\.url/);
    assert.equal(
      invalid.message,
      `Target.createTarget: ${invalid.originalMessage}: ${invalid.data}`,
    );
    assert.ok(!invalid.originalMessage.includes("Target.createTarget"));
  });

  it("times out and aborts single calls; late replies are ignored", async () => {
    const session = await attachPage("about:blank");
    const timedOut = await session.send("Runtime.evaluate", {
      expression: NEVER,
      awaitPromise: true,
    }, { timeout: 100 }).catch((e) => e);
    assert.equal(timedOut.name, "TimeoutError");
    const controller = new AbortController();
    const pending = session.send("Runtime.evaluate", { expression: NEVER, awaitPromise: true }, {
      signal: controller.signal,
    });
    controller.abort(new Error("Stop"));
    await assert.rejects(pending, /Stop/);
    await assert.rejects(
      session.send("Runtime.evaluate", { expression: "1" }, { signal: controller.signal }),
      /Stop/,
    );
    const { result } = await session.send("Runtime.evaluate", { expression: "6 * 7" });
    assert.equal(result.value, 42);
    await connection.send("Target.closeTarget", { targetId: session.targetInfo!.targetId });
  });

  it("reports a malformed message and carries on", async () => {
    const before = errors.length;
    tap.inject("{oops");
    tap.inject("42");
    tap.inject(`{"params":{}}`);
    assert.equal(errors.length, before + 3);
    assert.match(errors[before].message, /Malformed CDP message/);
    const version = await connection.send("Browser.getVersion");
    assert.match(version.product, /Chrome/);
  });

  it("rejects the pending calls of a detached session and of its children", async () => {
    const session = await attachPage(site.origins[0] + "/plain.html");
    const child = new Promise<CdpSession>((resolve) => {
      const off = connection.onSessionAttached((s) => {
        if (s.parent === session) off(), resolve(s);
      });
    });
    await session.send("Target.setAutoAttach", {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: true,
    });
    const frame = await child;
    assert.equal(frame.targetInfo!.type, "iframe");
    const detached: string[] = [];
    connection.onSessionDetached((s) => detached.push(s.id));
    const calls = [
      session.send("Runtime.evaluate", { expression: NEVER, awaitPromise: true }),
      frame.send("Runtime.evaluate", { expression: NEVER, awaitPromise: true }),
    ].map((call) => call.catch((e) => e));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await connection.send("Target.detachFromTarget", { sessionId: session.id });
    for (const call of calls) {
      const error = await call;
      assert.ok(error instanceof CDPClosedError, String(error));
      assert.equal(error.reason, "Session detached");
    }
    assert.ok(session.detached && frame.detached);
    assert.deepEqual(detached.slice(-2), [frame.id, session.id]);
    const count = connection.pendingCount;
    const late = frame.send("Runtime.evaluate", { expression: "1" });
    assert.equal(connection.pendingCount, count, "nothing was sent");
    await assert.rejects(late, CDPClosedError);
    await assert.rejects(
      connection.send("Runtime.evaluate", { expression: "1" }, { sessionId: session.id }),
      CDPClosedError,
    );
  });

  it("rejects the pending calls of a session whose target crashed; it works again after a reload", async () => {
    const session = await attachPage("about:blank");
    const crashed = new Promise((resolve) => session.on("Inspector.targetCrashed", resolve));
    // the timeout only keeps a failure from hanging the file
    const calls = [1, 2].map(() =>
      session.send("Runtime.evaluate", { expression: NEVER, awaitPromise: true }, {
        timeout: 10000,
      }).catch((e) => e)
    );
    // Page.crash is never answered: the renderer that would answer it is gone
    const crash = session.send("Page.crash", undefined, { timeout: 10000 }).catch((e) => e);
    await crashed;
    assert.equal((await crash).reason, "Target crashed");
    for (const call of calls) {
      const error = await call;
      assert.ok(error instanceof CDPClosedError, String(error));
      assert.equal(error.reason, "Target crashed");
      assert.equal(error.sessionId, session.id);
      assert.equal(error.message, "Runtime.evaluate: Target crashed");
    }
    assert.equal(session.detached, false, "Chromium keeps the session of a crashed target");
    await session.send("Page.reload");
    const { result } = await session.send("Runtime.evaluate", {
      expression: "6 * 7",
      returnByValue: true,
    });
    assert.equal(result.value, 42);
  });

  it("rejects every pending call and detaches every session when the browser crashes", async () => {
    const session = await attachPage("about:blank");
    const detached: string[] = [];
    connection.onSessionDetached((s) => detached.push(s.id));
    const calls = [
      session.send("Runtime.evaluate", { expression: NEVER, awaitPromise: true }),
      session.send("Runtime.evaluate", { expression: NEVER, awaitPromise: true }),
      connection.send("Target.getTargets"),
    ];
    const attached = connection.sessions;
    assert.ok(attached.length >= 1);
    browser.kill("SIGKILL");
    const outcomes = await Promise.allSettled(calls);
    for (const outcome of outcomes) {
      // The browser may have answered Target.getTargets before it died.
      if (outcome.status === "fulfilled") continue;
      assert.ok(outcome.reason instanceof CDPClosedError, String(outcome.reason));
    }
    assert.equal(outcomes[0].status, "rejected");
    assert.equal(outcomes[1].status, "rejected");
    await connection.closed;
    assert.equal(connection.pendingCount, 0);
    assert.equal(connection.sessions.length, 0);
    for (const s of attached) assert.ok(s.detached && detached.includes(s.id));
    await assert.rejects(connection.send("Browser.getVersion"), CDPClosedError);
  });
});
