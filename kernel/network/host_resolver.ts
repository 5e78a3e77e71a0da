/**
 * The host resolver contract: DNS answers and this machine's addresses for PAC scripts and
 * `ses.resolveHost` (`adapters/dns/node.ts` on Deno and Bun).
 *
 * @module
 */

/** Which addresses to look up: IPv4 only (4) or every family (0). */
export type AddressFamily = 0 | 4;

/**
 * DNS answers and this machine's addresses, as PAC scripts ask for them (`dnsResolve`,
 * `myIpAddress`, ...); `adapters/dns/node.ts` on Deno and Bun. A failure is an empty list or a
 * throw. Synchronous answers reach every PAC call; a Promise abandons the call, which runs again
 * once the answer is known (Chromium's non-blocking mode), so a script never waits.
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
