/**
 * The HTTP transport contract: how a request that no plugin answered goes on the wire (one adapter
 * per runtime: `adapters/http/deno.ts`, `bun.ts`, `fetch.ts`), the proxy it may go through, and
 * the one reading of `host[:port]` that proxies, bypass rules and host resolver rules share.
 *
 * @module
 */
import type { PipelineRequest } from "./request.ts";

/** A proxy server a request goes through. */
export interface ProxyServer {
  /** `http`, `https`, `socks4`, `socks5` (as Chromium names them). */
  scheme: "http" | "https" | "socks4" | "socks5";
  /** Host name or IP literal (IPv6 without brackets). */ host: string;
  /** Port. */ port: number;
  /** Credentials, when known. */ username?: string;
  /** Credentials, when known. */ password?: string;
}

/** Per-send options of a transport. */
export interface TransportOptions {
  /** Send through this proxy instead of directly. */ proxy?: ProxyServer | null;
  /** Extra CA certificates (PEM) to trust for this send: an https proxy's and the target's. */
  caCerts?: readonly string[];
}

/**
 * Sends one hop and resolves to the response as received; failures reject with a `NetError`.
 * Deno's and Bun's transports hand redirects back, so the pipeline runs each hop; the browser's
 * follows them itself, so there the pipeline sees the final hop only.
 */
export interface HttpTransport {
  /** The adapter's name, e.g. `deno`. */ readonly name: string;
  /** Sends one hop. */
  fetch(request: PipelineRequest, options?: TransportOptions): Promise<Response>;
  /** Closes pooled connections (requests in flight may fail). */
  closeAllConnections?(): void | Promise<void>;
}

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
