/**
 * Device grants of one partition: which origin may use which device, remembered when a picker's
 * callback chooses a device, kept in the partition's store for persistent partitions, and revoked
 * by `forget()` or `ses.permissions.revokeDevice()`. As in Chromium, a device without a serial
 * number is granted ephemerally: in memory only, until it is seen gone.
 *
 * @module
 */
import type { Store, StoreValue } from "../../kernel/store.ts";
import type { DeviceType } from "./names.ts";

/** One grant. */
export interface DeviceGrant {
  /** `hid`, `serial` or `usb`. */
  deviceType: DeviceType;
  /** The origin the device is granted to. */
  origin: string;
  /** The device plugin's stable key of the device (e.g. vendor, product and serial number). */
  key: string;
  /** The device as the picker listed it (what `*-revoked` reports). */
  device: Record<string, unknown>;
}

const PREFIX = "grant/";

function storeKey(type: DeviceType, origin: string, key: string): string {
  return `${PREFIX}${type}/${encodeURIComponent(origin)}/${encodeURIComponent(key)}`;
}

/**
 * The grants, in memory (answers are synchronous) and written through to a store when given.
 *
 * @example
 * ```ts
 * const grants = new DeviceGrants(null);
 * grants.grant({ deviceType: "serial", origin: "https://a.test", key: "/dev/ttyS0", device: {} });
 * grants.has("serial", "https://a.test", "/dev/ttyS0"); // true
 * ```
 */
export class DeviceGrants {
  #grants = new Map<string, DeviceGrant>();
  /** The ids of ephemeral grants (never stored; dropped when their device is seen gone). */
  #ephemeral = new Set<string>();
  #store: Store | null;
  #onError: (error: unknown) => void;
  #writes: Promise<void> = Promise.resolve();

  /** `store` is null for in-memory partitions. */
  constructor(store: Store | null, onError: (error: unknown) => void = () => {}) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Reads the stored grants (persistent partitions). */
  async load(): Promise<void> {
    if (!this.#store) return;
    for (const [, value] of await this.#store.list(PREFIX)) {
      const grant = value as unknown as DeviceGrant;
      if (grant && typeof grant.key === "string" && typeof grant.origin === "string") {
        this.#grants.set(storeKey(grant.deviceType, grant.origin, grant.key), grant);
      }
    }
  }

  /** Whether `origin` holds a grant for the device. */
  has(type: DeviceType, origin: string, key: string): boolean {
    return this.#grants.has(storeKey(type, origin, key));
  }

  /**
   * Records a grant (replacing an older one of the same device and origin); an ephemeral one
   * (`persistent` false) is kept in memory only.
   */
  grant(grant: DeviceGrant, persistent = true): void {
    const id = storeKey(grant.deviceType, grant.origin, grant.key);
    this.#grants.set(id, grant);
    if (!persistent) {
      this.#ephemeral.add(id);
      return;
    }
    this.#write((store) => store.set(id, grant as unknown as StoreValue));
  }

  /** Drops the ephemeral grants of a device type whose device is not among `presentKeys`. */
  dropAbsent(type: DeviceType, presentKeys: ReadonlySet<string>): void {
    for (const id of this.#ephemeral) {
      const grant = this.#grants.get(id);
      if (grant?.deviceType === type && !presentKeys.has(grant.key)) {
        this.#grants.delete(id);
        this.#ephemeral.delete(id);
      }
    }
  }

  /** Removes a grant; returns it, or null when there was none. */
  revoke(type: DeviceType, origin: string, key: string): DeviceGrant | null {
    const id = storeKey(type, origin, key);
    const grant = this.#grants.get(id);
    if (!grant) return null;
    this.#grants.delete(id);
    if (!this.#ephemeral.delete(id)) this.#write((store) => store.delete(id));
    return grant;
  }

  /** The grants of a device type, optionally of one origin. */
  list(type: DeviceType, origin?: string): DeviceGrant[] {
    return [...this.#grants.values()].filter((g) =>
      g.deviceType === type && (origin === undefined || g.origin === origin)
    );
  }

  /** Resolves when every grant change so far is written. */
  async flush(): Promise<void> {
    await this.#writes;
    await this.#store?.flush();
  }

  #write(op: (store: Store) => Promise<void>): void {
    const store = this.#store;
    if (!store) return;
    this.#writes = this.#writes.then(() => op(store)).catch(this.#onError);
  }
}
