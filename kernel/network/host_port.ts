/**
 * The one reading of `host[:port]` that proxies, bypass rules and host resolver rules share.
 *
 * @module
 */

/**
 * Splits `host[:port]`: the host as written (IPv6 keeps its brackets) and the port, -1 when none
 * is written. Null for an unclosed bracket, text after `]` that is not `:port`, or a port that is
 * not 1 to 5 digits up to 65535. The host is not checked.
 *
 * @example
 * ```ts
 * splitHostPort("[::1]:8080"); // { host: "[::1]", port: 8080 }
 * splitHostPort("example.com:65536"); // null
 * ```
 */
export function splitHostPort(text: string): { host: string; port: number } | null {
  // A bracketed IPv6 literal or the shortest text before an optional `:port`; a colon left in an
  // unbracketed host means the port was malformed.
  const match = /^(\[[^\]]*\]|(?!\[)[^]*?)(?::([0-9]{1,5}))?$/.exec(text);
  if (!match || (match[2] === undefined && text[0] !== "[" && text.includes(":"))) return null;
  const port = match[2] === undefined ? -1 : Number(match[2]);
  return port > 65535 ? null : { host: match[1], port };
}
