/**
 * URL and host canonicalisation the way Chromium's match patterns see them: the WHATWG parser
 * for the bulk of the work, plus the few places where Chromium differs (chrome-style schemes are
 * "standard" there, hosts may carry an escaped space, `filesystem:` URLs nest an inner URL).
 *
 * @module
 */
import { parseUrl, type UrlParts } from "../../kernel/http/url_parts.ts";

/** The parts of a URL a match pattern looks at. */
export interface PatternUrl {
  /** Lower-case scheme without the colon, e.g. `https`. */
  scheme: string;
  /** Canonical host (IPv6 in brackets); `""` when the URL has none. */
  host: string;
  /** The effective port as a decimal string, `-1` when the scheme has no default port. */
  port: string;
  /** Path plus `?query` (Chromium's PathForRequest); inner path first for `filesystem:`. */
  path: string;
  /** Whether the URL has a path at all (`javascript:` has none). */
  hasPath: boolean;
  /** Whether the host is an IPv4 or IPv6 address. */
  isIp: boolean;
}

/** Chromium's standard schemes (written with `://`). */
const STANDARD = new Set([
  "http",
  "https",
  "file",
  "ftp",
  "ws",
  "wss",
  "filesystem",
  "chrome",
  "chrome-extension",
  "chrome-untrusted",
  "devtools",
  "isolated-app",
]);

/** WHATWG special schemes; the other standard ones are parsed as if they were http. */
const SPECIAL = new Set(["http", "https", "file", "ftp", "ws", "wss"]);

const DEFAULT_PORTS: Record<string, string> = {
  http: "80",
  https: "443",
  ftp: "21",
  ws: "80",
  wss: "443",
};

/**
 * Whether Chromium treats the scheme as standard (`scheme://host/path`).
 *
 * @example
 * ```ts
 * isStandardScheme("chrome-extension"); // true
 * isStandardScheme("data"); // false
 * ```
 */
export function isStandardScheme(scheme: string): boolean {
  return scheme === "*" || STANDARD.has(scheme);
}

/**
 * The default port of a scheme as a string, or null when it has none.
 *
 * @example
 * ```ts
 * defaultPort("https"); // "443"
 * ```
 */
export function defaultPort(scheme: string): string | null {
  return DEFAULT_PORTS[scheme] ?? null;
}

/**
 * Canonicalises a host the way Chromium does for match patterns: lower case, IDNA to
 * punycode, IPv4 shorthand expanded, IPv6 compressed. A space is kept as `%20` (Chromium
 * escapes it where WHATWG refuses). Returns null for an invalid host.
 *
 * @example
 * ```ts
 * canonicalizeHost("gOoGle.com"); // "google.com"
 * ```
 */
export function canonicalizeHost(raw: string): string | null {
  if (raw.includes(" ")) {
    if (!/^[\x21-\x7e ]+$/.test(raw) || /[/?#@:\\[\]<>^|%]/.test(raw)) return null;
    return raw.toLowerCase().replaceAll(" ", "%20");
  }
  try {
    return new URL(`http://${raw}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * Whether a canonical host is an IP address.
 *
 * @example
 * ```ts
 * isIpHost("127.0.0.1"); // true
 * ```
 */
export function isIpHost(host: string): boolean {
  return host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

function fromUrl(url: URL, scheme: string): Omit<PatternUrl, "path"> & { pathname: string } {
  const host = url.hostname;
  return {
    scheme,
    host,
    port: url.port || DEFAULT_PORTS[scheme] || "-1",
    pathname: url.pathname,
    hasPath: url.pathname !== "",
    isIp: host !== "" && isIpHost(host),
  };
}

function parseOne(input: string): { url: URL; scheme: string } | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  const scheme = url.protocol.slice(0, -1);
  if (STANDARD.has(scheme) && !SPECIAL.has(scheme)) {
    // Parse chrome-style schemes like http to get Chromium's host and path canonicalisation.
    try {
      url = new URL(`http:${input.slice(scheme.length + 1)}`);
    } catch {
      return null;
    }
  }
  return { url, scheme };
}

/** Chromium accepts a space in a host (kept as %20) where WHATWG refuses the URL. */
function withSpaceInHost(input: string): PatternUrl | null {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(input);
  if (!m || !m[2].includes(" ")) return null;
  const scheme = m[1].toLowerCase();
  const host = canonicalizeHost(m[2]);
  if (host === null || !STANDARD.has(scheme)) return null;
  let rest: URL;
  try {
    rest = new URL(`http://h${m[3]}`);
  } catch {
    return null;
  }
  return {
    scheme,
    host,
    port: DEFAULT_PORTS[scheme] ?? "-1",
    path: rest.pathname + rest.search,
    hasPath: true,
    isIp: false,
  };
}

/**
 * Splits a URL into the parts a match pattern compares; null for an invalid URL.
 *
 * @example
 * ```ts
 * urlParts("https://example.com/a?b")?.path; // "/a?b"
 * ```
 */
export function urlParts(input: string | URL): PatternUrl | null {
  const text = typeof input === "string" ? input : input.href;
  if (text.startsWith("filesystem:")) return filesystemParts(text.slice(11));
  const parsed = parseOne(text);
  if (!parsed) return withSpaceInHost(text);
  const p = fromUrl(parsed.url, parsed.scheme);
  return {
    scheme: p.scheme,
    host: p.host,
    port: p.port,
    path: p.pathname + parsed.url.search,
    hasPath: p.hasPath,
    isIp: p.isIp,
  };
}

function filesystemParts(inner: string): PatternUrl | null {
  const parsed = parseOne(inner);
  if (!parsed || parsed.scheme === "filesystem") return null;
  const p = fromUrl(parsed.url, parsed.scheme);
  // The inner URL is the origin plus the first path segment (the storage type).
  const cut = p.pathname.indexOf("/", 1);
  if (cut < 0) return null;
  return {
    scheme: p.scheme,
    host: p.host,
    port: p.port,
    path: p.pathname + parsed.url.search,
    hasPath: true,
    isIp: p.isIp,
  };
}

/**
 * {@linkcode urlParts} for a URL the kernel parsed already (a request's `urlParts`, parsed once per
 * hop): http(s) and ws(s) URLs take the kernel's parts, others are parsed the Chromium way.
 *
 * @example
 * ```ts
 * hrefParts("https://a.example:8443/p?q#f")?.port; // "8443"
 * ```
 */
export function hrefParts(
  href: string,
  parts: UrlParts | null = parseUrl(href),
): PatternUrl | null {
  const scheme = parts?.scheme;
  if (
    parts === null ||
    (scheme !== "https" && scheme !== "http" && scheme !== "wss" && scheme !== "ws")
  ) {
    return urlParts(href);
  }
  const { host, port, path, query } = parts;
  return {
    scheme,
    host,
    port: String(port),
    path: query === "" ? path : path + query,
    hasPath: true,
    isIp: isIpHost(host),
  };
}
