/**
 * A device plugin's session member (`ses.serial`, `ses.hid`, `ses.usb`) as a facade made at setup:
 * its async methods load the implementation with the first call (cold start, issue #24), while the
 * {@linkcode LazyBroker}, and with it the plugin's `*-revoked` listener, exists from the start,
 * so a grant revoked before the first call is still reported.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import type { DeviceType } from "./names.ts";
import type { RevokeListener } from "./broker.ts";
import type { PermissionsMembers } from "./plugin.ts";
import { LazyBroker } from "./lazy_broker.ts";

/** What a device plugin is made with. */
export interface DevicePluginOptions<Adapter> {
  /** Where devices come from. */
  adapter: Adapter;
  /** How often devices are listed while a selection is open, in ms (default 200). */
  pollInterval?: number;
}

/**
 * The member of the device plugin of `kind`: `names` are the methods of the object `make`
 * resolves to (with the session's broker), loaded on the first call.
 *
 * @example
 * ```ts ignore
 * const serial = lazyDeviceMember(ctx, "serial", onRevoked, async (broker) => {
 *   const { Serial } = await import("./serial.ts");
 *   return new Serial(ctx.session, broker, adapter);
 * }, ["requestPort", "getPorts"]);
 * ```
 */
export function lazyDeviceMember<T extends object, K extends AsyncMethodNames<T>>(
  ctx: PluginContext,
  kind: DeviceType,
  onRevoked: RevokeListener,
  make: (broker: LazyBroker) => Promise<T>,
  names: readonly K[],
): Pick<T, K> {
  const lookup = () => (ctx.session as unknown as PermissionsMembers).permissions;
  const broker = new LazyBroker(kind, lookup, onRevoked);
  const part = `the ${kind} plugin (plugins/${kind}/${kind}.ts)`;
  return lazyMethods(onFirstUse(part, () => make(broker)), names);
}

/** The names of `T`'s methods that return a promise. */
export type AsyncMethodNames<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * A small facade, made at once, over an object that loads on first use: each of `names` is an
 * async method that awaits `load()` (typically an {@linkcode onFirstUse}) and calls the loaded
 * object's method of that name. A plugin provides it as its member, so the member is usable right
 * after `fromPartition` while its implementation is a chunk fetched with the first call.
 *
 * @example
 * ```ts
 * class Ports {
 *   async list(): Promise<string[]> {
 *     return ["ttyS0"];
 *   }
 * }
 * const load = onFirstUse("the ports", async () => new Ports());
 * const ports = lazyMethods(load, ["list"]);
 * await ports.list(); // ["ttyS0"]
 * ```
 */
export function lazyMethods<T extends object, K extends AsyncMethodNames<T>>(
  load: () => Promise<T>,
  names: readonly K[],
): Pick<T, K> {
  const facade: Record<PropertyKey, unknown> = {};
  for (const name of names) {
    facade[name] = async (...args: unknown[]) => {
      const target = await load();
      return (target[name] as (...args: unknown[]) => Promise<unknown>).apply(target, args);
    };
  }
  return facade as Pick<T, K>;
}
