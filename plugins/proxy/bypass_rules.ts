/**
 * Chromium's proxy bypass rules (`proxyBypassRules`): hostname patterns with `*`, optional scheme
 * and port, `.suffix`, IP literals, IPv6 in brackets, CIDR ranges, `<local>` and `<-loopback>`,
 * plus the implicit rules (localhost, loopback and link-local addresses are never proxied unless
 * `<-loopback>` is given).
 *
 * @module
 */

import {
  formatIP,
  type IPAddress,
  type IPBlock,
  ipInBlock,
  isIPv4Mapped,
  parseCIDR,
  parseIP,
} from "./ip.ts";
import { type ProxyTarget, proxyTarget, type UrlParts } from "./url_parts.ts";
import { splitHostPort } from "../../kernel/network/host_port.ts";

const INCLUDE = 1;
const EXCLUDE = 2;
const NO_MATCH = 0;

/** One parsed bypass rule. */
export interface BypassRule {
  /** The rule in Chromium's canonical spelling, e.g. `*.google.com:80`. */
  toString(): string;
  /** 1 include, 2 exclude, 0 no match. */
  evaluate(url: ProxyTarget): number;
}

function globToMatcher(pattern: string): (host: string) => boolean {
  if (pattern === "*") return () => true;
  if (!/[*?]/.test(pattern)) return (host) => host === pattern;
  if (pattern.startsWith("*") && !/[*?]/.test(pattern.slice(1))) {
    const suffix = pattern.slice(1);
    return (host) => host.endsWith(suffix);
  }
  const glob = pattern.replace(/\*+/g, "*");
  return (host) => globMatches(glob, host);
}

/**
 * `*` (any run) and `?` (any one character) matching in O(pattern × text) steps at worst, as
 * Chromium's `MatchPattern`: a backtracking regex (`.*.*.*…`) takes exponential time on a
 * pattern of many stars that does not match.
 */
function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === "*") {
      star = p++;
      resume = t;
    } else if (p < pattern.length && (c === "?" || c === text[t])) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

class HostRule implements BypassRule {
  #scheme: string;
  #pattern: string;
  #port: number;
  #match: (host: string) => boolean;
  constructor(scheme: string, pattern: string, port: number) {
    this.#scheme = scheme;
    this.#pattern = pattern;
    this.#port = port;
    this.#match = globToMatcher(pattern);
  }
  /** The host pattern (lower case). */
  get pattern(): string {
    return this.#pattern;
  }
  /** Whether scheme and port allow the URL (the host is checked elsewhere). */
  admits(url: ProxyTarget): boolean {
    return (this.#port === -1 || url.port === this.#port) &&
      (this.#scheme === "" || url.scheme === this.#scheme);
  }
  evaluate(url: ProxyTarget): number {
    if (this.#port !== -1 && url.port !== this.#port) return NO_MATCH;
    if (this.#scheme !== "" && url.scheme !== this.#scheme) return NO_MATCH;
    return this.#match(url.host) ? INCLUDE : NO_MATCH;
  }
  toString(): string {
    const scheme = this.#scheme ? `${this.#scheme}://` : "";
    return `${scheme}${this.#pattern}${this.#port !== -1 ? `:${this.#port}` : ""}`;
  }
}

class CidrRule implements BypassRule {
  #scheme: string;
  #raw: string;
  #block: IPBlock;
  constructor(scheme: string, raw: string, block: IPBlock) {
    this.#scheme = scheme;
    this.#raw = raw;
    this.#block = block;
  }
  evaluate(url: ProxyTarget): number {
    if (this.#scheme !== "" && url.scheme !== this.#scheme) return NO_MATCH;
    return url.ip && ipInBlock(url.ip, this.#block) ? INCLUDE : NO_MATCH;
  }
  toString(): string {
    return this.#scheme ? `${this.#scheme}://${this.#raw}` : this.#raw;
  }
}

const SIMPLE_HOSTNAMES: BypassRule = {
  evaluate: (url) => (url.ip === null && !url.host.includes(".") ? INCLUDE : NO_MATCH),
  toString: () => "<local>",
};

const SUBTRACT_IMPLICIT: BypassRule = {
  evaluate: (url) => (matchesImplicitRules(url) ? EXCLUDE : NO_MATCH),
  toString: () => "<-loopback>",
};

function isLoopbackOrLinkLocal(ip: IPAddress): boolean {
  const range = (isIPv4Mapped(ip) ? ip.toIPv4Address() : ip).range();
  return range === "loopback" || range === "linkLocal";
}

/**
 * Chromium's implicit bypass: `localhost`, `*.localhost` (with or without a final dot),
 * loopback (127/8, ::1) and link-local (169.254/16, fe80::/10) addresses, also IPv4-mapped.
 *
 * @example
 * ```ts
 * matchesImplicitRules(proxyTarget("http://foo.localhost")!); // true
 * ```
 */
export function matchesImplicitRules(url: ProxyTarget): boolean {
  if (url.ip) return isLoopbackOrLinkLocal(url.ip);
  const h = url.host.endsWith(".") ? url.host.slice(0, -1) : url.host;
  return h === "localhost" || h.endsWith(".localhost");
}

/**
 * Parses one rule as Chromium does; returns null when it is invalid.
 *
 * @example
 * ```ts
 * parseBypassRule(".gOOgle.com")?.toString(); // "*.google.com"
 * ```
 */
export function parseBypassRule(text: string): BypassRule | null {
  let raw = text.trim();
  if (raw === "") return null;
  const lower = raw.toLowerCase();
  if (lower === "<local>") return SIMPLE_HOSTNAMES;
  if (lower === "<-loopback>") return SUBTRACT_IMPLICIT;
  let scheme = "";
  const sep = raw.indexOf("://");
  if (sep >= 0) {
    scheme = raw.slice(0, sep).toLowerCase();
    raw = raw.slice(sep + 3);
    if (scheme === "" || raw === "") return null;
  }
  if (raw.startsWith(".")) raw = `*${raw}`;
  if (raw.includes("/")) {
    const block = parseCIDR(raw);
    return block ? new CidrRule(scheme, raw, block) : null;
  }
  // An IP literal or a host pattern, maybe with a port.
  const split = splitHostPort(raw);
  if (!split || split.host === "") return null;
  const { host: hostPart, port } = split;
  const ip = parseIP(hostPart, true);
  if (ip) {
    const host = ip.kind() === "ipv6" ? `[${formatIP(ip)}]` : formatIP(ip);
    return new HostRule(scheme, host, port);
  }
  if (hostPart.startsWith("[")) return null;
  return new HostRule(scheme, hostPart.toLowerCase(), port);
}

/**
 * Include-only rules between two `<-loopback>`s, indexed: exact hosts and `*.suffix` patterns
 * by a hash of their text read from the end (so one backwards pass over a host yields the hash
 * of every `.suffix` of it without allocating), CIDR rules for IP literals, the rest (globs,
 * `<local>`) in a list. Any match includes.
 */
class RuleSegment {
  exact = new Map<number, HostRule[]>();
  suffix = new Map<number, { text: string; rules: HostRule[] }>();
  rest: BypassRule[] = [];
  /** CIDR rules: only IP literals can match them. */
  ip: BypassRule[] = [];

  add(rule: BypassRule): void {
    if (rule instanceof HostRule) {
      const p = rule.pattern;
      const wild = /[*?]/;
      if (!wild.test(p)) {
        const h = tailHash(p, 0);
        const list = this.exact.get(h);
        if (list) list.push(rule);
        else this.exact.set(h, [rule]);
        return;
      }
      if (p.startsWith("*.") && !wild.test(p.slice(1))) {
        const text = p.slice(1);
        const h = tailHash(text, 0);
        const entry = this.suffix.get(h);
        if (entry && entry.text === text) entry.rules.push(rule);
        else if (!entry) this.suffix.set(h, { text, rules: [rule] });
        else this.rest.push(rule); // a hash collision between two suffixes: keep it simple
        return;
      }
    }
    if (rule instanceof CidrRule) this.ip.push(rule);
    else this.rest.push(rule);
  }

  matches(url: ProxyTarget): boolean {
    const host = url.host;
    if (url.ip !== null) {
      for (let i = 0; i < this.ip.length; i++) {
        if (this.ip[i].evaluate(url) === INCLUDE) return true;
      }
    }
    if (this.exact.size || this.suffix.size) {
      let h = 0;
      for (let i = host.length - 1; i >= 0; i--) {
        const c = host.charCodeAt(i);
        h = (Math.imul(h, 31) + c) | 0;
        if (c === 46 && this.suffix.size) {
          const entry = this.suffix.get(h);
          if (
            entry !== undefined && host.endsWith(entry.text) &&
            entry.rules.some((r) => r.admits(url))
          ) return true;
        }
      }
      if (this.exact.size) {
        const list = this.exact.get(h);
        if (list !== undefined) {
          for (const r of list) if (r.pattern === host && r.admits(url)) return true;
        }
      }
    }
    for (let i = this.rest.length - 1; i >= 0; i--) {
      if (this.rest[i].evaluate(url) === INCLUDE) return true;
    }
    return false;
  }
}

/** A hash of `text[from..]` read from its last character backwards. */
function tailHash(text: string, from: number): number {
  let h = 0;
  for (let i = text.length - 1; i >= from; i--) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * A list of bypass rules, matched as Chromium does: the last rule that matches decides (a
 * `<-loopback>` excludes what the implicit rules would bypass), then the implicit rules.
 *
 * @example
 * ```ts
 * const rules = ProxyBypassRules.parse("*.example.com, <local>");
 * rules.matches("http://www.example.com/"); // true
 * rules.matches("http://127.0.0.1/"); // true (implicit)
 * ```
 */
export class ProxyBypassRules {
  #rules: BypassRule[];
  /** Segments (last first) alternating with the `<-loopback>` rule that precedes each. */
  #compiled: (RuleSegment | BypassRule)[] | null = null;

  /** Makes a list from parsed rules. */
  constructor(rules: BypassRule[] = []) {
    this.#rules = rules;
  }

  /**
   * Parses a list separated by `,` or `;`; invalid rules are skipped, as Chromium does.
   *
   * @example
   * ```ts
   * ProxyBypassRules.parse("foo.com;<local>").rules.length; // 2
   * ```
   */
  static parse(text: string): ProxyBypassRules {
    const rules: BypassRule[] = [];
    for (const part of text.split(/[,;]/)) {
      const rule = parseBypassRule(part);
      if (rule) rules.push(rule);
    }
    return new ProxyBypassRules(rules);
  }

  /** The parsed rules, in order. */
  get rules(): readonly BypassRule[] {
    return this.#rules;
  }

  /**
   * Adds one rule; returns false (and adds nothing) when it is invalid.
   *
   * @example
   * ```ts
   * new ProxyBypassRules().addRule("*.com:+443"); // false
   * ```
   */
  addRule(text: string): boolean {
    const rule = parseBypassRule(text);
    if (rule) this.#rules.push(rule);
    this.#compiled = null;
    return rule !== null;
  }

  /**
   * Whether the URL bypasses the proxy. With `reverse`, the rules list what is proxied instead.
   *
   * @example
   * ```ts
   * ProxyBypassRules.parse("<-loopback>").matches("http://localhost/"); // false
   * ```
   */
  matches(url: string | URL | UrlParts, reverse = false): boolean {
    const parts = proxyTarget(url);
    if (!parts) return false;
    const compiled = this.#compiled ?? this.#compile();
    for (const part of compiled) {
      if (part instanceof RuleSegment) {
        if (part.matches(parts)) return !reverse;
      } else if (part.evaluate(parts) === EXCLUDE) return reverse;
    }
    if (matchesImplicitRules(parts)) return true;
    return reverse;
  }

  #compile(): (RuleSegment | BypassRule)[] {
    // The last matching rule decides; only `<-loopback>` excludes, so the include rules between
    // two of them can be checked as a set.
    const out: (RuleSegment | BypassRule)[] = [];
    let segment = new RuleSegment();
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      const rule = this.#rules[i];
      if (rule === SUBTRACT_IMPLICIT) {
        out.push(segment, rule);
        segment = new RuleSegment();
      } else segment.add(rule);
    }
    out.push(segment);
    this.#compiled = out;
    return out;
  }

  /**
   * Chromium's `ToString`: each rule followed by `;`.
   *
   * @example
   * ```ts
   * ProxyBypassRules.parse("<-loopback>").toString(); // "<-loopback>;"
   * ```
   */
  toString(): string {
    return this.#rules.map((r) => `${r};`).join("");
  }

  /**
   * Whether two lists hold the same rules.
   *
   * @example
   * ```ts
   * ProxyBypassRules.parse("a").equals(ProxyBypassRules.parse("A")); // true
   * ```
   */
  equals(other: ProxyBypassRules): boolean {
    return this.toString() === other.toString();
  }
}
