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
 * import { declarativeNetRequestOf, webRequestOf, webRequestPlugin } from "./mod.ts";
 *
 * const ses = session.fromPartition("web-request-example", { plugins: [webRequestPlugin] });
 * await ses.ready;
 * await declarativeNetRequestOf(ses).updateSessionRules({
 *   addRules: [{ id: 1, condition: { urlFilter: "||ads.example^" }, action: { type: "block" } }],
 * });
 * webRequestOf(ses).onBeforeSendHeaders((details, callback) => {
 *   callback?.({ requestHeaders: { ...details.requestHeaders, "x-hello": "1" } });
 * });
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { IgnoredAction } from "../../kernel/_merge.ts";
import type { Session } from "../../kernel/session.ts";
import { ListenerRegistry } from "./_registry.ts";
import { DeclarativeNetRequest } from "./declarative_net_request.ts";
import { IgnoredActions, WebRequest } from "./web_request.ts";

export { WebRequest, WebRequestEvent } from "./web_request.ts";
export type {
  ElectronMethod,
  IgnoredActionDetails,
  Listener,
  RequestFilter,
  WebRequestEvents,
  WebRequestFilter,
} from "./web_request.ts";
export { DeclarativeNetRequest } from "./declarative_net_request.ts";
export type * from "./dnr_types.ts";
export type { Explanation, TraceStep } from "./_trace.ts";
export { MatchPattern } from "./match_pattern.ts";
export type { MatchPatternError, PatternUrl, ValidSchemes } from "./match_pattern.ts";

/**
 * `ses.webRequest`, typed (the session member exists at run time; this saves the declaration
 * merging that JSR's slow-type check refuses, see `./session_types.ts`).
 *
 * @example
 * ```ts
 * // webRequestOf(ses).onBeforeRequest((details, callback) => callback({}));
 * ```
 */
export function webRequestOf(ses: Session): WebRequest {
  return (ses as unknown as { webRequest: WebRequest }).webRequest;
}

/**
 * `ses.declarativeNetRequest`, typed.
 *
 * @example
 * ```ts
 * // await declarativeNetRequestOf(ses).getDynamicRules();
 * ```
 */
export function declarativeNetRequestOf(ses: Session): DeclarativeNetRequest {
  return (ses as unknown as { declarativeNetRequest: DeclarativeNetRequest })
    .declarativeNetRequest;
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
export const webRequestPlugin: Plugin = definePlugin({
  manifest,
  async setup(ctx) {
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
    await dnr.start();
    const onIgnored = (
      _event: unknown,
      details: IgnoredAction & { requestId: number; stage: string },
    ) => {
      for (const error of ignored.emit(details)) ctx.report(error, "onActionIgnored");
    };
    ctx.session.on("action-ignored", onIgnored);
    ctx.provide({ webRequest: new WebRequest(registry, ignored), declarativeNetRequest: dnr });
    return () => {
      unsubscribe?.();
      ctx.session.off("action-ignored", onIgnored);
    };
  },
});
