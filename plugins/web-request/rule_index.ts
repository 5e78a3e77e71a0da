/**
 * A token index over declarative rules, the way ad blockers bucket filters: each rule is filed
 * under one token (a run of `[a-z0-9%_]`) that every URL it matches must contain whole, chosen as
 * the rarest among the rule's tokens. A request only looks at the buckets of its own URL's
 * tokens, plus the few rules no token describes (regex rules, bare wildcards).
 *
 * @module
 */
import type { CompiledRule } from "./dnr_rule.ts";
import { indexTokens, isTokenChar } from "./url_filter.ts";

/** Tokens so common in URLs that filing a rule under them buys nothing. */
const COMMON = new Set(["http", "https", "ws", "wss", "www", "com", "net", "org", "js", "html"]);

/** Where a token is looked for: the request URL, or the initiator's host. */
const URL_SEED = 0;
const INITIATOR_SEED = 0x2545f491;

/**
 * The hash of a token as the URL scanner computes it (`seed` 0: URL tokens).
 *
 * @example
 * ```ts
 * tokenHash("ads") === tokenHash("ads"); // true
 * ```
 */
export function tokenHash(token: string, seed = URL_SEED): number {
  let h = seed;
  for (let i = 0; i < token.length; i++) h = (Math.imul(h, 31) + token.charCodeAt(i)) | 0;
  return h & HASH_MASK;
}

/** Hashes stay small integers (V8 Smis), cheap as Map keys. */
const HASH_MASK = 0x3fffffff;
/** A bit per hash bucket of `FILTER_BITS` says whether any rule may be filed there. */
const FILTER_BITS = 1 << 16;

/**
 * Ways to file a rule: each option is a list of token lists, one token to be picked from each
 * list (the rule is filed under all the picks); tokens carry their namespace (`u:` URL, `i:`
 * initiator host).
 */
function filingOptions(rule: CompiledRule): string[][][] {
  const options: string[][][] = [];
  const split = (domains: readonly string[], ns: string) => {
    const lists = domains.map((d) =>
      d.split(/[^a-z0-9%_]+/).filter((t) => t !== "").map((t) => ns + t)
    );
    if (lists.every((l) => l.length > 0)) options.push(lists);
  };
  if (rule.filter) {
    const tokens = indexTokens(rule.filter);
    if (tokens.length > 0) options.push([tokens.map((t) => `u:${t}`)]);
  }
  if (rule.requestDomains) split(rule.requestDomains, "u:");
  if (rule.initiatorDomains) split(rule.initiatorDomains, "i:");
  return options;
}

function hashOf(key: string): number {
  return tokenHash(key.slice(2), key.startsWith("i:") ? INITIATOR_SEED : URL_SEED);
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
  readonly #present = new Uint8Array(FILTER_BITS >> 3);
  #byInitiator = false;
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
    const options = all.map(filingOptions);
    const counts = new Map<string, number>();
    for (const opts of options) {
      for (const t of new Set(opts.flat(2))) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const costs = new Map<string, number>();
    for (const [t, n] of counts) {
      costs.set(t, n + (COMMON.has(t.slice(2)) ? 1e6 : 0) - t.length / 100);
    }
    all.forEach((rule, i) => {
      let best: string[] | null = null;
      let bestCost = Infinity;
      for (const lists of options[i]) {
        const picks: string[] = [];
        let total = 0;
        for (const list of lists) {
          let pick = list[0];
          let pickCost = costs.get(pick)!;
          for (let k = 1; k < list.length; k++) {
            const c = costs.get(list[k])!;
            if (c < pickCost) [pick, pickCost] = [list[k], c];
          }
          picks.push(pick);
          total += pickCost;
        }
        if (total < bestCost) [best, bestCost] = [picks, total];
      }
      if (best === null) {
        this.#unindexed.push(rule);
        return;
      }
      for (const h of new Set(best.map(hashOf))) {
        this.#present[(h & (FILTER_BITS - 1)) >> 3] |= 1 << (h & 7);
        const bucket = this.#buckets.get(h);
        if (bucket) bucket.push(rule);
        else this.#buckets.set(h, [rule]);
      }
      if (best.some((t) => t.startsWith("i:"))) this.#byInitiator = true;
    });
  }

  /**
   * Calls `visit` for every rule that may match the request (each at most once per `stamp`,
   * which must be new for every lookup). `lower` is the URL in lower case, `initiator` the
   * initiator's host (lower case) or null.
   *
   * @example
   * ```ts
   * new RuleIndex([]).candidates("https://a.example/", null, 1, () => {});
   * ```
   */
  candidates(
    lower: string,
    initiator: string | null,
    stamp: number,
    visit: (rule: CompiledRule) => void,
  ): void {
    for (const rule of this.#unindexed) {
      rule.stamp = stamp;
      visit(rule);
    }
    this.#scan(lower, URL_SEED, stamp, visit);
    if (this.#byInitiator && initiator !== null) {
      this.#scan(initiator, INITIATOR_SEED, stamp, visit);
    }
  }

  #scan(text: string, seed: number, stamp: number, visit: (rule: CompiledRule) => void): void {
    const present = this.#present;
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (!isTokenChar(c)) {
        i++;
        continue;
      }
      let h = seed;
      while (i < n && isTokenChar(c)) {
        h = (Math.imul(h, 31) + c) | 0;
        c = text.charCodeAt(++i);
      }
      h &= HASH_MASK;
      if ((present[(h & (FILTER_BITS - 1)) >> 3] & (1 << (h & 7))) === 0) continue;
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
