/**
 * Proxy servers and chains in Chromium's two spellings: proxy URIs (`socks5://host:1080`, as in
 * `proxyRules`) and PAC result elements (`SOCKS5 host:1080`).
 *
 * @module
 */

import { splitHostPort } from "../../kernel/network/host_port.ts";
import { formatIP, parseIPv6 } from "./ip.ts";

/** The proxy schemes Chromium knows. `quic` parses only when allowed. */
export type ProxyScheme = "http" | "https" | "socks4" | "socks5" | "quic";

/** One proxy server. `host` is canonical: lower case, punycode, IPv6 without brackets. */
export interface ProxyEndpoint {
  /** How to talk to the proxy. */
  readonly scheme: ProxyScheme;
  /** The proxy's host. */
  readonly host: string;
  /** The proxy's port. */
  readonly port: number;
}

/**
 * A proxy chain: the servers a connection goes through, in order. An empty chain is DIRECT.
 */
export type ProxyChain = readonly ProxyEndpoint[];

/** The DIRECT chain (no proxy). */
export const DIRECT: ProxyChain = Object.freeze([]) as ProxyChain;

const DEFAULT_PORTS: Record<ProxyScheme, number> = {
  http: 80,
  https: 443,
  socks4: 1080,
  socks5: 1080,
  quic: 443,
};

/** Options of the parsers. */
export interface ProxyParseOptions {
  /** Accept `quic://` and `QUIC` (Chromium: only builds with QUIC proxy support). */
  allowQuic?: boolean;
}

const WS = /^[ \t]+|[ \t]+$/g;

/** Schemes of proxy URIs (`socks5://`) and of PAC elements (`SOCKS5`), lower case. */
const URI_SCHEMES: Record<string, ProxyScheme> = {
  http: "http",
  https: "https",
  socks4: "socks4",
  socks: "socks5",
  socks5: "socks5",
  quic: "quic",
};
const PAC_SCHEMES: Record<string, ProxyScheme> = {
  proxy: "http",
  https: "https",
  socks: "socks4",
  socks4: "socks4",
  socks5: "socks5",
  quic: "quic",
};

function schemeIn(
  table: Record<string, ProxyScheme>,
  text: string,
  options: ProxyParseOptions,
): ProxyScheme | null {
  const scheme = Object.hasOwn(table, text.toLowerCase()) ? table[text.toLowerCase()] : null;
  return scheme === "quic" && !options.allowQuic ? null : scheme;
}

/**
 * Canonicalises a host as a URL would (lower case, punycode, IPv4 numbers, compressed IPv6);
 * returns it without brackets, or null when it is not a valid host.
 *
 * @example
 * ```ts
 * canonicalHost("FoO.tEsT"); // "foo.test"
 * canonicalHost("0xA.020.3.4"); // "10.16.3.4"
 * ```
 */
export function canonicalHost(host: string): string | null {
  if (host === "" || /[\s/\\?#@%]/.test(host)) return null;
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) return null;
    const ip = parseIPv6(host.slice(1, -1));
    return ip ? formatIP(ip) : null;
  }
  if (host.includes(":")) return null;
  try {
    const hostname = new URL(`http://${host}/`).hostname;
    return hostname === "" ? null : hostname;
  } catch {
    return null;
  }
}

function makeServer(scheme: ProxyScheme, hostPort: string): ProxyEndpoint | null {
  const split = splitHostPort(hostPort);
  if (!split) return null;
  const host = canonicalHost(split.host);
  if (host === null) return null;
  return { scheme, host, port: split.port >= 0 ? split.port : DEFAULT_PORTS[scheme] };
}

/**
 * Parses a proxy URI (`[<scheme>"://"]<host>[":"<port>]`) as Chromium's
 * `ProxyUriToProxyServer`: schemes http, https, socks4, socks5, socks (= SOCKS5), default ports
 * 80, 443, 1080. Returns null when invalid (also for `direct://`).
 *
 * @example
 * ```ts
 * parseProxyUri("socks4://foopy"); // { scheme: "socks4", host: "foopy", port: 1080 }
 * ```
 */
export function parseProxyUri(
  uri: string,
  defaultScheme: ProxyScheme = "http",
  options: ProxyParseOptions = {},
): ProxyEndpoint | null {
  const text = uri.replace(WS, "");
  let scheme = defaultScheme;
  let rest = text;
  const sep = text.indexOf("://");
  if (sep >= 0) {
    const s = schemeIn(URI_SCHEMES, text.slice(0, sep), options);
    if (!s) return null;
    scheme = s;
    rest = text.slice(sep + 3);
  }
  return makeServer(scheme, rest);
}

/**
 * Parses a proxy URI that may also be `direct://`; returns a chain (empty for DIRECT) or null.
 *
 * @example
 * ```ts
 * parseProxyUriToChain("DIRECT://"); // []
 * ```
 */
export function parseProxyUriToChain(
  uri: string,
  defaultScheme: ProxyScheme = "http",
  options: ProxyParseOptions = {},
): ProxyChain | null {
  const text = uri.replace(WS, "");
  if (text.toLowerCase() === "direct://") return DIRECT;
  const server = parseProxyUri(text, defaultScheme, options);
  return server ? [server] : null;
}

/**
 * Parses one PAC result element (`PROXY host:port`, `SOCKS host`, `SOCKS5`, `HTTPS`, `DIRECT`)
 * as Chromium's `PacResultElementToProxyChain`; returns a chain (empty for DIRECT) or null.
 *
 * @example
 * ```ts
 * parsePacElement("socks foopy"); // [{ scheme: "socks4", host: "foopy", port: 1080 }]
 * ```
 */
export function parsePacElement(
  element: string,
  options: ProxyParseOptions = {},
): ProxyChain | null {
  const text = element.replace(WS, "");
  const m = /^([^ \t]+)(?:[ \t]+(.*))?$/.exec(text);
  if (!m) return null;
  const [, word, hostPort] = m;
  if (word.toLowerCase() === "direct") return hostPort === undefined ? DIRECT : null;
  const scheme = schemeIn(PAC_SCHEMES, word, options);
  if (!scheme || hostPort === undefined) return null;
  const server = makeServer(scheme, hostPort.replace(WS, ""));
  return server ? [server] : null;
}

function hostForUri(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * The server's `host:port` (IPv6 in brackets).
 *
 * @example
 * ```ts
 * hostPort({ scheme: "http", host: "::1", port: 80 }); // "[::1]:80"
 * ```
 */
export function hostPort(server: ProxyEndpoint): string {
  return `${hostForUri(server.host)}:${server.port}`;
}

/**
 * Formats a server as Chromium's proxy URI: `host:port` for http, `scheme://host:port` otherwise.
 *
 * @example
 * ```ts
 * proxyServerToUri({ scheme: "socks5", host: "b", port: 1080 }); // "socks5://b:1080"
 * ```
 */
export function proxyServerToUri(server: ProxyEndpoint): string {
  return server.scheme === "http" ? hostPort(server) : `${server.scheme}://${hostPort(server)}`;
}

/**
 * Formats a server as a PAC result element: `PROXY`, `HTTPS`, `SOCKS` (v4), `SOCKS5`, `QUIC`.
 *
 * @example
 * ```ts
 * proxyServerToPac({ scheme: "socks4", host: "b", port: 1080 }); // "SOCKS b:1080"
 * ```
 */
export function proxyServerToPac(server: ProxyEndpoint): string {
  const word = server.scheme === "http"
    ? "PROXY"
    : server.scheme === "socks4"
    ? "SOCKS"
    : server.scheme.toUpperCase();
  return `${word} ${hostPort(server)}`;
}

/**
 * Formats a chain in Chromium's debug form: `DIRECT`, a PAC element for one server, or
 * `[uri, uri]` for a multi-proxy chain.
 *
 * @example
 * ```ts
 * proxyChainToString([]); // "DIRECT"
 * ```
 */
export function proxyChainToString(chain: ProxyChain): string {
  if (chain.length === 0) return "DIRECT";
  if (chain.length === 1) return proxyServerToPac(chain[0]);
  return `[${chain.map(proxyServerToUri).join(", ")}]`;
}

/**
 * A stable key for a chain (used by the bad-proxy list): `direct://` or the URIs joined by ` `.
 *
 * @example
 * ```ts
 * proxyChainKey([{ scheme: "http", host: "a", port: 80 }]); // "a:80"
 * ```
 */
export function proxyChainKey(chain: ProxyChain): string {
  return chain.length === 0 ? "direct://" : chain.map(proxyServerToUri).join(" ");
}
