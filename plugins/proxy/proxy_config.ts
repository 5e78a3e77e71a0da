/**
 * Electron's `ses.setProxy(config)` argument: validation, mode inference, the `system` mode read
 * from the environment (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, either case), and
 * Chromium's JSON form of a proxy configuration.
 *
 * @module
 */

import { parseBypassRule, ProxyBypassRules } from "./bypass_rules.ts";
import { ProxyRules } from "./proxy_rules.ts";
import { type ProxyChain, proxyServerToUri } from "./proxy_server.ts";

/** Electron's proxy modes. */
export type ProxyMode = "direct" | "auto_detect" | "pac_script" | "fixed_servers" | "system";

/** Electron's `ProxyConfig`. */
export interface ProxyConfig {
  /** The mode; inferred when absent (pacScript, then proxyRules, then direct). */
  mode?: ProxyMode;
  /** The PAC script's URL: http(s), file or data. */
  pacScript?: string;
  /** Chromium's proxy rules, e.g. `http=foopy:80;ftp=foopy2`. */
  proxyRules?: string;
  /** Chromium's bypass rules, e.g. `*.example.com, <local>`. */
  proxyBypassRules?: string;
}

/** A validated configuration with its mode settled. */
export interface NormalizedProxyConfig {
  /** The settled mode. */
  mode: ProxyMode;
  /** The PAC URL (pac_script mode), or "". */
  pacScript: string;
  /** The proxy rules (fixed_servers mode), or "". */
  proxyRules: string;
  /** The bypass rules, or "". */
  proxyBypassRules: string;
}

const MODES: readonly ProxyMode[] = [
  "direct",
  "auto_detect",
  "pac_script",
  "fixed_servers",
  "system",
];
const KEYS = new Set(["mode", "pacScript", "proxyRules", "proxyBypassRules"]);

/**
 * Validates Electron's proxy config and settles the mode: an explicit mode wins; else
 * `pac_script` when pacScript is given (it wins over proxyRules), else `fixed_servers` when
 * proxyRules is given, else `direct`.
 *
 * @example
 * ```ts
 * normalizeProxyConfig({ proxyRules: "a:80", pacScript: "http://x/p.pac" }).mode; // "pac_script"
 * ```
 */
export function normalizeProxyConfig(config: ProxyConfig): NormalizedProxyConfig {
  if (config === null || typeof config !== "object") {
    throw new TypeError("Proxy config must be an object");
  }
  for (const key of Object.keys(config)) {
    if (!KEYS.has(key)) throw new TypeError(`Unknown proxy config key "${key}"`);
  }
  for (const key of ["pacScript", "proxyRules", "proxyBypassRules"] as const) {
    const v = config[key];
    if (v !== undefined && typeof v !== "string") {
      throw new TypeError(`Proxy config ${key} must be a string`);
    }
  }
  if (config.mode !== undefined && !MODES.includes(config.mode)) {
    // Electron's spec/api-session-spec.ts: rejectedWith(/Invalid mode/).
    throw new TypeError(
      `Invalid mode "${String(config.mode)}": must be one of ${MODES.join(", ")}`,
    );
  }
  const pacScript = config.pacScript ?? "";
  const proxyRules = config.proxyRules ?? "";
  const mode: ProxyMode = config.mode ??
    (pacScript ? "pac_script" : proxyRules ? "fixed_servers" : "direct");
  // pac_script without a script: Electron resolves and goes DIRECT (an empty PAC URL is no
  // configuration for Chromium's proxy service), so the mode stays and the service routes DIRECT.
  if (mode === "pac_script" && pacScript !== "") {
    let scheme = "";
    try {
      scheme = new URL(pacScript).protocol;
    } catch {
      throw new TypeError(`Invalid pacScript URL "${pacScript}"`);
    }
    if (!["http:", "https:", "file:", "data:"].includes(scheme)) {
      throw new TypeError(`Unsupported pacScript scheme "${scheme}"`);
    }
  }
  return { mode, pacScript, proxyRules, proxyBypassRules: config.proxyBypassRules ?? "" };
}

/** Environment variables as a lookup (e.g. `Deno.env.toObject()` or `process.env`). */
export type Environment = Readonly<Record<string, string | undefined>>;

function envVar(env: Environment, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** Proxy credentials found in a `system` proxy URL (`http://user:pass@host:port`). */
export interface EnvironmentCredentials {
  /** `host:port` of the proxy, as in the proxy URI. */
  proxy: string;
  /** The user name. */
  username: string;
  /** The password. */
  password: string;
}

/** What the environment says: rules to apply, and any credentials found in proxy URLs. */
export interface SystemProxySettings {
  /** The rules (EMPTY when the environment sets no proxy). */
  rules: ProxyRules;
  /** Credentials from `user:pass@` parts. */
  credentials: EnvironmentCredentials[];
}

/**
 * Reads the `system` proxy settings from the environment as Chromium does on Linux:
 * `all_proxy` for every scheme, else `http_proxy`/`https_proxy`/`ftp_proxy` per scheme;
 * `no_proxy` as bypass rules with suffix matching (`example.com` also bypasses its subdomains,
 * `*` bypasses everything). Lower-case names win over upper-case ones.
 *
 * @example
 * ```ts
 * const { rules } = systemProxySettings({ HTTPS_PROXY: "http://p:3128", NO_PROXY: "internal" });
 * rules.apply("https://example.com/").list; // [[{ scheme: "http", host: "p", port: 3128 }]]
 * ```
 */
export function systemProxySettings(env: Environment): SystemProxySettings {
  const credentials: EnvironmentCredentials[] = [];
  const clean = (value: string, defaultScheme: string): string => {
    // Strip `user:pass@` and remember it; proxy URIs cannot carry credentials.
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?([^@/]*)@(.*)$/.exec(value);
    let out = value;
    if (m) {
      out = (m[1] ?? "") + m[3];
      const [user, ...pass] = m[2].split(":");
      const uri = ProxyRules.parse(out.replace(/\/+$/, "")).singleProxies[0];
      if (uri && uri.length === 1) {
        credentials.push({
          proxy: proxyServerToUri(uri[0]),
          username: decodeURIComponent(user),
          password: decodeURIComponent(pass.join(":")),
        });
      }
    }
    out = out.replace(/\/+$/, "");
    if (!out.includes("://") && defaultScheme !== "http") out = `${defaultScheme}://${out}`;
    return out;
  };
  const all = envVar(env, "all_proxy");
  let text = "";
  if (all) text = clean(all, "http");
  else {
    const parts: string[] = [];
    for (const scheme of ["http", "https", "ftp"]) {
      const v = envVar(env, `${scheme}_proxy`);
      if (v) parts.push(`${scheme}=${clean(v, "http")}`);
    }
    const socks = envVar(env, "socks_server");
    if (socks) {
      const version = envVar(env, "socks_version") === "4" ? "socks4" : "socks5";
      parts.push(`socks=${clean(socks, version)}`);
    }
    text = parts.join(";");
  }
  const rules = ProxyRules.parse(text);
  const noProxy = envVar(env, "no_proxy");
  if (noProxy) {
    const bypass = new ProxyBypassRules();
    for (const item of noProxy.split(/[,;]/)) {
      let rule = item.trim();
      if (rule === "") continue;
      if (rule === "*") rule = "*";
      else if (!rule.startsWith("*") && !rule.startsWith(".") && !/^[0-9.:[\]/]+$/.test(rule)) {
        // Suffix matching: `example.com` covers `example.com` and `*.example.com`.
        if (parseBypassRule(`*${rule}`)) rule = `*${rule}`;
      } else if (rule.startsWith(".")) rule = `*${rule}`;
      bypass.addRule(rule);
    }
    rules.bypassRules = bypass;
  }
  return { rules, credentials };
}

/** The parts of a configuration {@link proxyConfigToValue} prints. */
export interface ProxyConfigValueInput {
  /** The proxy rules. */
  proxyRules: string;
  /** The bypass rules, one per entry. */
  bypass: string[];
  /** Whether the bypass list is reversed. */
  reverseBypass: boolean;
  /** The PAC URL, if any. */
  pacUrl: string | null;
  /** Whether WPAD auto-detection is on. */
  autoDetect: boolean;
}

function chainValue(chain: ProxyChain): string {
  return chain.length === 0 ? "direct://" : `[${chain.map(proxyServerToUri).join(", ")}]`;
}

/**
 * Chromium's `ProxyConfig::ToValue` (the JSON form net-internals shows).
 *
 * @example
 * ```ts
 * proxyConfigToValue({ proxyRules: "https://p:8080", bypass: [], reverseBypass: false,
 *   pacUrl: null, autoDetect: false }); // { single_proxy: ["[https://p:8080]"] }
 * ```
 */
export function proxyConfigToValue(input: ProxyConfigValueInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input.autoDetect) out.auto_detect = true;
  if (input.pacUrl) out.pac_url = input.pacUrl;
  const rules = ProxyRules.parse(input.proxyRules);
  if (rules.type === "PROXY_LIST") out.single_proxy = rules.singleProxies.map(chainValue);
  else if (rules.type === "PROXY_LIST_PER_SCHEME") {
    const per: Record<string, string[]> = {};
    if (rules.proxiesForHttp.length) per.http = rules.proxiesForHttp.map(chainValue);
    if (rules.proxiesForHttps.length) per.https = rules.proxiesForHttps.map(chainValue);
    if (rules.proxiesForFtp.length) per.ftp = rules.proxiesForFtp.map(chainValue);
    if (rules.fallbackProxies.length) per.fallback = rules.fallbackProxies.map(chainValue);
    out.proxy_per_scheme = per;
  }
  if (rules.type !== "EMPTY" && input.bypass.length) {
    const bypass = new ProxyBypassRules();
    for (const b of input.bypass) bypass.addRule(b);
    out.bypass_list = bypass.rules.map(String);
    if (input.reverseBypass) out.reverse_bypass = true;
  }
  return out;
}
