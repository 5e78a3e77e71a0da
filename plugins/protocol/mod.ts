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
import type { CallbackProtocolHandler, ProtocolResponse } from "./callback_protocols.ts";
import type { CallbackKindName } from "./_callback_handlers.ts";
import { onFirstUse } from "../../kernel/lazy.ts";

// A handler's answer is read by a part loaded with the first request to a handled scheme, and the
// callback protocols' answer readers with the first request to one (cold start, #24).
const handlerAnswer = onFirstUse(
  "the protocol handlers' answers (plugins/protocol/_handler_answer.ts)",
  () => import("./_handler_answer.ts"),
);
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
      const handler = handlerOf(req.urlParts.scheme);
      if (!handler) return undefined;
      return (await handlerAnswer()).answerWith(handler, req);
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
