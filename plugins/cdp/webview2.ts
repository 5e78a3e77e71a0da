/**
 * A WebView2-style DevTools Protocol API on one page, after WebView2's
 * `CallDevToolsProtocolMethod`, `CallDevToolsProtocolMethodForSession` and
 * `GetDevToolsProtocolEventReceiver`: parameters and results as JSON text, an empty session id for
 * the top page, and flat child sessions (iframes, workers) addressed by their `sessionId`.
 *
 * @module
 */
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import { CDPError } from "../../kernel/cdp/cdp_error.ts";

/** What an event handler receives. */
export interface DevToolsProtocolEventReceivedEventArgs {
  /** The session the event came from; `""` for the top page. */
  sessionId: string;
  /** The event's parameters as JSON text. */
  parameterObjectAsJson: string;
}

/** The handler of {@linkcode DevToolsProtocolEventReceiver.add}. */
export type DevToolsProtocolEventHandler = (args: DevToolsProtocolEventReceivedEventArgs) => void;

/** The receiver of one event name. */
export interface DevToolsProtocolEventReceiver {
  /** Adds a handler; returns the token for `remove`. */
  add(handler: DevToolsProtocolEventHandler): number;
  /** Removes the handler added with this token (unknown tokens are ignored). */
  remove(token: number): void;
}

/**
 * The WebView2-style API on the page attached as `pageSessionId`.
 *
 * @example
 * ```ts ignore
 * import { WebView2Api } from "./webview2.ts";
 *
 * const webview = new WebView2Api(connection, page.sessionId);
 * const json = await webview.callDevToolsProtocolMethod("Runtime.evaluate", '{"expression":"1+1"}');
 * const receiver = webview.getDevToolsProtocolEventReceiver("Runtime.consoleAPICalled");
 * const token = receiver.add(({ sessionId, parameterObjectAsJson }) => {
 *   console.log(sessionId || "top page", JSON.parse(parameterObjectAsJson).type);
 * });
 * receiver.remove(token);
 * ```
 */
export class WebView2Api {
  #connection: CdpConnection;
  #page: CdpSession;
  #receivers = new Map<string, DevToolsProtocolEventReceiver>();

  /** The API on one page session of a connection. */
  constructor(connection: CdpConnection, pageSessionId: string) {
    const page = connection.session(pageSessionId);
    if (!page || pageSessionId === "") {
      throw new TypeError(`WebView2Api: no attached page session "${pageSessionId}"`);
    }
    this.#connection = connection;
    this.#page = page;
  }

  /** The top page's session id. */
  get pageSessionId(): string {
    return this.#page.id;
  }

  /**
   * Runs a method on the top page; resolves with its result as JSON text. A CDP error rejects
   * with a `CDPError`; bad JSON rejects with a TypeError.
   *
   * @example
   * ```ts ignore
   * await webview.callDevToolsProtocolMethod("Page.navigate", '{"url":"https://example.com"}');
   * ```
   */
  callDevToolsProtocolMethod(methodName: string, parametersAsJson: string): Promise<string> {
    return this.callDevToolsProtocolMethodForSession("", methodName, parametersAsJson);
  }

  /**
   * Runs a method on a session of this page (empty or null: the top page); resolves with its
   * result as JSON text. A session that is neither the page's nor attached under it rejects with
   * a `CDPError` of code -32001, as an unknown session does in Chromium.
   *
   * @example
   * ```ts ignore
   * await webview.callDevToolsProtocolMethodForSession(frameSessionId, "Runtime.evaluate",
   *   '{"expression":"location.href"}');
   * ```
   */
  async callDevToolsProtocolMethodForSession(
    sessionId: string | null | undefined,
    methodName: string,
    parametersAsJson: string,
  ): Promise<string> {
    if (typeof methodName !== "string" || !/^\w+\.\w+$/.test(methodName)) {
      throw new TypeError(`Invalid DevTools Protocol method name: ${String(methodName)}`);
    }
    let params: unknown;
    try {
      params = parametersAsJson === "" || parametersAsJson == null
        ? {}
        : JSON.parse(parametersAsJson);
    } catch {
      throw new TypeError(`Invalid parameters JSON for ${methodName}: ${parametersAsJson}`);
    }
    if (typeof params !== "object" || params === null || Array.isArray(params)) {
      throw new TypeError(`Parameters of ${methodName} must be a JSON object`);
    }
    if (sessionId && this.#relative(sessionId) === null) {
      // each WebView2 has its own DevTools connection: another page's sessions are not its own
      throw new CDPError(methodName, {
        code: -32001,
        message: "Session with given id not found",
        data: `${sessionId} is neither this page's session nor one attached under it`,
      }, sessionId);
    }
    const target = sessionId ? sessionId : this.#page.id;
    const result = await this.#connection.sendRaw(methodName, params, { sessionId: target });
    return JSON.stringify(result);
  }

  /**
   * The receiver of one event from the top page (`sessionId` `""`) and from the sessions attached
   * under it (its iframes and workers, with their `sessionId`).
   *
   * @example
   * ```ts ignore
   * const receiver = webview.getDevToolsProtocolEventReceiver("Page.frameNavigated");
   * ```
   */
  getDevToolsProtocolEventReceiver(eventName: string): DevToolsProtocolEventReceiver {
    if (typeof eventName !== "string" || !/^\w+\.\w+$/.test(eventName)) {
      throw new TypeError(`Invalid DevTools Protocol event name: ${String(eventName)}`);
    }
    const known = this.#receivers.get(eventName);
    if (known) return known;
    const handlers = new Map<number, DevToolsProtocolEventHandler>();
    let next = 1;
    let off: (() => void) | null = null;
    const listen = () =>
      this.#connection.on(eventName, (params, sessionId) => {
        const relative = this.#relative(sessionId);
        if (relative === null) return;
        const args = { sessionId: relative, parameterObjectAsJson: JSON.stringify(params) };
        for (const handler of [...handlers.values()]) {
          try {
            handler(args);
          } catch (error) {
            console.error(error);
          }
        }
      });
    const receiver: DevToolsProtocolEventReceiver = {
      add(handler) {
        if (typeof handler !== "function") throw new TypeError("Handler must be a function");
        const token = next++;
        handlers.set(token, handler);
        off ??= listen();
        return token;
      },
      remove(token) {
        handlers.delete(token);
        if (handlers.size === 0 && off) {
          off();
          off = null;
        }
      },
    };
    this.#receivers.set(eventName, receiver);
    return receiver;
  }

  /** `""` for the page itself, the id for a session under it, null for anything else. */
  #relative(sessionId: string): string | null {
    if (sessionId === this.#page.id) return "";
    let session = this.#connection.session(sessionId);
    while (session && session.id !== "") {
      if (session.parent === this.#page) return sessionId;
      session = session.parent ?? undefined;
    }
    return null;
  }
}
