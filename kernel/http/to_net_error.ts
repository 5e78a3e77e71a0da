/**
 * `toNetError`: what the runtimes' transports throw, as Chromium's `net::ERR_*` codes.
 *
 * @module
 */
import { isNetError, NetError, type NetErrorCode } from "../errors.ts";

// What the runtimes' errors say, and the code each means.
const PATTERNS: Array<[RegExp, NetErrorCode]> = [
  [/ECONNREFUSED|connection refused|ConnectionRefused/i, "net::ERR_CONNECTION_REFUSED"],
  [
    /ENOTFOUND|EAI_AGAIN|dns error|failed to lookup|name or service not known|DNSException/i,
    "net::ERR_NAME_NOT_RESOLVED",
  ],
  [/requests to port \d+ are blocked|unsafe port/i, "net::ERR_UNSAFE_PORT"],
  [
    /ECONNRESET|connection reset|reading a body|closed unexpectedly|connection closed|IncompleteMessage|socket hang up|EPIPE/i,
    "net::ERR_CONNECTION_RESET",
  ],
  [/ETIMEDOUT|timed out/i, "net::ERR_TIMED_OUT"],
  [
    /UnknownIssuer|self.signed|unable to verify|CERT_|certificate/i,
    "net::ERR_CERT_AUTHORITY_INVALID",
  ],
  // rustls (Deno) says "received corrupt message" when the peer does not speak TLS.
  [/tls|ssl|handshake|received corrupt message/i, "net::ERR_SSL_PROTOCOL_ERROR"],
];

/**
 * Turns anything thrown while sending or reading into a {@link NetError}: aborts become
 * `net::ERR_ABORTED`, the runtimes' connection errors their Chromium codes, anything else
 * `net::ERR_FAILED`; the original is the `cause`.
 *
 * @example
 * ```ts
 * toNetError(new Error("boom")).code; // "net::ERR_FAILED"
 * toNetError(new TypeError("connect ECONNREFUSED 127.0.0.1:9")).code; // "net::ERR_CONNECTION_REFUSED"
 * toNetError(new TypeError("error sending request for url (http://h/tls-timeout)")).code; // "net::ERR_FAILED"
 * ```
 */
export function toNetError(error: unknown, signal?: AbortSignal): NetError {
  if (isNetError(error)) return error;
  if (signal?.aborted || (error instanceof Error && error.name === "AbortError")) {
    return new NetError("net::ERR_ABORTED", "The request was aborted", { cause: error });
  }
  // the messages and codes of the error and its causes, 5 deep
  const parts: string[] = [];
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    const code = (e as { code?: unknown }).code;
    parts.push(`${typeof code === "string" ? code : ""} ${e.message}`);
    e = e.cause;
  }
  const text = parts.join(" | ").trim();
  // Matched without the URLs the messages quote: a path holding "tls" or "timeout" says nothing.
  const said = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, "");
  const code = PATTERNS.find(([pattern]) => pattern.test(said))?.[1] ?? "net::ERR_FAILED";
  return new NetError(code, text, { cause: error });
}
