/**
 * The rules that matched requests in the last five minutes, as Chrome's
 * `declarativeNetRequest.getMatchedRules` reports them (for a session's rules and for an
 * extension's).
 *
 * @module
 */

/** How long a match is remembered (Chrome: five minutes). */
const MATCH_MEMORY_MS = 5 * 60_000;
/**
 * How many matches are remembered at most: a session server applying a block list to thousands of
 * requests a second would otherwise hold millions; the oldest go first.
 */
const MAX_MATCHES = 10_000;

/** A rule that matched a request, as `getMatchedRules` reports it. */
export interface MatchedRuleInfo {
  /** The rule and its ruleset. */
  rule: { ruleId: number; rulesetId: string };
  /** Always -1: websession has no tabs. */
  tabId: number;
  /** When it matched (ms since the epoch). */
  timeStamp: number;
}

/** Which matches `getMatchedRules` returns. */
export interface MatchedRulesFilter {
  /** Only matches at or after this time (ms since the epoch). */
  minTimeStamp?: number;
  /** Only matches in this tab (websession's requests have none: -1). */
  tabId?: number;
}

/**
 * The matches of the last five minutes.
 *
 * @example
 * ```ts
 * const matches = new MatchedRules();
 * matches.add({ ruleId: 1, rulesetId: "_session" });
 * matches.get({}).rulesMatchedInfo.length; // 1
 * ```
 */
export class MatchedRules {
  #matches: MatchedRuleInfo[] = [];

  /** Remembers that a rule matched now; returns what was remembered. */
  add(rule: { ruleId: number; rulesetId: string }): MatchedRuleInfo {
    const info = { rule: { ...rule }, tabId: -1, timeStamp: Date.now() };
    this.#forgetOld();
    this.#matches.push(info);
    if (this.#matches.length > MAX_MATCHES * 2) this.#matches = this.#matches.slice(-MAX_MATCHES);
    return info;
  }

  /** Chrome's `getMatchedRules`: the matches since `minTimeStamp` (and in `tabId`). */
  get(filter: MatchedRulesFilter = {}): { rulesMatchedInfo: MatchedRuleInfo[] } {
    this.#forgetOld();
    const min = filter.minTimeStamp ?? 0;
    return {
      rulesMatchedInfo: this.#matches.slice(-MAX_MATCHES).filter((m) =>
        m.timeStamp >= min && (filter.tabId === undefined || filter.tabId === m.tabId)
      ).map((m) => structuredClone(m)),
    };
  }

  #forgetOld(): void {
    const cutoff = Date.now() - MATCH_MEMORY_MS;
    if (this.#matches.length > 0 && this.#matches[0].timeStamp < cutoff) {
      this.#matches = this.#matches.filter((m) => m.timeStamp >= cutoff);
    }
  }
}
