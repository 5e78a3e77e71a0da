/**
 * The CDP-session contract: a {@linkcode CdpTransport} (send text, receive text, closed) and a
 * {@linkcode CdpConnection} that routes flattened `sessionId`s, typed by `devtools-protocol`.
 *
 * @example
 * ```ts ignore
 * import { CdpConnection } from "./mod.ts";
 * import { WebSocketTransport } from "../../adapters/cdp/websocket.ts";
 *
 * const connection = new CdpConnection(await WebSocketTransport.connect(wsUrl));
 * console.log((await connection.send("Browser.getVersion")).product);
 * ```
 *
 * @module
 */
export type { CdpTransport } from "./transport.ts";
export type { BrowserProcess, BrowserStartOptions, ConnectCdp, StartBrowser } from "./browser.ts";
export { CdpConnection, type CdpConnectionOptions } from "./connection.ts";
export { CdpSession, type CdpSessionHost } from "./session.ts";
export { CDPClosedError, CDPError, type CdpErrorObject } from "./cdp_error.ts";
export type {
  CdpAttachedToTargetEvent,
  CdpCommand,
  CdpCommandMap,
  CdpEvent,
  CdpEventMap,
  CdpEventParams,
  CdpListener,
  CdpObserver,
  CdpParams,
  CdpResult,
  CdpTargetInfo,
  CdpTargetInfoChangedEvent,
  SendOptions,
} from "./types.ts";
