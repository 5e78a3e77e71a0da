/**
 * A {@link HostResolver} that answers from a fixed table (tests, locked-down deployments). The
 * contract itself is the kernel's (`kernel/contracts.ts`); it is re-exported here for users of
 * the proxy plugin.
 *
 * @module
 */
import type { HostResolver } from "../../kernel/network/host_resolver.ts";

export type { AddressFamily, HostResolver } from "../../kernel/network/host_resolver.ts";

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
