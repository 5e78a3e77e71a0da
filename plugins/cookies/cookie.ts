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

/**
 * Bits of {@linkcode CookieRecord.flags}.
 *
 * @example
 * ```ts
 * F_HOST_ONLY; // 1
 * ```
 */
export const F_HOST_ONLY = 1;
/**
 * Secure.
 *
 * @example
 * ```ts
 * F_SECURE; // 2
 * ```
 */
export const F_SECURE = 2;
/**
 * HttpOnly.
 *
 * @example
 * ```ts
 * F_HTTP_ONLY; // 4
 * ```
 */
export const F_HTTP_ONLY = 4;
/**
 * Persistent (has an expiry).
 *
 * @example
 * ```ts
 * F_PERSISTENT; // 8
 * ```
 */
export const F_PERSISTENT = 8;
/**
 * SameSite lives in bits 4-5: 0 unspecified, 1 none, 2 lax, 3 strict.
 *
 * @example
 * ```ts
 * SAME_SITE_SHIFT; // 4
 * ```
 */
export const SAME_SITE_SHIFT = 4;
/**
 * Priority lives in bits 6-7: 0 low, 1 medium, 2 high.
 *
 * @example
 * ```ts
 * PRIORITY_SHIFT; // 6
 * ```
 */
export const PRIORITY_SHIFT = 6;

const SAME_SITE_NAMES: SameSiteValue[] = ["unspecified", "none", "lax", "strict"];
const ELECTRON_SAME_SITE: ElectronSameSite[] = ["unspecified", "no_restriction", "lax", "strict"];
const PRIORITY_NAMES: PriorityValue[] = ["low", "medium", "high"];

/**
 * Times of a {@linkcode CookieRecord} count seconds from 2020-01-01T00:00:00Z (small integers).
 *
 * @example
 * ```ts
 * COOKIE_EPOCH_S; // 1577836800
 * ```
 */
export const COOKIE_EPOCH_S = 1577836800;
/**
 * `expires` of a session cookie (the largest small integer).
 *
 * @example
 * ```ts
 * SESSION_EXPIRY; // 0x3fffffff
 * ```
 */
export const SESSION_EXPIRY = 0x3fffffff;
/**
 * `expires` of a cookie that is already expired (Max-Age zero or negative).
 *
 * @example
 * ```ts
 * EXPIRED; // -0x3fffffff
 * ```
 */
export const EXPIRED = -0x3fffffff;

/**
 * Seconds since the cookie epoch for a time in ms since the Unix epoch (rounded up, clamped).
 *
 * @example
 * ```ts
 * toCookieSeconds(Date.UTC(2020, 0, 1, 0, 0, 1)); // 1
 * ```
 */
export function toCookieSeconds(ms: number): number {
  const s = Math.ceil(ms / 1000) - COOKIE_EPOCH_S;
  return s >= SESSION_EXPIRY ? SESSION_EXPIRY - 1 : s <= EXPIRED ? EXPIRED : s;
}

/**
 * One stored cookie. Times are whole seconds since {@linkcode COOKIE_EPOCH_S} (small integers, so
 * that V8 keeps them inside the object); `seq` orders cookies by creation within a jar. Kept small
 * on purpose: a jar holds many thousands.
 *
 * @example
 * ```ts
 * const c = new CookieRecord("a", "1", "example.org", "/", SESSION_EXPIRY, 1, 0, F_HOST_ONLY, "");
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
  /** Expiry in cookie seconds ({@linkcode SESSION_EXPIRY} for a session cookie). */
  expires: number;
  /** Creation order within the jar (unique, increasing). */
  seq: number;
  /** Creation time in cookie seconds. */
  created: number;
  /** Last access time in cookie seconds. */
  lastAccess: number;
  /** Bit field: host-only, secure, httpOnly, persistent, SameSite, priority. */
  flags: number;
  /** Partition key (top-level site) of a partitioned cookie, `""` when unpartitioned. */
  partitionKey: string;

  /** Makes a record; `lastAccess` starts at `created`. */
  constructor(
    name: string,
    value: string,
    domain: string,
    path: string,
    expires: number,
    seq: number,
    created: number,
    flags: number,
    partitionKey: string,
  ) {
    this.name = name;
    this.value = value;
    this.domain = domain;
    this.path = path;
    this.expires = expires;
    this.seq = seq;
    this.created = created;
    this.lastAccess = created;
    this.flags = flags;
    this.partitionKey = partitionKey;
  }

  /** Expiry in ms since the Unix epoch (`Infinity` for a session cookie). */
  get expiresMs(): number {
    return this.expires === SESSION_EXPIRY ? Infinity : (this.expires + COOKIE_EPOCH_S) * 1000;
  }
  /** Creation time in ms since the Unix epoch. */
  get createdMs(): number {
    return (this.created + COOKIE_EPOCH_S) * 1000;
  }
  /** Last access time in ms since the Unix epoch. */
  get lastAccessMs(): number {
    return (this.lastAccess + COOKIE_EPOCH_S) * 1000;
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
    if (this.persistent) out.expirationDate = this.expires + COOKIE_EPOCH_S;
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
  const ss = sameSite === "lax" ? 2 : sameSite === "strict" ? 3 : sameSite === "none" ? 1 : 0;
  const pr = priority === "medium" ? 1 : priority === "high" ? 2 : 0;
  return (hostOnly ? F_HOST_ONLY : 0) | (secure ? F_SECURE : 0) | (httpOnly ? F_HTTP_ONLY : 0) |
    (persistent ? F_PERSISTENT : 0) | (ss << SAME_SITE_SHIFT) | (pr << PRIORITY_SHIFT);
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
