/**
 * The options of `ses.enableNetworkEmulation`, as Electron (and DevTools'
 * `Network.emulateNetworkConditions`) take them, checked.
 *
 * @module
 */

/** Electron's `enableNetworkEmulation` options. */
export interface NetworkEmulationOptions {
  /** Emulate a network outage: new requests fail with `net::ERR_INTERNET_DISCONNECTED`. */
  offline?: boolean;
  /** Round-trip time added to every request before it is sent, in ms (default 0). */
  latency?: number;
  /** Download rate in bytes per second, shared by the session's requests (0: unthrottled). */
  downloadThroughput?: number;
  /** Upload rate in bytes per second, shared by the session's requests (0: unthrottled). */
  uploadThroughput?: number;
}

/** The options with every field set. */
export type NetworkConditions = Required<NetworkEmulationOptions>;

/**
 * Checks the options; throws a TypeError naming the bad field.
 *
 * @example
 * ```ts
 * parseConditions({ latency: 100 }).latency; // 100
 * ```
 */
export function parseConditions(options: unknown): NetworkConditions {
  if (options === null || typeof options !== "object") {
    throw new TypeError("enableNetworkEmulation: options must be an object");
  }
  const o = options as Record<string, unknown>;
  if (o.offline !== undefined && typeof o.offline !== "boolean") {
    throw new TypeError("enableNetworkEmulation: offline must be a boolean");
  }
  const number = (name: string): number => {
    const value = o[name];
    if (value === undefined) return 0;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`enableNetworkEmulation: ${name} must be a number >= 0`);
    }
    return value;
  };
  return {
    offline: o.offline === true,
    latency: number("latency"),
    downloadThroughput: number("downloadThroughput"),
    uploadThroughput: number("uploadThroughput"),
  };
}
