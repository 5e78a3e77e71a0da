/**
 * A page driven the way a minimal CDP client would drive it, for the Chromium diagnostics: a new
 * browser context (through a proxy relay, or not) on a connection the caller has, one page attached
 * in flat mode, the Page domain on, and optionally every request paused at its request stage and
 * continued at once by a bare `Fetch.continueRequest`.
 *
 * @example
 * ```ts ignore
 * const page = await minimalPage(connection, { relayPort: relay.port, paused: true });
 * await page.load("http://127.0.0.1:8080/");
 * ```
 *
 * @module
 */
import type { CdpConnection, CdpSession } from "../../kernel/cdp/mod.ts";

/** A minimal client's page: its CDP session, and a load that resolves at the load event. */
export interface MinimalPage {
  /** The page's CDP session. */ cdp: CdpSession;
  /** Navigates to `url` and resolves at `Page.loadEventFired`. */ load(url: string): Promise<void>;
}

/**
 * Opens the page; `relayPort` routes the context through a proxy on 127.0.0.1 (loopback too),
 * `paused` pauses every request and continues it at once.
 *
 * @example
 * ```ts ignore
 * const page = await minimalPage(connection, { paused: false });
 * ```
 */
export async function minimalPage(
  connection: CdpConnection,
  { relayPort, paused }: { relayPort?: number; paused: boolean },
): Promise<MinimalPage> {
  const { browserContextId } = await connection.send(
    "Target.createBrowserContext",
    relayPort === undefined
      ? {}
      : { proxyServer: `http://127.0.0.1:${relayPort}`, proxyBypassList: "<-loopback>" },
  );
  const { targetId } = await connection.send("Target.createTarget", {
    url: "about:blank",
    browserContextId,
  });
  const { sessionId } = await connection.send("Target.attachToTarget", { targetId, flatten: true });
  const cdp = connection.session(sessionId)!;
  await cdp.send("Page.enable");
  if (paused) {
    cdp.on("Fetch.requestPaused", ({ requestId }) => {
      cdp.send("Fetch.continueRequest", { requestId }).catch(() => {});
    });
    await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Request" }] });
  }
  const load = async (url: string) => {
    const loaded = new Promise<void>((resolve) => {
      const off = cdp.on("Page.loadEventFired", () => {
        off();
        resolve();
      });
    });
    await cdp.send("Page.navigate", { url });
    await loaded;
  };
  return { cdp, load };
}
