/**
 * `ses.declarativeNetRequest`: Chrome's declarative rules for a session. Session rules live in
 * memory; dynamic rules are kept in the partition's store (on disk for persistent partitions).
 * The rules act in pre-ordered taps, before any imperative listener: a block or redirect decided
 * here skips the `onBeforeRequest` listeners of that hop.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { StoreValue } from "../../kernel/store.ts";
import type { DnrEngine, DnrOutcome } from "./dnr_engine.ts";
import {
  MAX_NUMBER_OF_DYNAMIC_RULES,
  MAX_NUMBER_OF_REGEX_RULES,
  MAX_NUMBER_OF_SESSION_RULES,
  MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES,
  MAX_NUMBER_OF_UNSAFE_SESSION_RULES,
} from "./dnr_limits.ts";
import type {
  GetRulesFilter,
  MatchedRule,
  Rule,
  TestMatchOutcomeResult,
  TestMatchRequestDetails,
  UpdateRuleOptions,
} from "./dnr_types.ts";
import { DNR_ENUM_VALUES } from "./dnr_types.ts";
import type { Traces } from "./_trace.ts";
import {
  type MatchedRuleInfo,
  MatchedRules,
  type MatchedRulesFilter,
} from "./dnr_matched_rules.ts";
import type { UnsupportedRegexReason } from "./_regex_filter.ts";
import { onFirstUse } from "../../kernel/lazy.ts";

const OUTCOME = Symbol("declarativeNetRequest outcome");
const STORE_KEY = "dynamicRules";
const SESSION = 0;
const DYNAMIC = 1;
/** Ruleset ids by index (`RULESETS` of `dnr_rule.ts`). */
const RULESETS: readonly string[] = ["_session", "_dynamic"];

/**
 * The rule engine (rule checks, valibot schemas, RE2, the public-suffix list's users) loads with
 * the first rule a session gets or has stored, not with the session (issue #24's cold start; in
 * the browser bundle, a chunk).
 */
const engineModule = () => import("./dnr_engine.ts");
type EngineModule = Awaited<ReturnType<typeof engineModule>>;

/**
 * The methods' argument checks (Chrome's schema, shared with extensions' bindings) load with the
 * first call (issue #24: in the browser bundle, a chunk). Every call waits for them once, in call
 * order, so calls still take effect in the order they were made.
 */
const argumentChecks = onFirstUse(
  "the declarativeNetRequest argument checks (plugins/extensions/_dnr_arguments.ts)",
  () => import("../extensions/_dnr_arguments.ts"),
);
type ArgumentChecks = Awaited<ReturnType<typeof argumentChecks>>;

interface HopOutcome {
  url: string;
  outcome: DnrOutcome;
}

/**
 * Runs `check` with the argument checks once they are loaded, then `act` if it passed; a failed
 * check (or checks that could not load) rejects and nothing changes.
 */
function checked<T>(check: (checks: ArgumentChecks) => void, act: () => Promise<T>): Promise<T> {
  return argumentChecks().then((checks) => {
    check(checks);
    return act();
  });
}

/**
 * Chrome's `declarativeNetRequest` for one session.
 *
 * @example
 * ```ts
 * // await ses.declarativeNetRequest.updateSessionRules({
 * //   addRules: [{ id: 1, condition: { urlFilter: "||ads.example^" }, action: { type: "block" } }],
 * // });
 * ```
 */
export class DeclarativeNetRequest {
  /** The ruleset id of session rules (`getMatchedRules`, `testMatchOutcome`, traces). */
  readonly SESSION_RULESET_ID: string = RULESETS[SESSION];
  /** The ruleset id of dynamic rules. */
  readonly DYNAMIC_RULESET_ID: string = RULESETS[DYNAMIC];
  /** Chrome's limit on session rules. */
  readonly MAX_NUMBER_OF_SESSION_RULES: number = MAX_NUMBER_OF_SESSION_RULES;
  /** Chrome's limit on dynamic rules. */
  readonly MAX_NUMBER_OF_DYNAMIC_RULES: number = MAX_NUMBER_OF_DYNAMIC_RULES;
  /** Chrome's limit on session rules that redirect or change headers. */
  readonly MAX_NUMBER_OF_UNSAFE_SESSION_RULES: number = MAX_NUMBER_OF_UNSAFE_SESSION_RULES;
  /** Chrome's limit on dynamic rules that redirect or change headers. */
  readonly MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES: number = MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES;
  /** Chrome's limit on regex rules per ruleset. */
  readonly MAX_NUMBER_OF_REGEX_RULES: number = MAX_NUMBER_OF_REGEX_RULES;
  #engine: DnrEngine | null = null;
  #module: EngineModule | null = null;
  #loading: Promise<DnrEngine> | null = null;
  readonly #ctx: PluginContext;
  readonly #traces: Traces;
  #writes: Promise<void> = Promise.resolve();
  #started = false;
  readonly #matched = new MatchedRules();

  #untaps: Array<() => void> = [];
  readonly #onChange: () => void;

  /** Made by the web-request plugin; `onChange` is told when the rule count changes. */
  constructor(ctx: PluginContext, traces: Traces, onChange: () => void = () => {}) {
    this.#ctx = ctx;
    this.#traces = traces;
    this.#onChange = onChange;
  }

  /**
   * Whether the rules block or redirect the request's current hop (decided once per hop and
   * kept, so that it does not matter whether this or the rules' tap asks first).
   */
  actsOn(request: PipelineRequest): boolean {
    if (this.size === 0) return false;
    const kind = this.#outcome(request).kind;
    return kind === "block" || kind === "redirect";
  }

  /** How many rules (session and dynamic) there are. */
  get size(): number {
    return this.#engine?.size ?? 0;
  }

  /** The engine, loaded on first use; calls queued behind its loading run in call order. */
  #withEngine<T>(use: (engine: DnrEngine) => T): Promise<T> {
    const engine = this.#engine;
    if (engine) {
      try {
        return Promise.resolve(use(engine));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.#loading ??= engineModule().then((module) => {
      this.#module = module;
      return this.#engine = new module.DnrEngine();
    });
    return this.#loading.then(use);
  }

  /** The taps exist only while there are rules: a session without rules pays nothing. */
  #sync(): void {
    if (this.size > 0 && this.#untaps.length === 0) this.#tap();
    else if (this.size === 0 && this.#untaps.length > 0) {
      for (const untap of this.#untaps.splice(0)) untap();
    }
    this.#onChange();
  }

  /**
   * Loads the dynamic rules kept in the store and installs the taps; the rules' methods wait for
   * it.
   */
  start(): Promise<void> {
    const started = this.#load();
    this.#writes = started.catch(() => {});
    return started;
  }

  async #load(): Promise<void> {
    // On a store shared between processes, dynamic rules another process changes apply here too.
    const unwatch = this.#ctx.store.watch?.((changes) => {
      const change = changes.find((c) => c.key === STORE_KEY);
      if (!change) return;
      this.#writes = this.#writes.then(async () => {
        const rules = Array.isArray(change.value) ? change.value as unknown as Rule[] : [];
        if (rules.length === 0 && this.#engine === null) return;
        const engine = await this.#withEngine((engine) => engine);
        const before = engine.frozen(DYNAMIC);
        try {
          engine.update(DYNAMIC, {
            removeRuleIds: before.map((rule) => rule.id),
            addRules: rules,
          });
        } catch (error) {
          engine.restore(DYNAMIC, before);
          this.#ctx.report(error, "shared dynamic rules");
        }
        this.#sync();
      });
    });
    if (unwatch) this.#ctx.onTeardown(unwatch);
    try {
      const saved = await this.#ctx.store.get(STORE_KEY);
      if (Array.isArray(saved) && saved.length > 0) {
        try {
          await this.#withEngine((engine) =>
            engine.update(DYNAMIC, { addRules: saved as unknown as Rule[] })
          );
        } catch (error) {
          this.#ctx.report(error, "load dynamic rules");
        }
      }
    } finally {
      this.#started = true;
      this.#sync();
    }
  }

  /** Removes then adds session rules, atomically. */
  updateSessionRules(options: UpdateRuleOptions = {}): Promise<void> {
    return checked(
      (checks) => checks.checkUpdateRuleOptions("updateSessionRules", options),
      () => this.#updateSessionRules(options),
    );
  }

  #updateSessionRules(options: UpdateRuleOptions): Promise<void> {
    if (!this.#started) return this.#writes.then(() => this.#updateSessionRules(options));
    return this.#withEngine((engine) => {
      engine.update(SESSION, options);
      this.#sync();
    });
  }

  /** Removes then adds dynamic rules, atomically, and keeps them in the partition's store. */
  updateDynamicRules(options: UpdateRuleOptions = {}): Promise<void> {
    return checked(
      (checks) => checks.checkUpdateRuleOptions("updateDynamicRules", options),
      () => this.#updateDynamicRules(options),
    );
  }

  #updateDynamicRules(options: UpdateRuleOptions): Promise<void> {
    const write = this.#writes.then(async () => {
      const engine = await this.#withEngine((engine) => engine);
      const before = engine.frozen(DYNAMIC);
      engine.update(DYNAMIC, options);
      try {
        await this.#ctx.store.set(STORE_KEY, engine.frozen(DYNAMIC) as unknown as StoreValue);
      } catch (error) {
        engine.restore(DYNAMIC, before);
        throw error;
      } finally {
        this.#sync();
      }
    });
    this.#writes = write.catch(() => {});
    return write;
  }

  /** The session rules (optionally only some ids). */
  getSessionRules(filter: GetRulesFilter = {}): Promise<Rule[]> {
    return checked(
      (checks) => checks.checkGetRulesFilter("getSessionRules", filter),
      () => this.#getSessionRules(filter),
    );
  }

  #getSessionRules(filter: GetRulesFilter): Promise<Rule[]> {
    if (!this.#started) return this.#writes.then(() => this.#getSessionRules(filter));
    if (this.#engine === null && this.#loading === null) return Promise.resolve([]);
    return this.#withEngine((engine) => engine.get(SESSION, filter));
  }

  /** The dynamic rules (optionally only some ids). */
  getDynamicRules(filter: GetRulesFilter = {}): Promise<Rule[]> {
    return checked(
      (checks) => checks.checkGetRulesFilter("getDynamicRules", filter),
      async () => {
        await this.#writes;
        if (this.#engine === null && this.#loading === null) return [];
        return await this.#withEngine((engine) => engine.get(DYNAMIC, filter));
      },
    );
  }

  /** The rules that would apply to a request, in the order they would. */
  testMatchOutcome(request: TestMatchRequestDetails): Promise<TestMatchOutcomeResult> {
    return checked((checks) => {
      checks.checkTestMatchRequest(request, DNR_ENUM_VALUES);
      checks.checkTestMatchUrls(request);
    }, () => this.#testMatchOutcome(request));
  }

  #testMatchOutcome(request: TestMatchRequestDetails): Promise<TestMatchOutcomeResult> {
    if (!this.#started) return this.#writes.then(() => this.#testMatchOutcome(request));
    return this.#withEngine((engine) => engine.testMatchOutcome(request));
  }

  /**
   * Chrome's `isRegexSupported`: whether a `regexFilter` could use the regex (RE2, with Chrome's
   * limits), and if not, why (`syntaxError` or `memoryLimitExceeded`).
   */
  async isRegexSupported(
    regexOptions: { regex: string; isCaseSensitive?: boolean; requireCapturing?: boolean },
  ): Promise<{ isSupported: boolean; reason?: UnsupportedRegexReason }> {
    (await argumentChecks()).checkRegexOptions(regexOptions);
    const { regexSupport } = await import("./_regex_filter.ts");
    return regexSupport(regexOptions.regex, regexOptions.isCaseSensitive !== false);
  }

  /**
   * Chrome's `getMatchedRules`: the rules that blocked, redirected, allowed or changed the
   * headers of a request in the last five minutes (websession's requests have no tab: -1).
   */
  getMatchedRules(
    filter: MatchedRulesFilter = {},
  ): Promise<{ rulesMatchedInfo: MatchedRuleInfo[] }> {
    return checked(
      (checks) => checks.checkMatchedRulesFilter(filter),
      () => Promise.resolve(this.#matched.get(filter)),
    );
  }

  #outcome(request: PipelineRequest, responseHeaders?: Headers): DnrOutcome {
    if (responseHeaders) {
      const o = request.options;
      return this.#engine!.outcome({
        url: request.url,
        type: request.resourceType,
        method: request.method,
        initiator: request.initiator,
        tabId: typeof o.tabId === "number" ? o.tabId : -1,
        frameUrls: Array.isArray(o.frameUrls) ? o.frameUrls as string[] : undefined,
        responseHeaders,
      });
    }
    let hop = request.data.get(OUTCOME) as HopOutcome | undefined;
    if (!hop || hop.url !== request.url) {
      const o = request.options;
      hop = {
        url: request.url,
        outcome: this.#engine!.outcome({
          url: request.url,
          type: request.resourceType,
          method: request.method,
          initiator: request.initiator,
          tabId: typeof o.tabId === "number" ? o.tabId : -1,
          frameUrls: Array.isArray(o.frameUrls) ? o.frameUrls as string[] : undefined,
        }),
      };
      request.data.set(OUTCOME, hop);
    }
    return hop.outcome;
  }

  /** Rules behind the answers of the taps, until the pipeline reports the decision. */
  readonly #pending = new Map<string, MatchedRule[]>();

  #remember(request: PipelineRequest, stage: string, rules: MatchedRule[]): void {
    for (const rule of rules) this.#matched.add(rule);
    if (this.#pending.size > 1000) this.#pending.clear();
    this.#pending.set(`${request.id}/${stage}`, rules);
  }

  /** The rules behind the declarative tap's answer at a stage (once). */
  takeRules(requestId: number, stage: string): MatchedRule[] | undefined {
    const key = `${requestId}/${stage}`;
    const rules = this.#pending.get(key);
    this.#pending.delete(key);
    return rules;
  }

  #tap(): void {
    const options = { order: "pre" as const, label: "declarativeNetRequest" };
    this.#untaps.push(this.#ctx.tap("beforeRequest", (request) => {
      const o = this.#outcome(request);
      if (!o.rule) return;
      const rules = [{ ruleId: o.rule.id, rulesetId: RULESETS[o.rule.ruleset] }];
      if (o.kind === "allow") {
        this.#matched.add(rules[0]);
        // Nothing for the pipeline to merge; the trace still says which rule allowed it.
        this.#traces.add(request.id, {
          stage: "beforeRequest",
          by: "declarativeNetRequest",
          plugin: this.#ctx.manifest.name,
          asked: { allow: true },
          applied: true,
          rules,
        });
        return;
      }
      this.#remember(request, "beforeRequest", rules);
      return o.kind === "block"
        ? { cancel: true, reason: `rule ${o.rule.id} (${RULESETS[o.rule.ruleset]})` }
        : { redirectUrl: o.redirectUrl };
    }, options));
    for (const stage of ["beforeSendHeaders", "headersReceived"] as const) {
      const which = stage === "beforeSendHeaders" ? "requestHeaders" : "responseHeaders";
      this.#untaps.push(this.#ctx.tap(stage, (request: PipelineRequest, response?: Response) => {
        let o = this.#outcome(request);
        if (response && this.#engine!.hasResponseHeaderRules) {
          // Rules with response header conditions are decided now, with the headers (Chrome).
          o = this.#outcome(request, response.headers);
          const rule = o.rule;
          if (rule && (rule.responseHeaders || rule.excludedResponseHeaders)) {
            const rules = [{ ruleId: rule.id, rulesetId: RULESETS[rule.ruleset] }];
            if (o.kind === "block") {
              this.#remember(request, stage, rules);
              return { cancel: true, reason: `rule ${rule.id} (${RULESETS[rule.ruleset]})` };
            }
            if (o.kind === "redirect") {
              this.#remember(request, stage, rules);
              return { redirectUrl: o.redirectUrl };
            }
          }
        }
        if (o.modify.length === 0) return;
        const { applied } = this.#module!.headerChanges(o.modify, which);
        if (applied.length === 0) return;
        const headers = new Headers(response ? response.headers : request.headers);
        this.#module!.applyHeaderChanges(headers, applied, response !== undefined);
        const seen = new Set<string>();
        const rules: MatchedRule[] = [];
        for (const c of applied) {
          const key = `${c.rulesetId}/${c.ruleId}`;
          if (!seen.has(key)) rules.push({ ruleId: c.ruleId, rulesetId: c.rulesetId });
          seen.add(key);
        }
        this.#remember(request, stage, rules);
        return { [which]: headers };
      }, options));
    }
  }
}
