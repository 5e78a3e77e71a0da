/**
 * The declarative rules engine of one session: the session and dynamic rulesets, their atomic
 * updates, and the outcome of a request (block, allow, redirect, header changes) in Chrome's
 * order.
 *
 * @module
 */
import { redirectTarget } from "./_redirect.ts";
import { type CompiledRule, compileRule, RULESETS, TYPE_BIT } from "./dnr_rule.ts";
import {
  type DnrRequest,
  findMatches,
  type MatchContext,
  matchContext,
  precedes,
} from "./dnr_matcher.ts";
import type {
  GetRulesFilter,
  MatchedRule,
  ModifyHeaderInfo,
  Rule,
  TestMatchOutcomeResult,
  TestMatchRequestDetails,
  UpdateRuleOptions,
} from "./dnr_types.ts";
import { RuleIndex } from "./rule_index.ts";

import {
  MAX_NUMBER_OF_DYNAMIC_RULES,
  MAX_NUMBER_OF_REGEX_RULES,
  MAX_NUMBER_OF_SESSION_RULES,
  MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES,
  MAX_NUMBER_OF_UNSAFE_SESSION_RULES,
} from "./dnr_limits.ts";

export {
  MAX_NUMBER_OF_DYNAMIC_RULES,
  MAX_NUMBER_OF_REGEX_RULES,
  MAX_NUMBER_OF_SESSION_RULES,
  MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES,
  MAX_NUMBER_OF_UNSAFE_SESSION_RULES,
} from "./dnr_limits.ts";

/** One header change that will be applied, with the rule it comes from. */
export interface HeaderChange extends ModifyHeaderInfo {
  /** The rule's id. */
  ruleId: number;
  /** `_session` or `_dynamic`. */
  rulesetId: string;
}

/** What the rules decide for a request. */
export interface DnrOutcome {
  /** `block`, `redirect` (incl. upgradeScheme), `allow`, or `none`. */
  kind: "none" | "allow" | "block" | "redirect";
  /** The rule behind `kind` (null for `none`). */
  rule: CompiledRule | null;
  /** The redirect target for `redirect`. */
  redirectUrl?: string;
  /** The modifyHeaders rules that apply, in order (empty when blocked or redirected). */
  modify: CompiledRule[];
}

const LIMITS = [MAX_NUMBER_OF_SESSION_RULES, MAX_NUMBER_OF_DYNAMIC_RULES];
/** Limits on rules that redirect or change headers (Chrome's "unsafe" actions), by ruleset. */
const UNSAFE_LIMITS = [MAX_NUMBER_OF_UNSAFE_SESSION_RULES, MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES];
const UNSAFE_ACTIONS: ReadonlySet<string> = new Set(["redirect", "modifyHeaders"]);
/** How Chrome's messages name each ruleset (`RULESETS` order). */
const KIND = ["Session", "Dynamic"];

/**
 * Declarative rules of one session.
 *
 * @example
 * ```ts
 * const engine = new DnrEngine();
 * engine.update(0, { addRules: [{ id: 1, condition: { urlFilter: "||ads.example^" },
 *   action: { type: "block" } }] });
 * engine.outcome({ url: "https://ads.example/x.js", type: "script" }).kind; // "block"
 * ```
 */
export class DnrEngine {
  readonly #rules: Map<number, CompiledRule>[] = [new Map(), new Map()];
  readonly #indexes: RuleIndex[] = [new RuleIndex([]), new RuleIndex([])];
  readonly #staticRules: boolean;

  /**
   * `staticRules`: the engine holds (a part of) an extension's static ruleset, which has no
   * limit on unsafe rules.
   */
  constructor(options: { staticRules?: boolean } = {}) {
    this.#staticRules = options.staticRules === true;
  }

  /**
   * Applies removals then additions to ruleset 0 (session) or 1 (dynamic), atomically: on any
   * error nothing changes.
   *
   * @example
   * ```ts
   * new DnrEngine().update(1, { removeRuleIds: [1] });
   * ```
   */
  update(ruleset: number, options: UpdateRuleOptions): void {
    const before = this.#rules[ruleset];
    const next = new Map(before);
    const removed: CompiledRule[] = [];
    for (const id of options.removeRuleIds ?? []) {
      const old = next.get(id);
      if (old && next.delete(id)) removed.push(old);
    }
    const adding = options.addRules ?? [];
    if (!Array.isArray(adding)) throw new TypeError("addRules: Must be an array");
    const added: CompiledRule[] = [];
    for (const [index, input] of adding.entries()) {
      let rule: CompiledRule;
      try {
        rule = compileRule(input, ruleset);
      } catch (error) {
        throw withCallPrefix(error, ruleset, index);
      }
      if (next.has(rule.id)) {
        throw new TypeError(`Rule with id ${rule.id} does not have a unique ID.`);
      }
      next.set(rule.id, rule);
      added.push(rule);
    }
    if (next.size > LIMITS[ruleset]) {
      // Chrome's words (extensions/browser/api/declarative_net_request/constants.cc)
      throw new TypeError(`${KIND[ruleset]} rule count exceeded.`);
    }
    let regexCount = 0;
    let unsafeCount = 0;
    for (const r of next.values()) {
      if (r.regex) regexCount++;
      if (UNSAFE_ACTIONS.has(r.rule.action.type)) unsafeCount++;
    }
    if (!this.#staticRules && unsafeCount > UNSAFE_LIMITS[ruleset]) {
      throw new TypeError(`${KIND[ruleset]} unsafe rule count exceeded.`);
    }
    if (regexCount > MAX_NUMBER_OF_REGEX_RULES) {
      throw new TypeError(`${KIND[ruleset]} rule count for regex rules exceeded.`);
    }
    this.#rules[ruleset] = next;
    this.#responseRules = null;
    // Small changes go into the index; large ones rebuild it (the best token choice).
    if (added.length + removed.length > before.size / 2) {
      this.#indexes[ruleset] = new RuleIndex(next.values());
    } else {
      this.#indexes[ruleset].remove(removed);
      this.#indexes[ruleset].add(added);
    }
  }

  /** The ruleset's rules as stored (frozen, not copied), for saving and rolling back. */
  frozen(ruleset: number): readonly Rule[] {
    return [...this.#rules[ruleset].values()].map((r) => r.rule);
  }

  /** Puts back a ruleset's rules as `frozen()` returned them (after a failed save). */
  restore(ruleset: number, rules: readonly Rule[]): void {
    this.#rules[ruleset] = new Map();
    this.update(ruleset, { addRules: rules as Rule[] });
  }

  /**
   * The rules of a ruleset, optionally only some ids, in id order.
   *
   * @example
   * ```ts
   * new DnrEngine().get(0); // []
   * ```
   */
  get(ruleset: number, filter: GetRulesFilter = {}): Rule[] {
    const wanted = filter.ruleIds ? new Set(filter.ruleIds) : null;
    return [...this.#rules[ruleset].values()]
      .filter((r) => wanted === null || wanted.has(r.id))
      .sort((a, b) => a.id - b.id)
      .map((r) => structuredClone(r.rule));
  }

  /**
   * Whether a rule has a `responseHeaders`/`excludedResponseHeaders` condition (those are
   * decided again when the response headers arrive).
   *
   * @example
   * ```ts
   * new DnrEngine().hasResponseHeaderRules; // false
   * ```
   */
  get hasResponseHeaderRules(): boolean {
    if (this.#responseRules === null) {
      this.#responseRules = this.#rules.some((rules) =>
        [...rules.values()].some((r) => r.responseHeaders || r.excludedResponseHeaders)
      );
    }
    return this.#responseRules;
  }

  /** Whether a rule has response header conditions (null: to be found again after an update). */
  #responseRules: boolean | null = null;

  /** How many rules both rulesets hold. */
  get size(): number {
    return this.#rules[0].size + this.#rules[1].size;
  }

  /**
   * What the rules decide for a request.
   *
   * @example
   * ```ts
   * new DnrEngine().outcome({ url: "https://a.example/", type: "image" }).kind; // "none"
   * ```
   */
  outcome(request: DnrRequest): DnrOutcome {
    if (this.size === 0) return { kind: "none", rule: null, modify: [] };
    const ctx = matchContext(request);
    const upgradeable = ctx.lower.startsWith("http:") || ctx.lower.startsWith("ftp:");
    const found = findMatches(this.#indexes, ctx, upgradeable);
    let best = found.best;
    const frame = this.#frameAllow(request);
    if (frame && (best === null || precedes(frame, best))) best = frame;
    return this.#decide(best, found.modify, ctx);
  }

  /** The best allowAllRequests rule matching one of the request's ancestor documents. */
  #frameAllow(request: DnrRequest): CompiledRule | null {
    let best: CompiledRule | null = null;
    const frames = request.frameUrls ?? [];
    frames.forEach((url, i) => {
      const ctx: MatchContext = matchContext({
        url,
        type: i === 0 ? "main_frame" : "sub_frame",
        initiator: i === 0 ? null : new URL(frames[i - 1]).origin,
        tabId: request.tabId,
      });
      const m = findMatches(this.#indexes, ctx, false, 4).best;
      if (m && (best === null || precedes(m, best))) best = m;
    });
    return best;
  }

  #decide(best: CompiledRule | null, modify: CompiledRule[], ctx: MatchContext): DnrOutcome {
    if (best === null) return { kind: "none", rule: null, modify };
    const type = best.rule.action.type;
    if (type === "allow" || type === "allowAllRequests") {
      // modifyHeaders rules at or below the allow rule's priority are ignored.
      return {
        kind: "allow",
        rule: best,
        modify: modify.filter((r) => r.priority > best.priority),
      };
    }
    if (type === "block") return { kind: "block", rule: best, modify: [] };
    // A WebSocket request is never redirected (Chrome), and a winning rule that yields no new
    // URL (an upgrade of an https URL, a redirect to the same URL) takes no action: the rules
    // below it do not get their turn.
    if (ctx.typeBit === TYPE_BIT.websocket) return { kind: "none", rule: null, modify };
    const target = redirectTarget(best, ctx.url);
    if (target === null) return { kind: "none", rule: null, modify };
    return { kind: "redirect", rule: best, redirectUrl: target, modify: [] };
  }

  /**
   * The rules that would apply to a request, like Chrome's `testMatchOutcome`.
   *
   * @example
   * ```ts
   * new DnrEngine().testMatchOutcome({ url: "https://a.example/", type: "image" });
   * // { matchedRules: [] }
   * ```
   */
  testMatchOutcome(
    request: DnrRequest | TestMatchRequestDetails,
  ): TestMatchOutcomeResult {
    const parsed = URL.parse(request.url);
    if (!parsed) throw new TypeError("Invalid test request URL."); // Chromium's words
    const given = request.responseHeaders;
    let responseHeaders: Headers | null = null;
    if (given instanceof Headers) responseHeaders = given;
    else if (given && typeof given === "object") {
      responseHeaders = new Headers();
      for (const [name, values] of Object.entries(given)) {
        for (const value of values ?? []) responseHeaders.append(name, value);
      }
    }
    const o = this.outcome({ ...request, url: parsed.href, responseHeaders } as DnrRequest);
    const out: MatchedRule[] = [];
    // As Chrome lists them: an allow rule only when no modifyHeaders rule outranks it.
    if (o.rule && !(o.kind === "allow" && o.modify.length > 0)) out.push(matched(o.rule));
    for (const r of o.modify) out.push(matched(r));
    return { matchedRules: out };
  }
}

function matched(rule: CompiledRule): MatchedRule {
  return { ruleId: rule.id, rulesetId: RULESETS[rule.ruleset] };
}

/**
 * The header changes that apply, per Chrome's rules across modifyHeaders rules: after an
 * append only appends; after a set only appends; after a remove nothing.
 *
 * @example
 * ```ts
 * headerChanges([], "requestHeaders"); // []
 * ```
 */
export function headerChanges(
  rules: readonly CompiledRule[],
  which: "requestHeaders" | "responseHeaders",
): { applied: HeaderChange[]; ignored: HeaderChange[] } {
  const state = new Map<string, string>();
  const applied: HeaderChange[] = [];
  const ignored: HeaderChange[] = [];
  for (const rule of rules) {
    for (const info of rule.rule.action[which] ?? []) {
      const change = { ...info, ruleId: rule.id, rulesetId: RULESETS[rule.ruleset] };
      const name = info.header.toLowerCase();
      const before = state.get(name);
      if (before === undefined || (before !== "remove" && info.operation === "append")) {
        applied.push(change);
        if (before === undefined) state.set(name, info.operation);
      } else ignored.push(change);
    }
  }
  return { applied, ignored };
}

/**
 * Applies header changes to a Headers object (request Cookie values are joined with `; `).
 *
 * @example
 * ```ts
 * const h = new Headers();
 * applyHeaderChanges(h, [{ header: "x-a", operation: "set", value: "1", ruleId: 1,
 *   rulesetId: "_session" }], false);
 * ```
 */
export function applyHeaderChanges(
  headers: Headers,
  changes: readonly HeaderChange[],
  response: boolean,
): void {
  for (const c of changes) {
    if (c.operation === "remove") headers.delete(c.header);
    else if (c.operation === "set") headers.set(c.header, c.value ?? "");
    else if (!response && c.header.toLowerCase() === "cookie" && headers.has("cookie")) {
      headers.set("cookie", `${headers.get("cookie")}; ${c.value}`);
    } else headers.append(c.header, c.value ?? "");
  }
}

/**
 * A rule refused by the schema check, with the prefix Chrome's bindings give it in
 * `updateSessionRules`/`updateDynamicRules` (the call, `options`, `addRules`, the rule's index);
 * other refusals as they are. The index is kept as `ruleIndex`.
 */
function withCallPrefix(error: unknown, ruleset: number, index: number): unknown {
  const tail = (error as { bindingTail?: unknown }).bindingTail;
  if (typeof tail !== "string") return error;
  const method = ruleset === 0 ? "updateSessionRules" : "updateDynamicRules";
  const wrapped = new TypeError(
    `Error in invocation of declarativeNetRequest.${method}(declarativeNetRequest.` +
      `UpdateRuleOptions options, optional function callback): Error at parameter 'options': ` +
      `Error at property 'addRules': Error at index ${index}: ${tail}.`,
  ) as TypeError & { field?: unknown; ruleIndex: number };
  wrapped.field = (error as { field?: unknown }).field;
  wrapped.ruleIndex = index;
  return wrapped;
}
