/**
 * Chromium's proxy retry list: a proxy chain that failed is "bad" for a while (5 minutes by
 * default) and tried after the good ones, or not at all.
 *
 * @module
 */

import { deprioritizeBadProxies, type ProxyRetryInfo } from "./proxy_list.ts";
import { type ProxyChain, proxyChainKey } from "./proxy_server.ts";

/** Chromium's retry window for a bad proxy: 5 minutes. */
export const PROXY_RETRY_DELAY_MS = 5 * 60 * 1000;

/**
 * Remembers failed proxy chains.
 *
 * @example
 * ```ts
 * const retry = new ProxyRetryList();
 * const a = [{ scheme: "http" as const, host: "a", port: 80 }];
 * retry.markBad(a);
 * retry.isBad(a); // true
 * ```
 */
export class ProxyRetryList {
  #bad = new Map<string, ProxyRetryInfo>();
  #now: () => number;

  /** Makes an empty list; `now` is the clock (ms). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Marks a chain bad for `ms` (default 5 minutes). DIRECT is never bad. */
  markBad(chain: ProxyChain, ms: number = PROXY_RETRY_DELAY_MS, tryWhileBad = true): void {
    if (chain.length === 0) return;
    this.#bad.set(proxyChainKey(chain), { badUntil: this.#now() + ms, tryWhileBad });
  }

  /** Forgets a chain (it worked). */
  markGood(chain: ProxyChain): void {
    if (this.#bad.size) this.#bad.delete(proxyChainKey(chain));
  }

  /** Whether a chain is bad now. */
  isBad(chain: ProxyChain): boolean {
    const info = this.#bad.get(proxyChainKey(chain));
    return info !== undefined && info.badUntil > this.#now();
  }

  /** The list reordered: good chains first, bad ones after (or dropped). */
  reorder(list: readonly ProxyChain[]): ProxyChain[] {
    if (this.#bad.size === 0) return list as ProxyChain[];
    return deprioritizeBadProxies(list, this.#bad, this.#now());
  }

  /** Forgets everything (a new configuration). */
  clear(): void {
    this.#bad.clear();
  }

  /** How many chains are remembered. */
  get size(): number {
    return this.#bad.size;
  }
}
