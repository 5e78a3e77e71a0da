/**
 * The browser-process contract of CDP, next to the transport contract (`transport.ts`): how a
 * local browser is started for DevTools ({@linkcode StartBrowser}) and how a running one's
 * DevTools WebSocket is reached ({@linkcode ConnectCdp}). `adapters/cdp/chromium.ts` and
 * `adapters/cdp/websocket.ts` implement them; the entry hands them to the cdp plugin.
 *
 * @module
 */
import type { CdpTransport } from "./transport.ts";

/** How to start a browser for DevTools. */
export interface BrowserStartOptions {
  /** The executable; the adapter looks for one when absent. */
  executablePath?: string;
  /** Talk over `--remote-debugging-pipe` instead of a WebSocket (default false). */
  pipe?: boolean;
  /** Run headless (default true). */
  headless?: boolean;
  /** More flags. `--remote-debugging-port=0` with `pipe` gives both endpoints. */
  args?: string[];
  /** How long to wait for the DevTools endpoint, in milliseconds (default 30000). */
  timeout?: number;
  /**
   * A profile folder to use and keep (created when missing). Default: a fresh temporary profile,
   * removed when the browser is closed.
   */
  userDataDir?: string;
}

/** A running browser started for DevTools, with a fresh profile. */
export interface BrowserProcess {
  /** The process id. */
  readonly pid: number;
  /** The browser's DevTools WebSocket URL, when a debugging port was opened. */
  readonly wsEndpoint: string | null;
  /** The pipe transport, when started with `pipe`. */
  readonly pipe: CdpTransport | null;
  /** The temporary profile directory. */
  readonly userDataDir: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Sends a signal to the process (SIGKILL by default). */
  kill(signal?: "SIGKILL" | "SIGTERM"): void;
  /** Kills the process if needed, waits for it to exit and removes the profile. */
  dispose(): Promise<void>;
}

/**
 * Starts a browser; rejects with an error that says how to install one when none is found.
 *
 * @example
 * ```ts
 * const unavailable: StartBrowser = () => Promise.reject(new Error("No browser here"));
 * ```
 */
export type StartBrowser = (options: BrowserStartOptions) => Promise<BrowserProcess>;

/**
 * Opens a transport to a running browser's DevTools WebSocket (`ws://.../devtools/browser/...`).
 *
 * @example
 * ```ts
 * const refuse: ConnectCdp = (url) => Promise.reject(new TypeError(`Cannot reach ${url}`));
 * ```
 */
export type ConnectCdp = (
  wsUrl: string,
  options: { signal?: AbortSignal },
) => Promise<CdpTransport>;
