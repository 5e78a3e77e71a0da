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

/** Every member of `Protocol`, each forwarded to the default session's at the time of the call. */
const forwardedMembers = [
  "handle",
  "unhandle",
  "isProtocolHandled",
  "registerStringProtocol",
  "registerBufferProtocol",
  "registerStreamProtocol",
  "registerFileProtocol",
  "registerHttpProtocol",
  "unregisterProtocol",
  "isProtocolRegistered",
  "interceptStringProtocol",
  "interceptBufferProtocol",
  "interceptStreamProtocol",
  "interceptFileProtocol",
  "interceptHttpProtocol",
  "uninterceptProtocol",
  "isProtocolIntercepted",
] as const satisfies readonly (keyof Protocol)[];

/** Fails to compile when `Protocol` gains a member that the table above does not forward. */
type UnforwardedMembers = Exclude<keyof Protocol, (typeof forwardedMembers)[number]>;
const everyMemberForwarded: [UnforwardedMembers] extends [never] ? true : UnforwardedMembers = true;
void everyMemberForwarded;

function forwardToDefaultSession(): Protocol {
  const forwarded: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of forwardedMembers) {
    forwarded[name] = (...args) => {
      const target = current();
      return (target[name] as (...args: unknown[]) => unknown).apply(target, args);
    };
  }
  return forwarded as unknown as Protocol;
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
  ...forwardToDefaultSession(),
  registerSchemesAsPrivileged,
};
