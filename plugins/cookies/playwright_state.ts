/**
 * Cookies in Playwright's `storageState` shape, to move a session's cookies to and from
 * Playwright (and to keep session cookies across restarts, which Electron cannot).
 *
 * @module
 */
import {
  COOKIE_EPOCH_S,
  CookieRecord,
  packFlags,
  SESSION_EXPIRY,
  toCookieSeconds,
} from "./cookie.ts";
import { canonicalHost } from "./domain_match.ts";
import { MAX_NAME_VALUE_BYTES, utf8Length } from "./parse_set_cookie.ts";
import { MAX_EXPIRY_MS } from "./jar.ts";

/** One cookie as Playwright's `storageState` holds it. */
export interface PlaywrightCookie {
  /** Name. */
  name: string;
  /** Value. */
  value: string;
  /** Domain; a leading dot marks a domain cookie, none a host-only one. */
  domain: string;
  /** Path. */
  path: string;
  /** Expiry in seconds since the epoch; -1 for a session cookie. */
  expires: number;
  /** HttpOnly. */
  httpOnly: boolean;
  /** Secure. */
  secure: boolean;
  /** SameSite (`Lax` also for cookies that did not say). */
  sameSite: "Strict" | "Lax" | "None";
  /** The top-level site of a partitioned cookie. */
  partitionKey?: string;
}

/** Playwright's `storageState`: cookies plus per-origin storage (left empty here). */
export interface StorageState {
  /** The cookies. */
  cookies: PlaywrightCookie[];
  /** Per-origin local storage (not part of the cookie jar; always empty on export). */
  origins: Array<{ origin: string; localStorage: Array<{ name: string; value: string }> }>;
}

const SAME_SITE_OUT = ["Lax", "None", "Lax", "Strict"] as const;

/**
 * The Playwright form of a stored cookie.
 *
 * @example
 * ```ts
 * import { CookieRecord, F_HOST_ONLY, SESSION_EXPIRY } from "./cookie.ts";
 * toPlaywrightCookie(new CookieRecord("a", "1", "x.org", "/", SESSION_EXPIRY, 1, 0, F_HOST_ONLY, "")).expires; // -1
 * ```
 */
export function toPlaywrightCookie(c: CookieRecord): PlaywrightCookie {
  const out: PlaywrightCookie = {
    name: c.name,
    value: c.value,
    domain: c.hostOnly ? c.domain : `.${c.domain}`,
    path: c.path,
    expires: c.expires === SESSION_EXPIRY ? -1 : c.expires + COOKIE_EPOCH_S,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: SAME_SITE_OUT[(c.flags >> 4) & 3],
  };
  if (c.partitionKey) out.partitionKey = c.partitionKey;
  return out;
}

function fail(index: number, what: string): never {
  throw new TypeError(`cookies.import: cookies[${index}] ${what}`);
}

/**
 * The stored form of a Playwright cookie; throws a TypeError naming the cookie and the field
 * that is wrong. Returns null for a cookie that has already expired.
 *
 * @example
 * ```ts
 * fromPlaywrightCookie({ name: "a", value: "1", domain: ".example.org", path: "/", expires: -1,
 *   httpOnly: false, secure: true, sameSite: "Lax" }, 0, Date.now())?.hostOnly; // false
 * ```
 */
export function fromPlaywrightCookie(
  c: PlaywrightCookie,
  index: number,
  nowMs: number,
): CookieRecord | null {
  if (c === null || typeof c !== "object") fail(index, "is not an object");
  if (typeof c.name !== "string") fail(index, "name must be a string");
  if (typeof c.value !== "string") fail(index, "value must be a string");
  if (c.name === "" && c.value === "") fail(index, "has neither name nor value");
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f;]/.test(c.name + c.value) || c.name.includes("=")) {
    fail(index, "has a name or value with a control character, ';' or '=' in the name");
  }
  if (utf8Length(c.name) + utf8Length(c.value) > MAX_NAME_VALUE_BYTES) {
    fail(index, "has a name and value longer than 4096 bytes");
  }
  if (typeof c.domain !== "string" || c.domain.length === 0) fail(index, "domain is missing");
  const hostOnly = !c.domain.startsWith(".");
  const domain = canonicalHost((hostOnly ? c.domain : c.domain.slice(1)).toLowerCase());
  if (domain === null) fail(index, `domain ${c.domain} is not a valid host`);
  const path = c.path ?? "/";
  if (typeof path !== "string" || !path.startsWith("/")) fail(index, "path must start with /");
  if (typeof c.expires !== "number" || Number.isNaN(c.expires)) {
    fail(index, "expires must be a number (seconds since the epoch, -1 for a session cookie)");
  }
  const sameSite = c.sameSite ?? "Lax";
  if (sameSite !== "Strict" && sameSite !== "Lax" && sameSite !== "None") {
    fail(index, `sameSite must be Strict, Lax or None, got ${String(sameSite)}`);
  }
  if (sameSite === "None" && !c.secure) fail(index, "has SameSite=None without Secure");
  if (c.partitionKey !== undefined && typeof c.partitionKey !== "string") {
    fail(index, "partitionKey must be a string");
  }
  if (c.partitionKey && !c.secure) fail(index, "is partitioned without Secure");
  const session = c.expires === -1;
  let expires = SESSION_EXPIRY;
  if (!session) {
    if (c.expires * 1000 <= nowMs) return null;
    expires = toCookieSeconds(Math.min(c.expires * 1000, nowMs + MAX_EXPIRY_MS));
  }
  const now = Math.floor(nowMs / 1000) - COOKIE_EPOCH_S;
  const flags = packFlags(
    hostOnly,
    c.secure === true,
    c.httpOnly === true,
    !session,
    sameSite === "Strict" ? "strict" : sameSite === "None" ? "none" : "lax",
    "medium",
  );
  return new CookieRecord(
    c.name,
    c.value,
    domain,
    path,
    expires,
    0,
    now,
    flags,
    c.partitionKey ?? "",
  );
}
