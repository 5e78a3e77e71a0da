/**
 * Page traffic through the session's stages: on every target of a browser context, the Fetch
 * domain pauses each request at its request stage and at its response stage; the session's taps
 * decide there (`externalRequest` of `kernel/http`, the same merge and conflict rules as for the session's
 * own requests) and the bridge applies the outcome with `continueRequest`, `failRequest`,
 * `fulfillRequest` (a tap's redirect, as Chrome's internal 307) or `continueResponse`. The
 * Network domain's `loadingFinished`/`loadingFailed` end each request with Chromium's own
 * `net::ERR_*` code. The Network domain is enabled on a target only once something wants to
 * learn what happens after a request is sent on (a tap of `responseStarted`, `beforeRedirect`,
 * `completed` or `errorOccurred`, or {@linkcode FetchBridge.wantsEnds}) or a response's raw head (a
 * `headersReceived` tap: Chromium leaves Set-Cookie out of a paused response; its
 * `responseReceivedExtraInfo`, sent before the pause, has it): its events cost Chromium
 * about a third of its own work per request, and until then a request is only paused at its
 * request stage (and at its response stage for a `headersReceived` tap). Likewise the Fetch domain
 * itself is enabled only once something wants page traffic paused (a tap of a stage the bridge
 * runs, {@linkcode FetchBridge.wantsEnds}, or {@linkcode FetchBridge.wantsDocuments}, for which
 * only documents are paused): a session without listeners leaves Chromium's requests alone, as
 * pausing one costs Chromium's browser and network-service processes about 1.5 ms of CPU.
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";
import { NET_ERROR_CODES, NetError, type NetErrorCode } from "../../kernel/errors.ts";
import {
  type ExternalDecision,
  type ExternalRequest,
  externalRequest,
} from "../../kernel/http/external.ts";
import type { ResourceType } from "../../kernel/request.ts";
import type { Stage } from "../../kernel/pipeline.ts";
import type { Session } from "../../kernel/session.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import type { TargetNode } from "./target_tree.ts";
import {
  bodyOf,
  entries,
  headersOf,
  headOf,
  setCookieLines,
  withSetCookies,
} from "./_paused_parts.ts";
import { listenerCookieChanges } from "./browser_cookies.ts";

type Paused = Protocol.Fetch.RequestPausedEvent;
type HeaderEntry = Protocol.Fetch.HeaderEntry;

const TYPES: Record<string, ResourceType> = {
  Stylesheet: "stylesheet",
  Image: "image",
  Media: "media",
  Font: "font",
  Script: "script",
  XHR: "xmlhttprequest",
  Fetch: "xmlhttprequest",
  Ping: "ping",
  CSPViolationReport: "csp_report",
  WebSocket: "websocket",
};

/** Chrome's webRequest type of a paused request (a document is a main or a sub frame). */
export function resourceTypeOf(event: Paused, node: TargetNode): ResourceType {
  if (event.resourceType === "Document") {
    return node.info.type === "page" && event.frameId === node.targetId
      ? "main_frame"
      : "sub_frame";
  }
  return TYPES[event.resourceType] ?? "other";
}

/** The Fetch.ErrorReason Chrome's `net::ERR_*` code stands for (for `failRequest`). */
function errorReasonOf(error: NetError): Protocol.Network.ErrorReason {
  return error.code === "net::ERR_BLOCKED_BY_CLIENT" ? "BlockedByClient" : "Failed";
}

/** The mark of a request answered from a cache (`plugins/cache`'s, read by webRequest's details). */
const FROM_CACHE = Symbol.for("websession.fromCache");

/** The header of the session's proxy relay's 502 that names the failure (`adapters/socks/relay.ts`). */
const RELAY_ERROR_HEADER = "x-websession-net-error";

/** The `net::ERR_*` code the session's proxy relay answered for, if it answered a failure. */
function relayError(headers: HeaderEntry[] | Record<string, string> | undefined): NetError | null {
  const pairs = Array.isArray(headers)
    ? headers.map((h) => [h.name, h.value])
    : Object.entries(headers ?? {});
  const found = pairs.find(([name]) => name.toLowerCase() === RELAY_ERROR_HEADER);
  if (!found) return null;
  const code = Object.hasOwn(NET_ERROR_CODES, found[1])
    ? found[1] as NetErrorCode
    : "net::ERR_FAILED";
  return new NetError(code, code);
}

const FAIL_REASONS: Partial<Record<NetErrorCode, Protocol.Network.ErrorReason>> = {
  "net::ERR_CONNECTION_REFUSED": "ConnectionRefused",
  "net::ERR_NAME_NOT_RESOLVED": "NameNotResolved",
  "net::ERR_CONNECTION_TIMED_OUT": "TimedOut",
  "net::ERR_TIMED_OUT": "TimedOut",
  "net::ERR_ADDRESS_UNREACHABLE": "AddressUnreachable",
  "net::ERR_CONNECTION_RESET": "ConnectionReset",
  "net::ERR_CONNECTION_CLOSED": "ConnectionClosed",
  "net::ERR_CONNECTION_FAILED": "ConnectionFailed",
};

function gone(error: unknown): boolean {
  const message = (error as Error)?.message ?? "";
  return (error as Error)?.name === "CDPClosedError" ||
    /Session detached|not found|No target|Invalid InterceptionId/i.test(message);
}

/** The stages whose taps learn of a request only through the Network domain's events. */
const AFTER_SEND: readonly Stage[] = [
  "responseStarted",
  "beforeRedirect",
  "completed",
  "errorOccurred",
];
/** Every stage the bridge runs for page traffic: a tap of any of them needs each request paused. */
const BRIDGED: readonly Stage[] = [
  "beforeRequest",
  "beforeSendHeaders",
  "sendHeaders",
  "headersReceived",
  ...AFTER_SEND,
];
/** What a target's Fetch domain pauses: nothing, documents only, or every request. */
const NOTHING = 0;
const DOCUMENTS = 1;
const EVERYTHING = 2;
type Pausing = typeof NOTHING | typeof DOCUMENTS | typeof EVERYTHING;
/** The `Fetch.enable` patterns of each level (at the request stage). */
const PATTERNS: Record<Exclude<Pausing, 0>, Protocol.Fetch.RequestPattern[]> = {
  [DOCUMENTS]: [{ urlPattern: "*", resourceType: "Document", requestStage: "Request" }],
  [EVERYTHING]: [{ urlPattern: "*", requestStage: "Request" }],
};
/**
 * At most this many requests of targets without the Network domain are remembered (by their
 * network id, to know a redirect's next hop as the same request); nothing ends them.
 */
const UNTRACKED_LIMIT = 1024;

interface Flight {
  hop: ExternalRequest;
  /** The last response head seen (its 3xx is the redirect the next hop follows). */
  head: Response | null;
  /** The bridge itself answered the last hop with a redirect (already told to the hop). */
  redirecting: boolean;
  /** The current hop is paused at its response stage too (for headersReceived taps). */
  pausedAtResponse: boolean;
  /**
   * The failure the session's proxy relay answered for, seen in the raw response head (a
   * cross-origin request fails its CORS check on the relay's 502 with `net::ERR_FAILED`).
   */
  relayFailure?: NetError;
  /** The current hop's Set-Cookie lines, from its raw head (`responseReceivedExtraInfo`). */
  setCookies?: string[];
}

/**
 * Intercepts the traffic of the targets it is attached to and walks it through `session`'s
 * stages.
 *
 * @example
 * ```ts ignore
 * const bridge = new FetchBridge(ses);
 * tree.addHook((cdpSession, node) => bridge.attach(cdpSession, node));
 * ```
 */
export class FetchBridge {
  readonly #session: Session;
  readonly #flights = new Map<string, Flight>();
  /**
   * The flights whose target sends no Network events (no network id either), oldest first:
   * each keyed by its first hop's interception id, with the interception ids of its hops.
   */
  readonly #untracked = new Map<string, string[]>();
  /** The key of the untracked flight an interception id belongs to. */
  readonly #hops = new Map<string, string>();
  /** The targets whose Network domain is enabled (or being enabled). */
  readonly #network = new WeakMap<CdpSession, Promise<void>>();
  /** What each target's Fetch domain pauses (absent: nothing). */
  readonly #pausing = new WeakMap<CdpSession, Pausing>();
  /** The targets attached (detached ones are dropped when next seen). */
  readonly #targets = new Set<CdpSession>();
  readonly #report: (error: unknown) => void;

  /** Walks intercepted requests through `session`'s pipeline. */
  constructor(session: Session, report: (error: unknown) => void = (e) => session.reportError(e)) {
    this.#session = session;
    this.#report = report;
    session.pipeline.onTapAdded((stage) => {
      if (BRIDGED.includes(stage)) this.watch();
    });
  }

  /**
   * Enables on every target what is now wanted and was not yet: the Fetch domain (a tap of a
   * stage the bridge runs, {@linkcode FetchBridge.wantsEnds}, {@linkcode FetchBridge.wantsDocuments})
   * and the Network domain (the ends of requests: a tap of a later stage,
   * {@linkcode FetchBridge.wantsEnds}), before the targets' next requests start. Neither is turned
   * off again.
   */
  watch(): void {
    const pausing = this.#wantedPausing();
    const network = this.#needsNetwork();
    for (const cdp of this.#targets) {
      if (cdp.detached) {
        this.#targets.delete(cdp);
        continue;
      }
      if (network && !this.#network.has(cdp)) this.#enableNetwork(cdp).catch(() => {});
      this.#enableFetch(cdp, pausing)?.catch(() => {});
    }
  }

  /** Awaited before a document's request goes on (e.g. to set the permissions of its origin). */
  beforeDocument: ((url: string, isMainFrame: boolean) => Promise<void> | void) | null = null;

  /**
   * Whether `beforeDocument` wants documents paused now (e.g. a permission handler is set): asked
   * when a target attaches and at {@linkcode FetchBridge.watch}.
   */
  wantsDocuments: (() => boolean) | null = null;

  /**
   * Told after each intercepted request ended (e.g. to compare the cookie jar), on targets whose
   * Network domain is enabled: see {@linkcode FetchBridge.wantsEnds}.
   */
  onEnd: (() => void) | null = null;

  /**
   * Whether `onEnd` wants to be told now (e.g. a cookie `changed` listener exists): asked at each
   * paused request, and when it says so the target's Network domain is enabled.
   */
  wantsEnds: (() => boolean) | null = null;

  /** How many requests are in flight. */
  get inFlight(): number {
    return this.#flights.size;
  }

  /**
   * Enables interception on one target as far as anything wants it now (an attach hook: the
   * target waits for it); {@linkcode FetchBridge.watch} enables more later.
   */
  async attach(cdp: CdpSession, node: TargetNode): Promise<void> {
    this.#targets.add(cdp);
    cdp.on("Fetch.requestPaused", (event) => {
      // answered in the same tick when every tap answers at once (no promise made on the way)
      try {
        this.#paused(cdp, node, event)?.catch((error) => this.#failed(cdp, event, error));
      } catch (error) {
        this.#failed(cdp, event, error);
      }
    });
    cdp.on("Network.loadingFinished", (event) => this.#finished(event.requestId, null));
    cdp.on("Network.responseReceived", (event) => {
      const flight = this.#flights.get(event.requestId);
      if (!flight) return;
      // Chromium's HTTP cache answered: webRequest's details.fromCache (the cache plugin's mark)
      if (event.response.fromDiskCache) flight.hop.request.data.set(FROM_CACHE, true);
      if (flight.pausedAtResponse) return;
      // the session's proxy relay could not reach the target: the request's error is its code
      const failed = relayError(event.response.headers);
      if (failed) return this.#finished(event.requestId, failed);
      flight.head = withSetCookies(
        headOf(event.response.status, event.response.statusText, event.response.headers),
        flight.setCookies,
      );
      flight.hop.started(flight.head);
    });
    cdp.on("Network.responseReceivedExtraInfo", (event) => {
      const flight = this.#flights.get(event.requestId);
      if (!flight) return;
      const failed = relayError(event.headers);
      if (failed) flight.relayFailure = failed;
      flight.setCookies = setCookieLines(event.headers);
    });
    cdp.on("Network.requestWillBeSent", (event) => {
      const flight = this.#flights.get(event.requestId);
      if (!flight || !event.redirectResponse || flight.redirecting) return;
      const { status, statusText, headers } = event.redirectResponse;
      flight.head = withSetCookies(headOf(status, statusText, headers), flight.setCookies);
    });
    cdp.on("Network.loadingFailed", (event) => {
      // Chromium's own code when the kernel knows it, else net::ERR_FAILED naming it; a request
      // the bridge failed reads "net::ERR_BLOCKED_BY_CLIENT.Inspector": blocked by the session
      const relayFailure = this.#flights.get(event.requestId)?.relayFailure;
      if (relayFailure) return this.#finished(event.requestId, relayFailure);
      const text = event.errorText.replace(/\.Inspector$/, "");
      const code = Object.hasOwn(NET_ERROR_CODES, text) ? text as NetErrorCode : "net::ERR_FAILED";
      this.#finished(event.requestId, new NetError(code, text));
    });
    await Promise.all([
      this.#needsNetwork() ? this.#enableNetwork(cdp) : null,
      this.#enableFetch(cdp, this.#wantedPausing()),
    ]);
  }

  /** What the Fetch domain has to pause now. */
  #wantedPausing(): Pausing {
    const pipeline = this.#session.pipeline;
    if (BRIDGED.some((stage) => pipeline.tapCount(stage) > 0) || (this.wantsEnds?.() ?? false)) {
      return EVERYTHING;
    }
    return this.wantsDocuments?.() ? DOCUMENTS : NOTHING;
  }

  /**
   * Makes `cdp`'s Fetch domain pause at least what `pausing` says (it never pauses less again).
   * Each request is paused at its request stage only, and at its response stage too when a tap of
   * headersReceived applies to it (continueRequest's interceptResponse).
   */
  #enableFetch(cdp: CdpSession, pausing: Pausing): Promise<unknown> | null {
    if (pausing === NOTHING || pausing <= (this.#pausing.get(cdp) ?? NOTHING)) return null;
    this.#pausing.set(cdp, pausing);
    return cdp.send("Fetch.enable", { patterns: PATTERNS[pausing] });
  }

  /**
   * Whether anything wants the Network domain's events: the ends of requests, or the raw heads of
   * responses (a `headersReceived` tap: only they hold the response's Set-Cookie lines).
   */
  #needsNetwork(): boolean {
    const pipeline = this.#session.pipeline;
    return AFTER_SEND.some((stage) => pipeline.tapCount(stage) > 0) ||
      pipeline.tapCount("headersReceived") > 0 || (this.wantsEnds?.() ?? false);
  }

  /** Enables the Network domain of `cdp` once (it stays enabled). */
  #enableNetwork(cdp: CdpSession): Promise<void> {
    let enabled = this.#network.get(cdp);
    if (!enabled) {
      enabled = cdp.send("Network.enable", {}).then(() => {});
      this.#network.set(cdp, enabled);
    }
    return enabled;
  }

  /**
   * The key of a paused request's flight: its network id, else (no Network domain) the key of
   * the flight its interception id or the hop it was redirected from belongs to, else its own
   * interception id.
   */
  #keyOf(event: Paused): string {
    const redirectedFrom = event.redirectedRequestId;
    return event.networkId ?? this.#hops.get(event.requestId) ??
      (redirectedFrom === undefined ? undefined : this.#hops.get(redirectedFrom)) ??
      event.requestId;
  }

  /** Remembers a flight that no Network event will end, forgetting the oldest past the limit. */
  #untrack(key: string, requestId: string): void {
    const hops = this.#untracked.get(key) ?? [];
    this.#untracked.delete(key);
    this.#untracked.set(key, hops);
    if (!hops.includes(requestId)) hops.push(requestId);
    this.#hops.set(requestId, key);
    if (this.#untracked.size <= UNTRACKED_LIMIT) return;
    const [oldest, ids] = this.#untracked.entries().next().value!;
    this.#forget(oldest, ids);
  }

  #forget(key: string, hops = this.#untracked.get(key)): void {
    this.#flights.delete(key);
    this.#untracked.delete(key);
    for (const id of hops ?? []) this.#hops.delete(id);
  }

  #finished(networkId: string, error: NetError | null): void {
    const flight = this.#flights.get(networkId);
    if (!flight) return;
    this.#forget(networkId);
    flight.hop.end(error, flight.head ?? undefined);
    this.onEnd?.();
  }

  /** A pause that could not be walked through: reported, and the request goes on. */
  #failed(cdp: CdpSession, event: Paused, error: unknown): void {
    // the target went away (navigated, closed) while the request was paused: nothing to do
    if (gone(error)) return;
    this.#report(error);
    // never leave a request paused: it goes on as if the session had not been asked
    cdp.send("Fetch.continueRequest", { requestId: event.requestId }).catch(() => {});
  }

  /** Walks a paused request through the stages; a promise only while something is awaited. */
  #paused(cdp: CdpSession, node: TargetNode, event: Paused): Promise<unknown> | undefined {
    const networkId = this.#keyOf(event);
    const atResponse = event.responseStatusCode !== undefined ||
      event.responseErrorReason !== undefined;
    if (atResponse) return this.#atResponse(cdp, event, networkId);
    // a listener that wants the ends of requests came after the target attached
    if (!this.#network.has(cdp) && this.#needsNetwork()) {
      return this.#enableNetwork(cdp).then(() => this.#atRequest(cdp, node, event, networkId));
    }
    return this.#atRequest(cdp, node, event, networkId);
  }

  #atRequest(
    cdp: CdpSession,
    node: TargetNode,
    event: Paused,
    networkId: string,
  ): Promise<unknown> | undefined {
    let flight = this.#flights.get(networkId);
    if (flight && !flight.redirecting) {
      const head = flight.head ?? new Response(null, { status: 302 });
      flight.hop.redirected(head, event.request.url + (event.request.urlFragment ?? ""));
    }
    if (flight) flight.setCookies = undefined; // a redirect's next hop
    if (!flight) {
      const headers = headersOf(event.request.headers);
      const resourceType = resourceTypeOf(event, node);
      const hop = externalRequest(this.#session.pipeline, {
        url: event.request.url + (event.request.urlFragment ?? ""),
        method: event.request.method,
        headers,
        body: bodyOf(event.request),
        resourceType,
        initiator: this.#initiatorOf(headers, resourceType),
        // Electron's details.referrer: the referrer Chromium sends (after the referrer policy)
        referrer: headers.get("referer") ?? "",
      });
      flight = { hop, head: null, redirecting: false, pausedAtResponse: false };
      this.#flights.set(networkId, flight);
    }
    flight.redirecting = false;
    const type = flight.hop.request.resourceType;
    if (this.beforeDocument && (type === "main_frame" || type === "sub_frame")) {
      const ready = this.beforeDocument(event.request.url, type === "main_frame");
      const going = flight;
      if (ready instanceof Promise) {
        return ready.then(() => this.#beforeSend(cdp, event, networkId, going));
      }
    }
    return this.#beforeSend(cdp, event, networkId, flight);
  }

  #beforeSend(
    cdp: CdpSession,
    event: Paused,
    networkId: string,
    flight: Flight,
  ): Promise<unknown> | undefined {
    const decision = flight.hop.beforeSend();
    if (decision instanceof Promise) {
      return decision.then((decided) => this.#sendOn(cdp, event, networkId, flight, decided));
    }
    return this.#sendOn(cdp, event, networkId, flight, decision);
  }

  #sendOn(
    cdp: CdpSession,
    event: Paused,
    networkId: string,
    flight: Flight,
    decision: ExternalDecision,
  ): Promise<unknown> {
    if (event.networkId === undefined) this.#untrack(networkId, event.requestId);
    return this.#apply(cdp, event, flight, decision, null);
  }

  /**
   * The initiator Chrome would report: the origin the request came from (null for navigations).
   * The last referrer's origin is remembered (a page's subresources share it).
   */
  #initiatorOf(headers: Headers, type: ResourceType): string | null {
    if (type === "main_frame") return null;
    const origin = headers.get("origin");
    if (origin && origin !== "null") return origin;
    const referrer = headers.get("referer") ?? "";
    if (referrer !== this.#lastReferrer) {
      this.#lastReferrer = referrer;
      this.#lastReferrerOrigin = URL.parse(referrer)?.origin ?? null;
    }
    return this.#lastReferrerOrigin;
  }
  #lastReferrer = "";
  #lastReferrerOrigin: string | null = null;

  async #atResponse(cdp: CdpSession, event: Paused, networkId: string): Promise<void> {
    const flight = this.#flights.get(networkId);
    if (!flight || event.responseErrorReason !== undefined) {
      // not ours, or a failure Network.loadingFailed reports with Chromium's code
      await cdp.send("Fetch.continueRequest", { requestId: event.requestId }).catch(() => {});
      return;
    }
    const failed = relayError(event.responseHeaders);
    if (failed) {
      // the session's proxy relay could not reach the target: fail it with Chromium's reason
      this.#finished(networkId, failed);
      await cdp.send("Fetch.failRequest", {
        requestId: event.requestId,
        errorReason: FAIL_REASONS[failed.code] ?? "Failed",
      });
      return;
    }
    const head = withSetCookies(
      headOf(event.responseStatusCode!, event.responseStatusText, event.responseHeaders ?? []),
      flight.setCookies,
    );
    flight.head = head;
    const decision = await flight.hop.received(head);
    await this.#apply(cdp, event, flight, decision, head);
  }

  /** Applies a stage's decision to the paused request: the promise of the one message sent. */
  #apply(
    cdp: CdpSession,
    event: Paused,
    flight: Flight,
    decision: ExternalDecision,
    head: Response | null,
  ): Promise<unknown> {
    const requestId = event.requestId;
    if (decision.cancel) {
      return cdp.send("Fetch.failRequest", {
        requestId,
        errorReason: errorReasonOf(decision.cancel),
      });
    }
    if (decision.redirectUrl) {
      const target = URL.parse(decision.redirectUrl, flight.hop.request.url)?.href;
      if (!target) {
        return cdp.send("Fetch.failRequest", { requestId, errorReason: "Failed" });
      }
      const internal = new Response(null, {
        status: 307,
        statusText: "Internal Redirect",
        headers: { location: target, "non-authoritative-reason": "WebRequest API" },
      });
      flight.head = internal;
      flight.hop.redirected(internal, target);
      flight.redirecting = true;
      const responseHeaders = entries(internal.headers);
      // as Chromium's webRequest redirect: a CORS request's redirect passes its CORS check
      const origin = flight.hop.request.headers.get("origin");
      if (origin) {
        responseHeaders.push(
          { name: "access-control-allow-origin", value: origin },
          { name: "access-control-allow-credentials", value: "true" },
        );
      }
      return cdp.send("Fetch.fulfillRequest", {
        requestId,
        responseCode: 307,
        responsePhrase: "Internal Redirect",
        responseHeaders,
      });
    }
    if (decision.headers && head) {
      // a tap's statusLine (with its headers) replaces the status Chromium received
      const status = decision.status;
      flight.head = new Response(null, {
        status: status ? status.code : head.status,
        statusText: status ? status.text : head.statusText,
        headers: decision.headers,
      });
      const goOn = () =>
        cdp.send("Fetch.continueResponse", {
          requestId,
          responseCode: status ? status.code : event.responseStatusCode!,
          responsePhrase: (status ? status.text : event.responseStatusText) || undefined,
          responseHeaders: entries(decision.headers!),
        });
      // Chromium stored the response's cookies before the pause: the Set-Cookie lines a tap added
      // or removed are stored or dropped here, before the page sees the response
      const changes = listenerCookieChanges(
        cdp,
        flight.hop.request.url,
        head.headers.getSetCookie(),
        decision.headers.getSetCookie(),
      );
      return changes ? changes.then(goOn) : goOn();
    }
    if (head) return cdp.send("Fetch.continueRequest", { requestId });
    const request = flight.hop.request;
    const pipeline = this.#session.pipeline;
    const interceptResponse = pipeline.tapCount("headersReceived") > 0 &&
      pipeline.tapsFor("headersReceived", request).some((tap) =>
        !tap.filter || tap.filter(request)
      );
    flight.pausedAtResponse = interceptResponse;
    const params: Protocol.Fetch.ContinueRequestRequest = { requestId, interceptResponse };
    if (decision.headers) params.headers = entries(decision.headers);
    return cdp.send("Fetch.continueRequest", params);
  }
}
