/**
 * Page traffic through the session's stages: on every target of a browser context, the Fetch
 * domain pauses each request at its request stage and at its response stage; the session's taps
 * decide there (`externalRequest` of `kernel/http`, the same merge and conflict rules as for the session's
 * own requests) and the bridge applies the outcome with `continueRequest`, `failRequest`,
 * `fulfillRequest` (a tap's redirect, as Chrome's internal 307) or `continueResponse`. The
 * Network domain's `loadingFinished`/`loadingFailed` end each request with Chromium's own
 * `net::ERR_*` code.
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
import type { Session } from "../../kernel/session.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import type { TargetNode } from "./target_tree.ts";

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

/** The initiator Chrome would report: the origin the request came from (null for navigations). */
function initiatorOf(headers: Headers, type: ResourceType): string | null {
  if (type === "main_frame") return null;
  const origin = headers.get("origin");
  if (origin && origin !== "null") return origin;
  const referrer = URL.parse(headers.get("referer") ?? "");
  return referrer ? referrer.origin : null;
}

function entries(headers: Headers): HeaderEntry[] {
  const out: HeaderEntry[] = [];
  for (const [name, value] of headers) {
    if (name === "set-cookie") continue;
    out.push({ name, value });
  }
  for (const value of headers.getSetCookie()) out.push({ name: "set-cookie", value });
  return out;
}

function headersOf(list: HeaderEntry[] | Record<string, string>): Headers {
  const headers = new Headers();
  const pairs = Array.isArray(list) ? list.map((h) => [h.name, h.value]) : Object.entries(list);
  for (const [name, value] of pairs) {
    try {
      headers.append(name, value);
    } catch {
      // a header a Web Headers object cannot hold (Chromium's own pseudo-headers): not shown
    }
  }
  return headers;
}

/** A Response standing for the head Chromium received (status outside 200-599 mapped to 200). */
function headOf(
  status: number,
  statusText: string | undefined,
  headers: HeaderEntry[] | Record<string, string>,
): Response {
  return new Response(null, {
    status: status >= 200 && status <= 599 ? status : 200,
    statusText: statusText ?? "",
    headers: headersOf(headers),
  });
}

/** The Fetch.ErrorReason Chrome's `net::ERR_*` code stands for (for `failRequest`). */
function errorReasonOf(error: NetError): Protocol.Network.ErrorReason {
  return error.code === "net::ERR_BLOCKED_BY_CLIENT" ? "BlockedByClient" : "Failed";
}

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

interface Flight {
  hop: ExternalRequest;
  /** The last response head seen (its 3xx is the redirect the next hop follows). */
  head: Response | null;
  /** The bridge itself answered the last hop with a redirect (already told to the hop). */
  redirecting: boolean;
  /** The current hop is paused at its response stage too (for headersReceived taps). */
  pausedAtResponse: boolean;
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
  readonly #report: (error: unknown) => void;

  /** Walks intercepted requests through `session`'s pipeline. */
  constructor(session: Session, report: (error: unknown) => void = (e) => session.reportError(e)) {
    this.#session = session;
    this.#report = report;
  }

  /** Awaited before a document's request goes on (e.g. to set the permissions of its origin). */
  beforeDocument: ((url: string, isMainFrame: boolean) => Promise<void> | void) | null = null;

  /** Told after each intercepted request ended (e.g. to compare the cookie jar). */
  onEnd: (() => void) | null = null;

  /** How many requests are in flight. */
  get inFlight(): number {
    return this.#flights.size;
  }

  /** Enables interception on one target (an attach hook: the target waits for it). */
  async attach(cdp: CdpSession, node: TargetNode): Promise<void> {
    cdp.on("Fetch.requestPaused", (event) => {
      this.#paused(cdp, node, event).catch((error) => {
        // the target went away (navigated, closed) while the request was paused: nothing to do
        if (gone(error)) return;
        this.#report(error);
        // never leave a request paused: it goes on as if the session had not been asked
        cdp.send("Fetch.continueRequest", { requestId: event.requestId }).catch(() => {});
      });
    });
    cdp.on("Network.loadingFinished", (event) => this.#finished(event.requestId, null));
    cdp.on("Network.responseReceived", (event) => {
      const flight = this.#flights.get(event.requestId);
      if (!flight || flight.pausedAtResponse) return;
      // the session's proxy relay could not reach the target: the request's error is its code
      const failed = relayError(event.response.headers);
      if (failed) return this.#finished(event.requestId, failed);
      flight.head = headOf(
        event.response.status,
        event.response.statusText,
        event.response.headers,
      );
      flight.hop.started(flight.head);
    });
    cdp.on("Network.requestWillBeSent", (event) => {
      const flight = this.#flights.get(event.requestId);
      if (!flight || !event.redirectResponse || flight.redirecting) return;
      const { status, statusText, headers } = event.redirectResponse;
      flight.head = headOf(status, statusText, headers);
    });
    cdp.on("Network.loadingFailed", (event) => {
      // Chromium's own code when the kernel knows it, else net::ERR_FAILED naming it; a request
      // the bridge failed reads "net::ERR_BLOCKED_BY_CLIENT.Inspector": blocked by the session
      const text = event.errorText.replace(/\.Inspector$/, "");
      const code = Object.hasOwn(NET_ERROR_CODES, text) ? text as NetErrorCode : "net::ERR_FAILED";
      this.#finished(event.requestId, new NetError(code, text));
    });
    await Promise.all([
      cdp.send("Network.enable", {}),
      // each request is paused at its response too only when a tap of headersReceived applies
      // to it (continueRequest's interceptResponse): one pause per request otherwise
      cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Request" }] }),
    ]);
  }

  #finished(networkId: string, error: NetError | null): void {
    const flight = this.#flights.get(networkId);
    if (!flight) return;
    this.#flights.delete(networkId);
    flight.hop.end(error, flight.head ?? undefined);
    this.onEnd?.();
  }

  async #paused(cdp: CdpSession, node: TargetNode, event: Paused): Promise<void> {
    const networkId = event.networkId ?? event.requestId;
    const atResponse = event.responseStatusCode !== undefined ||
      event.responseErrorReason !== undefined;
    if (atResponse) return await this.#atResponse(cdp, event, networkId);
    let flight = this.#flights.get(networkId);
    if (flight && !flight.redirecting) {
      const head = flight.head ?? new Response(null, { status: 302 });
      flight.hop.redirected(head, event.request.url + (event.request.urlFragment ?? ""));
    }
    if (!flight) {
      const headers = headersOf(event.request.headers);
      const resourceType = resourceTypeOf(event, node);
      const hop = externalRequest(this.#session.pipeline, {
        url: event.request.url + (event.request.urlFragment ?? ""),
        method: event.request.method,
        headers,
        body: event.request.postData === undefined
          ? null
          : new TextEncoder().encode(event.request.postData),
        resourceType,
        initiator: initiatorOf(headers, resourceType),
      });
      flight = { hop, head: null, redirecting: false, pausedAtResponse: false };
      this.#flights.set(networkId, flight);
    }
    flight.redirecting = false;
    const type = flight.hop.request.resourceType;
    if (this.beforeDocument && (type === "main_frame" || type === "sub_frame")) {
      await this.beforeDocument(event.request.url, type === "main_frame");
    }
    const decision = await flight.hop.beforeSend();
    await this.#apply(cdp, event, flight, decision, null);
  }

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
    const head = headOf(
      event.responseStatusCode!,
      event.responseStatusText,
      event.responseHeaders ?? [],
    );
    flight.head = head;
    const decision = await flight.hop.received(head);
    await this.#apply(cdp, event, flight, decision, head);
  }

  async #apply(
    cdp: CdpSession,
    event: Paused,
    flight: Flight,
    decision: ExternalDecision,
    head: Response | null,
  ): Promise<void> {
    const requestId = event.requestId;
    if (decision.cancel) {
      await cdp.send("Fetch.failRequest", {
        requestId,
        errorReason: errorReasonOf(decision.cancel),
      });
      return;
    }
    if (decision.redirectUrl) {
      const target = URL.parse(decision.redirectUrl, flight.hop.request.url)?.href;
      if (!target) {
        await cdp.send("Fetch.failRequest", { requestId, errorReason: "Failed" });
        return;
      }
      const internal = new Response(null, {
        status: 307,
        statusText: "Internal Redirect",
        headers: { location: target, "non-authoritative-reason": "WebRequest API" },
      });
      flight.head = internal;
      flight.hop.redirected(internal, target);
      flight.redirecting = true;
      await cdp.send("Fetch.fulfillRequest", {
        requestId,
        responseCode: 307,
        responsePhrase: "Internal Redirect",
        responseHeaders: entries(internal.headers),
      });
      return;
    }
    if (decision.headers && head) {
      flight.head = new Response(null, { status: head.status, headers: decision.headers });
      await cdp.send("Fetch.continueResponse", {
        requestId,
        responseCode: event.responseStatusCode!,
        responsePhrase: event.responseStatusText || undefined,
        responseHeaders: entries(decision.headers),
      });
      return;
    }
    if (head) {
      await cdp.send("Fetch.continueRequest", { requestId });
      return;
    }
    const request = flight.hop.request;
    const interceptResponse = this.#session.pipeline.tapsFor("headersReceived", request)
      .some((tap) => !tap.filter || tap.filter(request));
    flight.pausedAtResponse = interceptResponse;
    await cdp.send("Fetch.continueRequest", {
      requestId,
      interceptResponse,
      ...(decision.headers ? { headers: entries(decision.headers) } : {}),
    });
  }
}
