/**
 * The proxy decision of a session: the applied configuration (direct, fixed rules, system
 * environment, PAC script, WPAD), `listFor(url)` with the bad-proxy list applied, and PAC
 * (re)loading with failures reported and answered with DIRECT.
 *
 * @module
 */

import {
  type Environment,
  type EnvironmentCredentials,
  type NormalizedProxyConfig,
  normalizeProxyConfig,
  type ProxyConfig,
  systemProxySettings,
} from "./proxy_config.ts";
import { matchesImplicitRules, ProxyBypassRules } from "./bypass_rules.ts";
import { ProxyRules } from "./proxy_rules.ts";
import { proxyListToString } from "./proxy_list.ts";
import { DIRECT, type ProxyChain } from "./proxy_server.ts";
import { ProxyRetryList } from "./retry_list.ts";
import type { PacDecision } from "./pac_resolver.ts";
import { proxyTarget, type UrlParts } from "./url_parts.ts";
import type { NetLogSink } from "../../kernel/net_log/sink.ts";
import { NET_ERROR_CODES, type NetErrorCode } from "../../kernel/errors.ts";

/** A loaded PAC script as the service uses it. */
export interface PacEngine {
  /** The decision for a URL. */
  resolve(url: string): Promise<PacDecision>;
  /** Frees it. */
  dispose(): void;
}

/** What the service needs from its environment. */
export interface ProxyServiceHost {
  /** The process environment (for `system`). */
  env(): Environment;
  /** Fetches a PAC script's text (http(s) DIRECT, file, data); rejects on failure. */
  fetchPac(url: string): Promise<string>;
  /** Loads a PAC script into a sandbox; rejects when it cannot be used. */
  loadPac(script: string): Promise<PacEngine>;
  /** Reports a PAC problem (fetch, load or run); the request goes DIRECT. */
  report(message: string): void;
  /** The session's net log while one records (PAC_FILE_DECIDER, PROXY_CONFIG_CHANGED). */
  netLog?(): NetLogSink | undefined;
}

const DIRECT_LIST: ProxyChain[] = [DIRECT];
const SLOTS = 1024;

/** The WPAD URL `auto_detect` tries (Chromium's DHCP-less fallback). */
export const WPAD_URL = "http://wpad/wpad.dat";

/**
 * Holds and applies a session's proxy configuration.
 *
 * @example
 * ```ts
 * const service = new ProxyService({
 *   env: () => ({}),
 *   fetchPac: () => Promise.reject(new Error("no PAC")),
 *   loadPac: () => Promise.reject(new Error("no PAC")),
 *   report: () => {},
 * });
 * await service.apply({ proxyRules: "http=a:8080" });
 * await service.resolveProxy("http://example.com/"); // "PROXY a:8080"
 * ```
 */
export class ProxyService {
  #host: ProxyServiceHost;
  #config: NormalizedProxyConfig = {
    mode: "direct",
    pacScript: "",
    proxyRules: "",
    proxyBypassRules: "",
  };
  #rules: ProxyRules = new ProxyRules();
  #applied = false;
  #pac: PacEngine | null = null;
  #pacError: string | null = null;
  #generation = 0;
  #slots: ({ key: string; list: ProxyChain[] } | undefined)[] = new Array(SLOTS);
  /** Chains that failed recently. */
  readonly retry: ProxyRetryList = new ProxyRetryList();
  /** Credentials found in the environment's proxy URLs (`system` mode). */
  envCredentials: EnvironmentCredentials[] = [];

  /** Makes a service that starts DIRECT. */
  constructor(host: ProxyServiceHost) {
    this.#host = host;
  }

  /** The configuration in force (mode settled). */
  get config(): Readonly<NormalizedProxyConfig> {
    return this.#config;
  }

  /** Why the PAC script is not in use, or null. */
  get pacError(): string | null {
    return this.#pacError;
  }

  /**
   * Applies Electron's proxy config; resolves when it is in force (a PAC script fetched and
   * loaded, or found unusable and reported). Bad input rejects with a TypeError.
   */
  async apply(config: ProxyConfig): Promise<void> {
    const normalized = normalizeProxyConfig(config);
    const generation = ++this.#generation;
    let rules = new ProxyRules();
    let pac: PacEngine | null = null;
    let pacError: string | null = null;
    let credentials: EnvironmentCredentials[] = [];
    if (normalized.mode === "fixed_servers") {
      rules = ProxyRules.parse(normalized.proxyRules);
      rules.bypassRules = ProxyBypassRules.parse(normalized.proxyBypassRules);
    } else if (normalized.mode === "system") {
      const settings = systemProxySettings(this.#host.env());
      rules = settings.rules;
      credentials = settings.credentials;
    } else if (
      (normalized.mode === "pac_script" && normalized.pacScript !== "") ||
      normalized.mode === "auto_detect"
    ) {
      const url = normalized.mode === "pac_script" ? normalized.pacScript : WPAD_URL;
      const decider = this.#host.netLog?.()?.source("PAC_FILE_DECIDER");
      decider?.begin("PAC_FILE_DECIDER");
      decider?.begin("PAC_FILE_DECIDER_FETCH_PAC_SCRIPT", { source: url });
      let fetched = false;
      try {
        const script = await this.#host.fetchPac(url);
        fetched = true;
        decider?.end("PAC_FILE_DECIDER_FETCH_PAC_SCRIPT");
        pac = await this.#host.loadPac(script);
        decider?.end("PAC_FILE_DECIDER");
      } catch (error) {
        const failed = { net_error: netErrorNumber(error) };
        if (!fetched) decider?.end("PAC_FILE_DECIDER_FETCH_PAC_SCRIPT", failed);
        decider?.end("PAC_FILE_DECIDER", failed);
        pacError = `PAC script ${url} is unusable, going DIRECT: ${
          error instanceof Error ? error.message : String(error)
        }`;
      }
    }
    if (generation !== this.#generation) {
      pac?.dispose();
      return;
    }
    this.#pac?.dispose();
    const log = this.#host.netLog?.();
    if (log) {
      const change: Record<string, unknown> = { new_config: configDump(normalized, rules) };
      if (this.#applied) change.old_config = configDump(this.#config, this.#rules);
      log.event("PROXY_CONFIG_CHANGED", change);
    }
    this.#applied = true;
    this.#config = normalized;
    this.#rules = rules;
    this.#pac = pac;
    this.#pacError = pacError;
    this.envCredentials = credentials;
    this.#slots.fill(undefined);
    this.retry.clear();
    if (pacError) this.#host.report(pacError);
  }

  /** Fetches the PAC script again (and re-reads the environment in `system` mode). */
  async reload(): Promise<void> {
    const { mode, pacScript, proxyRules, proxyBypassRules } = this.#config;
    await this.apply({ mode, pacScript, proxyRules, proxyBypassRules });
  }

  /**
   * The proxy chains to try for `url`, in order, bad ones moved last. Throws a TypeError for an
   * invalid URL. A pipeline request passes itself as `hop`: its `urlParts` are read only when the
   * URL must be parsed, and then parsed once for every plugin.
   */
  listFor(
    url: string,
    hop?: { readonly urlParts: UrlParts },
  ): ProxyChain[] | Promise<ProxyChain[]> {
    if (this.#pac) return this.#listFromPac(url, hop);
    const mode = this.#config.mode;
    if (mode !== "fixed_servers" && mode !== "system") {
      if (!hop && !proxyTarget(url)) throw new TypeError(`Invalid URL "${url}"`);
      return DIRECT_LIST;
    }
    // Fixed rules look at scheme, host and port only, so the decision is cached by the URL's
    // text up to the first "/" after the scheme (which holds the whole authority), in a small
    // direct-mapped table: a hit allocates nothing, a miss overwrites one slot.
    const slash = url.indexOf("/", 8);
    const end = slash < 0 ? url.length : slash;
    let h = end;
    for (let i = url.indexOf(":") + 3; i < end; i++) h = (Math.imul(h, 31) + url.charCodeAt(i)) | 0;
    const slot = h & (SLOTS - 1);
    const entry = this.#slots[slot];
    let list: ProxyChain[];
    if (entry !== undefined && entry.key.length === end && url.startsWith(entry.key)) {
      list = entry.list;
    } else {
      const parts = proxyTarget(hop?.urlParts ?? url);
      if (!parts) throw new TypeError(`Invalid URL "${url}"`);
      list = this.#rules.apply(parts).list;
      this.#slots[slot] = { key: url.slice(0, end), list };
    }
    return this.retry.size ? this.retry.reorder(list) : list;
  }

  async #listFromPac(url: string, hop?: { readonly urlParts: UrlParts }): Promise<ProxyChain[]> {
    const parts = proxyTarget(hop?.urlParts ?? url);
    if (!parts) throw new TypeError(`Invalid URL "${url}"`);
    // Chromium (since M71) never asks a PAC script about localhost, loopback or link-local
    // hosts, and nothing turns that off in PAC mode.
    if (matchesImplicitRules(parts)) return DIRECT_LIST;
    const decision = await this.#pac!.resolve(url);
    if (decision.error) this.#host.report(`PAC script failed for ${url}: ${decision.error}`);
    return this.retry.reorder(decision.list);
  }

  /**
   * Electron's `ses.resolveProxy(url)`: the list in Chromium's PAC form (`PROXY a:80;DIRECT`).
   */
  resolveProxy(url: string): Promise<string> {
    let pending: ProxyChain[] | Promise<ProxyChain[]>;
    try {
      pending = this.listFor(url);
    } catch (error) {
      return Promise.reject(error);
    }
    if (pending instanceof Promise) return pending.then(listText);
    return Promise.resolve(listText(pending));
  }

  /** Frees the PAC sandbox. */
  dispose(): void {
    this.#generation++;
    this.#pac?.dispose();
    this.#pac = null;
  }
}

const texts = new WeakMap<readonly ProxyChain[], string>();

/** A proxy configuration as Chromium's `ProxyConfig` dumps it in `PROXY_CONFIG_CHANGED`. */
function configDump(config: NormalizedProxyConfig, rules: ProxyRules): Record<string, unknown> {
  const dump: Record<string, unknown> = {};
  if (config.mode === "auto_detect") dump.auto_detect = true;
  if (config.mode === "pac_script") dump.pac_url = config.pacScript;
  const chains = (list: readonly ProxyChain[]) => list.map((chain) => listText([chain]));
  if (rules.type === "PROXY_LIST") dump.single_proxy = chains(rules.singleProxies);
  if (rules.type === "PROXY_LIST_PER_SCHEME") {
    const perScheme: Record<string, string[]> = {};
    if (rules.proxiesForHttp.length) perScheme.http = chains(rules.proxiesForHttp);
    if (rules.proxiesForHttps.length) perScheme.https = chains(rules.proxiesForHttps);
    if (rules.proxiesForFtp.length) perScheme.ftp = chains(rules.proxiesForFtp);
    if (rules.fallbackProxies.length) perScheme.fallback = chains(rules.fallbackProxies);
    dump.proxy_per_scheme = perScheme;
  }
  if (rules.type !== "EMPTY") {
    const bypass = rules.bypassRules.toString().split(";").filter((rule) => rule !== "");
    if (bypass.length) dump.bypass_list = bypass;
    if (rules.reverseBypass) dump.reverse_bypass = true;
  }
  return dump;
}

/** Chromium's error number for a failure (`net::ERR_FAILED` when it names none). */
export function netErrorNumber(error: unknown): number {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && code in NET_ERROR_CODES) {
    return NET_ERROR_CODES[code as NetErrorCode];
  }
  const named = /net::ERR_[A-Z0-9_]+/.exec(error instanceof Error ? error.message : "");
  if (named && named[0] in NET_ERROR_CODES) return NET_ERROR_CODES[named[0] as NetErrorCode];
  return NET_ERROR_CODES["net::ERR_FAILED"];
}

/**
 * The list in Chromium's PAC form (`PROXY a:80;DIRECT`), made once per list.
 *
 * @example
 * ```ts
 * listText([[]]); // "DIRECT"
 * ```
 */
export function listText(list: readonly ProxyChain[]): string {
  let text = texts.get(list);
  if (text === undefined) {
    text = proxyListToString(list);
    texts.set(list, text);
  }
  return text;
}
