/**
 * Errors with Chromium's network error codes, and the wrappers naming the plugin an error came from.
 * @module
 */

/** Chromium's network error codes that websession reports, with their numbers. */
// deno-fmt-ignore
export const NET_ERROR_CODES = {
  "net::ERR_FAILED": -2, "net::ERR_ABORTED": -3, "net::ERR_INVALID_ARGUMENT": -4,
  "net::ERR_FILE_NOT_FOUND": -6, "net::ERR_TIMED_OUT": -7, "net::ERR_UNEXPECTED": -9,
  "net::ERR_ACCESS_DENIED": -10,
  "net::ERR_NOT_IMPLEMENTED": -11, "net::ERR_INSUFFICIENT_RESOURCES": -12,
  "net::ERR_BLOCKED_BY_CLIENT": -20, "net::ERR_CONNECTION_CLOSED": -100,
  "net::ERR_CONNECTION_RESET": -101, "net::ERR_CONNECTION_REFUSED": -102,
  "net::ERR_CONNECTION_ABORTED": -103, "net::ERR_CONNECTION_FAILED": -104,
  "net::ERR_NAME_NOT_RESOLVED": -105, "net::ERR_INTERNET_DISCONNECTED": -106,
  "net::ERR_SSL_PROTOCOL_ERROR": -107, "net::ERR_ADDRESS_INVALID": -108,
  "net::ERR_ADDRESS_UNREACHABLE": -109, "net::ERR_TUNNEL_CONNECTION_FAILED": -111,
  "net::ERR_PROXY_AUTH_UNSUPPORTED": -115, "net::ERR_CONNECTION_TIMED_OUT": -118,
  "net::ERR_SOCKS_CONNECTION_FAILED": -120, "net::ERR_PROXY_CONNECTION_FAILED": -130,
  "net::ERR_PROXY_CERTIFICATE_INVALID": -136,
  "net::ERR_CERT_COMMON_NAME_INVALID": -200, "net::ERR_CERT_AUTHORITY_INVALID": -202,
  "net::ERR_CERT_DATE_INVALID": -201, "net::ERR_CERT_REVOKED": -206, "net::ERR_CERT_INVALID": -207,
  "net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH": -113,
  "net::ERR_INVALID_URL": -300, "net::ERR_DISALLOWED_URL_SCHEME": -301,
  "net::ERR_UNKNOWN_URL_SCHEME": -302, "net::ERR_INVALID_REDIRECT": -303,
  "net::ERR_TOO_MANY_REDIRECTS": -310, "net::ERR_UNSAFE_REDIRECT": -311,
  "net::ERR_UNSAFE_PORT": -312, "net::ERR_INVALID_RESPONSE": -320,
  "net::ERR_METHOD_NOT_SUPPORTED": -322, "net::ERR_UNEXPECTED_PROXY_AUTH": -323,
  "net::ERR_EMPTY_RESPONSE": -324, "net::ERR_RESPONSE_HEADERS_TOO_BIG": -325,
  "net::ERR_INVALID_AUTH_CREDENTIALS": -338, "net::ERR_UNSUPPORTED_AUTH_SCHEME": -339,
  "net::ERR_MISSING_AUTH_CREDENTIALS": -341, "net::ERR_CONTENT_LENGTH_MISMATCH": -354,
  "net::ERR_INCOMPLETE_CHUNKED_ENCODING": -355, "net::ERR_INVALID_HTTP_RESPONSE": -370,
  "net::ERR_CONTENT_DECODING_FAILED": -330, "net::ERR_DICTIONARY_LOAD_FAILED": -387,
  "net::ERR_UNEXPECTED_CONTENT_DICTIONARY_HEADER": -388,
  "net::ERR_CACHE_MISS": -400,
} as const;

/** A Chromium network error code such as `net::ERR_CONNECTION_REFUSED`. */
export type NetErrorCode = keyof typeof NET_ERROR_CODES;

const CODE_OF_ERRNO = new Map<number, NetErrorCode>(
  Object.entries(NET_ERROR_CODES).map(([code, errno]) => [errno, code as NetErrorCode]),
);

/**
 * The Chromium error code of an error number (as Electron's callbacks give them), or null for a
 * number websession does not know.
 * @example
 * ```ts
 * netErrorCodeOf(-105); // "net::ERR_NAME_NOT_RESOLVED"
 * netErrorCodeOf(-99999); // null
 * ```
 */
export function netErrorCodeOf(errno: number): NetErrorCode | null {
  return CODE_OF_ERRNO.get(errno) ?? null;
}

/**
 * A request failure with Chromium's error code on `code` and its number on `errno`.
 * @example
 * ```ts
 * const error = new NetError("net::ERR_ABORTED", "The request was aborted");
 * error.code; // "net::ERR_ABORTED"
 * error.errno; // -3
 * ```
 */
export class NetError extends Error {
  /** The Chromium error code, e.g. `net::ERR_CONNECTION_REFUSED`. */
  readonly code: NetErrorCode;
  /** Chromium's number for the code, e.g. -102. */
  readonly errno: number;

  /** Makes an error; the message defaults to the code. */
  constructor(code: NetErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ? `${code}: ${message}` : code, options);
    this.name = "NetError";
    this.code = code;
    this.errno = NET_ERROR_CODES[code];
  }
}

/**
 * Whether a value is a {@link NetError} (also one from another copy of the library).
 * @example
 * ```ts
 * isNetError(new NetError("net::ERR_FAILED")); // true
 * ```
 */
export function isNetError(value: unknown): value is NetError {
  const code = value instanceof Error && (value as { code?: unknown }).code;
  return value instanceof NetError || typeof code === "string" && code.startsWith("net::ERR_");
}

/**
 * An error thrown by a plugin's hook or setup (or an event listener), wrapped with their names.
 * @example
 * ```ts
 * const error = new HookError("cookies", "beforeSendHeaders", new Error("boom"));
 * error.message; // "Plugin cookies failed in beforeSendHeaders: boom"
 * ```
 */
export class HookError extends Error {
  /** The plugin's name (or `listener` for an event listener). */
  readonly plugin: string;
  /** The hook, stage or event name. */
  readonly hook: string;

  /** Wraps `cause`. */
  constructor(plugin: string, hook: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Plugin ${plugin} failed in ${hook}: ${reason}`, { cause });
    this.name = "HookError";
    this.plugin = plugin;
    this.hook = hook;
  }
}

/**
 * What a session member throws when the session lacks the plugin that adds it.
 * @example
 * ```ts
 * new MissingPluginError("cookies", "cookies", "persist:a").plugin; // "cookies"
 * ```
 */
export class MissingPluginError extends Error {
  /** The plugin that would add the member (the first, when several can). */
  readonly plugin: string;

  /** The error for `ses[member]` of the session of `partition`; `plugins` are those adding it. */
  constructor(plugins: string | readonly string[], member: string, partition: string) {
    const names = typeof plugins === "string" ? [plugins] : plugins;
    const plugin = names[0] ?? "?";
    const variable = `${plugin.replace(/-(.)/g, (_, c: string) => c.toUpperCase())}Plugin`;
    super(
      `Session "${partition}" was built without the ${
        names.join(" or ")
      } plugin, which provides ses.${member}: add it with session.fromPartition("${partition}", { plugins: [${variable}] }) or await ses.plugins.add(${variable})`,
    );
    this.name = "MissingPluginError";
    this.plugin = plugin;
  }
}
