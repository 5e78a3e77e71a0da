/**
 * `launch()` starts a local Chromium with a fresh profile and connects to it; `connect()` attaches
 * to a running browser's DevTools WebSocket.
 *
 * @module
 */
import { CdpConnection, type CdpConnectionOptions } from "../../kernel/cdp/connection.ts";
import { WebSocketTransport } from "../../adapters/cdp/websocket.ts";

type ChromiumModule = typeof import("../../adapters/cdp/chromium.ts");
const CHROMIUM_MODULE: string = new URL("../../adapters/cdp/chromium.ts", import.meta.url).href;

/** Options of {@linkcode launch}. */
export interface LaunchOptions {
  /** The Chromium executable; else `CHROME_PATH`, `/usr/bin/chromium`, `chromium-browser`... */
  executablePath?: string;
  /** Use `--remote-debugging-pipe` instead of a WebSocket (default false). */
  pipe?: boolean;
  /** Headless (default true). */
  headless?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  /** Milliseconds to wait for Chromium's DevTools endpoint (default 30000). */
  timeout?: number;
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

/**
 * Starts Chromium (fresh profile, headless, the flags of ENVIRONMENT.md) and connects over a
 * WebSocket or a pipe. Rejects with an error that says how to install Chromium when none is found.
 *
 * @example
 * ```ts ignore
 * import { launch } from "./launcher.ts";
 *
 * const browser = await launch({ pipe: true });
 * console.log((await browser.connection.send("Browser.getVersion")).product);
 * await browser.close();
 * ```
 */
export async function launch(options: LaunchOptions = {}): Promise<CdpBrowser> {
  if (!("process" in globalThis) && !("Deno" in globalThis)) {
    throw new TypeError("cdp.launch needs Deno or Bun; in a browser use cdp.connect(wsUrl)");
  }
  // Loaded lazily and out of bundlers' sight: it needs node:child_process.
  const { startChromium } = await import(CHROMIUM_MODULE) as ChromiumModule;
  const chromium = await startChromium(options);
  let connection: CdpConnection;
  try {
    const transport = chromium.pipe ?? await WebSocketTransport.connect(chromium.wsEndpoint!);
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

/**
 * Connects to a running browser's DevTools WebSocket (`ws://.../devtools/browser/...`).
 *
 * @example
 * ```ts ignore
 * import { connect } from "./launcher.ts";
 *
 * const connection = await connect("ws://127.0.0.1:9222/devtools/browser/ID");
 * ```
 */
export async function connect(
  wsUrl: string,
  options: CdpConnectionOptions & { signal?: AbortSignal } = {},
): Promise<CdpConnection> {
  const transport = await WebSocketTransport.connect(wsUrl, { signal: options.signal });
  return new CdpConnection(transport, options);
}
