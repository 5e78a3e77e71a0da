/**
 * The web-request plugin: `ses.webRequest` with Electron's surface (`onBeforeRequest([filter,]
 * listener)`) and Chrome's (`events.onBeforeRequest.addListener(cb, filter, ['blocking'])`),
 * several listeners per event with Chrome's conflict rules (a cancel wins; of redirects and header
 * changes the most recently installed listener's wins), every ignored action reported
 * (`onActionIgnored`) and traced (`explain(requestId)`); and `ses.declarativeNetRequest`, Chrome's
 * declarative rules, which act before the listeners.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * import { webRequestPlugin } from "./mod.ts";
 *
 * const ses = session.fromPartition("web-request-example", {
 *   preset: false,
 *   plugins: [webRequestPlugin],
 * });
 * await ses.declarativeNetRequest.updateSessionRules({
 *   addRules: [{ id: 1, condition: { urlFilter: "||ads.example^" }, action: { type: "block" } }],
 * });
 * ses.webRequest.onBeforeSendHeaders((details, callback) => {
 *   callback?.({ requestHeaders: { ...details.requestHeaders, "x-hello": "1" } });
 * });
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { IgnoredAction } from "../../kernel/request.ts";
import { ListenerRegistry } from "./_registry.ts";
import { DeclarativeNetRequest } from "./declarative_net_request.ts";
import { IgnoredActions, WebRequest } from "./web_request.ts";
import { BodyEvent } from "./body_events.ts";

// The kernel's types (Session, Plugin, PipelineRequest, ...) that this entry point's API refers to,
// so that its documentation is complete on its own.
export type * from "../../kernel/mod.ts";
export type { Listener as EmitterListener } from "../../kernel/events.ts";
export { WebRequest, WebRequestEvent } from "./web_request.ts";
export { type BodyDetails, BodyEvent, type BodyListener } from "./body_events.ts";
export type {
  BodyEvents,
  ElectronMethod,
  IgnoredActionDetails,
  Listener,
  RequestFilter,
  WebRequestEvents,
  WebRequestFilter,
} from "./web_request.ts";
export { DeclarativeNetRequest } from "./declarative_net_request.ts";
export type * from "./dnr_types.ts";
export type { MatchedRuleInfo, MatchedRulesFilter } from "./dnr_matched_rules.ts";
export type { UnsupportedRegexReason } from "./_regex_filter.ts";
export type { Explanation, TraceStep } from "./_trace.ts";
export { MatchPattern } from "./match_pattern.ts";
export type { MatchPatternError, PatternUrl, ValidSchemes } from "./match_pattern.ts";

/**
 * The session members the web-request plugin adds (`ses.webRequest`,
 * `ses.declarativeNetRequest`): a session built with it has them in its type.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: WebRequestMembers = session.fromPartition("web-request-members");
 * ses.webRequest.onBeforeRequest(null);
 * ```
 */
export interface WebRequestMembers {
  /** Electron's `ses.webRequest` (with Chrome's `events` surface too). */
  readonly webRequest: WebRequest;
  /** Chrome's declarative rules for this session. */
  readonly declarativeNetRequest: DeclarativeNetRequest;
}

/**
 * The web-request plugin.
 *
 * @example
 * ```ts
 * import { webRequestPlugin } from "./mod.ts";
 * webRequestPlugin.name; // "web-request"
 * ```
 */
export const webRequestPlugin: Plugin<WebRequestMembers> = definePlugin<WebRequestMembers>({
  manifest,
  setup(ctx) {
    const registry: ListenerRegistry = new ListenerRegistry(
      ctx,
      (request): boolean => dnr.actsOn(request),
    );
    const ignored = new IgnoredActions();
    // Traces are kept while there are listeners or rules; a session using neither pays nothing.
    let unsubscribe: (() => void) | null = null;
    const traceWhileUsed = () => {
      const used = registry.size > 0 || dnr.size > 0;
      if (used && !unsubscribe) {
        unsubscribe = ctx.session.pipeline.onDecision((d) => {
          registry.traces.add(d.requestId, {
            stage: d.stage,
            by: d.label,
            plugin: d.plugin,
            asked: d.result,
            applied: d.applied,
            winner: d.winner,
            error: d.error === undefined ? undefined : String(d.error),
            rules: d.label === "declarativeNetRequest"
              ? dnr.takeRules(d.requestId, d.stage)
              : undefined,
          });
        });
      } else if (!used && unsubscribe) {
        unsubscribe();
        unsubscribe = null;
      }
    };
    const dnr: DeclarativeNetRequest = new DeclarativeNetRequest(
      ctx,
      registry.traces,
      traceWhileUsed,
    );
    registry.onChange = traceWhileUsed;
    // The stored dynamic rules load in the background: the rules' methods wait for them, and
    // requests wait for the session's `ready`.
    const started = dnr.start();
    const onIgnored = (
      _event: unknown,
      details: IgnoredAction & { requestId: number; stage: string },
    ) => {
      for (const error of ignored.emit(details)) ctx.report(error, "onActionIgnored");
    };
    ctx.session.on("action-ignored", onIgnored);
    const body = {
      onRequestBody: new BodyEvent(ctx, "requestBody"),
      onResponseBody: new BodyEvent(ctx, "responseBody"),
    };
    ctx.provide({
      webRequest: new WebRequest(registry, ignored, "app", new Map(), body),
      declarativeNetRequest: dnr,
    });
    return started.then(() => () => {
      unsubscribe?.();
      ctx.session.off("action-ignored", onIgnored);
    });
  },
});
