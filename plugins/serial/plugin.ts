/**
 * The serial plugin itself ({@linkcode createSerialPlugin}), apart from the Web Serial classes
 * `mod.ts` also exports: `ses.serial` is a facade made at once, whose `requestPort` and
 * `getPorts` load the implementation (`serial.ts`, `serial_port.ts`) with the first call (cold
 * start, issue #24).
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { SerialAdapter } from "../../kernel/devices/serial.ts";
import { type DevicePluginOptions, lazyDeviceMember } from "../permissions/device_member.ts";
import type { LazyBroker } from "../permissions/lazy_broker.ts";
import type { Serial } from "./serial.ts";

/** `ses.serial`: Web Serial's `requestPort` and `getPorts`, with Electron's picker events. */
export type SerialApi = Pick<Serial, "requestPort" | "getPorts">;

/**
 * The session member the serial plugin adds.
 *
 * @example
 * ```ts ignore
 * const ses: SerialMembers = session.fromPartition("serial-members");
 * await ses.serial.getPorts();
 * ```
 */
export interface SerialMembers {
  /** Web Serial's `requestPort` and `getPorts`, with Electron's picker events. */
  readonly serial: SerialApi;
}

/** Options of {@linkcode createSerialPlugin}: where ports come from, how often they are listed. */
export type SerialPluginOptions = DevicePluginOptions<SerialAdapter>;

/**
 * Makes the serial plugin over an adapter.
 *
 * @example
 * ```ts
 * const plugin = createSerialPlugin({
 *   adapter: { name: "none", list: async () => [], open: () => Promise.reject(new Error("none")) },
 * });
 * plugin.manifest.requires; // ["permissions"]
 * ```
 */
export function createSerialPlugin(options: SerialPluginOptions): Plugin<SerialMembers> {
  return definePlugin<SerialMembers>({
    manifest,
    setup(ctx) {
      const serial = lazyDeviceMember(ctx, "serial", (grant) => {
        ctx.session.emit("serial-port-revoked", {
          port: grant.device,
          frame: null,
          origin: grant.origin,
        });
      }, async (broker: LazyBroker) => {
        const { Serial } = await import("./serial.ts");
        return new Serial(ctx.session, broker, options.adapter, options.pollInterval);
      }, ["requestPort", "getPorts"]);
      ctx.provide({ serial });
    },
  });
}
