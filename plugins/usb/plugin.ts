/**
 * The usb plugin itself ({@linkcode createUsbPlugin}), apart from the WebUSB parts `mod.ts` also
 * exports: `ses.usb` is a facade made at once, whose `requestDevice` and `getDevices` load the
 * implementation (`usb.ts`, the protected classes) with the first call (cold start, issue #24);
 * `ses.setUSBProtectedClassesHandler` keeps the handler here, where the implementation reads it.
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { UsbAdapter } from "../../kernel/devices/usb.ts";
import { type DevicePluginOptions, lazyDeviceMember } from "../permissions/device_member.ts";
import type { LazyBroker } from "../permissions/lazy_broker.ts";
import type { Usb } from "./usb.ts";
import type { UsbProtectedClassesHandler } from "./protected_classes.ts";

/** `ses.usb`: WebUSB's `requestDevice` and `getDevices`, with Electron's picker events. */
export type UsbApi = Pick<Usb, "requestDevice" | "getDevices">;

/**
 * The session member the usb plugin adds.
 *
 * @example
 * ```ts ignore
 * const ses: UsbMembers = session.fromPartition("usb-members");
 * await ses.usb.getDevices();
 * ```
 */
export interface UsbMembers {
  /** WebUSB's `requestDevice` and `getDevices`, with Electron's picker events. */
  readonly usb: UsbApi;
  /**
   * Electron's: `handler({ protectedClasses })` returns the USB classes whose interfaces
   * `claimInterface()` refuses (default: all seven; `[]` allows all); `null` restores the default.
   */
  setUSBProtectedClassesHandler(handler: UsbProtectedClassesHandler | null): void;
}

/** Options of {@linkcode createUsbPlugin}: where devices come from, how often they are listed. */
export type UsbPluginOptions = DevicePluginOptions<UsbAdapter>;

/**
 * Makes the usb plugin over an adapter.
 *
 * @example
 * ```ts
 * const plugin = createUsbPlugin({ adapter: { name: "none", list: async () => [] } });
 * plugin.manifest.api; // ["usb"]
 * ```
 */
export function createUsbPlugin(options: UsbPluginOptions): Plugin<UsbMembers> {
  return definePlugin<UsbMembers>({
    manifest,
    setup(ctx) {
      let protectedClasses: UsbProtectedClassesHandler | null = null;
      const usb = lazyDeviceMember(ctx, "usb", (grant) => {
        ctx.session.emit("usb-device-revoked", { device: grant.device, origin: grant.origin });
      }, async (broker: LazyBroker) => {
        const { Usb } = await import("./usb.ts");
        return new Usb(
          ctx.session,
          broker,
          options.adapter,
          options.pollInterval,
          () => protectedClasses,
        );
      }, ["requestDevice", "getDevices"]);
      ctx.provide({
        usb,
        // Electron's `ses.setUSBProtectedClassesHandler(handler | null)`: which interface classes
        // `claimInterface()` refuses on the devices this session hands out.
        setUSBProtectedClassesHandler(handler: UsbProtectedClassesHandler | null) {
          if (handler !== null && typeof handler !== "function") {
            throw new TypeError(
              "setUSBProtectedClassesHandler: handler must be a function or null",
            );
          }
          protectedClasses = handler;
        },
      });
    },
  });
}
