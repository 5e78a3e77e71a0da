/**
 * `ses.webRequest`: Electron's surface (`onBeforeRequest([filter,] listener)`, one listener per
 * event and caller) and Chrome's (`events.onBeforeRequest.addListener(cb, filter, extraInfoSpec)`,
 * any number), both on the session's pipeline, plus what neither has: `onActionIgnored` for the
 * actions that lost a conflict and `explain(requestId)`.
 *
 * @module
 */
import type { PipelineRequest } from "../../kernel/request.ts";
import type { EventName } from "./_details.ts";
import { WEB_REQUEST_EVENTS, WEB_REQUEST_EXTRA_INFO } from "../extensions/_wire.ts";
import { BLOCKING_EVENTS, type Entry, type ListenerRegistry } from "./_registry.ts";
import type { Explanation } from "./_trace.ts";
import { chromeFilter, electronFilter } from "./listener_filter.ts";
import type { BodyEvent } from "./body_events.ts";

/** Electron's filter: URL patterns, patterns to leave out, Electron resource types. */
export interface WebRequestFilter {
  /**
   * Match patterns (required, as in Electron: a filter without throws); empty: every URL (Electron
   * deprecates it for `<all_urls>`).
   */
  urls: string[];
  /** Match patterns of URLs to leave out. */
  excludeUrls?: string[];
  /** Electron's resource types (`mainFrame`, `xhr`, ...; not `other`). */
  types?: string[];
}

/** Chrome's filter: URL patterns and Chrome resource types. */
export interface RequestFilter {
  /** Match patterns (required, as in Chrome). */
  urls: string[];
  /** Chrome's resource types (`main_frame`, `xmlhttprequest`, ...). */
  types?: string[];
  /** Only requests of this tab; websession's requests have no tab (-1), so only -1 matches. */
  tabId?: number;
  /** Only requests of this window; websession's requests have no window (-1), so only -1 matches. */
  windowId?: number;
}

/** An action that lost a conflict (a redirect or header change), as `onActionIgnored` reports. */
export interface IgnoredActionDetails {
  /** The request. */
  requestId: number;
  /** The stage. */
  stage: string;
  /** The plugin whose tap asked. */
  plugin: string;
  /** The listener (tap label) whose action was ignored. */
  label: string;
  /** `redirect`, `requestHeaders` or `responseHeaders`. */
  action: string;
  /** Who won, when someone did. */
  winner: string | null;
}

/** A listener of either surface (details, and for Electron's blocking events a callback). */
// deno-lint-ignore no-explicit-any
export type Listener = (...args: any[]) => unknown;

const SECURITY_INFO = ["securityInfo", "securityInfoRawDer"];

const EXTRA_INFO = WEB_REQUEST_EXTRA_INFO as Record<EventName, readonly string[]>;

/**
 * Refuses an `extraInfoSpec` that is not an array of the event's values, in the words of Chrome's
 * bindings (an enum's values listed in sorted order, as Chromium keeps them in a `std::set`).
 */
function checkExtraInfoSpec(allowed: readonly string[], spec: unknown): void {
  const at = "Error at parameter 'extraInfoSpec'";
  if (!Array.isArray(spec)) {
    const found = spec === null ? "null" : typeof spec;
    throw new TypeError(`${at}: Invalid type: expected array, found ${found}.`);
  }
  spec.forEach((value, index) => {
    if (!allowed.includes(value)) {
      const values = [...allowed].sort().join(", ");
      throw new TypeError(`${at}: Error at index ${index}: Value must be one of ${values}.`);
    }
  });
  // Chromium 156's browser-side words (logged there; the listener is not added)
  if (spec.some((value) => SECURITY_INFO.includes(value))) {
    throw new Error(
      "ExtraInfoSpec.securityInfo is allowed only with WebRequestSecurityInfo developer flag",
    );
  }
}

/**
 * One Chrome-style event: any number of listeners, each with a filter and `extraInfoSpec`.
 *
 * @example
 * ```ts
 * // ses.webRequest.events.onBeforeRequest.addListener(
 * //   (details) => ({ cancel: details.url.includes("ads") }),
 * //   { urls: ["<all_urls>"] },
 * //   ["blocking"],
 * // );
 * ```
 */
export class WebRequestEvent {
  readonly #registry: ListenerRegistry;
  readonly #event: EventName;
  readonly #scope: string;

  /** Made by `ses.webRequest`. */
  constructor(registry: ListenerRegistry, event: EventName, scope: string) {
    this.#registry = registry;
    this.#event = event;
    this.#scope = scope;
  }

  /** Adds a listener; `'blocking'` in `extraInfoSpec` lets it answer (or return a Promise). */
  addListener(callback: Listener, filter: RequestFilter, extraInfoSpec: string[] = []): void {
    if (typeof callback !== "function") throw new TypeError("The listener must be a function");
    checkExtraInfoSpec(EXTRA_INFO[this.#event], extraInfoSpec);
    const extra = new Set(extraInfoSpec);
    this.#registry.add({
      event: this.#event,
      surface: "chrome",
      scope: this.#scope,
      fn: callback,
      filter: chromeFilter(filter),
      blocking: BLOCKING_EVENTS.has(this.#event) &&
        (extra.has("blocking") || extra.has("asyncBlocking")),
      extra,
    });
  }

  /** Removes every registration of the listener. */
  removeListener(callback: Listener): void {
    for (const entry of this.#mine()) if (entry.fn === callback) this.#registry.remove(entry);
  }

  /** Whether the listener is registered. */
  hasListener(callback: Listener): boolean {
    return this.#mine().some((entry) => entry.fn === callback);
  }

  /** Whether any listener is registered. */
  hasListeners(): boolean {
    return this.#mine().length > 0;
  }

  #mine(): Entry[] {
    return this.#registry.entries().filter((e) =>
      e.event === this.#event && e.surface === "chrome" && e.scope === this.#scope
    );
  }
}

/**
 * The action-ignored listeners of a session, shared by every scope.
 *
 * @example
 * ```ts
 * const ignored = new IgnoredActions();
 * ignored.add((details) => console.log(details.label, "lost to", details.winner));
 * ```
 */
export class IgnoredActions {
  readonly #listeners = new Set<(details: IgnoredActionDetails) => void>();

  /** Adds a listener. */
  add(fn: (details: IgnoredActionDetails) => void): void {
    this.#listeners.add(fn);
  }

  /** Removes a listener. */
  delete(fn: (details: IgnoredActionDetails) => void): void {
    this.#listeners.delete(fn);
  }

  /** Whether a listener is registered. */
  has(fn: (details: IgnoredActionDetails) => void): boolean {
    return this.#listeners.has(fn);
  }

  /** Calls every listener; returns the errors they threw. */
  emit(details: IgnoredActionDetails): unknown[] {
    const errors: unknown[] = [];
    for (const fn of this.#listeners) {
      try {
        fn(details);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}

/** Chrome's events of `ses.webRequest.events`. */
export interface WebRequestEvents {
  /** Before a request is sent: may cancel or redirect. */
  readonly onBeforeRequest: WebRequestEvent;
  /** Before the headers are sent: may cancel or change them. */
  readonly onBeforeSendHeaders: WebRequestEvent;
  /** The headers are about to be sent. */
  readonly onSendHeaders: WebRequestEvent;
  /** The response headers arrived: may cancel, redirect or change them. */
  readonly onHeadersReceived: WebRequestEvent;
  /** A 401/407 challenge: may answer with credentials. */
  readonly onAuthRequired: WebRequestEvent;
  /** A redirect is about to be followed. */
  readonly onBeforeRedirect: WebRequestEvent;
  /** The first byte of the body arrived. */
  readonly onResponseStarted: WebRequestEvent;
  /** The request completed. */
  readonly onCompleted: WebRequestEvent;
  /** The request failed. */
  readonly onErrorOccurred: WebRequestEvent;
  /** An action lost a conflict (websession's addition). */
  readonly onActionIgnored: {
    addListener(fn: (details: IgnoredActionDetails) => void): void;
    removeListener(fn: (details: IgnoredActionDetails) => void): void;
    hasListener(fn: (details: IgnoredActionDetails) => void): boolean;
  };
  /**
   * Chrome's flush of cached responses after listeners change behaviour. websession keeps no HTTP
   * cache, and the listeners a request matched are recomputed whenever listeners change, so
   * there is nothing a change could hide behind: it drops that match cache and resolves at once.
   */
  handlerBehaviorChanged(): Promise<void>;
  /** The request body streams through the listeners' TransformStreams (websession's addition). */
  readonly onRequestBody: BodyEvent;
  /** The response body streams through the listeners' TransformStreams (websession's addition). */
  readonly onResponseBody: BodyEvent;
}

/** The body events of `ses.webRequest.events` (one pair per session, shared by its scopes). */
export interface BodyEvents {
  /** See {@link WebRequestEvents.onRequestBody}. */
  onRequestBody: BodyEvent;
  /** See {@link WebRequestEvents.onResponseBody}. */
  onResponseBody: BodyEvent;
}

const EVENTS = WEB_REQUEST_EVENTS as readonly EventName[];

/** Electron's `onX([filter,] listener)`; `null` as the listener removes the caller's one. */
export type ElectronMethod = (
  filterOrListener?: WebRequestFilter | Listener | null,
  listener?: Listener | null,
) => void;

/**
 * The key of `WebRequest`'s hook for another plugin's declarative rules (the extensions'): a
 * hop they block or redirect reaches no `onBeforeRequest` listener, as in Chrome, where every
 * extension's declarativeNetRequest rules are evaluated before any webRequest listener.
 *
 * @example
 * ```ts ignore
 * const remove = ses.webRequest[declarativeSource]((request) => request.url.includes("/ads/"));
 * ```
 */
export const declarativeSource: unique symbol = Symbol("webRequest: another plugin's rules");

/**
 * `ses.webRequest`. Electron's methods keep one listener per event for each caller (scope);
 * `scope(name)` gives another caller its own slots, so listeners of different plugins coexist.
 *
 * @example
 * ```ts
 * // ses.webRequest.onBeforeSendHeaders({ urls: ["https://*.example.com/*"] }, (details, callback) => {
 * //   details.requestHeaders["x-hello"] = "1";
 * //   callback({ requestHeaders: details.requestHeaders });
 * // });
 * ```
 */
export class WebRequest {
  readonly #registry: ListenerRegistry;
  readonly #ignored: IgnoredActions;
  readonly #scope: string;
  readonly #views: Map<string, WebRequest>;
  readonly #slots = new Map<string, Entry>();
  readonly #body: BodyEvents | undefined;
  #ignoredSlot: ((details: IgnoredActionDetails) => void) | null = null;
  /** Chrome's surface. */
  readonly events: WebRequestEvents;
  /** Electron's `onBeforeRequest([filter,] listener)`: `callback({ cancel, redirectURL })`. */
  readonly onBeforeRequest: ElectronMethod;
  /** Electron's `onBeforeSendHeaders`: `callback({ cancel, requestHeaders })`. */
  readonly onBeforeSendHeaders: ElectronMethod;
  /** Electron's `onSendHeaders` (observe). */
  readonly onSendHeaders: ElectronMethod;
  /** Electron's `onHeadersReceived`: `callback({ cancel, responseHeaders })`. */
  readonly onHeadersReceived: ElectronMethod;
  /** Electron's `onResponseStarted` (observe). */
  readonly onResponseStarted: ElectronMethod;
  /** Electron's `onBeforeRedirect` (observe). */
  readonly onBeforeRedirect: ElectronMethod;
  /** Electron's `onCompleted` (observe). */
  readonly onCompleted: ElectronMethod;
  /** Electron's `onErrorOccurred` (observe). */
  readonly onErrorOccurred: ElectronMethod;

  /** Made by the web-request plugin; use `ses.webRequest` and `ses.webRequest.scope(name)`. */
  constructor(
    registry: ListenerRegistry,
    ignored: IgnoredActions,
    scope = "app",
    views: Map<string, WebRequest> = new Map(),
    body?: BodyEvents,
  ) {
    this.#body = body;
    this.#registry = registry;
    this.#ignored = ignored;
    this.#scope = scope;
    this.#views = views;
    if (!views.has(scope)) views.set(scope, this);
    const method = (event: EventName): ElectronMethod => (a, b) => this.#electron(event, a, b);
    this.onBeforeRequest = method("onBeforeRequest");
    this.onBeforeSendHeaders = method("onBeforeSendHeaders");
    this.onSendHeaders = method("onSendHeaders");
    this.onHeadersReceived = method("onHeadersReceived");
    this.onResponseStarted = method("onResponseStarted");
    this.onBeforeRedirect = method("onBeforeRedirect");
    this.onCompleted = method("onCompleted");
    this.onErrorOccurred = method("onErrorOccurred");
    const events: Record<string, unknown> = {};
    for (const e of EVENTS) events[e] = new WebRequestEvent(registry, e, scope);
    if (body) Object.assign(events, body);
    events.onActionIgnored = {
      addListener: (fn: (d: IgnoredActionDetails) => void) => ignored.add(fn),
      removeListener: (fn: (d: IgnoredActionDetails) => void) => ignored.delete(fn),
      hasListener: (fn: (d: IgnoredActionDetails) => void) => ignored.has(fn),
    };
    events.handlerBehaviorChanged = () => {
      registry.invalidate();
      return Promise.resolve();
    };
    this.events = events as unknown as WebRequestEvents;
  }

  #electron(event: EventName, a: unknown, b: unknown): void {
    // Electron's reading (electron_api_web_request.cc SetListener): an object first is the filter,
    // then the listener must be a function or null (removing it); anything else throws.
    const hasFilter = a !== null && typeof a === "object";
    const filter = hasFilter ? a : undefined;
    const listener = hasFilter ? b : a;
    if (listener !== null && typeof listener !== "function") {
      throw new TypeError("Must pass null or a Function");
    }
    const compiled = listener ? electronFilter(filter) : null;
    const previous = this.#slots.get(event);
    if (previous) {
      this.#registry.remove(previous);
      this.#slots.delete(event);
    }
    if (!listener || !compiled) return;
    const entry = this.#registry.add({
      event,
      surface: "electron",
      scope: this.#scope,
      fn: listener as Listener,
      filter: compiled,
      blocking: BLOCKING_EVENTS.has(event),
      extra: new Set(),
    });
    this.#slots.set(event, entry);
  }

  /**
   * Another caller's view with its own Electron slots (listeners of different callers coexist);
   * the same name gives the same view.
   *
   * @example
   * ```ts
   * // const mine = ses.webRequest.scope("my-plugin");
   * // mine.onBeforeRequest((details, callback) => callback({}));
   * ```
   */
  scope(name: string): WebRequest {
    if (typeof name !== "string" || name === "") throw new TypeError("scope() needs a name");
    let view = this.#views.get(name);
    if (!view) {
      view = new WebRequest(this.#registry, this.#ignored, name, this.#views, this.#body);
      this.#views.set(name, view);
    }
    return view;
  }
  /**
   * Another plugin's declarative rules: while `actsOn` says they block or redirect a hop, no
   * `onBeforeRequest` listener of any scope hears it. Returns the function that removes them.
   */
  [declarativeSource](actsOn: (request: PipelineRequest) => boolean): () => void {
    return this.#registry.addDeclarativeSource(actsOn);
  }

  /**
   * Sets the listener told about each action that lost a conflict (null removes it); one per
   * caller, as Electron's methods.
   */
  onActionIgnored(listener: ((details: IgnoredActionDetails) => void) | null): void {
    if (listener !== null && typeof listener !== "function") {
      throw new TypeError("onActionIgnored: the listener must be a function or null");
    }
    if (this.#ignoredSlot) this.#ignored.delete(this.#ignoredSlot);
    this.#ignoredSlot = listener;
    if (listener) this.#ignored.add(listener);
  }

  /**
   * What each listener and declarative rule asked for a request, and what was applied (for the
   * session's most recent 1,000 requests).
   */
  explain(requestId: number | string): Explanation {
    const id = Number(requestId);
    if (!Number.isInteger(id)) throw new TypeError(`explain: invalid request id "${requestId}"`);
    return this.#registry.traces.get(id);
  }

  /** Sets how long a blocking listener may take (ms, default 10,000) before it is cut off. */
  setListenerTimeout(ms: number): void {
    if (typeof ms !== "number" || !(ms > 0) || !Number.isFinite(ms)) {
      throw new TypeError("setListenerTimeout: ms must be a positive number");
    }
    this.#registry.timeout = ms;
  }

  /** The listener timeout in ms. */
  getListenerTimeout(): number {
    return this.#registry.timeout;
  }
}
