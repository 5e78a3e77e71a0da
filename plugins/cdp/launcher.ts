/**
 * `launch()` starts a local browser with a fresh profile and connects to it; `connect()` attaches
 * to a running browser's DevTools WebSocket. Both come from {@linkcode createCdpApi}, which takes
 * the adapters the entry chose (`kernel/cdp/browser.ts`): on Deno and Bun the Chromium
 * launcher and the WebSocket transport, in a page the WebSocket transport only.
 *
 * @module
 */
import { CdpConnection, type CdpConnectionOptions } from "../../kernel/cdp/connection.ts";
import type { BrowserStartOptions, ConnectCdp, StartBrowser } from "../../kernel/cdp/browser.ts";

/** The adapters launching and connecting use. */
export interface CdpAdapters {
  /** Starts a local browser (none: `launch()` rejects, as in a page). */
  start?: StartBrowser;
  /** Opens a transport to a DevTools WebSocket. */
  connect: ConnectCdp;
  /**
   * Reads a preload script (UTF-8) for the session's pages (none: the session's preloads are not
   * put into pages, as in a page of the browser bundle).
   */
  readFile?: (path: string) => Promise<string>;
}

/**
 * Options of `launch()`: the executable (else `CHROME_PATH`, `/usr/bin/chromium`,
 * `chromium-browser`...), pipe or WebSocket, headless, extra flags, a start timeout.
 */
export interface LaunchOptions extends BrowserStartOptions {
  /** Options of the connection (default call timeout, error reporter). */
  connection?: CdpConnectionOptions;
}

/** A launched browser. */
export interface CdpBrowser {
  /** The connection to the browser session. */
  readonly connection: CdpConnection;
  /** The DevTools WebSocket URL (null over a pipe unless a debugging port was asked for too). */
  readonly wsEndpoint: string | null;
  /** The browser's process id. */
  readonly pid: number;
  /** The temporary profile (removed by `close()`). */
  readonly userDataDir: string;
  /** Resolves once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Kills the process at once (SIGKILL by default), like a crash. */
  kill(signal?: "SIGKILL" | "SIGTERM"): void;
  /** Closes the browser, waits for it to exit and removes the profile. */
  close(): Promise<void>;
}

/** Launching and connecting. */
export interface CdpApi {
  /** Starts a local browser and connects to it. */
  launch(options?: LaunchOptions): Promise<CdpBrowser>;
  /** Connects to a running browser's DevTools WebSocket. */
  connect(
    wsUrl: string,
    options?: CdpConnectionOptions & { signal?: AbortSignal },
  ): Promise<CdpConnection>;
}

/**
 * `launch` and `connect` over the given adapters. `launch` starts the browser (fresh profile,
 * headless, the flags of ENVIRONMENT.md) and connects over a WebSocket or a pipe; without a
 * `start` adapter it rejects and says to use `connect`.
 *
 * @example
 * ```ts ignore
 * import { createCdpApi } from "./launcher.ts";
 * import { startChromium } from "../../adapters/cdp/chromium.ts";
 * import { WebSocketTransport } from "../../adapters/cdp/websocket.ts";
 *
 * const cdp = createCdpApi({ start: startChromium, connect: WebSocketTransport.connect });
 * const browser = await cdp.launch({ pipe: true });
 * console.log((await browser.connection.send("Browser.getVersion")).product);
 * await browser.close();
 * ```
 */
export function createCdpApi(adapters: CdpAdapters): CdpApi {
  return {
    launch: (options) => launch(adapters, options),
    connect: async (wsUrl, options = {}) => {
      const transport = await adapters.connect(wsUrl, { signal: options.signal });
      return new CdpConnection(transport, options);
    },
  };
}

async function launch(adapters: CdpAdapters, options: LaunchOptions = {}): Promise<CdpBrowser> {
  if (adapters.start === undefined) {
    throw new TypeError("cdp.launch needs Deno or Bun; in a browser use cdp.connect(wsUrl)");
  }
  const chromium = await adapters.start(options);
  let connection: CdpConnection;
  try {
    const transport = chromium.pipe ?? await adapters.connect(chromium.wsEndpoint!, {});
    connection = new CdpConnection(transport, options.connection);
    // Over a pipe nothing has proven yet that the browser runs: ask it something.
    if (chromium.pipe) {
      await connection.send("Browser.getVersion", undefined, { timeout: options.timeout ?? 30000 })
        .catch((error) => {
          throw new Error(`Chromium did not start: ${error.message}`);
        });
    }
  } catch (error) {
    await chromium.dispose();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    connection,
    wsEndpoint: chromium.wsEndpoint,
    pid: chromium.pid,
    userDataDir: chromium.userDataDir,
    exited: chromium.exited,
    kill: (signal) => chromium.kill(signal),
    close: () =>
      closing ??= (async () => {
        if (!connection.isClosed) {
          await connection.send("Browser.close", undefined, { timeout: 2000 }).catch(() => {});
          const timer = new Promise((resolve) => setTimeout(resolve, 2000, "timeout"));
          if (await Promise.race([chromium.exited, timer]) === "timeout") chromium.kill();
        }
        connection.close();
        await chromium.dispose();
      })(),
  };
}
