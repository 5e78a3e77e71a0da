/**
 * Matching a request against declarative rulesets with Chrome's ordering: priority, then action
 * (allow > allowAllRequests > block > upgradeScheme > redirect > modifyHeaders), then ruleset
 * (session before dynamic), then the order rules were added in (Chromium 156 keeps the first
 * added of equal rules, whatever their ids). The URL is matched with its fragment; domain lists
 * are decided by their longest matching entry; hosts are compared without a trailing dot.
 *
 * @module
 */
import type * as Tldts from "tldts";
// tldts's self-contained ES module build: Deno loads the package's default (CommonJS) entry
// through its Node module loader, 40-50 ms of cold start (issue #24); the types are the package's
// (`@ts-types` for Deno; a consumer's tsc has no declaration for this path, hence the cast).
// @ts-ignore: TS7016 under tsc, see above
// @ts-types="tldts"
import * as tldtsModule from "tldts/dist/index.esm.min.js";
const { getDomain } = tldtsModule as typeof Tldts;
import { type CompiledRule, METHOD_BIT, NO_METHOD_BIT, TYPE_BIT } from "./dnr_rule.ts";
import { responseHeadersMatch } from "./_response_headers.ts";
import type { ResourceType } from "./dnr_types.ts";
import type { RuleIndex } from "./rule_index.ts";
import { type HostSpan, matchesUrlFilter } from "./url_filter.ts";

/** A request as the matcher sees it. */
export interface DnrRequest {
  /** The canonical absolute URL (as `URL.href` writes it). */
  url: string;
  /** Its resource type. */
  type: ResourceType;
  /** Its method (any case; default GET). */
  method?: string;
  /** The initiator's origin, when there is one. */
  initiator?: string | null;
  /** The tab id (default -1). */
  tabId?: number;
  /** URLs of the documents the request comes from, top frame first (for allowAllRequests). */
  frameUrls?: readonly string[];
  /** The top-level document's URL when no `frameUrls` are given (testMatchOutcome's `topUrl`). */
  topUrl?: string;
  /** The response headers, once received (for responseHeaders conditions). */
  responseHeaders?: Headers | null;
}

/** A request prepared once for matching against many rules. */
export interface MatchContext {
  /** The URL, fragment included (Chrome matches it too). */
  url: string;
  /** The same, lower case. */
  lower: string;
  /** The host's position in `url` (computed on first use). */
  span?: HostSpan;
  /** The host, lower case (computed on first use). */
  host?: string;
  /** Resource type bit. */
  typeBit: number;
  /** Method bit. */
  methodBit: number;
  /** The initiator's canonical host (IDN as punycode), or null (computed on first use). */
  initiatorHost?: string | null;
  /** The request's host without a trailing dot, for domain lists (computed on first use). */
  listHost?: string;
  /** The initiator's host without a trailing dot, for domain lists (computed on first use). */
  listInitiator?: string | null;
  /** The top-level document's host without a trailing dot, or null (computed on first use). */
  topHost?: string | null;
  /** The top-level document's URL, when known. */
  topUrl: string | null;
  /** The response headers (lower-case names), for responseHeaders conditions; null before. */
  responseHeaders: Headers | null;
  /** The initiator as given. */
  initiator: string | null;
  /** The tab id. */
  tabId: number;
  /** Whether the request is third party (computed on first use). */
  thirdParty?: boolean;
}

function hostSpan(url: string): HostSpan {
  const sep = url.indexOf("://");
  if (sep < 0) return { start: 0, end: 0 };
  let start = sep + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    if (c === 64) start = end + 1; // userinfo@
    end++;
  }
  // Drop the port (but not an IPv6 literal's colons).
  const close = url.lastIndexOf("]", end - 1);
  const colon = url.lastIndexOf(":", end - 1);
  if (colon >= start && colon > close) end = colon;
  return { start, end };
}

function hostOf(origin: string | null | undefined): string | null {
  if (!origin || origin === "null") return null;
  const span = hostSpan(origin);
  if (span.end <= span.start) return null;
  const host = origin.slice(span.start, span.end).toLowerCase();
  // deno-lint-ignore no-control-regex
  if (!/[^\x00-\x7f]/.test(host)) return host;
  // An IDN initiator is compared in its canonical (punycode) form, as Chrome's origins are.
  return URL.parse(origin)?.hostname ?? host;
}

function withoutDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/**
 * The URL as Chromium's canonicaliser writes it, where it differs from the WHATWG parser's: `^`
 * and `|` in the path are percent-escaped (not in the query or fragment).
 */
function chromiumPath(url: string): string {
  const sep = url.indexOf("://");
  if (sep < 0) return url;
  const slash = url.indexOf("/", sep + 3);
  if (slash < 0) return url;
  let end = url.length;
  for (let i = slash; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const path = url.slice(slash, end);
  if (!path.includes("^") && !path.includes("|")) return url;
  return url.slice(0, slash) + path.replaceAll("^", "%5E").replaceAll("|", "%7C") + url.slice(end);
}

/** The site (registrable domain, private suffixes such as github.io counted) of a host. */
function siteOf(host: string): string {
  const bare = withoutDot(host);
  const site = getDomain(bare, { allowPrivateDomains: true }) ?? bare;
  // a trailing-dot host is another site than the same name without it
  return bare === host ? site : `${site}.`;
}

/**
 * Prepares a request for matching.
 *
 * @example
 * ```ts
 * matchContext({ url: "https://A.example/x#f", type: "script" }).lower; // "https://a.example/x"
 * ```
 */
export function matchContext(r: DnrRequest): MatchContext {
  const url = chromiumPath(r.url);
  const lower = url.toLowerCase();
  const method = r.method === undefined ? "get" : r.method.toLowerCase();
  // A WebSocket request has no method for requestMethods (Chrome).
  const socket = r.type === "websocket" || lower.startsWith("ws:") || lower.startsWith("wss:");
  const frames = r.frameUrls;
  return {
    url,
    lower,
    typeBit: TYPE_BIT[r.type] ?? TYPE_BIT.other,
    methodBit: socket ? NO_METHOD_BIT : METHOD_BIT[method] ?? METHOD_BIT.other,
    initiator: r.initiator ?? null,
    tabId: r.tabId ?? -1,
    topUrl: frames && frames.length > 0
      ? frames[0]
      : r.topUrl ?? (r.type === "main_frame" ? url : null),
    responseHeaders: toHeaders(r.responseHeaders),
  };
}

/** Response headers as Headers: `testMatchOutcome`'s shape is `{ name: [values] }`. */
function toHeaders(given: unknown): Headers | null {
  if (given === undefined || given === null) return null;
  if (given instanceof Headers) return given;
  const headers = new Headers();
  for (const [name, values] of Object.entries(given as Record<string, unknown>)) {
    for (const value of Array.isArray(values) ? values : [values]) {
      headers.append(name, String(value));
    }
  }
  return headers;
}

function spanOf(ctx: MatchContext): HostSpan {
  return ctx.span ??= hostSpan(ctx.url);
}

function hostOfCtx(ctx: MatchContext): string {
  if (ctx.host === undefined) {
    const span = spanOf(ctx);
    ctx.host = ctx.lower.slice(span.start, span.end);
  }
  return ctx.host;
}

const NO_SPAN: HostSpan = { start: 0, end: 0 };

/** The length of the longest entry of `list` that `host` is or is a subdomain of; -1 for none. */
function longestMatch(host: string, list: readonly string[]): number {
  let best = -1;
  for (const d of list) {
    if (
      d.length > best &&
      (host === d || (host.endsWith(d) && host.charCodeAt(host.length - d.length - 1) === 46))
    ) best = d.length;
  }
  return best;
}

/**
 * Whether a host passes an include list and an exclude list (either may be absent): as in Chrome,
 * the longest matching entry decides, and an exclusion wins a tie.
 */
function passesDomains(
  host: string,
  include: readonly string[] | null,
  exclude: readonly string[] | null,
): boolean {
  const included = include === null ? 0 : longestMatch(host, include);
  if (included < 0) return false;
  if (exclude === null) return true;
  const excluded = longestMatch(host, exclude);
  return excluded < 0 || (include !== null && excluded < included);
}

function initiatorHost(ctx: MatchContext): string | null {
  if (ctx.initiatorHost === undefined) ctx.initiatorHost = hostOf(ctx.initiator);
  return ctx.initiatorHost;
}

function listHost(ctx: MatchContext): string {
  return ctx.listHost ??= withoutDot(hostOfCtx(ctx));
}

function listInitiator(ctx: MatchContext): string | null {
  if (ctx.listInitiator === undefined) {
    const host = initiatorHost(ctx);
    ctx.listInitiator = host === null ? null : withoutDot(host);
  }
  return ctx.listInitiator;
}

function topHost(ctx: MatchContext): string | null {
  if (ctx.topHost === undefined) {
    const host = ctx.topUrl === null ? null : hostOf(ctx.topUrl);
    ctx.topHost = host === null ? null : withoutDot(host);
  }
  return ctx.topHost;
}

/** A request without an initiator is third party (Chrome); sites count private suffixes. */
function isThirdParty(ctx: MatchContext): boolean {
  if (ctx.thirdParty === undefined) {
    const initiator = initiatorHost(ctx);
    ctx.thirdParty = initiator === null || siteOf(hostOfCtx(ctx)) !== siteOf(initiator);
  }
  return ctx.thirdParty;
}

/**
 * Whether a rule's condition holds for a request.
 *
 * @example
 * ```ts
 * // ruleMatches(compiled, matchContext({ url: "https://a.example/", type: "image" }))
 * ```
 */
export function ruleMatches(rule: CompiledRule, ctx: MatchContext): boolean {
  if ((rule.types & ctx.typeBit) === 0 || (rule.methods & ctx.methodBit) === 0) return false;
  // The URL test first: for indexed rules it is the most selective one.
  if (rule.filter !== null) {
    const text = rule.filter.caseSensitive ? ctx.url : ctx.lower;
    if (
      !matchesUrlFilter(rule.filter, text, rule.filter.left === "domain" ? spanOf(ctx) : NO_SPAN)
    ) {
      return false;
    }
  } else if (rule.regex !== null) {
    const text = rule.regex.ignoreCase ? ctx.lower : ctx.url;
    for (const literal of rule.regexLiterals) if (!text.includes(literal)) return false;
    if (!rule.regex.test(ctx.url)) return false;
  }
  if (
    (rule.requestDomains || rule.excludedRequestDomains) &&
    !passesDomains(listHost(ctx), rule.requestDomains, rule.excludedRequestDomains)
  ) return false;
  if (rule.initiatorDomains || rule.excludedInitiatorDomains) {
    const host = listInitiator(ctx);
    if (host === null) {
      if (rule.initiatorDomains) return false;
    } else if (!passesDomains(host, rule.initiatorDomains, rule.excludedInitiatorDomains)) {
      return false;
    }
  }
  if (rule.topDomains || rule.excludedTopDomains) {
    const host = topHost(ctx);
    if (host === null) {
      if (rule.topDomains) return false;
    } else if (!passesDomains(host, rule.topDomains, rule.excludedTopDomains)) return false;
  }
  if (rule.responseHeaders || rule.excludedResponseHeaders) {
    if (!responseHeadersMatch(rule, ctx.responseHeaders)) return false;
  }
  if (rule.tabIds && !rule.tabIds.has(ctx.tabId)) return false;
  if (rule.excludedTabIds && rule.excludedTabIds.has(ctx.tabId)) return false;
  if (rule.domainType && (rule.domainType === "thirdParty") !== isThirdParty(ctx)) return false;
  return true;
}

/**
 * Chrome's order: whether rule `a` takes precedence over rule `b`.
 *
 * @example
 * ```ts
 * // precedes(blockPriority2, allowPriority1) === true
 * ```
 */
export function precedes(a: CompiledRule, b: CompiledRule): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.ruleset !== b.ruleset) return a.ruleset < b.ruleset;
  // Chromium 156 at a full tie: a regexFilter rule wins over a urlFilter rule, and a urlFilter
  // without five literal characters in a row (outside its N-gram index) over one with; then the
  // rule added first.
  if (a.tieClass !== b.tieClass) return a.tieClass > b.tieClass;
  return a.seq < b.seq;
}

/** The matching rules of one lookup: the winning action rule and every modifyHeaders rule. */
export interface RuleMatches {
  /** The highest-ranked rule among allow/allowAllRequests/block/upgradeScheme/redirect. */
  best: CompiledRule | null;
  /** The matching modifyHeaders rules in precedence order. */
  modify: CompiledRule[];
}

let stamp = 0;

/**
 * Looks a request up in rulesets (indexes), returning the winning rule and header rules.
 * `upgradeable` says whether an upgradeScheme rule may act (http/ws URLs only).
 *
 * @example
 * ```ts
 * findMatches([], matchContext({ url: "https://a.example/", type: "image" }), false);
 * ```
 */
export function findMatches(
  indexes: readonly RuleIndex[],
  ctx: MatchContext,
  upgradeable: boolean,
  onlyRank = -1,
): RuleMatches {
  let best: CompiledRule | null = null;
  const modify: CompiledRule[] = [];
  // A urlFilter upgradeScheme rule competes even where it cannot act (an https URL): Chrome then
  // takes no action at all for the request, rather than the next rule's.
  // Only regexFilter upgrade rules are left out where they cannot act (what Chromium 156 does).
  const visit = (rule: CompiledRule) => {
    if (onlyRank >= 0 && rule.rank !== onlyRank) return;
    if (rule.rank === 2 && !upgradeable && rule.regex !== null) return;
    if (best !== null && rule.rank !== 0 && !precedes(rule, best)) return;
    if (!ruleMatches(rule, ctx)) return;
    if (rule.rank === 0) modify.push(rule);
    else best = rule;
  };
  for (const index of indexes) {
    stamp = (stamp + 1) | 0;
    index.candidates(ctx.lower, initiatorHost(ctx), stamp, visit);
  }
  if (modify.length > 1) modify.sort((a, b) => (precedes(a, b) ? -1 : 1));
  return { best, modify };
}
