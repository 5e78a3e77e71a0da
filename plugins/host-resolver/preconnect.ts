/**
 * `ses.preconnect({ url, numSockets })`: Electron's preconnect. websession cannot put sockets into
 * the runtime's fetch pool (neither Deno's nor Bun's fetch has a preconnect), so a preconnect
 * resolves the origin's host into the session's cache and emits the session's `preconnect`
 * event (`event, preconnectUrl, allowCredentials`) for listeners that warm connections their own
 * way.
 *
 * @module
 */

/** Electron's `preconnect` options. */
export interface PreconnectOptions {
  /** The URL whose origin to preconnect to. */
  url: string;
  /** How many sockets (1 to 6, default 1). */
  numSockets?: number;
}

/**
 * Checks the options as Electron does (`Session::Preconnect`); returns the origin, the origin as
 * the URL Electron's `preconnect` event gives (a GURL: `https://example.com/`), host and socket
 * count. Throws Electron's TypeErrors: "Must pass non-empty valid url to session.preconnect." and
 * "numSocketsToPreconnect is outside range [1,6]". As there, any valid URL is taken, a number of
 * sockets is made an integer (2.5 is 2), and one that is not a number counts as absent (1).
 *
 * @example
 * ```ts
 * checkPreconnect({ url: "https://example.com/a" }).origin; // "https://example.com"
 * checkPreconnect({ url: "https://example.com/a" }).originUrl; // "https://example.com/"
 * ```
 */
export function checkPreconnect(
  options: unknown,
): { origin: string; originUrl: string; host: string; numSockets: number } {
  if (options === null || typeof options !== "object") {
    throw new TypeError("preconnect: options must be an object");
  }
  const { url, numSockets } = options as Record<string, unknown>;
  let parsed: URL | null = null;
  if (typeof url === "string" && url !== "") {
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
  }
  if (parsed === null) {
    throw new TypeError(
      `Must pass non-empty valid url to session.preconnect. (not ${JSON.stringify(url)})`,
    );
  }
  const count = typeof numSockets === "number" ? Math.trunc(numSockets) : 1;
  if (!(count >= 1 && count <= 6)) {
    throw new TypeError("numSocketsToPreconnect is outside range [1,6]");
  }
  const originUrl = parsed.origin === "null" ? parsed.href : `${parsed.origin}/`;
  return { origin: parsed.origin, originUrl, host: parsed.hostname, numSockets: count };
}
