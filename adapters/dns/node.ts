/**
 * The {@link HostResolver} for Deno and Bun: `node:dns` `lookup` (the system resolver, as
 * Chromium's PAC bindings use) and `node:os` network interfaces.
 *
 * @module
 */

import { builtin } from "../_builtin.ts";
import type { AddressFamily, HostResolver } from "../../kernel/network/host_resolver.ts";

export type { AddressFamily, HostResolver } from "../../kernel/network/host_resolver.ts";

/** Options of {@link nodeHostResolver}. */
export interface NodeHostResolverOptions {
  /** Give up a lookup after this many ms (default 5000). */
  timeout?: number;
}

/**
 * Makes a resolver backed by the system's DNS.
 *
 * @example
 * ```ts
 * const dns = nodeHostResolver();
 * await dns.resolve("localhost", 4); // ["127.0.0.1"]
 * ```
 */
export function nodeHostResolver(options: NodeHostResolverOptions = {}): HostResolver {
  const timeout = options.timeout ?? 5000;
  return {
    async resolve(host: string, family: AddressFamily): Promise<readonly string[]> {
      if (host === "") return [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const result = await Promise.race([
          builtin("node:dns/promises").lookup(host, { all: true, family, verbatim: true }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("DNS timeout")), timeout);
          }),
        ]);
        return result.map((a) => a.address);
      } catch {
        return [];
      } finally {
        clearTimeout(timer);
      }
    },
    localAddresses(family: AddressFamily): readonly string[] {
      const v4: string[] = [];
      const v6: string[] = [];
      for (const list of Object.values(builtin("node:os").networkInterfaces())) {
        for (const a of list ?? []) {
          if (a.internal) continue;
          if (a.family === "IPv4" || (a.family as unknown) === 4) v4.push(a.address);
          else if (family === 0) v6.push(a.address.replace(/%.*$/, ""));
        }
      }
      return [...v4, ...v6];
    },
  };
}
