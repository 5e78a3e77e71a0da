/**
 * The CDP transport over a Web `WebSocket` (`ws://host:port/devtools/browser/<id>`), for Deno, Bun
 * and browsers (a page must be allowed by Chromium's `--remote-allow-origins`).
 *
 * @module
 */
import type { CdpTransport } from "../../kernel/cdp/transport.ts";

export type { CdpTransport } from "../../kernel/cdp/transport.ts";

/**
 * In a page, what a failed connection most likely means: Chromium refuses (403) the WebSocket of
 * a page whose origin its `--remote-allow-origins` does not list, and the page cannot see why.
 */
function pageOriginHint(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; location?: { origin?: string } };
  const origin = g.location?.origin;
  if (g.Deno !== undefined || g.Bun !== undefined || !origin || origin === "null") return "";
  return `: a browser started with --remote-debugging-port accepts a page's WebSocket only when ` +
    `also started with --remote-allow-origins=${origin}`;
}

/**
 * A {@linkcode CdpTransport} over an open Web `WebSocket`.
 *
 * @example
 * ```ts ignore
 * import { WebSocketTransport } from "./websocket.ts";
 * import { CdpConnection } from "../../kernel/cdp/connection.ts";
 *
 * const transport = await WebSocketTransport.connect("ws://127.0.0.1:9222/devtools/browser/ID");
 * const connection = new CdpConnection(transport);
 * ```
 */
export class WebSocketTransport implements CdpTransport {
  #ws: WebSocket;
  #decoder = new TextDecoder();
  /** Receives every message. */
  onmessage: ((message: string) => void) | null = null;
  /** Resolves with a reason once the socket is closed. */
  readonly closed: Promise<string>;

  /**
   * Opens a WebSocket to a DevTools endpoint and resolves once it is open.
   *
   * @example
   * ```ts ignore
   * const transport = await WebSocketTransport.connect(wsUrl, { signal: AbortSignal.timeout(5000) });
   * ```
   */
  static connect(url: string, options: { signal?: AbortSignal } = {}): Promise<WebSocketTransport> {
    if (!/^wss?:\/\//.test(url)) {
      return Promise.reject(new TypeError(`Invalid DevTools WebSocket URL: ${url}`));
    }
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const abort = () => {
        ws.close();
        reject(options.signal!.reason);
      };
      options.signal?.addEventListener("abort", abort, { once: true });
      ws.onopen = () => {
        options.signal?.removeEventListener("abort", abort);
        resolve(new WebSocketTransport(ws));
      };
      ws.onerror = () => {
        options.signal?.removeEventListener("abort", abort);
        reject(new Error(`Cannot connect to ${url}${pageOriginHint()}`));
      };
    });
  }

  /** Wraps an open (or opening) socket. */
  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.binaryType = "arraybuffer";
    let done: (reason: string) => void;
    this.closed = new Promise((resolve) => done = resolve);
    ws.onmessage = (event) => {
      const data = event.data;
      this.onmessage?.(typeof data === "string" ? data : this.#decoder.decode(data));
    };
    ws.onclose = (event) =>
      done(`WebSocket closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`);
    ws.onerror = () => {};
  }

  /** Sends one message. */
  send(message: string): void {
    if (this.#ws.readyState !== WebSocket.OPEN) throw new Error("WebSocket is not open");
    this.#ws.send(message);
  }

  /** Closes the socket. */
  close(): void {
    this.#ws.close();
  }
}
