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

/** Tokens so common in URLs that filing a rule under them buys nothing (both namespaces). */
const COMMON_KEYS = new Set(
  ["http", "https", "ws", "wss", "www", "com", "net", "org", "js", "html"].flatMap((t) => [
    `u:${t}`,
    `i:${t}`,
  ]),
);

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
  #unindexed: CompiledRule[] = [];
  readonly #present = new Uint8Array(FILTER_BITS >> 3);
  readonly #counts = new Map<string, number>();
  /** Where each rule is filed (its bucket hashes; empty: unindexed). */
  readonly #filed = new Map<CompiledRule, number[]>();
  #byInitiator = false;

  /**
   * Builds the index.
   *
   * @example
   * ```ts
   * new RuleIndex([]);
   * ```
   */
  constructor(rules: Iterable<CompiledRule>) {
    this.add([...rules]);
  }

  /** How many rules the index holds. */
  get size(): number {
    return this.#filed.size;
  }

  /**
   * Files rules. Token counts are updated with all of them first, so a bulk add chooses as well
   * as a fresh build.
   */
  add(rules: readonly CompiledRule[]): void {
    const options = rules.map(filingOptions);
    for (const opts of options) this.#count(opts, +1);
    rules.forEach((rule, i) => this.#file(rule, options[i]));
  }

  /** Removes rules filed before. */
  remove(rules: readonly CompiledRule[]): void {
    const gone = new Set<CompiledRule>();
    for (const rule of rules) {
      const hashes = this.#filed.get(rule);
      if (hashes === undefined) continue;
      this.#filed.delete(rule);
      this.#count(filingOptions(rule), -1);
      gone.add(rule);
      for (const h of hashes) {
        const bucket = this.#buckets.get(h)!.filter((r) => r !== rule);
        if (bucket.length > 0) this.#buckets.set(h, bucket);
        else this.#buckets.delete(h);
      }
    }
    if (gone.size > 0) this.#unindexed = this.#unindexed.filter((r) => !gone.has(r));
  }

  #count(options: string[][][], delta: number): void {
    const seen: string[] = [];
    for (const lists of options) {
      for (const list of lists) {
        for (const t of list) {
          if (seen.includes(t)) continue;
          seen.push(t);
          const n = (this.#counts.get(t) ?? 0) + delta;
          if (n > 0) this.#counts.set(t, n);
          else this.#counts.delete(t);
        }
      }
    }
  }

  #cost(token: string): number {
    return (this.#counts.get(token) ?? 0) + (COMMON_KEYS.has(token) ? 1e6 : 0) -
      token.length / 100;
  }

  #file(rule: CompiledRule, options: string[][][]): void {
    let best: string[] | null = null;
    let bestCost = Infinity;
    for (const lists of options) {
      const picks: string[] = [];
      let total = 0;
      for (const list of lists) {
        let pick = list[0];
        let pickCost = this.#cost(pick);
        for (let k = 1; k < list.length; k++) {
          const c = this.#cost(list[k]);
          if (c < pickCost) [pick, pickCost] = [list[k], c];
        }
        picks.push(pick);
        total += pickCost;
      }
      if (total < bestCost) [best, bestCost] = [picks, total];
    }
    if (best === null) {
      this.#unindexed.push(rule);
      this.#filed.set(rule, []);
      return;
    }
    const hashes = [...new Set(best.map(hashOf))];
    for (const h of hashes) {
      this.#present[(h & (FILTER_BITS - 1)) >> 3] |= 1 << (h & 7);
      const bucket = this.#buckets.get(h);
      if (bucket) bucket.push(rule);
      else this.#buckets.set(h, [rule]);
    }
    this.#filed.set(rule, hashes);
    if (best.some((t) => t.startsWith("i:"))) this.#byInitiator = true;
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
