/**
 * Chromium's manual proxy rules (`proxyRules`): `[<scheme>"="]<proxy list>` separated by `;`,
 * per-scheme lists for http, https and ftp, `socks=` as the fallback, and how a URL picks its
 * list (WebSockets prefer SOCKS, then the https list, then the http list).
 *
 * @module
 */

import { ProxyBypassRules } from "./bypass_rules.ts";
import {
  DIRECT,
  parseProxyUriToChain,
  type ProxyChain,
  type ProxyParseOptions,
  type ProxyScheme,
} from "./proxy_server.ts";
import { proxyTarget, type UrlParts } from "./url_parts.ts";

// Shared (and frozen) so that callers can cache per list.
const DIRECT_ONLY: ProxyChain[] = Object.freeze([DIRECT]) as unknown as ProxyChain[];

/** Which kind of rules were parsed. */
export type ProxyRulesType = "EMPTY" | "PROXY_LIST" | "PROXY_LIST_PER_SCHEME";

/** Options of {@link ProxyRules.parse}. */
export interface ProxyRulesParseOptions extends ProxyParseOptions {
  /** Accept `[uri uri]` multi-proxy chains (Chromium: debug builds only). */
  allowBracketedProxyChains?: boolean;
}

/** The proxies a URL was given, and whether the bypass rules sent it DIRECT. */
export interface ProxyRulesResult {
  /** The chains to try, in order ([] for DIRECT... see `isDirect`). */
  list: ProxyChain[];
  /** Whether a bypass rule matched. */
  didBypassProxy: boolean;
}

function parseChain(
  text: string,
  defaultScheme: ProxyScheme,
  options: ProxyRulesParseOptions,
): ProxyChain | null {
  const t = text.trim();
  if (t.startsWith("[") && t.endsWith("]")) {
    if (!options.allowBracketedProxyChains) return null;
    const parts = t.slice(1, -1).trim().split(/[ \t]+/).filter(Boolean);
    if (parts.length === 0) return null;
    const chain = [];
    for (const p of parts) {
      const c = parseProxyUriToChain(p, defaultScheme, options);
      if (!c || c.length !== 1) return null;
      chain.push(c[0]);
    }
    return chain;
  }
  return parseProxyUriToChain(t, defaultScheme, options);
}

function addList(
  target: ProxyChain[],
  text: string,
  defaultScheme: ProxyScheme,
  options: ProxyRulesParseOptions,
): void {
  for (const item of text.split(",")) {
    if (item.trim() === "") continue;
    const chain = parseChain(item, defaultScheme, options);
    if (chain) target.push(chain);
  }
}

/**
 * Parsed proxy rules plus bypass rules; `apply(url)` gives the list a URL uses.
 *
 * @example
 * ```ts
 * const rules = ProxyRules.parse("http=a:8080;socks=socks5://b");
 * rules.apply("http://example.com/").list; // [[{ scheme: "http", host: "a", port: 8080 }]]
 * ```
 */
export class ProxyRules {
  /** The kind of rules. */
  type: ProxyRulesType = "EMPTY";
  /** The list for every URL (type PROXY_LIST). */
  singleProxies: ProxyChain[] = [];
  /** The list for http URLs. */
  proxiesForHttp: ProxyChain[] = [];
  /** The list for https URLs. */
  proxiesForHttps: ProxyChain[] = [];
  /** The list for ftp URLs. */
  proxiesForFtp: ProxyChain[] = [];
  /** The `socks=` list, for schemes without a list of their own. */
  fallbackProxies: ProxyChain[] = [];
  /** URLs that go DIRECT. */
  bypassRules: ProxyBypassRules = new ProxyBypassRules();
  /** When true, only URLs matching the bypass rules are proxied. */
  reverseBypass = false;

  /**
   * Parses Chromium's proxy rules string.
   *
   * @example
   * ```ts
   * ProxyRules.parse("foopy ; ftp=ftp-proxy").type; // "PROXY_LIST"
   * ```
   */
  static parse(text: string, options: ProxyRulesParseOptions = {}): ProxyRules {
    const rules = new ProxyRules();
    for (const token of text.split(";")) {
      if (token === "") continue;
      const eq = token.indexOf("=");
      if (eq < 0) {
        if (rules.type === "PROXY_LIST_PER_SCHEME") continue;
        addList(rules.singleProxies, token, "http", options);
        rules.type = "PROXY_LIST";
        return rules;
      }
      const scheme = token.slice(0, eq).trim();
      rules.type = "PROXY_LIST_PER_SCHEME";
      const value = token.slice(eq + 1);
      if (scheme === "socks") addList(rules.fallbackProxies, value, "socks4", options);
      else {
        const target = rules.#listFor(scheme);
        if (target) addList(target, value, "http", options);
      }
    }
    return rules;
  }

  #listFor(scheme: string): ProxyChain[] | null {
    switch (scheme) {
      case "http":
        return this.proxiesForHttp;
      case "https":
        return this.proxiesForHttps;
      case "ftp":
        return this.proxiesForFtp;
      default:
        return null;
    }
  }

  /** Whether no proxy is configured. */
  get empty(): boolean {
    return this.type === "EMPTY";
  }

  /**
   * The list for a URL scheme, with Chromium's fallbacks (ws/wss: SOCKS, https, http; others:
   * the `socks=` list), or null for DIRECT.
   *
   * @example
   * ```ts
   * ProxyRules.parse("http=a;https=b").listForScheme("ws"); // the https list
   * ```
   */
  listForScheme(scheme: string): ProxyChain[] | null {
    const own = this.#listFor(scheme);
    if (own && own.length > 0) return own;
    if (scheme === "ws" || scheme === "wss") {
      if (this.fallbackProxies.length > 0) return this.fallbackProxies;
      if (this.proxiesForHttps.length > 0) return this.proxiesForHttps;
      if (this.proxiesForHttp.length > 0) return this.proxiesForHttp;
      return null;
    }
    return this.fallbackProxies.length > 0 ? this.fallbackProxies : null;
  }

  /**
   * The proxies a URL uses under these rules (Chromium's `ProxyRules::Apply`).
   *
   * @example
   * ```ts
   * ProxyRules.parse("a:80").apply("http://localhost/").didBypassProxy; // true (implicit)
   * ```
   */
  apply(url: string | URL | UrlParts): ProxyRulesResult {
    if (this.type === "EMPTY") return { list: DIRECT_ONLY, didBypassProxy: false };
    const parts = proxyTarget(url);
    if (!parts) return { list: DIRECT_ONLY, didBypassProxy: false };
    if (this.bypassRules.matches(parts, this.reverseBypass)) {
      return { list: DIRECT_ONLY, didBypassProxy: true };
    }
    if (this.type === "PROXY_LIST") {
      return {
        list: this.singleProxies.length ? this.singleProxies : DIRECT_ONLY,
        didBypassProxy: false,
      };
    }
    const list = this.listForScheme(parts.scheme);
    return { list: list ?? DIRECT_ONLY, didBypassProxy: false };
  }
}
