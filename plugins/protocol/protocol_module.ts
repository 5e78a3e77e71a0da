/**
 * Electron's `protocol` module: `protocol.handle`, `unhandle` and `isProtocolHandled` act on the
 * default session's `ses.protocol`, as Electron's do (`session.defaultSession.protocol`), and
 * `registerSchemesAsPrivileged` registers schemes for the whole process.
 *
 * @module
 */
import { session } from "../../kernel/partitions.ts";
import {
  type CustomScheme,
  registerSchemesAsPrivileged,
} from "../../kernel/http/privileged_schemes.ts";
import type { Protocol, ProtocolMembers } from "./mod.ts";

/** Electron's `protocol` module: the default session's `Protocol`, and the process's schemes. */
export interface ProtocolModule extends Protocol {
  /**
   * Registers custom schemes with privileges, for every session of the process: `standard` ones
   * have host-based URLs (the host in lower case) and keep cookies, `secure` ones count as
   * trustworthy (Secure cookies); the other privileges need a renderer and are only kept. Electron
   * wants it called before the app is ready; here any time works, for requests from then on.
   */
  registerSchemesAsPrivileged(customSchemes: readonly CustomScheme[]): void;
}

function current(): Protocol {
  // A default session built without the protocol plugin throws MissingPluginError here.
  return (session.defaultSession as unknown as ProtocolMembers).protocol;
}

/**
 * Electron's `protocol` module, on the default session.
 *
 * @example
 * ```ts
 * import { protocol } from "./protocol_module.ts";
 * import { net } from "../../kernel/net/mod.ts";
 * protocol.handle("app", (request) => new Response(new URL(request.url).pathname));
 * await (await net.fetch("app://bundle/index.html")).text(); // "/index.html"
 * protocol.isProtocolHandled("app"); // true
 * protocol.unhandle("app");
 * protocol.registerSchemesAsPrivileged([{ scheme: "bundle", privileges: { standard: true } }]);
 * ```
 */
export const protocol: ProtocolModule = {
  handle: (scheme, handler) => current().handle(scheme, handler),
  unhandle: (scheme) => current().unhandle(scheme),
  isProtocolHandled: (scheme) => current().isProtocolHandled(scheme),
  registerStringProtocol: (scheme, handler) => current().registerStringProtocol(scheme, handler),
  registerBufferProtocol: (scheme, handler) => current().registerBufferProtocol(scheme, handler),
  registerStreamProtocol: (scheme, handler) => current().registerStreamProtocol(scheme, handler),
  registerFileProtocol: (scheme, handler) => current().registerFileProtocol(scheme, handler),
  registerHttpProtocol: (scheme, handler) => current().registerHttpProtocol(scheme, handler),
  unregisterProtocol: (scheme) => current().unregisterProtocol(scheme),
  isProtocolRegistered: (scheme) => current().isProtocolRegistered(scheme),
  interceptStringProtocol: (scheme, handler) => current().interceptStringProtocol(scheme, handler),
  interceptBufferProtocol: (scheme, handler) => current().interceptBufferProtocol(scheme, handler),
  interceptStreamProtocol: (scheme, handler) => current().interceptStreamProtocol(scheme, handler),
  interceptFileProtocol: (scheme, handler) => current().interceptFileProtocol(scheme, handler),
  interceptHttpProtocol: (scheme, handler) => current().interceptHttpProtocol(scheme, handler),
  uninterceptProtocol: (scheme) => current().uninterceptProtocol(scheme),
  isProtocolIntercepted: (scheme) => current().isProtocolIntercepted(scheme),
  registerSchemesAsPrivileged,
};
