/**
 * The browsers the server's session drives over the DevTools Protocol (`ses.cdp`), for the
 * dashboard's targets view: `GET /api/targets` lists every target (pages, iframes, workers) of
 * every connection the session holds, whoever opened it (an add-on, or `POST /api/browsers`);
 * `POST /api/browsers` starts a Chromium that sends its traffic through this server (its
 * `--proxy-server`, loopback included, and the local CA trusted by its SPKI hash), as mitmproxy's
 * `browser.start` does; `DELETE /api/browsers` closes one the API started.
 *
 * @module
 */
import type { Session } from "../../mod.ts";
import type { CdpBrowser, SessionCdpApi } from "../../plugins/cdp/mod.ts";

/** One target of a browser the session drives (Chrome's `Target.TargetInfo`, abridged). */
export interface TargetEntry {
  /** Which connection (0-based, in `ses.cdp.connections()` order). */
  browser: number;
  /** The target's id. */
  targetId: string;
  /** `page`, `iframe`, `worker`, `service_worker`, `shared_worker`, `browser`, `other`... */
  type: string;
  /** Its title. */
  title: string;
  /** Its URL. */
  url: string;
  /** Whether a DevTools client is attached to it. */
  attached: boolean;
  /** The opener's target id, when it has one. */
  openerId?: string;
}

/** A browser `POST /api/browsers` started. */
export interface StartedBrowser {
  /** The process id. */
  pid: number;
  /** Whether it runs headless. */
  headless: boolean;
  /** The page it opened, when a URL was given. */
  targetId: string | null;
}

/** What the server hands a browser it starts. */
export interface BrowserWiring {
  /** The server's proxy address, `http://127.0.0.1:PORT`. */
  proxyUrl: string;
  /** base64 SHA-256 of the CA's SubjectPublicKeyInfo. */
  caSpki: string;
}

/**
 * The browsers of a session, and the ones this server started.
 *
 * @example
 * ```ts
 * // const browsers = new SessionBrowsers(ses, () => ({ proxyUrl, caSpki }));
 * // await browsers.start({ url: "https://example.com/" });
 * // (await browsers.targets()).map((t) => t.url);
 * ```
 */
export class SessionBrowsers {
  #session: Session;
  #wiring: () => BrowserWiring;
  #started = new Map<number, CdpBrowser>();

  /** `wiring` is read when a browser starts (the port is known once the server listens). */
  constructor(session: Session, wiring: () => BrowserWiring) {
    this.#session = session;
    this.#wiring = wiring;
  }

  /** The session's `ses.cdp`, or null when it was built without the cdp plugin. */
  #cdp(): SessionCdpApi | null {
    if (!this.#session.plugins.has("cdp")) return null;
    return (this.#session as unknown as { cdp: SessionCdpApi }).cdp;
  }

  /** Every target of every connection the session holds (none when it drives no browser). */
  async targets(): Promise<TargetEntry[]> {
    const connections = this.#cdp()?.connections() ?? [];
    const lists = await Promise.all(connections.map(async (connection, browser) => {
      try {
        const { targetInfos } = await connection.send("Target.getTargets", {});
        return targetInfos.map((info): TargetEntry => ({
          browser,
          targetId: info.targetId,
          type: info.type,
          title: info.title,
          url: info.url,
          attached: info.attached,
          ...(info.openerId ? { openerId: info.openerId } : {}),
        }));
      } catch {
        return []; // closing while asked
      }
    }));
    return lists.flat();
  }

  /**
   * Starts a Chromium driven by the session whose traffic goes through this server, and opens
   * `url` in it; rejects with a TypeError when the session has no cdp plugin or no Chromium is
   * found.
   */
  async start(options: { url?: string; headless?: boolean } = {}): Promise<StartedBrowser> {
    const cdp = this.#cdp();
    if (!cdp) throw new TypeError("The server's session was built without the cdp plugin");
    const { proxyUrl, caSpki } = this.#wiring();
    const headless = options.headless ?? true;
    const browser = await cdp.launch({
      pipe: true,
      headless,
      args: [
        `--proxy-server=${proxyUrl}`,
        // Chromium sends loopback addresses around a proxy unless told not to.
        "--proxy-bypass-list=<-loopback>",
        `--ignore-certificate-errors-spki-list=${caSpki}`,
      ],
    });
    this.#started.set(browser.pid, browser);
    browser.exited.then(() => this.#started.delete(browser.pid));
    let targetId: string | null = null;
    if (options.url) {
      ({ targetId } = await browser.connection.send("Target.createTarget", { url: options.url }));
    }
    return { pid: browser.pid, headless, targetId };
  }

  /** The browsers this server started and that still run. */
  started(): number[] {
    return [...this.#started.keys()];
  }

  /** Closes a browser this server started; false when none has that pid. */
  async stop(pid: number): Promise<boolean> {
    const browser = this.#started.get(pid);
    if (!browser) return false;
    this.#started.delete(pid);
    await browser.close();
    return true;
  }
}
