/**
 * The emulation plugin: Electron's `ses.enableNetworkEmulation(options)` and
 * `ses.disableNetworkEmulation()`. Offline fails new requests with
 * `net::ERR_INTERNET_DISCONNECTED`; `latency` (ms) is added to each request before it is sent;
 * `downloadThroughput` and `uploadThroughput` (bytes per second) pace the body streams through a
 * token bucket per direction shared by all the session's requests.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("emulation-doc");
 * ses.enableNetworkEmulation({ latency: 100, downloadThroughput: 64 * 1024 });
 * ses.disableNetworkEmulation();
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { type NetworkEmulationOptions, parseConditions } from "./conditions.ts";
import { NetworkEmulation } from "./network_emulation.ts";

export type * from "../../kernel/mod.ts";
export type { NetworkConditions, NetworkEmulationOptions } from "./conditions.ts";
export { parseConditions } from "./conditions.ts";
export { NetworkEmulation } from "./network_emulation.ts";
export { TokenBucket } from "./token_bucket.ts";
export { bytesStream, throttleStream } from "./throttled_stream.ts";

/**
 * The session members the emulation plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: EmulationMembers = session.fromPartition("emulation-members");
 * ses.enableNetworkEmulation({ offline: true });
 * ses.disableNetworkEmulation();
 * ```
 */
export interface EmulationMembers {
  /**
   * Emulates network conditions for the session (Electron's `ses.enableNetworkEmulation`).
   * Throws a TypeError naming a bad option.
   */
  enableNetworkEmulation(options: NetworkEmulationOptions): void;
  /** Stops emulating: the session's requests use the real network again. */
  disableNetworkEmulation(): void;
}

/**
 * The emulation plugin.
 *
 * @example
 * ```ts
 * emulationPlugin.manifest.api; // ["enableNetworkEmulation", "disableNetworkEmulation"]
 * ```
 */
export const emulationPlugin: Plugin<EmulationMembers> = definePlugin<EmulationMembers>({
  manifest,
  setup(ctx) {
    const emulation = new NetworkEmulation(ctx);
    ctx.provide({
      enableNetworkEmulation: (options: NetworkEmulationOptions): void => {
        emulation.enable(parseConditions(options));
      },
      disableNetworkEmulation: (): void => emulation.disable(),
    });
    return () => emulation.disable();
  },
});
