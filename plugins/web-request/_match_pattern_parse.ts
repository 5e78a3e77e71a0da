/**
 * Parsing of Chrome match patterns (Chromium's `URLPattern::Parse` rules) and the path globs they
 * carry; `match_pattern.ts` builds on it.
 *
 * @module
 */
import { canonicalizeHost, defaultPort, isStandardScheme } from "./_url_parts.ts";

/** Which schemes a pattern may name or match: a list, or `"all"` for any scheme at all. */
export type ValidSchemes = readonly string[] | "all";

/** Why a pattern did not parse (Chromium's `ParseResult` names, kebab-cased). */
export type MatchPatternError =
  | "missing-scheme-separator"
  | "invalid-scheme"
  | "wrong-scheme-separator"
  | "empty-host"
  | "invalid-host-wildcard"
  | "empty-path"
  | "invalid-port"
  | "invalid-host";

/**
 * Messages of the parse errors.
 *
 * @example
 * ```ts
 * MESSAGES["empty-host"]; // "empty host"
 * ```
 */
export const MESSAGES: Record<MatchPatternError, string> = {
  "missing-scheme-separator": "missing scheme separator",
  "invalid-scheme": "invalid scheme",
  "wrong-scheme-separator": "wrong scheme separator",
  "empty-host": "empty host",
  "invalid-host-wildcard": "invalid host wildcard",
  "empty-path": "empty path",
  "invalid-port": "invalid port",
  "invalid-host": "invalid host",
};

/**
 * The parsed parts of a pattern.
 *
 * @example
 * ```ts
 * schemeSet(["http"]); // Set { "http" }
 * ```
 *
 * @example
 * ```ts
 * parseFields("http://*foo/", "all"); // "invalid-host-wildcard"
 * ```
 *
 * @example
 * ```ts
 * allows("all", "javascript"); // true
 * ```
 *
 * @example
 * ```ts
 * validPort("chrome", "80"); // false
 * ```
 */
export interface Fields {
  scheme: string;
  host: string;
  port: string;
  path: string;
  matchSubdomains: boolean;
  matchAllUrls: boolean;
  schemes: ReadonlySet<string> | "all";
}

export function schemeSet(valid: ValidSchemes): ReadonlySet<string> | "all" {
  return valid === "all" ? "all" : new Set(valid);
}

export function parseFields(pattern: string, valid: ValidSchemes): Fields | MatchPatternError {
  const f: Fields = {
    scheme: "*",
    host: "",
    port: "*",
    path: "/*",
    matchSubdomains: true,
    matchAllUrls: true,
    schemes: schemeSet(valid),
  };
  if (pattern === "<all_urls>") return f;
  f.matchSubdomains = false;
  f.matchAllUrls = false;
  let end = pattern.indexOf("://");
  let standardSeparator = true;
  if (end < 0) {
    end = pattern.indexOf(":");
    standardSeparator = false;
  }
  if (end < 0) return "missing-scheme-separator";
  f.scheme = pattern.slice(0, end).toLowerCase();
  if (f.scheme === "*") {
    f.schemes = new Set(["http", "https"].filter((s) => allows(f.schemes, s)));
  } else if (!allows(f.schemes, f.scheme)) return "invalid-scheme";
  const standard = isStandardScheme(f.scheme);
  if (standard !== standardSeparator) return "wrong-scheme-separator";
  const hostStart = end + (standard ? 3 : 1);
  if (hostStart >= pattern.length) return "empty-host";
  if (!standard) {
    f.path = pattern.slice(hostStart);
    return f;
  }
  const slash = pattern.indexOf("/", hostStart);
  if (f.scheme === "file") {
    // The host of a file pattern is ignored: file://foo* is file:///foo*.
    f.path = slash < 0 ? pattern.slice(hostStart - 1) : pattern.slice(slash);
    return f;
  }
  if (slash === hostStart) return "empty-host";
  if (slash < 0) return "empty-path";
  const hostAndPort = pattern.slice(hostStart, slash);
  let portAt = -1;
  if (hostAndPort[0] !== "[") {
    portAt = hostAndPort.indexOf(":");
  } else {
    const close = hostAndPort.indexOf("]");
    if (close < 0) return "invalid-host";
    if (close === 1) return "empty-host";
    if (close < hostAndPort.length - 1) {
      if (hostAndPort[close + 1] !== ":") return "invalid-host";
      portAt = close + 1;
    }
  }
  if (portAt >= 0) {
    const port = hostAndPort.slice(portAt + 1);
    if (!validPort(f.scheme, port)) return "invalid-port";
    f.port = port;
  }
  let host = portAt >= 0 ? hostAndPort.slice(0, portAt) : hostAndPort;
  if (host === "") return "empty-host";
  if (host === "*") {
    f.matchSubdomains = true;
    host = "";
  } else if (host.startsWith("*.")) {
    if (host.length === 2) return "empty-host";
    f.matchSubdomains = true;
    host = host.slice(2);
  }
  if (host.includes("*")) return "invalid-host-wildcard";
  if (host !== "") {
    const canonical = canonicalizeHost(host);
    if (canonical === null || canonical === "") return "invalid-host";
    f.host = canonical;
  }
  f.path = pattern.slice(slash);
  return f;
}

export function allows(schemes: ReadonlySet<string> | "all", scheme: string): boolean {
  return schemes === "all" || schemes.has(scheme);
}

export function validPort(scheme: string, port: string): boolean {
  if (port === "*") return true;
  if (scheme !== "*" && defaultPort(scheme) === null) return false;
  return /^\d{1,5}$/.test(port) && Number(port) < 65536;
}

/**
 * Strips one trailing dot, as Chromium does before comparing hosts.
 *
 * @example
 * ```ts
 * hostForMatching("example.com."); // "example.com"
 * ```
 */
export function hostForMatching(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/**
 * A `*`-only glob compiled into its literal pieces (Chromium's path globs treat `?` and `\`
 * literally).
 *
 * @example
 * ```ts
 * compileGlob("/foo*bar")("/foo/bar"); // true
 * ```
 */
export function compileGlob(glob: string): (text: string) => boolean {
  if (glob === "/*") return (text) => text.startsWith("/");
  const parts = glob.split("*");
  if (parts.length === 1) return (text) => text === glob;
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1);
  const fixed = first.length + last.length;
  return (text) => {
    if (text.length < fixed || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const stop = text.length - last.length;
    for (const part of middle) {
      const found = text.indexOf(part, at);
      if (found < 0 || found + part.length > stop) return false;
      at = found + part.length;
    }
    return true;
  };
}
