/**
 * Values the recorder writes into events, made from what the pipeline hands its taps: a tap's
 * answer summarised, the `Host` line fetch adds, a body in base64, and the shapes of the cookie
 * changes it hears of.
 *
 * @module
 */
import type { UrlParts } from "../../kernel/http/url_parts.ts";
import type { NetLogCaptureMode } from "./constants.ts";
import { headerLines } from "./sensitive_headers.ts";

/** A changed cookie as the jar (or the cookies API) reports it. */
export interface CookieLike {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  /** Electron's cookie objects. */
  session?: boolean;
  /** The jar's records: `domain` is then without its leading dot. */
  hostOnly?: boolean;
  persistent?: boolean;
}

/** The cookie's domain as Chromium's cookie store logs it: a leading dot unless host-only. */
function loggedDomain(cookie: CookieLike): string | undefined {
  return cookie.hostOnly === false ? `.${cookie.domain}` : cookie.domain;
}

/**
 * A `COOKIE_STORE_COOKIE_ADDED`/`_DELETED` event's params (the value only above `default`).
 *
 * @example
 * ```ts
 * cookieChangeParams({ name: "a", value: "1", domain: "x.test", path: "/" }, "EXPLICIT", "default").name; // "a"
 * ```
 */
export function cookieChangeParams(
  cookie: CookieLike,
  cause: string,
  mode: NetLogCaptureMode,
): Record<string, unknown> {
  const params: Record<string, unknown> = {
    name: cookie.name,
    domain: loggedDomain(cookie),
    path: cookie.path,
    is_persistent: cookie.persistent ?? !cookie.session,
    cause,
  };
  if (mode !== "default") params.value = cookie.value;
  return params;
}

/**
 * A stored cookie's entry in the response's `COOKIE_INCLUSION_STATUS` event.
 *
 * @example
 * ```ts
 * storedCookieStatus({ name: "a", value: "1", domain: "x.test", path: "/" }).operation; // "store"
 * ```
 */
export function storedCookieStatus(cookie: CookieLike): Record<string, unknown> {
  return {
    domain: loggedDomain(cookie),
    name: cookie.name,
    operation: "store",
    path: cookie.path,
    status: "INCLUDE",
  };
}

/** The cookies API's `changed` listener. */
export type CookieListener = (e: unknown, c: CookieLike, cause: string, removed: boolean) => void;

/** Where the recorder hears of cookie changes: the jar's callback or the API's event. */
export interface CookieEvents {
  jar?: {
    onChange(listener: (c: CookieLike, cause: string, removed: boolean) => void): () => void;
  };
  on?(event: "changed", listener: CookieListener): void;
  off?(event: "changed", listener: CookieListener): void;
}

/**
 * A tap's answer for the log: headers as lines (sensitive ones elided below includeSensitive).
 *
 * @example
 * ```ts
 * summarise({ username: "u", password: "p" }, "default").password; // "[stripped]"
 * ```
 */
export function summarise(result: unknown, mode: NetLogCaptureMode): unknown {
  if (result === null || typeof result !== "object") return result;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if ((key === "requestHeaders" || key === "responseHeaders") && value) {
      out[key] = headerLines(new Headers(value as HeadersInit), mode);
    } else if (key === "username" || key === "password") {
      out[key] = mode === "default" ? "[stripped]" : value;
    } else out[key] = value;
  }
  return out;
}

/**
 * Whether header pairs (names and values in turn) have a `host` header.
 *
 * @example
 * ```ts
 * hasHost(["host", "a.test"]); // true
 * ```
 */
export function hasHost(pairs: readonly string[]): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === "host") return true;
  return false;
}

/**
 * The `Host` header fetch sends: the host, and the port unless it is the scheme's default.
 *
 * @example
 * ```ts ignore
 * hostHeader(parseUrl("http://a.test:8080/")!); // "a.test:8080"
 * ```
 */
export function hostHeader(parts: UrlParts): string {
  const port = parts.port;
  const implied = port === -1 ||
    (port === 80 && (parts.scheme === "http" || parts.scheme === "ws")) ||
    (port === 443 && (parts.scheme === "https" || parts.scheme === "wss"));
  return implied ? parts.host : `${parts.host}:${port}`;
}

/**
 * Bytes as base64.
 *
 * @example
 * ```ts
 * base64(new Uint8Array([104, 105])); // "aGk="
 * ```
 */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Calls `listener` with each change of the session's cookies until the answer is called: the
 * jar's own change callback when there is one (the API's `changed` event would build an Electron
 * cookie object and an event for each change first); null for a session without cookies.
 *
 * @example
 * ```ts
 * onCookieChange({}, () => {}); // null: no cookies member
 * ```
 */
export function onCookieChange(
  session: object,
  listener: (cookie: CookieLike, cause: string, removed: boolean) => void,
): (() => void) | null {
  let cookies: CookieEvents | undefined;
  try {
    cookies = (session as { cookies?: CookieEvents }).cookies;
  } catch {
    return null; // a session built without the cookies plugin: its member throws
  }
  if (!cookies) return null;
  if (cookies.jar && typeof cookies.jar.onChange === "function") {
    return cookies.jar.onChange(listener);
  }
  if (typeof cookies.on !== "function") return null;
  const viaEvent = (_event: unknown, cookie: CookieLike, cause: string, removed: boolean) =>
    listener(cookie, cause, removed);
  cookies.on("changed", viaEvent);
  return () => cookies.off?.("changed", viaEvent);
}
