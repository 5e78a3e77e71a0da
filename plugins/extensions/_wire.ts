/**
 * The messages between an extension's background Worker and the session (plain structured
 * clones over the Worker's own channel).
 *
 * @module
 */
import type { ExtensionManifest } from "./extension_manifest.ts";
import type { ChromeEnums } from "./_chrome_enums.ts";
import type { MessageCatalog } from "./_i18n_messages.ts";
import type { PortWire } from "./_port.ts";

/** What the Worker is started with (written into its bootstrap module). */
export interface BackgroundInit {
  /** The extension's id. */
  id: string;
  /** The checked manifest. */
  manifest: ExtensionManifest;
  /** The API permissions (not host patterns) it holds. */
  permissions: string[];
  /** The host permissions it holds. */
  origins: string[];
  /** MV2 scripts and classic MV3 service workers: their sources, run in order as scripts. */
  classic: Array<{ file: string; source: string }>;
  /** Chrome's enum objects (`RuleActionType`, `ResourceType`, ...), from the host's lists. */
  enums: ChromeEnums;
  /** `chrome.i18n`'s messages (`_locales`, merged for the UI language). */
  messages: MessageCatalog;
  /** The UI language (`en-US`). */
  uiLanguage: string;
}

/** An error as it crosses the channel. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

/** Messages the Worker sends. */
export type FromBackground =
  | { t: "ready" }
  | { t: "failed"; error: WireError }
  | { t: "error"; error: WireError; where: string }
  | { t: "call"; id: number; method: string; args: unknown[] }
  | { t: "listen"; lid: number; event: string; filter: unknown; spec: string[] }
  | { t: "unlisten"; lid: number }
  | { t: "on"; name: string }
  | { t: "pong" }
  | { t: "answer"; reply: number; value?: unknown; error?: WireError }
  | PortWire;

/** Messages the session sends. */
export type ToBackground =
  | { t: "ping" }
  | { t: "result"; id: number; value?: unknown; error?: WireError }
  | { t: "event"; name: string; args: unknown[]; reply?: number }
  | { t: "webRequest"; lid: number; details: unknown; reply?: number }
  | PortWire;

/** An error in wire form. */
export function errorToWire(error: unknown): WireError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: "Error", message: String(error) };
}

/** An error back from wire form (same name and message). */
export function errorFromWire(wire: WireError): Error {
  const error = wire.name === "TypeError" ? new TypeError(wire.message) : new Error(wire.message);
  if (wire.name !== "TypeError" && wire.name !== "Error") error.name = wire.name;
  if (wire.stack) error.stack = wire.stack;
  return error;
}

/**
 * The `chrome.webRequest` events with the values of each one's `extraInfoSpec`, in the order of
 * Chrome's `On<Event>Options` enums (the securityInfo values are in the enum; Chrome's browser then
 * refuses them behind a developer flag). Both sides of the Worker read it, and so does the
 * web-request plugin's `addListener` check: one list.
 *
 * @example
 * ```ts
 * WEB_REQUEST_EXTRA_INFO.onErrorOccurred; // ["extraHeaders"]
 * ```
 */
export const WEB_REQUEST_EXTRA_INFO: Readonly<Record<string, readonly string[]>> = {
  onBeforeRequest: ["blocking", "requestBody", "extraHeaders"],
  onBeforeSendHeaders: ["requestHeaders", "blocking", "extraHeaders"],
  onSendHeaders: ["requestHeaders", "extraHeaders"],
  onHeadersReceived: [
    "blocking",
    "responseHeaders",
    "extraHeaders",
    "securityInfo",
    "securityInfoRawDer",
  ],
  onAuthRequired: ["responseHeaders", "blocking", "asyncBlocking", "extraHeaders"],
  onBeforeRedirect: ["responseHeaders", "extraHeaders"],
  onResponseStarted: ["responseHeaders", "extraHeaders"],
  onCompleted: ["responseHeaders", "extraHeaders"],
  onErrorOccurred: ["extraHeaders"],
};

/**
 * The `chrome.webRequest` events an extension may listen to, in Chrome's order.
 *
 * @example
 * ```ts
 * WEB_REQUEST_EVENTS.includes("onBeforeRequest"); // true
 * ```
 */
export const WEB_REQUEST_EVENTS: readonly string[] = Object.keys(WEB_REQUEST_EXTRA_INFO);
