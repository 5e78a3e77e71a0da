/**
 * The DNS contract PAC scripts reach through (`dnsResolve`, `dnsResolveEx`, `isResolvable`,
 * `isInNet` on names, `myIpAddress`, `myIpAddressEx`). It is proxy-specific (it also answers
 * "this machine's addresses"), so it lives with the proxy plugin; `adapters/dns/node.ts`
 * implements it with `node:dns` and `node:os`.
 *
 * An adapter may answer synchronously (a static table, a cache, a test double): then every
 * helper call reaches it, as Chromium's bindings are. When it answers with a Promise, the PAC
 * call is abandoned at that point and run again once the answer is known (Chromium's
 * non-blocking "restart" mode), so the script itself never waits.
 *
 * @module
 */

/** Which addresses to look up: IPv4 only (4) or every family (0). */
export type AddressFamily = 0 | 4;

/** Answers PAC scripts' DNS questions. A failure is an empty list or a thrown error. */
export interface HostResolver {
  /**
   * The addresses of `host` (ASCII, punycode for IDN), most preferred first.
   *
   * @example
   * ```ts
   * const r: HostResolver = { resolve: () => ["10.0.0.1"], localAddresses: () => [] };
   * ```
   */
  resolve(host: string, family: AddressFamily): readonly string[] | Promise<readonly string[]>;
  /** This machine's own addresses (not loopback), most preferred first. */
  localAddresses(family: AddressFamily): readonly string[] | Promise<readonly string[]>;
}

/**
 * A resolver that answers from a fixed table and has no local addresses; names not in the table
 * fail. Handy for tests and for locked-down deployments.
 *
 * @example
 * ```ts
 * const dns = staticHostResolver({ "intranet": ["10.1.2.3"] }, ["192.168.1.7"]);
 * dns.resolve("intranet", 4); // ["10.1.2.3"]
 * ```
 */
export function staticHostResolver(
  table: Readonly<Record<string, readonly string[]>>,
  local: readonly string[] = [],
): HostResolver {
  const v4 = (list: readonly string[]) => list.filter((a) => !a.includes(":"));
  return {
    resolve: (host, family) => {
      const list = Object.hasOwn(table, host) ? table[host] : [];
      return family === 4 ? v4(list) : list;
    },
    localAddresses: (family) => (family === 4 ? v4(local) : local),
  };
}
