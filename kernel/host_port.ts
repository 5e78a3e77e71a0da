/**
 * `host[:port]` as the kernel, its plugins and its adapters read it (proxy servers, bypass rules,
 * host resolver rules): one reading, so that all of them accept and refuse the same text.
 *
 * @module
 */

/** A host and its port, as {@link splitHostPort} returns them. */
export interface HostPort {
  /** The host as written (IPv6 keeps its brackets). */
  host: string;
  /** The port (0..65535), or -1 when none is written. */
  port: number;
}

/**
 * Splits `host[:port]` (IPv6 in brackets). Returns null when it is malformed: an unclosed
 * bracket, text after `]` that is not `:port`, or a port that is not 1 to 5 digits or is above
 * 65535. The host is not checked.
 *
 * @example
 * ```ts
 * splitHostPort("[::1]:8080"); // { host: "[::1]", port: 8080 }
 * splitHostPort("example.com"); // { host: "example.com", port: -1 }
 * splitHostPort("example.com:65536"); // null
 * ```
 */
export function splitHostPort(text: string): HostPort | null {
  let host = text;
  let portText: string | null = null;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) return null;
    host = text.slice(0, end + 1);
    const rest = text.slice(end + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return null;
      portText = rest.slice(1);
    }
  } else {
    const colon = text.lastIndexOf(":");
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  if (portText === null) return { host, port: -1 };
  if (!/^[0-9]{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  return port > 65535 ? null : { host, port };
}
