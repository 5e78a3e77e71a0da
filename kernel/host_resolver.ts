/**
 * The host resolver contract: DNS answers and this machine's own addresses, as PAC scripts reach
 * them (`dnsResolve`, `dnsResolveEx`, `isResolvable`, `isInNet` on names, `myIpAddress`,
 * `myIpAddressEx`). `adapters/dns/node.ts` implements it with `node:dns` and `node:os`; the entry
 * hands it to the proxy plugin.
 *
 * A resolver may answer synchronously (a static table, a cache, a test double): then every
 * helper call reaches it, as Chromium's bindings are. When it answers with a Promise, the PAC
 * call is abandoned at that point and run again once the answer is known (Chromium's
 * non-blocking "restart" mode), so the script itself never waits.
 *
 * @module
 */

/** Which addresses to look up: IPv4 only (4) or every family (0). */
export type AddressFamily = 0 | 4;

/**
 * Answers DNS questions. A failure is an empty list or a thrown error.
 *
 * @example
 * ```ts
 * const resolver: HostResolver = {
 *   resolve: (host) => (host === "intranet" ? ["10.0.0.1"] : []),
 *   localAddresses: () => ["192.168.1.7"],
 * };
 * ```
 */
export interface HostResolver {
  /** The addresses of `host` (ASCII, punycode for IDN), most preferred first. */
  resolve(host: string, family: AddressFamily): readonly string[] | Promise<readonly string[]>;
  /** This machine's own addresses (not loopback), most preferred first. */
  localAddresses(family: AddressFamily): readonly string[] | Promise<readonly string[]>;
}
