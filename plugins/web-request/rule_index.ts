/**
 * A token index over declarative rules, the way ad blockers bucket filters: each rule is filed
 * under one token (a run of `[a-z0-9%]`) that every URL it matches must contain whole, chosen as
 * the rarest among the rule's tokens. A request only looks at the buckets of its own URL's
 * tokens, plus the few rules no token describes (regex rules, bare wildcards).
 *
 * @module
 */
import type { CompiledRule } from "./dnr_rule.ts";
import { indexTokens, isTokenChar } from "./url_filter.ts";

/** Tokens so common in URLs that filing a rule under them buys nothing. */
const COMMON = new Set(["http", "https", "ws", "wss", "www", "com", "net", "org", "js", "html"]);

/**
 * The hash of a token as the URL scanner computes it.
 *
 * @example
 * ```ts
 * tokenHash("ads") === tokenHash("ads"); // true
 * ```
 */
export function tokenHash(token: string): number {
  let h = 0;
  for (let i = 0; i < token.length; i++) h = (Math.imul(h, 31) + token.charCodeAt(i)) | 0;
  return h;
}

function candidateTokens(rule: CompiledRule): string[][] {
  // One list per alternative: a urlFilter gives one; requestDomains give one per domain.
  if (rule.filter) {
    const tokens = indexTokens(rule.filter);
    if (tokens.length > 0) return [tokens];
  }
  if (rule.requestDomains) {
    const lists = rule.requestDomains.map((d) => d.split(/[^a-z0-9%]+/).filter((t) => t !== ""));
    if (lists.every((l) => l.length > 0)) return lists;
  }
  return [];
}

/**
 * Rules of one ruleset filed by token.
 *
 * @example
 * ```ts
 * const index = new RuleIndex([]);
 * index.size; // 0
 * ```
 */
export class RuleIndex {
  readonly #buckets = new Map<number, CompiledRule[]>();
  readonly #unindexed: CompiledRule[] = [];
  /** How many rules the index holds. */
  readonly size: number;

  /**
   * Builds the index.
   *
   * @example
   * ```ts
   * new RuleIndex([]);
   * ```
   */
  constructor(rules: Iterable<CompiledRule>) {
    const all = [...rules];
    this.size = all.length;
    const alternatives = all.map(candidateTokens);
    const counts = new Map<string, number>();
    for (const lists of alternatives) {
      for (const list of lists) {
        for (const t of new Set(list)) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    const cost = (t: string) => (counts.get(t) ?? 0) + (COMMON.has(t) ? 1e6 : 0) - t.length / 100;
    all.forEach((rule, i) => {
      const lists = alternatives[i];
      if (lists.length === 0) {
        this.#unindexed.push(rule);
        return;
      }
      const chosen = new Set<number>();
      for (const list of lists) {
        let best = list[0];
        for (const t of list) if (cost(t) < cost(best)) best = t;
        chosen.add(tokenHash(best));
      }
      for (const h of chosen) {
        const bucket = this.#buckets.get(h);
        if (bucket) bucket.push(rule);
        else this.#buckets.set(h, [rule]);
      }
    });
  }

  /**
   * Calls `visit` for every rule that may match the URL (each at most once per `stamp`, which
   * must be new for every lookup). `lower` is the URL in lower case.
   *
   * @example
   * ```ts
   * new RuleIndex([]).candidates("https://a.example/", 1, () => {});
   * ```
   */
  candidates(lower: string, stamp: number, visit: (rule: CompiledRule) => void): void {
    for (const rule of this.#unindexed) {
      rule.stamp = stamp;
      visit(rule);
    }
    const n = lower.length;
    let i = 0;
    while (i < n) {
      let c = lower.charCodeAt(i);
      if (!isTokenChar(c)) {
        i++;
        continue;
      }
      let h = 0;
      while (i < n && isTokenChar(c)) {
        h = (Math.imul(h, 31) + c) | 0;
        c = lower.charCodeAt(++i);
      }
      const bucket = this.#buckets.get(h);
      if (bucket === undefined) continue;
      for (let k = 0; k < bucket.length; k++) {
        const rule = bucket[k];
        if (rule.stamp === stamp) continue;
        rule.stamp = stamp;
        visit(rule);
      }
    }
  }
}
