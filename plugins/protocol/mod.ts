/**
 * The protocol plugin: Electron's `ses.protocol.handle(scheme, handler)`, `unhandle(scheme)` and
 * `isProtocolHandled(scheme)`. A handler is `(request: Request) => Response | Promise<Response>`
 * (a hono app's `fetch` plugs in as is); it answers the session's requests of its scheme at the
 * pipeline's `transport` stage (order `pre`), after `beforeRequest`/`beforeSendHeaders` and
 * before `headersReceived`, so webRequest and cookies see them like network requests. `http` and
 * `https` may be handled too; a request made with `bypassCustomProtocolHandlers: true` skips every
 * handler, which is how a handler falls back to the network.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("protocol-example");
 * ses.protocol.handle("app", (request) => new Response(`you asked for ${new URL(request.url).pathname}`));
 * await (await ses.fetch("app://bundle/index.html")).text(); // "you asked for /index.html"
 * ses.protocol.handle("https", (request) =>
 *   ses.fetch(request, { bypassCustomProtocolHandlers: true })
 * );
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { NetError } from "../../kernel/errors.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { NEVER_ABORTED } from "../../kernel/http/hop_request.ts";
import type { CallbackProtocolHandler, ProtocolResponse } from "./callback_protocols.ts";
import { CallbackAnswerError } from "./callback_answer_error.ts";
import type { CallbackKindName } from "./_callback_handlers.ts";
import { onFirstUse } from "../../kernel/lazy.ts";

// The callback protocols' answer readers load with the first request to one (cold start, #24).
const callbackHandlers = onFirstUse(
  "the callback protocols (plugins/protocol/_callback_handlers.ts)",
  () => import("./_callback_handlers.ts"),
);

// The kernel's types (Session, Plugin, PipelineRequest, ...) that this entry point's API refers to,
// so that its documentation is complete on its own.
export type * from "../../kernel/mod.ts";
export { protocol, type ProtocolModule } from "./protocol_module.ts";
export type { CustomScheme, SchemePrivileges } from "../../kernel/http/privileged_schemes.ts";
export type {
  CallbackProtocolHandler,
  ProtocolRequest,
  ProtocolResponse,
} from "./callback_protocols.ts";

/** A protocol handler: a request in, a response out. */
export type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/** `ses.protocol`. */
export interface Protocol {
  /**
   * Handles `scheme`; throws a TypeError for an invalid scheme, or one handled already (Electron's
   * `Failed to register protocol: <scheme>`).
   */
  handle(scheme: string, handler: ProtocolHandler): void;
  /** Stops handling `scheme`; throws `Failed to unhandle protocol: <scheme>` when it is not handled. */
  unhandle(scheme: string): void;
  /** Whether `scheme` has a handler. */
  isProtocolHandled(scheme: string): boolean;
  /** Deprecated in Electron: registers a string protocol; false when `scheme` is registered. */
  registerStringProtocol(scheme: string, handler: CallbackProtocolHandler<string>): boolean;
  /** Deprecated in Electron: registers a buffer protocol; false when `scheme` is registered. */
  registerBufferProtocol(scheme: string, handler: CallbackProtocolHandler<Uint8Array>): boolean;
  /** Deprecated in Electron: registers a stream protocol; false when `scheme` is registered. */
  registerStreamProtocol(scheme: string, handler: CallbackProtocolHandler<unknown>): boolean;
  /** Deprecated in Electron: registers a file protocol; false when `scheme` is registered. */
  registerFileProtocol(scheme: string, handler: CallbackProtocolHandler<string>): boolean;
  /** Deprecated in Electron: registers an http protocol; false when `scheme` is registered. */
  registerHttpProtocol(scheme: string, handler: CallbackProtocolHandler<ProtocolResponse>): boolean;
  /** Deprecated in Electron: unregisters `scheme`; false when it was not registered. */
  unregisterProtocol(scheme: string): boolean;
  /** Deprecated in Electron: whether `scheme` is registered. */
  isProtocolRegistered(scheme: string): boolean;
  /** Deprecated in Electron: intercepts `scheme` with a string protocol; false when intercepted. */
  interceptStringProtocol(scheme: string, handler: CallbackProtocolHandler<string>): boolean;
  /** Deprecated in Electron: intercepts `scheme` with a buffer protocol; false when intercepted. */
  interceptBufferProtocol(scheme: string, handler: CallbackProtocolHandler<Uint8Array>): boolean;
  /** Deprecated in Electron: intercepts `scheme` with a stream protocol; false when intercepted. */
  interceptStreamProtocol(scheme: string, handler: CallbackProtocolHandler<unknown>): boolean;
  /** Deprecated in Electron: intercepts `scheme` with a file protocol; false when intercepted. */
  interceptFileProtocol(scheme: string, handler: CallbackProtocolHandler<string>): boolean;
  /** Deprecated in Electron: intercepts `scheme` with an http protocol; false when intercepted. */
  interceptHttpProtocol(
    scheme: string,
    handler: CallbackProtocolHandler<ProtocolResponse>,
  ): boolean;
  /** Deprecated in Electron: stops intercepting `scheme`; false when it was not intercepted. */
  uninterceptProtocol(scheme: string): boolean;
  /** Deprecated in Electron: whether `scheme` is intercepted. */
  isProtocolIntercepted(scheme: string): boolean;
}

/** The kinds of Electron's deprecated callback protocols, as their members name them. */
/** The schemes `handle` intercepts rather than registers (Electron's `isBuiltInScheme`). */
const BUILT_IN_SCHEMES = new Set(["http", "https", "file"]);

/**
 * The session member the protocol plugin adds: a session built with it has `ses.protocol` in its
 * type.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: ProtocolMembers = session.fromPartition("protocol-members");
 * ses.protocol.isProtocolHandled("app"); // false
 * ```
 */
export interface ProtocolMembers {
  /** Electron's `ses.protocol`. */
  readonly protocol: Protocol;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

function checkScheme(scheme: unknown, where: string): string {
  if (typeof scheme !== "string" || !SCHEME.test(scheme)) {
    throw new TypeError(`protocol.${where}: invalid scheme "${String(scheme)}"`);
  }
  return scheme.toLowerCase();
}

/**
 * The request a handler gets. An `Origin: null` (an opaque origin's) is taken out, as Electron's
 * `protocol.handle` does (lib/browser/api/protocol.ts), so a handler reads a missing Origin.
 */
function toRequest(req: PipelineRequest): Request {
  const headers = new Headers(req.headers);
  if (headers.get("origin") === "null") headers.delete("origin");
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers,
    signal: req.signal,
    redirect: "manual",
  };
  if (req.body !== null) {
    init.body = req.body as BodyInit;
    if (req.body instanceof ReadableStream) init.duplex = "half";
  }
  if (req.referrer) init.referrer = req.referrer;
  try {
    return new Request(req.url, init);
  } catch {
    // Some referrers (cross-origin, opaque) are refused by Request; the header is what matters.
    delete init.referrer;
    return new Request(req.url, init);
  }
}

/**
 * A handler's answer as a Response, checked as Electron's `protocol.handle` does
 * (`validateResponse`, lib/browser/api/protocol.ts): a Response, or an object shaped like one
 * (`type: "error"` is a network error; else `status` a number, `statusText` a string, `headers`
 * an object or null, `body` null or a ReadableStream, each optional); null for anything else.
 */
function toResponse(answer: unknown): Response | null {
  if (answer instanceof Response) return answer;
  if (answer === null || typeof answer !== "object") return null;
  const a = answer as Record<string, unknown>;
  if (a.type === "error") return Response.error();
  const has = (key: string) => Object.hasOwn(a, key);
  if (has("status") && typeof a.status !== "number") return null;
  if (has("statusText") && typeof a.statusText !== "string") return null;
  if (has("headers") && typeof a.headers !== "object") return null;
  if (has("body") && a.body !== null && !(a.body instanceof ReadableStream)) return null;
  try {
    return new Response((a.body ?? null) as ReadableStream | null, {
      status: (a.status as number | undefined) ?? 200,
      statusText: a.statusText as string | undefined,
      headers: (a.headers ?? undefined) as HeadersInit | undefined,
    });
  } catch {
    return null;
  }
}

/**
 * The response with its body tied to the request's signal: aborting the request cancels the
 * handler's stream (and errors the body with an AbortError), as a network body stops when its
 * request is aborted.
 */
function abortable(response: Response, signal: AbortSignal): Response {
  if (signal.aborted) {
    response.body!.cancel(signal.reason).catch(() => {});
    throw new NetError("net::ERR_ABORTED", "The request was aborted");
  }
  const reader = response.body!.getReader();
  let finished = false;
  let fail: (reason: unknown) => void = () => {};
  const onAbort = () => {
    if (finished) return;
    finished = true;
    const reason = new DOMException("The request was aborted", "AbortError");
    reader.cancel(signal.reason ?? reason).catch(() => {});
    fail(reason);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      fail = (reason) => controller.error(reason);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (finished) return;
        if (done) {
          finished = true;
          signal.removeEventListener("abort", onAbort);
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        if (finished) return;
        finished = true;
        signal.removeEventListener("abort", onAbort);
        controller.error(error);
      }
    },
    cancel(reason) {
      finished = true;
      signal.removeEventListener("abort", onAbort);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  signal.addEventListener("abort", onAbort, { once: true });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The protocol plugin.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("with-protocol", { preset: false, plugins: [protocolPlugin] });
 * ses.protocol.isProtocolHandled("app"); // false
 * ```
 */
export const protocolPlugin: Plugin<ProtocolMembers> = definePlugin<ProtocolMembers>({
  manifest,
  setup(ctx) {
    const registered = new Map<string, ProtocolHandler>();
    const intercepted = new Map<string, ProtocolHandler>();
    const handlerOf = (scheme: string) => intercepted.get(scheme) ?? registered.get(scheme);
    const mapFor = (name: string) => BUILT_IN_SCHEMES.has(name) ? intercepted : registered;
    // `register<Kind>Protocol` or `intercept<Kind>Protocol`: false when the scheme has one.
    const adder = (map: Map<string, ProtocolHandler>, verb: string) =>
    (
      kind: CallbackKindName,
    ) =>
    (
      scheme: string,
      handler:
        | CallbackProtocolHandler<string>
        | CallbackProtocolHandler<Uint8Array>
        | CallbackProtocolHandler<ProtocolResponse>
        | CallbackProtocolHandler<unknown>,
    ) => {
      const where = `${verb}${kind}Protocol`;
      const name = checkScheme(scheme, where);
      if (typeof handler !== "function") {
        throw new TypeError(`protocol.${where}: the handler of "${name}" must be a function`);
      }
      if (map.has(name)) return false;
      let respond: ((request: Request) => Promise<Response>) | null = null;
      map.set(name, async (request) => {
        respond ??= (await callbackHandlers()).callbackHandler(
          ctx,
          kind,
          handler as CallbackProtocolHandler<unknown>,
        );
        return await respond(request);
      });
      return true;
    };
    ctx.tap("transport", async (req) => {
      const scheme = req.urlParts.scheme;
      const handler = handlerOf(scheme);
      if (!handler) return undefined;
      let answer: unknown;
      try {
        answer = await handler(toRequest(req));
      } catch (error) {
        if (req.signal.aborted || error instanceof CallbackAnswerError) throw error;
        throw new NetError("net::ERR_UNEXPECTED", `The ${scheme}: handler threw`, {
          cause: error,
        });
      }
      const response = toResponse(answer);
      if (response === null) {
        throw new NetError(
          "net::ERR_UNEXPECTED",
          `The ${scheme}: handler returned something that is not a Response`,
        );
      }
      if (response.type === "error") {
        throw new NetError("net::ERR_FAILED", `The ${scheme}: handler answered Response.error()`);
      }
      return response.body === null || req.signal === NEVER_ABORTED
        ? response
        : abortable(response, req.signal);
    }, {
      order: "pre",
      filter: (req) =>
        (registered.size > 0 || intercepted.size > 0) &&
        req.options.bypassCustomProtocolHandlers !== true &&
        handlerOf(req.urlParts.scheme) !== undefined,
    });
    const register = adder(registered, "register");
    const intercept = adder(intercepted, "intercept");
    const protocol: Protocol = {
      handle(scheme, handler) {
        const name = checkScheme(scheme, "handle");
        if (typeof handler !== "function") {
          throw new TypeError(`protocol.handle: the handler of "${name}" must be a function`);
        }
        const map = mapFor(name);
        if (map.has(name)) {
          // Electron's words (lib/browser/api/protocol.ts).
          throw new TypeError(`Failed to register protocol: ${scheme}`);
        }
        map.set(name, handler);
      },
      unhandle(scheme) {
        const name = checkScheme(scheme, "unhandle");
        if (!mapFor(name).delete(name)) {
          throw new TypeError(`Failed to unhandle protocol: ${scheme}`);
        }
      },
      isProtocolHandled(scheme) {
        return typeof scheme === "string" && mapFor(scheme.toLowerCase()).has(scheme.toLowerCase());
      },
      registerStringProtocol: register("String"),
      registerBufferProtocol: register("Buffer"),
      registerStreamProtocol: register("Stream"),
      registerFileProtocol: register("File"),
      registerHttpProtocol: register("Http"),
      unregisterProtocol: (scheme) => registered.delete(checkScheme(scheme, "unregisterProtocol")),
      isProtocolRegistered: (scheme) =>
        typeof scheme === "string" && registered.has(scheme.toLowerCase()),
      interceptStringProtocol: intercept("String"),
      interceptBufferProtocol: intercept("Buffer"),
      interceptStreamProtocol: intercept("Stream"),
      interceptFileProtocol: intercept("File"),
      interceptHttpProtocol: intercept("Http"),
      uninterceptProtocol: (scheme) =>
        intercepted.delete(checkScheme(scheme, "uninterceptProtocol")),
      isProtocolIntercepted: (scheme) =>
        typeof scheme === "string" && intercepted.has(scheme.toLowerCase()),
    };
    ctx.provide({ protocol });
    return () => {
      registered.clear();
      intercepted.clear();
    };
  },
});
