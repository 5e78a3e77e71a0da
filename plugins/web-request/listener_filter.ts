/**
 * The filters of webRequest listeners (`urls`, `excludeUrls`, `types`) and an index over many of
 * them, so that a request finds the listeners it concerns by its host instead of testing every
 * pattern.
 *
 * @module
 */
import { MatchPattern, type MatchPatternError, type PatternUrl } from "./match_pattern.ts";
import { hrefParts } from "./_url_parts.ts";
import type { UrlParts } from "../../kernel/http/url_parts.ts";
import { FROM_ELECTRON_TYPE } from "./_details.ts";
import { RESOURCE_TYPES } from "./dnr_types.ts";

/** A listener's compiled filter. */
export interface CompiledFilter {
  /** URL patterns (empty: every URL). */
  readonly urls: readonly MatchPattern[];
  /** URL patterns to leave out. */
  readonly excludeUrls: readonly MatchPattern[];
  /** Resource types (Chrome's names), or null for all. */
  readonly types: ReadonlySet<string> | null;
  /** Chrome's `tabId`: only requests of this tab (websession's requests have none: -1). */
  readonly tabId?: number;
  /** Chrome's `windowId`: only requests of this window (websession's requests have none: -1). */
  readonly windowId?: number;
}

/**
 * The tab and window id of every websession request: it has no tab, as Chrome's requests made
 * outside tabs (service workers, extensions) report.
 *
 * @example
 * ```ts
 * NO_TAB; // -1
 * ```
 */
export const NO_TAB = -1;

/** Chromium's URLPattern::GetParseResultString, which Electron's error quotes. */
const PARSE_RESULT: Record<MatchPatternError, string> = {
  "missing-scheme-separator": "Missing scheme separator.",
  "invalid-scheme": "Invalid scheme.",
  "wrong-scheme-separator": "Wrong scheme type.",
  "empty-host": "Empty host.",
  "invalid-host-wildcard": "Invalid host wildcard.",
  "empty-path": "Empty path.",
  "invalid-port": "Invalid port.",
  "invalid-host": "Invalid host.",
};

/**
 * Compiles URL patterns; an invalid one throws a TypeError worded as Electron's
 * (`Invalid url pattern *://a.test: Empty path.`).
 *
 * @example
 * ```ts
 * compilePatterns(["*://*.example.com/*"]).length; // 1
 * ```
 */
export function compilePatterns(list: unknown, field = "urls"): MatchPattern[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new TypeError(`filter.${field} must be an array of strings`);
  return list.map((p) => {
    if (typeof p !== "string") throw new TypeError(`filter.${field} must be an array of strings`);
    const pattern = MatchPattern.parse(p, "all");
    if (typeof pattern === "string") {
      throw new TypeError(`Invalid url pattern ${p}: ${PARSE_RESULT[pattern]}`);
    }
    return pattern;
  });
}

/**
 * Whether a filter accepts a request (URL parts and Chrome resource type).
 *
 * @example
 * ```ts
 * const f = { urls: compilePatterns(["<all_urls>"]), excludeUrls: [], types: null };
 * filterAccepts(f, urlParts("https://a.test/")!, "image"); // true
 * ```
 */
export function filterAccepts(f: CompiledFilter, parts: PatternUrl, type: string): boolean {
  if (f.types !== null && !f.types.has(type)) return false;
  if (f.tabId !== undefined && f.tabId !== NO_TAB) return false;
  if (f.windowId !== undefined && f.windowId !== NO_TAB) return false;
  if (f.urls.length > 0 && !f.urls.some((p) => p.matches(parts))) return false;
  return !f.excludeUrls.some((p) => p.matches(parts));
}

function hostKey(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/**
 * Entries (listeners) filed by the hosts of their URL patterns.
 *
 * @example
 * ```ts
 * const index = new FilterIndex<string>();
 * index.add("a", { urls: compilePatterns(["https://a.test/*"]), excludeUrls: [], types: null });
 * index.matching("https://a.test/x", "image"); // Set { "a" }
 * ```
 */
export class FilterIndex<T> {
  readonly #filters = new Map<T, CompiledFilter>();
  readonly #anyHost = new Set<T>();
  readonly #exact = new Map<string, Set<T>>();
  readonly #suffix = new Map<string, Set<T>>();

  /** How many entries the index holds. */
  get size(): number {
    return this.#filters.size;
  }

  /** Adds (or replaces) an entry. */
  add(entry: T, filter: CompiledFilter): void {
    this.delete(entry);
    this.#filters.set(entry, filter);
    if (filter.urls.length === 0) {
      this.#anyHost.add(entry);
      return;
    }
    for (const p of filter.urls) {
      if (p.matchAllUrls || p.host === "" || p.scheme === "file") this.#anyHost.add(entry);
      else {
        const map = p.matchSubdomains ? this.#suffix : this.#exact;
        const key = hostKey(p.host);
        const set = map.get(key);
        if (set) set.add(entry);
        else map.set(key, new Set([entry]));
      }
    }
  }

  /** Removes an entry. */
  delete(entry: T): void {
    const filter = this.#filters.get(entry);
    if (!filter) return;
    this.#filters.delete(entry);
    this.#anyHost.delete(entry);
    for (const map of [this.#exact, this.#suffix]) {
      for (const p of filter.urls) {
        const key = hostKey(p.host);
        const set = map.get(key);
        if (!set) continue;
        set.delete(entry);
        if (set.size === 0) map.delete(key);
      }
    }
  }

  /**
   * The entries whose filter accepts the URL and resource type; `parsed` is the kernel's parse of
   * the URL when there is one (a request's `urlParts`).
   *
   * @example
   * ```ts
   * new FilterIndex<number>().matching("https://a.test/", "image").size; // 0
   * ```
   */
  matching(url: string, type: string, parsed?: UrlParts): Set<T> {
    const out = new Set<T>();
    if (this.#filters.size === 0) return out;
    const parts = hrefParts(url, parsed);
    if (parts === null) return out;
    const check = (entry: T) => {
      if (!out.has(entry) && filterAccepts(this.#filters.get(entry)!, parts, type)) out.add(entry);
    };
    for (const entry of this.#anyHost) check(entry);
    const host = hostKey(parts.host);
    this.#exact.get(host)?.forEach(check);
    // Every suffix at a label boundary, the host itself included.
    for (let at = 0;;) {
      this.#suffix.get(at === 0 ? host : host.slice(at))?.forEach(check);
      const dot = host.indexOf(".", at);
      if (dot < 0) break;
      at = dot + 1;
    }
    return out;
  }
}

/**
 * Compiles Electron's filter (`urls`, `excludeUrls`, Electron's `types`); bad input throws a
 * TypeError naming it.
 *
 * @example
 * ```ts
 * electronFilter({ urls: ["*://*.example.com/*"], types: ["xhr"] }).types; // Set { "xmlhttprequest" }
 * ```
 */
export function electronFilter(filter: unknown): CompiledFilter {
  if (filter === undefined || filter === null) return { urls: [], excludeUrls: [], types: null };
  if (typeof filter !== "object") throw new TypeError("The filter must be an object");
  const f = filter as Record<string, unknown>;
  if (f.urls === undefined) throw new TypeError("Parameter 'filter' must have property 'urls'.");
  for (const key of Object.keys(f)) {
    if (!["urls", "excludeUrls", "types"].includes(key)) {
      throw new TypeError(`Unknown filter key "${key}"`);
    }
  }
  let types: Set<string> | null = null;
  if (f.types !== undefined) {
    if (!Array.isArray(f.types)) throw new TypeError("filter.types must be an array");
    types = new Set(f.types.map((t) => {
      const chrome = FROM_ELECTRON_TYPE[t as string];
      // As Electron's ParseResourceType: "other" is no type a filter can name.
      if (!chrome || chrome === "other") throw new TypeError(`Invalid type ${t}`);
      return chrome;
    }));
  }
  return {
    urls: compilePatterns(f.urls, "urls"),
    excludeUrls: compilePatterns(f.excludeUrls, "excludeUrls"),
    types,
  };
}

/**
 * Compiles Chrome's filter (`urls` required, Chrome's `types`, `tabId`, `windowId`). Requests have
 * no tab nor window (-1), so a filter naming another tab or window matches none.
 *
 * @example
 * ```ts
 * chromeFilter({ urls: ["<all_urls>"] }).urls.length; // 1
 * ```
 */
export function chromeFilter(filter: unknown): CompiledFilter {
  if (
    !filter || typeof filter !== "object" || !Array.isArray((filter as { urls?: unknown }).urls)
  ) {
    throw new TypeError("The filter must be an object with a urls array");
  }
  const f = filter as { urls: unknown; types?: string[]; tabId?: unknown; windowId?: unknown };
  for (const key of Object.keys(f)) {
    if (!["urls", "types", "tabId", "windowId"].includes(key)) {
      throw new TypeError(`Unknown filter key "${key}"`);
    }
  }
  let types: Set<string> | null = null;
  if (f.types !== undefined) {
    for (const t of f.types) {
      if (!(RESOURCE_TYPES as readonly string[]).includes(t)) {
        throw new TypeError(`Unknown resource type "${t}" in filter.types`);
      }
    }
    types = new Set(f.types);
  }
  for (const key of ["tabId", "windowId"] as const) {
    if (f[key] !== undefined && !Number.isInteger(f[key])) {
      throw new TypeError(`filter.${key} must be an integer`);
    }
  }
  return {
    urls: compilePatterns(f.urls, "urls"),
    excludeUrls: [],
    types,
    tabId: f.tabId as number | undefined,
    windowId: f.windowId as number | undefined,
  };
}
