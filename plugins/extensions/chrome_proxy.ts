/**
 * `chrome.proxy.settings` values translated to Electron's `ses.setProxy()` config.
 *
 * @module
 */
import { PROXY_MODES, PROXY_SCHEMES, proxySetDetails } from "./_proxy_arguments.ts";

/** Chrome's `proxy.ProxyServer`. */
interface ProxyServer {
  scheme?: string;
  host: string;
  port?: number;
}

/** Chrome's `proxy.ProxyConfig`. */
export interface ChromeProxyConfig {
  /** `direct`, `auto_detect`, `pac_script`, `fixed_servers` or `system`. */
  mode: string;
  /** The servers of `fixed_servers`. */
  rules?: {
    singleProxy?: ProxyServer;
    proxyForHttp?: ProxyServer;
    proxyForHttps?: ProxyServer;
    proxyForFtp?: ProxyServer;
    fallbackProxy?: ProxyServer;
    bypassList?: string[];
  };
  /** The script of `pac_script`. */
  pacScript?: { url?: string; data?: string; mandatory?: boolean };
}

const MODES = PROXY_MODES;
const SCHEMES = PROXY_SCHEMES;
/** The port Chrome gives a proxy server without one, by scheme. */
const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  quic: 443,
  socks4: 1080,
  socks5: 1080,
};
const SERVER_FIELDS = [
  "singleProxy",
  "proxyForHttp",
  "proxyForHttps",
  "proxyForFtp",
  "fallbackProxy",
] as const;

/**
 * A `ProxyConfig` as Chromium 156's `proxy.settings.get` gives it back: each server with its
 * scheme and port (http, port 80, by default), a PAC script with `mandatory` (false by default).
 *
 * @example
 * ```ts
 * chromeProxyValue({ mode: "fixed_servers", rules: { singleProxy: { host: "p" } } });
 * // { mode: "fixed_servers", rules: { singleProxy: { host: "p", scheme: "http", port: 80 } } }
 * ```
 */
export function chromeProxyValue(value: ChromeProxyConfig): ChromeProxyConfig {
  const out = structuredClone(value);
  if (out.rules) {
    for (const field of SERVER_FIELDS) {
      const s = out.rules[field];
      if (!s) continue;
      const scheme = s.scheme ?? "http";
      out.rules[field] = { host: s.host, scheme, port: s.port ?? DEFAULT_PORTS[scheme] };
    }
  }
  if (out.pacScript) {
    out.pacScript = { ...out.pacScript, mandatory: out.pacScript.mandatory ?? false };
  }
  return out;
}

function server(s: ProxyServer | undefined, field: string): string | null {
  if (s === undefined) return null;
  if (!s || typeof s.host !== "string" || s.host === "") {
    throw new TypeError(`proxy.settings.set: ${field}.host is required`);
  }
  const scheme = s.scheme ?? "http";
  if (!SCHEMES.includes(scheme)) {
    throw new TypeError(`proxy.settings.set: ${field}.scheme "${scheme}" is not a proxy scheme`);
  }
  const host = s.host.includes(":") && !s.host.startsWith("[") ? `[${s.host}]` : s.host;
  return `${scheme}://${host}${s.port === undefined ? "" : `:${s.port}`}`;
}

/**
 * Electron's config for a Chrome `ProxyConfig` (a TypeError names a bad field).
 *
 * @example
 * ```ts
 * toElectronProxy({ mode: "fixed_servers", rules: { singleProxy: { host: "p", port: 8080 } } });
 * // { mode: "fixed_servers", proxyRules: "http://p:8080", proxyBypassRules: "" }
 * ```
 */
export function toElectronProxy(value: ChromeProxyConfig): {
  mode: "direct" | "auto_detect" | "pac_script" | "fixed_servers" | "system";
  proxyRules?: string;
  proxyBypassRules?: string;
  pacScript?: string;
} {
  if (!value || !MODES.includes(value.mode)) {
    throw new TypeError(`proxy.settings.set: value.mode must be one of ${MODES.join(", ")}`);
  }
  const mode = value.mode as "direct";
  if (value.mode === "fixed_servers") {
    if (!value.rules) throw new TypeError("Proxy mode 'fixed_servers' requires a 'rules' field.");
    const r = value.rules;
    const parts: string[] = [];
    const single = server(r.singleProxy, "rules.singleProxy");
    if (single) parts.push(single);
    else {
      for (
        const [scheme, s] of [["http", r.proxyForHttp], ["https", r.proxyForHttps], [
          "ftp",
          r.proxyForFtp,
        ], ["socks", r.fallbackProxy]] as const
      ) {
        const text = server(
          s,
          `rules.${
            scheme === "socks"
              ? "fallbackProxy"
              : `proxyFor${scheme[0].toUpperCase()}${scheme.slice(1)}`
          }`,
        );
        if (text) parts.push(`${scheme}=${text}`);
      }
    }
    if (parts.length === 0) {
      throw new TypeError("proxy.settings.set: fixed_servers needs rules with a proxy server");
    }
    return {
      mode: "fixed_servers",
      proxyRules: parts.join(";"),
      proxyBypassRules: (r.bypassList ?? []).join(","),
    };
  }
  if (value.mode === "pac_script") {
    const p = value.pacScript ?? {};
    const url = typeof p.data === "string"
      ? `data:application/x-ns-proxy-autoconfig;base64,${
        btoa(String.fromCharCode(...new TextEncoder().encode(p.data)))
      }`
      : p.url;
    if (typeof url !== "string" || url === "") {
      throw new TypeError("proxy.settings.set: pac_script needs pacScript.url or pacScript.data");
    }
    return { mode: "pac_script", pacScript: url };
  }
  return { mode };
}

/**
 * One extension's `chrome.proxy.settings` over the session's `setProxy`.
 *
 * @example
 * ```ts ignore
 * const settings = new ProxySettings((config) => ses.setProxy(config));
 * await settings.call("get", [{}]);
 * ```
 */
export class ProxySettings {
  readonly #setProxy: ((config: Record<string, unknown>) => Promise<void>) | null;
  readonly #onChange: (details: unknown) => void;
  #set: ChromeProxyConfig | null = null;

  /**
   * `setProxy` is the session's (null when it has no proxy plugin); `onChange` hears each change
   * as `proxy.settings.onChange` reports it (`{ value, levelOfControl }`).
   */
  constructor(
    setProxy: ((config: Record<string, unknown>) => Promise<void>) | null,
    onChange: (details: unknown) => void = () => {},
  ) {
    this.#setProxy = setProxy;
    this.#onChange = onChange;
  }

  #details(): { value: unknown; levelOfControl: string } {
    return this.#set
      ? { value: structuredClone(this.#set), levelOfControl: "controlled_by_this_extension" }
      : { value: { mode: "direct" }, levelOfControl: "controllable_by_this_extension" };
  }

  /** Answers one `proxy.settings` call (`op` is the method's name). */
  async call(op: string, args: unknown[]): Promise<unknown> {
    const setProxy = this.#setProxy;
    if (!setProxy) throw new Error("This session has no proxy plugin");
    const d = (args[0] ?? {}) as { value?: ChromeProxyConfig; scope?: string };
    if (d.scope != null && d.scope !== "regular") {
      // the incognito scopes: websession has no incognito profile, as an extension without
      // incognito access sees Chrome
      throw new Error("You do not have permission to access incognito preferences.");
    }
    switch (op) {
      case "set": {
        // as Chrome's hook hands it on: null properties left out
        const value = proxySetDetails(d).value as ChromeProxyConfig;
        const config = toElectronProxy(value);
        await setProxy(config);
        this.#set = chromeProxyValue(value);
        this.#onChange(this.#details());
        return undefined;
      }
      case "clear":
        if (this.#set) {
          this.#set = null;
          await setProxy({ mode: "direct" });
          this.#onChange(this.#details());
        }
        return undefined;
      case "get":
        return this.#details();
    }
    throw new Error(`proxy.settings.${op} is not supported by websession`);
  }

  /** Undoes the extension's proxy setting (when it is unloaded), as Chrome does. */
  async release(): Promise<void> {
    if (!this.#set) return;
    this.#set = null;
    await this.#setProxy?.({ mode: "direct" });
  }
}
