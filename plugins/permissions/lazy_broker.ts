/**
 * The permission broker as a device plugin (serial, HID, USB) reaches it: looked up on first use
 * rather than at setup, so that the device plugin sets up even when the permissions plugin could
 * not (a store that does not open); its requests then reject naming the missing plugin.
 *
 * @module
 */
import type { DeviceType } from "./names.ts";
import type { PermissionBroker, RevokeListener } from "./broker.ts";

/**
 * A session's {@linkcode PermissionBroker}, found on the first `get()`, which also registers the
 * device plugin's `*-revoked` listener. The constructor tries once at once, so that revocations
 * are heard from the start when the permissions plugin is there.
 *
 * @example
 * ```ts ignore
 * const lazy = new LazyBroker("usb", () => permissionsOf(ses), (grant) => console.log(grant));
 * await lazy.get().ready;
 * ```
 */
export class LazyBroker {
  readonly #kind: DeviceType;
  readonly #lookup: () => PermissionBroker;
  readonly #onRevoked: RevokeListener;
  #broker: PermissionBroker | null = null;

  constructor(kind: DeviceType, lookup: () => PermissionBroker, onRevoked: RevokeListener) {
    this.#kind = kind;
    this.#lookup = lookup;
    this.#onRevoked = onRevoked;
    try {
      this.get();
    } catch { /* set up without the permissions plugin: requests say so */ }
  }

  /** The broker; throws the lookup's error (the missing plugin, named) while there is none. */
  get(): PermissionBroker {
    if (this.#broker === null) {
      const broker = this.#lookup();
      broker.onDeviceRevoked(this.#kind, this.#onRevoked);
      this.#broker = broker;
    }
    return this.#broker;
  }
}
