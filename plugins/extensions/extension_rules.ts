/**
 * An extension's own `declarativeNetRequest`: its static rulesets (from
 * `declarative_net_request.rule_resources`, enabled per the manifest or `updateEnabledRulesets`),
 * its dynamic rules (kept in the partition's store) and its session rules. Each extension's rules
 * are separate from every other's and from `ses.declarativeNetRequest`, as in Chrome. Block,
 * allow and upgradeScheme act on any URL; redirect and modifyHeaders only on URLs the extension's
 * host permissions cover (Chrome's rule).
 *
 * @module
 */
import { DnrEngine, type DnrOutcome, headerChanges } from "../web-request/dnr_engine.ts";
import { applyHeaderChanges } from "../web-request/dnr_engine.ts";
import { type CompiledRule, compileRule } from "../web-request/dnr_rule.ts";
import type { DnrRequest } from "../web-request/dnr_matcher.ts";
import { type MatchedRuleInfo, MatchedRules } from "../web-request/dnr_matched_rules.ts";
import {
  checkGetRulesFilter,
  checkMatchedRulesFilter,
  checkTestMatchRequest,
  checkTestMatchUrls,
  checkUpdateRuleOptions,
} from "./_dnr_arguments.ts";
import { declarativeSource, type WebRequest } from "../web-request/web_request.ts";
import { DNR_ENUM_VALUES } from "../web-request/dnr_types.ts";
import type { GetRulesFilter, Rule, UpdateRuleOptions } from "../web-request/dnr_types.ts";
import type { PluginContext } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { Store, StoreValue } from "../../kernel/store.ts";
import type { RuleResource } from "./extension_manifest.ts";
import type { HostAccess } from "./host_access.ts";

const SESSION = 0;
const DYNAMIC = 1;
/** Rules per engine of a static ruleset (Chrome allows far more per ruleset: 330,000 in all). */
const CHUNK = 30_000;
/** Chrome's limits on static rulesets. */
export const MAX_NUMBER_OF_ENABLED_STATIC_RULESETS = 50;
/** Chrome's limit on the static rules disabled one by one (`updateStaticRules`), in all rulesets. */
const MAX_DISABLED_STATIC_RULES = 5000;

export type { MatchedRuleInfo } from "../web-request/dnr_matched_rules.ts";

/** Reads a static ruleset's JSON (the extension's file). */
export type ReadRuleset = (path: string) => Promise<unknown>;

interface Decision {
  kind: DnrOutcome["kind"];
  rule: { id: number; rulesetId: string } | null;
  redirectUrl?: string;
  modify: Array<{ rule: CompiledRule; rulesetId: string }>;
}

/**
 * The declarative rules of one extension, and the taps that apply them.
 *
 * @example
 * ```ts ignore
 * const rules = new ExtensionRules(ctx, extension.id, access, resources, read, store);
 * await rules.start();
 * ```
 */
export class ExtensionRules {
  readonly #ctx: PluginContext;
  readonly #id: string;
  readonly #access: HostAccess;
  readonly #resources: readonly RuleResource[];
  readonly #read: ReadRuleset;
  readonly #store: Store;
  readonly #own = new DnrEngine();
  /** Each static ruleset in engines of at most {@linkcode CHUNK} rules (an engine's own limit). */
  readonly #static = new Map<string, DnrEngine[]>();
  /** How many rules each loaded static ruleset has (the disabled ones included, as Chrome counts). */
  readonly #staticRuleCounts = new Map<string, number>();
  /** The rules `updateStaticRules` disabled, by ruleset (kept in the store). */
  #disabledRules = new Map<string, Set<number>>();
  #engines: Array<{ engine: DnrEngine; order: number; ids: string[] }> = [];
  #enabled: string[] = [];
  readonly #matches = new MatchedRules();
  #untaps: Array<() => void> = [];
  #queue: Promise<unknown> = Promise.resolve();
  /** Told about each matched rule (onRuleMatchedDebug). */
  onMatch:
    | ((info: { request: Record<string, unknown>; rule: MatchedRuleInfo["rule"] }) => void)
    | null = null;

  /** Rules of extension `id` with host access `access`; `store` is the extension's own store. */
  constructor(
    ctx: PluginContext,
    id: string,
    access: HostAccess,
    resources: readonly RuleResource[],
    read: ReadRuleset,
    store: Store,
  ) {
    this.#ctx = ctx;
    this.#id = id;
    this.#access = access;
    this.#resources = resources;
    this.#read = read;
    this.#store = store;
    this.#setEnabled([]);
  }

  /** Loads the enabled static rulesets and the stored dynamic rules, then taps the pipeline. */
  async start(): Promise<void> {
    const disabled = await this.#store.get("disabledStaticRules");
    if (disabled !== null && typeof disabled === "object" && !Array.isArray(disabled)) {
      for (const [id, ids] of Object.entries(disabled as Record<string, number[]>)) {
        this.#disabledRules.set(id, new Set(ids));
      }
    }
    const saved = await this.#store.get("enabledRulesets");
    const enabled = Array.isArray(saved)
      ? (saved as string[]).filter((id) => this.#resources.some((r) => r.id === id))
      : this.#resources.filter((r) => r.enabled).map((r) => r.id);
    for (const id of enabled) await this.#loadStatic(id);
    this.#setEnabled(enabled);
    const dynamic = await this.#store.get("dynamicRules");
    if (Array.isArray(dynamic) && dynamic.length > 0) {
      this.#own.update(DYNAMIC, { addRules: dynamic as unknown as Rule[] });
    }
    this.#tap();
  }

  /** Removes the taps. */
  stop(): void {
    for (const untap of this.#untaps.splice(0)) untap();
  }

  async #loadStatic(id: string): Promise<void> {
    if (this.#static.has(id)) return;
    const resource = this.#resources.find((r) => r.id === id)!;
    const json = await this.#read(resource.path);
    if (!Array.isArray(json)) {
      throw new TypeError(`${resource.path}: a ruleset must be a JSON array of rules`);
    }
    // the rules updateStaticRules disabled are left out (and not checked)
    const disabled = this.#disabledRules.get(id);
    const rules = disabled?.size
      ? (json as Rule[]).filter((rule) => !disabled.has(rule?.id))
      : json as Rule[];
    let engines: DnrEngine[];
    try {
      // the common case, every rule valid: compiled once
      engines = buildEngines(rules);
    } catch {
      // Chrome skips the rules it cannot use and warns; websession reports them.
      const valid: Rule[] = [];
      const ids = new Set<number>();
      let skipped = 0;
      let first = "";
      for (const rule of rules) {
        try {
          const compiled = compileRule(rule, DYNAMIC);
          if (ids.has(compiled.id)) {
            throw new TypeError(`Rule with id ${compiled.id} does not have a unique ID.`);
          }
          ids.add(compiled.id);
          valid.push(rule as Rule);
        } catch (error) {
          skipped++;
          first ||= (error as Error).message;
        }
      }
      this.#ctx.report(
        new TypeError(
          `Extension ${this.#id}: ${resource.path}: ${skipped} rule(s) ignored (first: ${first})`,
        ),
        "declarativeNetRequest",
      );
      engines = buildEngines(valid);
    }
    this.#static.set(id, engines);
    this.#staticRuleCounts.set(id, json.length);
  }

  /**
   * Chrome's `updateStaticRules`: enables `enableRuleIds`, then disables `disableRuleIds`, of one
   * static ruleset, enabled or not (ids need not be in it); at most 5000 disabled in all; kept in
   * the store.
   */
  updateStaticRules(
    options: { rulesetId: string; disableRuleIds?: number[]; enableRuleIds?: number[] },
  ): Promise<void> {
    return this.#serial(async () => {
      const id = this.#knownRuleset(options.rulesetId);
      const next = new Set(this.#disabledRules.get(id));
      for (const rule of options.enableRuleIds ?? []) next.delete(rule);
      for (const rule of options.disableRuleIds ?? []) next.add(rule);
      let total = next.size;
      for (const [other, ids] of this.#disabledRules) if (other !== id) total += ids.size;
      if (total > MAX_DISABLED_STATIC_RULES) {
        throw new Error(
          "The number of disabled static rules exceeds the disabled rule count limit.",
        );
      }
      const previous = this.#disabledRules;
      const before = this.#static.get(id);
      this.#disabledRules = new Map(previous).set(id, next);
      try {
        if (before) {
          // read again from the extension's file, without the rules now disabled
          this.#static.delete(id);
          await this.#loadStatic(id);
        }
        const saved: Record<string, number[]> = {};
        for (const [ruleset, ids] of this.#disabledRules) if (ids.size) saved[ruleset] = [...ids];
        await this.#store.set("disabledStaticRules", saved);
      } catch (error) {
        this.#disabledRules = previous;
        if (before) this.#static.set(id, before);
        throw error;
      }
      if (before) this.#setEnabled(this.#enabled);
    });
  }

  /** Chrome's `getDisabledRuleIds`: the ids `updateStaticRules` disabled in a ruleset, ascending. */
  getDisabledRuleIds(options: { rulesetId: string }): Promise<number[]> {
    return this.#serial(() => {
      const id = this.#knownRuleset(options.rulesetId);
      return [...this.#disabledRules.get(id) ?? []].sort((a, b) => a - b);
    });
  }

  /** A static ruleset's id, or Chrome's error for one the manifest does not declare. */
  #knownRuleset(id: string): string {
    if (!this.#resources.some((r) => r.id === id)) throw new Error(`Invalid ruleset id: ${id}.`);
    return id;
  }

  #serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.#queue.then(fn);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Chrome's `updateEnabledRulesets`: disables then enables, atomically; kept in the store. */
  updateEnabledRulesets(
    options: { disableRulesetIds?: string[]; enableRulesetIds?: string[] } = {},
  ): Promise<void> {
    return this.#serial(async () => {
      const known = new Set(this.#resources.map((r) => r.id));
      for (const id of [...options.disableRulesetIds ?? [], ...options.enableRulesetIds ?? []]) {
        if (!known.has(id)) throw new Error(`Invalid ruleset id: ${id}.`);
      }
      const next = this.#enabled.filter((id) => !(options.disableRulesetIds ?? []).includes(id));
      for (const id of options.enableRulesetIds ?? []) if (!next.includes(id)) next.push(id);
      if (next.length > MAX_NUMBER_OF_ENABLED_STATIC_RULESETS) {
        throw new Error(
          "The number of enabled static rulesets exceeds the enabled ruleset count limit.",
        );
      }
      for (const id of next) await this.#loadStatic(id);
      await this.#store.set("enabledRulesets", next);
      this.#setEnabled(this.#resources.map((r) => r.id).filter((id) => next.includes(id)));
    });
  }

  /** The enabled static rulesets' ids. */
  getEnabledRulesets(): Promise<string[]> {
    return this.#serial(() => [...this.#enabled]);
  }

  /** Chrome's `updateDynamicRules` (kept in the store; nothing changes on error). */
  updateDynamicRules(options: UpdateRuleOptions = {}): Promise<void> {
    return this.#serial(async () => {
      checkUpdateRuleOptions("updateDynamicRules", options);
      const before = this.#own.frozen(DYNAMIC);
      this.#own.update(DYNAMIC, options);
      try {
        await this.#store.set("dynamicRules", this.#own.frozen(DYNAMIC) as unknown as StoreValue);
      } catch (error) {
        this.#own.restore(DYNAMIC, before);
        throw error;
      }
    });
  }

  /** Chrome's `updateSessionRules`. */
  updateSessionRules(options: UpdateRuleOptions = {}): Promise<void> {
    return this.#serial(() => {
      checkUpdateRuleOptions("updateSessionRules", options);
      this.#own.update(SESSION, options);
    });
  }

  /** Chrome's `getDynamicRules`. */
  getDynamicRules(filter: GetRulesFilter = {}): Promise<Rule[]> {
    return this.#serial(() => {
      checkGetRulesFilter("getDynamicRules", filter);
      return this.#own.get(DYNAMIC, filter);
    });
  }

  /** Chrome's `getSessionRules`. */
  getSessionRules(filter: GetRulesFilter = {}): Promise<Rule[]> {
    return this.#serial(() => {
      checkGetRulesFilter("getSessionRules", filter);
      return this.#own.get(SESSION, filter);
    });
  }

  /** Chrome's `getMatchedRules` (the last five minutes). */
  getMatchedRules(filter: { minTimeStamp?: number; tabId?: number } = {}): {
    rulesMatchedInfo: MatchedRuleInfo[];
  } {
    checkMatchedRulesFilter(filter);
    return this.#matches.get(filter);
  }

  /** How many rules the enabled static rulesets hold (those disabled one by one included, as in Chrome). */
  get staticRuleCount(): number {
    let n = 0;
    for (const id of this.#enabled) n += this.#staticRuleCounts.get(id) ?? 0;
    return n;
  }

  /** Chrome's `testMatchOutcome`. */
  testMatchOutcome(
    request: DnrRequest,
  ): { matchedRules: Array<{ ruleId: number; rulesetId: string }> } {
    checkTestMatchRequest(request, DNR_ENUM_VALUES);
    checkTestMatchUrls(request);
    const d = this.#decide({ ...request, url: new URL(request.url).href });
    // as Chrome lists them: an allow rule only when no modifyHeaders rule outranks it
    const listed = d.rule !== null && !(d.kind === "allow" && d.modify.length > 0);
    const out = listed ? [{ ruleId: d.rule!.id, rulesetId: d.rule!.rulesetId }] : [];
    for (const m of d.modify) out.push({ ruleId: m.rule.id, rulesetId: m.rulesetId });
    return { matchedRules: out };
  }

  #setEnabled(ids: string[]): void {
    this.#enabled = ids;
    this.#engines = [
      { engine: this.#own, order: 0, ids: ["_session", "_dynamic"] },
      ...ids.flatMap((id, i) =>
        this.#static.get(id)!.map((engine) => ({ engine, order: i + 2, ids: [id] }))
      ),
    ];
  }

  /** The outcome over every ruleset: priority, then action, then ruleset order, then Chrome's tie order. */
  #decide(request: DnrRequest): Decision {
    let best:
      | { rule: CompiledRule; order: number; rulesetId: string; redirectUrl?: string }
      | null = null;
    const modify: Array<{ rule: CompiledRule; order: number; rulesetId: string }> = [];
    for (const { engine, order, ids } of this.#engines) {
      if (engine.size === 0) continue;
      const o = engine.outcome(request);
      const rulesetOf = (r: CompiledRule) => ids.length === 1 ? ids[0] : ids[r.ruleset];
      const orderOf = (r: CompiledRule) => order + (ids.length === 1 ? 0 : r.ruleset);
      if (o.rule && (o.kind !== "redirect" || this.#mayChange(o.rule, request.url))) {
        const candidate = {
          rule: o.rule,
          order: orderOf(o.rule),
          rulesetId: rulesetOf(o.rule),
          redirectUrl: o.redirectUrl,
        };
        if (best === null || wins(candidate, best)) best = candidate;
      }
      for (const r of o.modify) {
        if (this.#access.covers(request.url)) {
          modify.push({ rule: r, order: orderOf(r), rulesetId: rulesetOf(r) });
        }
      }
    }
    modify.sort((a, b) => (wins(a, b) ? -1 : 1));
    if (best === null) return { kind: "none", rule: null, modify };
    const type = best.rule.rule.action.type;
    const rule = { id: best.rule.id, rulesetId: best.rulesetId };
    if (type === "allow" || type === "allowAllRequests") {
      const floor = best.rule.priority;
      return { kind: "allow", rule, modify: modify.filter((m) => m.rule.priority > floor) };
    }
    if (type === "block") return { kind: "block", rule, modify: [] };
    return { kind: "redirect", rule, redirectUrl: best.redirectUrl, modify: [] };
  }

  /** upgradeScheme needs no host access; redirect does. */
  #mayChange(rule: CompiledRule, url: string): boolean {
    return rule.rule.action.type === "upgradeScheme" || this.#access.covers(url);
  }

  #decision(request: PipelineRequest): Decision {
    const key = this.#key;
    let hop = request.data.get(key) as { url: string; d: Decision } | undefined;
    if (!hop || hop.url !== request.url) {
      hop = {
        url: request.url,
        d: this.#decide({
          url: request.url,
          type: request.resourceType,
          method: request.method,
          initiator: request.initiator,
          tabId: -1,
        }),
      };
      request.data.set(key, hop);
    }
    return hop.d;
  }

  readonly #key = Symbol("extension rules");

  /** The session's `webRequest`, or undefined when it was built without the plugin. */
  #webRequest(): WebRequest | undefined {
    try {
      return (this.#ctx.session as unknown as { webRequest?: WebRequest }).webRequest;
    } catch {
      return undefined; // MissingPluginError
    }
  }

  #matched(request: PipelineRequest, rule: { id: number; rulesetId: string }): void {
    const info = this.#matches.add({ ruleId: rule.id, rulesetId: rule.rulesetId });
    this.onMatch?.({
      request: {
        requestId: String(request.id),
        url: request.url,
        method: request.method,
        type: request.resourceType,
        tabId: -1,
        frameId: -1, // no frame, as Chrome's details of a request from no frame say
        parentFrameId: -1,
        ...(request.initiator ? { initiator: request.initiator } : {}),
      },
      rule: info.rule,
    });
  }

  #tap(): void {
    const options = { order: "pre" as const, label: `extension ${this.#id} declarativeNetRequest` };
    this.#untaps.push(this.#ctx.tap("beforeRequest", (request) => {
      const d = this.#decision(request);
      if (!d.rule) return;
      this.#matched(request, d.rule);
      if (d.kind === "block") {
        return { cancel: true, reason: `extension ${this.#id} rule ${d.rule.id}` };
      }
      if (d.kind === "redirect" && d.redirectUrl) return { redirectUrl: d.redirectUrl };
    }, options));
    // Chrome evaluates every extension's rules before any webRequest listener: a hop they block
    // or redirect reaches no onBeforeRequest listener.
    const webRequest = this.#webRequest();
    if (webRequest) {
      this.#untaps.push(webRequest[declarativeSource]((request) => {
        const d = this.#decision(request);
        return d.rule !== null &&
          (d.kind === "block" || (d.kind === "redirect" && !!d.redirectUrl));
      }));
    }
    for (const stage of ["beforeSendHeaders", "headersReceived"] as const) {
      const which = stage === "beforeSendHeaders" ? "requestHeaders" : "responseHeaders";
      this.#untaps.push(this.#ctx.tap(stage, (request: PipelineRequest, response?: Response) => {
        const d = this.#decision(request);
        if (d.modify.length === 0) return;
        const ids = new Map(d.modify.map((m) => [m.rule, m.rulesetId]));
        const { applied } = headerChanges(d.modify.map((m) => m.rule), which);
        if (applied.length === 0) return;
        const headers = new Headers(response ? response.headers : request.headers);
        applyHeaderChanges(headers, applied, response !== undefined);
        const seen = new Set<number>();
        for (const m of d.modify) {
          if (seen.has(m.rule.id) || !applied.some((c) => c.ruleId === m.rule.id)) continue;
          seen.add(m.rule.id);
          this.#matched(request, { id: m.rule.id, rulesetId: ids.get(m.rule)! });
        }
        return { [which]: headers };
      }, options));
    }
  }
}

/** Engines of at most {@linkcode CHUNK} rules each; throws on an invalid rule or a repeated id. */
function buildEngines(rules: readonly Rule[]): DnrEngine[] {
  const ids = new Set<unknown>();
  for (const rule of rules) {
    const id = (rule as { id?: unknown })?.id;
    if (ids.has(id)) throw new TypeError(`Rule with id ${id} does not have a unique ID.`);
    ids.add(id);
  }
  const engines: DnrEngine[] = [];
  for (let i = 0; i < rules.length || i === 0; i += CHUNK) {
    const engine = new DnrEngine({ staticRules: true });
    engine.update(DYNAMIC, { addRules: rules.slice(i, i + CHUNK) });
    engines.push(engine);
  }
  return engines;
}

function wins(
  a: { rule: CompiledRule; order: number },
  b: { rule: CompiledRule; order: number },
): boolean {
  if (a.rule.priority !== b.rule.priority) return a.rule.priority > b.rule.priority;
  if (a.rule.rank !== b.rule.rank) return a.rule.rank > b.rule.rank;
  if (a.order !== b.order) return a.order < b.order;
  // within one ruleset, Chromium 156's tie order (web-request's precedes): regex rules, then
  // short urlFilters, then the rule added first
  if (a.rule.tieClass !== b.rule.tieClass) return a.rule.tieClass > b.rule.tieClass;
  return a.rule.seq < b.rule.seq;
}
