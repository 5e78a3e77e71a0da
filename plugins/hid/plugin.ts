/**
 * The hid plugin itself ({@linkcode createHidPlugin}), apart from the WebHID classes `mod.ts` also
 * exports: `ses.hid` is a facade made at once, whose `requestDevice` and `getDevices` load the
 * implementation (`hid.ts`, `hid_device.ts`, the report descriptor parser) with the first call
 * (cold start, issue #24).
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { HidAdapter } from "../../kernel/devices/hid.ts";
import { type DevicePluginOptions, lazyDeviceMember } from "../permissions/device_member.ts";
import type { LazyBroker } from "../permissions/lazy_broker.ts";
import type { Hid } from "./hid.ts";

/** `ses.hid`: WebHID's `requestDevice` and `getDevices`, with Electron's picker events. */
export type HidApi = Pick<Hid, "requestDevice" | "getDevices">;

/**
 * The session member the hid plugin adds.
 *
 * @example
 * ```ts ignore
 * const ses: HidMembers = session.fromPartition("hid-members");
 * await ses.hid.getDevices();
 * ```
 */
export interface HidMembers {
  /** WebHID's `requestDevice` and `getDevices`, with Electron's picker events. */
  readonly hid: HidApi;
}

/** Options of {@linkcode createHidPlugin}: where devices come from, how often they are listed. */
export type HidPluginOptions = DevicePluginOptions<HidAdapter>;

/**
 * Makes the hid plugin over an adapter.
 *
 * @example
 * ```ts
 * const plugin = createHidPlugin({
 *   adapter: { name: "none", list: async () => [], open: () => Promise.reject(new Error("none")) },
 * });
 * plugin.manifest.api; // ["hid"]
 * ```
 */
export function createHidPlugin(options: HidPluginOptions): Plugin<HidMembers> {
  return definePlugin<HidMembers>({
    manifest,
    setup(ctx) {
      const hid = lazyDeviceMember(ctx, "hid", (grant) => {
        ctx.session.emit("hid-device-revoked", {
          device: grant.device,
          origin: grant.origin,
          frame: null,
        });
      }, async (broker: LazyBroker) => {
        const { Hid } = await import("./hid.ts");
        return new Hid(ctx.session, broker, options.adapter, options.pollInterval);
      }, ["requestDevice", "getDevices"]);
      ctx.provide({ hid });
    },
  });
}
