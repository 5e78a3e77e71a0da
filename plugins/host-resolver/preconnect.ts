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
  /** The URL whose origin to preconnect to (http or https). */
  url: string;
  /** How many sockets (1 to 6, default 1). */
  numSockets?: number;
}

/**
 * Checks the options; returns the origin and socket count. Throws a TypeError naming the field.
 *
 * @example
 * ```ts
 * checkPreconnect({ url: "https://example.com/a" }).origin; // "https://example.com"
 * ```
 */
export function checkPreconnect(
  options: unknown,
): { origin: string; host: string; numSockets: number } {
  if (options === null || typeof options !== "object") {
    throw new TypeError("preconnect: options must be an object");
  }
  const { url, numSockets } = options as Record<string, unknown>;
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new TypeError(`preconnect: url must be a valid URL, not ${JSON.stringify(url)}`);
  }
  if (typeof url !== "string" || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw new TypeError("preconnect: url must be an http or https URL");
  }
  const count = numSockets ?? 1;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 6) {
    throw new TypeError("preconnect: numSockets must be an integer from 1 to 6");
  }
  return { origin: parsed.origin, host: parsed.hostname, numSockets: count };
}
