/**
 * Electron's `protocol` module: `protocol.handle`, `unhandle` and `isProtocolHandled` act on the
 * default session's `ses.protocol`, as Electron's do (`session.defaultSession.protocol`).
 *
 * @module
 */
import { session } from "../../kernel/partitions.ts";
import type { Protocol, ProtocolMembers } from "./mod.ts";

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
 * ```
 */
export const protocol: Protocol = {
  handle: (scheme, handler) => current().handle(scheme, handler),
  unhandle: (scheme) => current().unhandle(scheme),
  isProtocolHandled: (scheme) => current().isProtocolHandled(scheme),
};
