/**
 * A stored cookie (a compact record: strings, three numbers and a bit field) and its public shape,
 * Electron's `Cookie`.
 *
 * @module
 */
import type { PriorityValue, SameSiteValue } from "./parse_set_cookie.ts";

/** Electron's `sameSite` values. */
export type ElectronSameSite = "unspecified" | "no_restriction" | "lax" | "strict";

/** A cookie as Electron's `ses.cookies.get()` returns it. */
export interface Cookie {
  /** The name. */
  name: string;
  /** The value. */
  value: string;
  /** The domain; a leading dot marks a domain cookie. */
  domain: string;
  /** Whether the cookie is host-only (set without a Domain attribute). */
  hostOnly: boolean;
  /** The path. */
  path: string;
  /** Whether the cookie is Secure. */
  secure: boolean;
  /** Whether the cookie is HttpOnly. */
  httpOnly: boolean;
  /** Whether it is a session cookie (no expiry). */
  session: boolean;
  /** Expiry in seconds since the epoch (absent for session cookies). */
  expirationDate?: number;
  /** The SameSite policy. */
  sameSite: ElectronSameSite;
  /** The top-level site a partitioned (CHIPS) cookie is keyed by; absent when unpartitioned. */
  partitionKey?: string;
}

/** Bits of {@linkcode CookieRecord.flags}. */
export const F_HOST_ONLY = 1;
/** Secure. */
export const F_SECURE = 2;
/** HttpOnly. */
export const F_HTTP_ONLY = 4;
/** Persistent (has an expiry). */
export const F_PERSISTENT = 8;
/** SameSite lives in bits 4-5: 0 unspecified, 1 none, 2 lax, 3 strict. */
export const SAME_SITE_SHIFT = 4;
/** Priority lives in bits 6-7: 0 low, 1 medium, 2 high. */
export const PRIORITY_SHIFT = 6;

const SAME_SITE_CODES: Record<SameSiteValue, number> = {
  unspecified: 0,
  none: 1,
  lax: 2,
  strict: 3,
};
const SAME_SITE_NAMES: SameSiteValue[] = ["unspecified", "none", "lax", "strict"];
const ELECTRON_SAME_SITE: ElectronSameSite[] = ["unspecified", "no_restriction", "lax", "strict"];
const PRIORITY_CODES: Record<PriorityValue, number> = { low: 0, medium: 1, high: 2 };
const PRIORITY_NAMES: PriorityValue[] = ["low", "medium", "high"];

/**
 * One stored cookie. Times are milliseconds since the epoch; `expires` is `Infinity` for a session
 * cookie. Kept small on purpose: a jar holds many thousands.
 *
 * @example
 * ```ts
 * const c = new CookieRecord("a", "1", "example.org", "/", Infinity, Date.now(), F_HOST_ONLY, "");
 * c.hostOnly; // true
 * ```
 */
export class CookieRecord {
  /** The name. */
  name: string;
  /** The value. */
  value: string;
  /** The canonical domain, without a leading dot. */
  domain: string;
  /** The path. */
  path: string;
  /** Expiry, ms since the epoch (`Infinity`: session cookie). */
  expires: number;
  /** Creation time, ms (unique and increasing within a jar). */
  creation: number;
  /** Last access time, ms. */
  lastAccess: number;
  /** Bit field: host-only, secure, httpOnly, persistent, SameSite, priority. */
  flags: number;
  /** Partition key (top-level site) of a partitioned cookie, `""` when unpartitioned. */
  partitionKey: string;

  /** Makes a record; `lastAccess` starts at `creation`. */
  constructor(
    name: string,
    value: string,
    domain: string,
    path: string,
    expires: number,
    creation: number,
    flags: number,
    partitionKey: string,
  ) {
    this.name = name;
    this.value = value;
    this.domain = domain;
    this.path = path;
    this.expires = expires;
    this.creation = creation;
    this.lastAccess = creation;
    this.flags = flags;
    this.partitionKey = partitionKey;
  }

  /** Host-only (no Domain attribute). */
  get hostOnly(): boolean {
    return (this.flags & F_HOST_ONLY) !== 0;
  }
  /** Secure. */
  get secure(): boolean {
    return (this.flags & F_SECURE) !== 0;
  }
  /** HttpOnly. */
  get httpOnly(): boolean {
    return (this.flags & F_HTTP_ONLY) !== 0;
  }
  /** Persistent (not a session cookie). */
  get persistent(): boolean {
    return (this.flags & F_PERSISTENT) !== 0;
  }
  /** SameSite as parsed. */
  get sameSite(): SameSiteValue {
    return SAME_SITE_NAMES[(this.flags >> SAME_SITE_SHIFT) & 3];
  }
  /** Priority. */
  get priority(): PriorityValue {
    return PRIORITY_NAMES[(this.flags >> PRIORITY_SHIFT) & 3];
  }
  /** The identity Chromium uses for overwriting: name, domain (dot for domain cookies), path, partition. */
  get key(): string {
    return `${this.partitionKey}\t${
      this.hostOnly ? "" : "."
    }${this.domain}\t${this.path}\t${this.name}`;
  }

  /** Electron's view of this cookie. */
  toJSON(): Cookie {
    const out: Cookie = {
      name: this.name,
      value: this.value,
      domain: this.hostOnly ? this.domain : `.${this.domain}`,
      hostOnly: this.hostOnly,
      path: this.path,
      secure: this.secure,
      httpOnly: this.httpOnly,
      session: !this.persistent,
      sameSite: ELECTRON_SAME_SITE[(this.flags >> SAME_SITE_SHIFT) & 3],
    };
    if (this.persistent) out.expirationDate = this.expires / 1000;
    if (this.partitionKey) out.partitionKey = this.partitionKey;
    return out;
  }
}

/**
 * Packs the flag bits of a cookie.
 *
 * @example
 * ```ts
 * const flags = packFlags(true, true, false, false, "lax", "medium");
 * ```
 */
export function packFlags(
  hostOnly: boolean,
  secure: boolean,
  httpOnly: boolean,
  persistent: boolean,
  sameSite: SameSiteValue,
  priority: PriorityValue,
): number {
  return (hostOnly ? F_HOST_ONLY : 0) | (secure ? F_SECURE : 0) | (httpOnly ? F_HTTP_ONLY : 0) |
    (persistent ? F_PERSISTENT : 0) | (SAME_SITE_CODES[sameSite] << SAME_SITE_SHIFT) |
    (PRIORITY_CODES[priority] << PRIORITY_SHIFT);
}

/**
 * Converts Electron's `sameSite` name to the parsed form.
 *
 * @example
 * ```ts
 * fromElectronSameSite("no_restriction"); // "none"
 * ```
 */
export function fromElectronSameSite(v: ElectronSameSite): SameSiteValue {
  return v === "no_restriction" ? "none" : v;
}
