/**
 * An ordered list of proxy chains to try (Chromium's `ProxyList`): parsed from PAC results,
 * printed in PAC form, reordered by the bad-proxy list.
 *
 * @module
 */

import {
  DIRECT,
  parsePacElement,
  type ProxyChain,
  proxyChainKey,
  proxyChainToString,
  type ProxyParseOptions,
  type ProxyScheme,
} from "./proxy_server.ts";

/** What the bad-proxy list knows of one chain. */
export interface ProxyRetryInfo {
  /** Until when (ms since the epoch) the chain counts as bad. */
  badUntil: number;
  /** Whether to try it anyway, after the good ones. */
  tryWhileBad: boolean;
}

/**
 * Parses a PAC result (`PROXY a:80; SOCKS5 b; DIRECT`) as Chromium's `SetFromPacString`:
 * invalid elements are skipped, an empty result is DIRECT.
 *
 * @example
 * ```ts
 * proxyListToString(parsePacResult("PROXY foopy1 ; proxy foopy2;\t DIRECT"));
 * // "PROXY foopy1:80;PROXY foopy2:80;DIRECT"
 * ```
 */
export function parsePacResult(
  result: string,
  options: ProxyParseOptions = {},
): ProxyChain[] {
  const list: ProxyChain[] = [];
  for (const element of result.split(";")) {
    const chain = parsePacElement(element, options);
    if (chain) list.push(chain);
  }
  if (list.length === 0) list.push(DIRECT);
  return list;
}

/**
 * Formats a list in Chromium's PAC form, elements joined by `;` (no space): what
 * `ProxyInfo::ToPacString` gives and so what Electron's `ses.resolveProxy` resolves to.
 *
 * @example
 * ```ts
 * proxyListToString([[], [{ scheme: "http", host: "a", port: 80 }]]); // "DIRECT;PROXY a:80"
 * ```
 */
export function proxyListToString(list: readonly ProxyChain[]): string {
  return list.map(proxyChainToString).join(";");
}

/**
 * Keeps the chains whose (single) server has one of `schemes` (`direct` for DIRECT).
 *
 * @example
 * ```ts
 * removeProxiesWithoutScheme([[]], ["http"]); // []
 * ```
 */
export function removeProxiesWithoutScheme(
  list: readonly ProxyChain[],
  schemes: readonly (ProxyScheme | "direct")[],
): ProxyChain[] {
  return list.filter((chain) =>
    chain.length === 0 ? schemes.includes("direct") : chain.every((s) => schemes.includes(s.scheme))
  );
}

/**
 * Moves chains the retry list marks bad behind the good ones (or drops them when they must not
 * be tried while bad), as Chromium's `DeprioritizeBadProxyChains`. DIRECT is never bad.
 *
 * @example
 * ```ts
 * const a = [{ scheme: "http" as const, host: "a", port: 80 }];
 * const b = [{ scheme: "http" as const, host: "b", port: 80 }];
 * deprioritizeBadProxies([a, b], new Map([["a:80", { badUntil: Infinity, tryWhileBad: true }]]));
 * // [b, a]
 * ```
 */
export function deprioritizeBadProxies(
  list: readonly ProxyChain[],
  bad: ReadonlyMap<string, ProxyRetryInfo>,
  now: number = Date.now(),
): ProxyChain[] {
  if (bad.size === 0) return list.slice();
  const good: ProxyChain[] = [];
  const later: ProxyChain[] = [];
  for (const chain of list) {
    const info = chain.length === 0 ? undefined : bad.get(proxyChainKey(chain));
    if (info && info.badUntil > now) {
      if (info.tryWhileBad) later.push(chain);
    } else good.push(chain);
  }
  return [...good, ...later];
}
