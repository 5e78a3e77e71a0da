/**
 * Matching a request against declarative rulesets with Chrome's ordering: priority, then action
 * (allow > allowAllRequests > block > upgradeScheme > redirect > modifyHeaders), then ruleset
 * (session before dynamic), then the lowest id.
 *
 * @module
 */
import { getDomain } from "tldts";
import { type CompiledRule, METHOD_BIT, TYPE_BIT } from "./dnr_rule.ts";
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
}

/** A request prepared once for matching against many rules. */
export interface MatchContext {
  /** URL without its fragment. */
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
  /** The initiator's host, or null (computed on first use). */
  initiatorHost?: string | null;
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
  return span.end > span.start ? origin.slice(span.start, span.end).toLowerCase() : null;
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
  const hash = r.url.indexOf("#");
  const url = hash < 0 ? r.url : r.url.slice(0, hash);
  const lower = url.toLowerCase();
  const method = r.method === undefined ? "get" : r.method.toLowerCase();
  return {
    url,
    lower,
    typeBit: TYPE_BIT[r.type] ?? TYPE_BIT.other,
    methodBit: METHOD_BIT[method] ?? METHOD_BIT.other,
    initiator: r.initiator ?? null,
    tabId: r.tabId ?? -1,
  };
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

function inDomains(host: string, list: readonly string[]): boolean {
  for (const d of list) {
    if (host === d || (host.endsWith(d) && host.charCodeAt(host.length - d.length - 1) === 46)) {
      return true;
    }
  }
  return false;
}

function initiatorHost(ctx: MatchContext): string | null {
  if (ctx.initiatorHost === undefined) ctx.initiatorHost = hostOf(ctx.initiator);
  return ctx.initiatorHost;
}

function isThirdParty(ctx: MatchContext): boolean {
  if (ctx.thirdParty === undefined) {
    const initiator = initiatorHost(ctx);
    if (initiator === null) ctx.thirdParty = false;
    else {
      const host = hostOfCtx(ctx);
      const a = getDomain(host) ?? host;
      const b = getDomain(initiator) ?? initiator;
      ctx.thirdParty = a !== b;
    }
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
  if (rule.requestDomains && !inDomains(hostOfCtx(ctx), rule.requestDomains)) return false;
  if (rule.excludedRequestDomains && inDomains(hostOfCtx(ctx), rule.excludedRequestDomains)) {
    return false;
  }
  if (rule.initiatorDomains) {
    const host = initiatorHost(ctx);
    if (host === null || !inDomains(host, rule.initiatorDomains)) return false;
  }
  if (rule.excludedInitiatorDomains) {
    const host = initiatorHost(ctx);
    if (host !== null && inDomains(host, rule.excludedInitiatorDomains)) return false;
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
  return a.id < b.id;
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
  const visit = (rule: CompiledRule) => {
    if (onlyRank >= 0 && rule.rank !== onlyRank) return;
    if (rule.rank === 2 && !upgradeable) return;
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
