/**
 * Chrome's extension match patterns (`<all_urls>`, `*://*.example.com/foo*bar`, ports, IPv6,
 * `file:`), parsed and matched as Chromium's `URLPattern` does, with its set operations
 * (contains, overlaps, intersection). Shared by the web-request, proxy and extension plugins.
 *
 * @module
 */
// The public suffix list loads on first use (plugins/cookies/public_suffix.ts); only
// matchesEffectiveTld needs it.
import { publicSuffixList } from "../cookies/public_suffix.ts";
import {
  canonicalizeHost,
  isIpHost,
  isStandardScheme,
  type PatternUrl,
  urlParts,
} from "./_url_parts.ts";
import {
  allows,
  compileGlob,
  hostForMatching,
  type MatchPatternError,
  MESSAGES,
  parseFields,
  type ValidSchemes,
} from "./_match_pattern_parse.ts";

export type { MatchPatternError, ValidSchemes } from "./_match_pattern_parse.ts";

export { type PatternUrl, urlParts } from "./_url_parts.ts";

/**
 * The schemes `<all_urls>` stands for by default, in Chromium's order.
 *
 * @example
 * ```ts
 * VALID_SCHEMES.includes("chrome-extension"); // true
 * ```
 */
export const VALID_SCHEMES: readonly string[] = [
  "http",
  "https",
  "file",
  "ftp",
  "chrome",
  "chrome-extension",
  "filesystem",
  "ws",
  "wss",
  "data",
  "uuid-in-package",
];

/**
 * One Chrome match pattern. Invalid patterns throw a TypeError naming the pattern; use
 * {@linkcode MatchPattern.parse} to get the reason as a value instead.
 *
 * @example
 * ```ts
 * const p = new MatchPattern("*://*.example.com/foo*bar");
 * p.matches("https://www.example.com/foo/bar"); // true
 * ```
 */
export class MatchPattern {
  /** The scheme, `*` for http and https; `*` also for `<all_urls>`. */
  readonly scheme: string;
  /** The canonical host without the `*.` prefix; `""` for any host. */
  readonly host: string;
  /** The port, `*` for any. */
  readonly port: string;
  /** The path glob, as written. */
  readonly path: string;
  /** Whether the host had a `*.` prefix (or was `*`). */
  readonly matchSubdomains: boolean;
  /** Whether this is `<all_urls>`. */
  readonly matchAllUrls: boolean;
  readonly #schemes: ReadonlySet<string> | "all";
  readonly #glob: (text: string) => boolean;

  /**
   * Parses a pattern; throws a TypeError naming it when it is invalid.
   *
   * @example
   * ```ts
   * new MatchPattern("<all_urls>");
   * ```
   */
  constructor(pattern: string, validSchemes: ValidSchemes = VALID_SCHEMES) {
    const f = parseFields(pattern, validSchemes);
    if (typeof f === "string") {
      throw new TypeError(`Invalid match pattern "${pattern}": ${MESSAGES[f]}`);
    }
    this.scheme = f.scheme;
    this.host = f.host;
    this.port = f.port;
    this.path = f.path;
    this.matchSubdomains = f.matchSubdomains;
    this.matchAllUrls = f.matchAllUrls;
    this.#schemes = f.schemes;
    this.#glob = compileGlob(f.path);
  }

  /**
   * Parses a pattern, returning the reason instead of throwing when it is invalid.
   *
   * @example
   * ```ts
   * MatchPattern.parse("http://*foo/"); // "invalid-host-wildcard"
   * ```
   */
  static parse(
    pattern: string,
    validSchemes: ValidSchemes = VALID_SCHEMES,
  ): MatchPattern | MatchPatternError {
    const f = parseFields(pattern, validSchemes);
    return typeof f === "string" ? f : new MatchPattern(pattern, validSchemes);
  }

  /**
   * Whether the scheme is one this pattern may match.
   *
   * @example
   * ```ts
   * new MatchPattern("*://*\/*").matchesScheme("https"); // true
   * ```
   */
  matchesScheme(scheme: string): boolean {
    if (!allows(this.#schemes, scheme)) return false;
    return this.scheme === "*" || this.scheme === scheme;
  }

  /**
   * Whether the pattern matches a URL (string, URL, or parts from {@linkcode urlParts}).
   *
   * @example
   * ```ts
   * new MatchPattern("http://127.0.0.1/*").matches("http://127.0.0.1"); // true
   * ```
   */
  matches(url: string | URL | PatternUrl): boolean {
    const u = typeof url === "string" || url instanceof URL ? urlParts(url) : url;
    if (u === null || !this.matchesScheme(u.scheme)) return false;
    if (this.matchAllUrls) return true;
    if (!u.hasPath) return false;
    if (this.scheme !== "file" && !this.#matchesHost(u.host, u.isIp)) return false;
    if (this.port !== "*" && this.port !== u.port) return false;
    return this.matchesPath(u.path);
  }

  #matchesHost(testHost: string, isIp: boolean): boolean {
    const test = hostForMatching(testHost);
    const own = hostForMatching(this.host);
    if (test === own) return true;
    if (!this.matchSubdomains) return false;
    if (own === "") return true;
    if (isIp) return false;
    if (test.length <= own.length + 1 || !test.endsWith(own)) return false;
    return test[test.length - own.length - 1] === ".";
  }

  /**
   * Whether the pattern's host part matches a host name (canonicalised first).
   *
   * @example
   * ```ts
   * new MatchPattern("*://*.example.com/*").matchesHost("a.example.com"); // true
   * ```
   */
  matchesHost(host: string): boolean {
    const canonical = host === "" ? "" : canonicalizeHost(host);
    if (canonical === null) return false;
    return this.#matchesHost(canonical, canonical !== "" && isIpHost(canonical));
  }

  /**
   * Whether the pattern's path glob matches a path (`test + "/*"` equal to the glob counts).
   *
   * @example
   * ```ts
   * new MatchPattern("http://a.com/x/*").matchesPath("/x"); // true
   * ```
   */
  matchesPath(path: string): boolean {
    const p = this.path;
    if (
      path.length + 2 === p.length && p.endsWith("/*") && p.startsWith(path)
    ) return true;
    return this.#glob(path);
  }

  /**
   * Whether the pattern's port part matches a port (`*` only matches `*`-ported patterns).
   *
   * @example
   * ```ts
   * new MatchPattern("http://a.com:80/").matchesPort("80"); // true
   * ```
   */
  matchesPort(port: string): boolean {
    return this.port === "*" || this.port === port;
  }

  /** The schemes this pattern may match (`"all"` for any). */
  get validSchemes(): ValidSchemes {
    return this.#schemes === "all" ? "all" : [...this.#schemes];
  }

  /**
   * The explicit schemes the pattern matches, in Chromium's order.
   *
   * @example
   * ```ts
   * new MatchPattern("*://a.com/").explicitSchemes(); // ["http", "https"]
   * ```
   */
  explicitSchemes(): string[] {
    if (this.scheme !== "*" && !this.matchAllUrls && allows(this.#schemes, this.scheme)) {
      return [this.scheme];
    }
    return VALID_SCHEMES.filter((s) => this.matchesScheme(s));
  }

  /**
   * The pattern written back in canonical form.
   *
   * @example
   * ```ts
   * new MatchPattern("*://*.gOoGle.com/*").toString(); // "*://*.google.com/*"
   * ```
   */
  toString(): string {
    if (this.matchAllUrls) return "<all_urls>";
    const standard = isStandardScheme(this.scheme);
    let spec = this.scheme + (standard ? "://" : ":");
    if (standard && this.scheme !== "file") {
      if (this.matchSubdomains) spec += this.host === "" ? "*" : "*.";
      spec += this.host;
      if (this.port !== "*") spec += `:${this.port}`;
    }
    return spec + this.path;
  }

  /** JSON form: the canonical string. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * Whether two patterns are written the same (schemes sets aside).
   *
   * @example
   * ```ts
   * new MatchPattern("http://a.com/*").equals(new MatchPattern("http://A.com/*")); // true
   * ```
   */
  equals(other: MatchPattern): boolean {
    return this.toString() === other.toString();
  }

  /**
   * Whether every URL `other` matches is matched by this pattern.
   *
   * @example
   * ```ts
   * new MatchPattern("<all_urls>").contains(new MatchPattern("http://a.com/*")); // true
   * ```
   */
  contains(other: MatchPattern): boolean {
    if (this.matchAllUrls && subset(other.#schemes, this.#schemes)) return true;
    return other.explicitSchemes().every((s) => this.matchesScheme(s)) &&
      this.matchesHost(other.host) &&
      (!other.matchSubdomains || this.matchSubdomains) &&
      this.matchesPort(other.port) &&
      this.matchesPath(stripTrailingWildcard(other.path));
  }

  /**
   * Whether some URL is matched by both patterns.
   *
   * @example
   * ```ts
   * new MatchPattern("http://*\/*").overlapsWith(new MatchPattern("https://*\/*")); // false
   * ```
   */
  overlapsWith(other: MatchPattern): boolean {
    if (this.matchAllUrls || other.matchAllUrls) return true;
    return (other.explicitSchemes().some((s) => this.matchesScheme(s)) ||
      this.explicitSchemes().some((s) => other.matchesScheme(s))) &&
      (this.matchesHost(other.host) || other.matchesHost(this.host)) &&
      (this.matchesPort(other.port) || other.matchesPort(this.port)) &&
      (this.matchesPath(stripTrailingWildcard(other.path)) ||
        other.matchesPath(stripTrailingWildcard(this.path)));
  }

  /**
   * The pattern matching exactly the URLs both match, when it can be written; else null.
   *
   * @example
   * ```ts
   * new MatchPattern("*://a.com/*").intersect(new MatchPattern("https://*\/*"))?.toString();
   * // "https://a.com/*"
   * ```
   */
  intersect(other: MatchPattern): MatchPattern | null {
    const schemes = intersectSchemes(this.#schemes, other.#schemes);
    if (schemes !== "all" && schemes.length === 0) return null;
    if (this.equals(other) || other.matchAllUrls) return new MatchPattern(String(this), schemes);
    if (this.matchAllUrls) return new MatchPattern(String(other), schemes);
    const pick = (
      own: string,
      theirs: string,
      test: (p: MatchPattern, v: string) => boolean,
    ): string | null => test(this, theirs) ? theirs : test(other, own) ? own : null;
    const scheme = pick(this.scheme, other.scheme, (p, v) => p.matchesScheme(v));
    const host = pick(this.host, other.host, (p, v) => p.matchesHost(v));
    const port = pick(this.port, other.port, (p, v) => p.matchesPort(v));
    const path = pick(this.path, other.path, (p, v) => p.matchesPath(v));
    if (scheme === null || host === null || port === null || path === null) return null;
    const sub = this.matchSubdomains && other.matchSubdomains ? (host === "" ? "*" : "*.") : "";
    const sep = isStandardScheme(scheme) ? "://" : ":";
    const result = MatchPattern.parse(`${scheme}${sep}${sub}${host}:${port}${path}`, schemes);
    return typeof result === "string" ? null : result;
  }

  /**
   * The same pattern once per explicit scheme (`<all_urls>` becomes `http://*\/*`, ...).
   *
   * @example
   * ```ts
   * new MatchPattern("*://a.com/").toExplicitSchemes().map(String);
   * // ["http://a.com/", "https://a.com/"]
   * ```
   */
  toExplicitSchemes(): MatchPattern[] {
    return this.explicitSchemes().map((scheme) => {
      const standard = isStandardScheme(scheme);
      let spec = scheme + (standard ? "://" : ":");
      if (standard && scheme !== "file") {
        if (this.matchSubdomains) spec += this.host === "" ? "*" : "*.";
        spec += this.host;
        if (this.port !== "*") spec += `:${this.port}`;
      }
      return new MatchPattern(spec + this.path, this.validSchemes);
    });
  }

  /**
   * Whether the pattern matches every host under a public suffix (`*://*.com/*`, `http://*\/*`).
   * `private` also counts private registries (appspot.com); `unknown` counts unknown TLDs.
   *
   * @example
   * ```ts
   * new MatchPattern("*://*.co.uk/*").matchesEffectiveTld(); // true
   * ```
   */
  matchesEffectiveTld(options: { private?: boolean; unknown?: boolean } = {}): boolean {
    if (this.matchAllUrls || (this.matchSubdomains && this.host === "")) return true;
    if (!this.matchSubdomains) return false;
    if (hasRegistrableDomain(this.host, options)) return false;
    return hasRegistrableDomain(`foo.${this.host}`, options);
  }

  /**
   * Whether the pattern matches a single origin (one scheme, one host, no subdomains).
   *
   * @example
   * ```ts
   * new MatchPattern("https://example.com/*").matchesSingleOrigin(); // true
   * ```
   */
  matchesSingleOrigin(): boolean {
    return !this.matchesEffectiveTld() && this.scheme !== "*" && !this.matchSubdomains;
  }
}

function hasRegistrableDomain(host: string, o: { private?: boolean; unknown?: boolean }): boolean {
  const r = publicSuffixList().parse(host, {
    allowPrivateDomains: o.private === true,
    extractHostname: false,
  });
  if (!r.domain) return false;
  if (r.isIcann) return true;
  if (r.isPrivate) return o.private === true;
  // tldts treats an unknown TLD as a one-label suffix; Chromium counts it only when asked to.
  return o.unknown === true;
}

function subset(a: ReadonlySet<string> | "all", b: ReadonlySet<string> | "all"): boolean {
  if (b === "all") return true;
  if (a === "all") return false;
  for (const s of a) if (!b.has(s)) return false;
  return true;
}

function intersectSchemes(
  a: ReadonlySet<string> | "all",
  b: ReadonlySet<string> | "all",
): ValidSchemes {
  if (a === "all") return b === "all" ? "all" : [...b];
  if (b === "all") return [...a];
  return [...a].filter((s) => b.has(s));
}

function stripTrailingWildcard(path: string): string {
  return path.endsWith("*") ? path.slice(0, -1) : path;
}
