/**
 * The permission broker (`ses.permissions`): every capability that needs a permission asks it,
 * and it asks the handlers the application set with Electron's `setPermissionRequestHandler`,
 * `setPermissionCheckHandler` and `setDevicePermissionHandler`. Without a handler the answer is
 * Electron's default: granted; for devices, the grants made through a picker.
 *
 * @module
 */
import {
  APP_ORIGIN,
  type CheckPermission,
  type DevicePermissionHandler,
  type DeviceType,
  isCheckPermission,
  isRequestPermission,
  originOf,
  type PermissionCheckDetails,
  type PermissionCheckHandler,
  type PermissionRequestDetails,
  type PermissionRequester,
  type PermissionRequestHandler,
  type RequestPermission,
} from "./names.ts";
import type { DeviceGrant, DeviceGrants } from "./device_grants.ts";
import type { IsolatedDevices } from "./isolated_devices.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import { oneTimeCallback } from "./one_time.ts";

/** What `ses.permissions.request()` takes besides the permission. */
export interface PermissionRequestOptions extends Partial<PermissionRequestDetails> {
  /** Who asks (passed where Electron passes a `webContents`); default null. */
  requester?: PermissionRequester | null;
}

/** What `ses.permissions.check()` takes besides the permission. */
export interface PermissionCheckOptions extends Partial<PermissionCheckDetails> {
  /** The origin checking (default: the origin of `requestingUrl`, or `websession://app`). */
  requestingOrigin?: string;
  /** Who asks (passed where Electron passes a `webContents`); default null. */
  requester?: PermissionRequester | null;
}

/** A device as the broker sees it: the picker's shape and the device plugin's stable key. */
export interface BrokerDevice {
  /** `hid`, `serial` or `usb`. */
  deviceType: DeviceType;
  /** The device plugin's stable key (same device, same key, across restarts when possible). */
  key: string;
  /** The device in the shape the picker lists it. */
  device: Record<string, unknown>;
  /**
   * Whether a grant may be stored (default true). Chromium stores grants only for devices with a
   * serial number; others are ephemeral: kept while the device is present, in memory only.
   */
  persistent?: boolean;
}

/** Called when a grant is revoked (a device plugin emits its `*-revoked` event). */
export type RevokeListener = (grant: DeviceGrant) => void;

function checkHandler(method: string, handler: unknown): void {
  if (handler !== null && typeof handler !== "function") {
    throw new TypeError(`ses.${method}: Must pass null or a function`);
  }
}

/**
 * The broker of one session.
 *
 * @example
 * ```ts
 * const broker = new PermissionBroker(new DeviceGrants(null));
 * broker.setPermissionCheckHandler((_wc, permission) => permission !== "serial");
 * broker.check("serial"); // false
 * await broker.request("notifications"); // true (no request handler: granted)
 * ```
 */
export class PermissionBroker {
  #request: PermissionRequestHandler | null = null;
  /** The callbacks of requests the request handler has not answered yet. */
  #pending = new Set<(granted: boolean) => void>();
  #check: PermissionCheckHandler | null = null;
  #device: DevicePermissionHandler | null = null;
  #grants: DeviceGrants;
  #revokeListeners = new Map<DeviceType, Set<RevokeListener>>();
  #report: (error: unknown) => void;
  #isolated: (() => Promise<IsolatedDevices>) | null;
  /** Resolves when the stored device grants are loaded. */
  readonly ready: Promise<void>;

  /**
   * `grants` keeps the device grants; `report` receives what a handler threw; `session`, when
   * given, is where isolated plugins' device calls go (its `serial`, `hid` and `usb` members).
   */
  constructor(
    grants: DeviceGrants,
    report: (error: unknown) => void = () => {},
    ready: Promise<void> = Promise.resolve(),
    session?: object,
  ) {
    this.#grants = grants;
    this.#report = report;
    this.ready = ready;
    // Loaded with an isolated plugin's first device call (cold start, #24).
    this.#isolated = session
      ? onFirstUse(
        "the isolated plugins' device calls (plugins/permissions/isolated_devices.ts)",
        async () => new (await import("./isolated_devices.ts")).IsolatedDevices(session, this),
      )
      : null;
  }

  /**
   * One device call of an isolated plugin (`ctx.devices.call(kind, method, ...args)` in its
   * Worker; the kernel has already checked that its manifest lists `kind` in
   * `permissions.devices`). The calls are listed in `isolated_devices.ts`.
   */
  serveIsolated(plugin: string, kind: string, method: string, args: unknown[]): Promise<unknown> {
    if (!this.#isolated) {
      return Promise.reject(new Error("This permission broker serves no session's devices"));
    }
    return this.#isolated().then((isolated) => isolated.serve(plugin, kind, method, args));
  }

  /** Electron's `ses.setPermissionRequestHandler(handler | null)`. */
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    checkHandler("setPermissionRequestHandler", handler);
    // As Electron's permission manager: clearing the handler denies the requests it left pending.
    if (handler === null && this.#request !== null) {
      for (const deny of [...this.#pending]) deny(false);
    }
    this.#request = handler;
  }

  /** Electron's `ses.setPermissionCheckHandler(handler | null)`. */
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    checkHandler("setPermissionCheckHandler", handler);
    this.#check = handler;
  }

  /** Electron's `ses.setDevicePermissionHandler(handler | null)`. */
  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void {
    checkHandler("setDevicePermissionHandler", handler);
    this.#device = handler;
  }

  /**
   * Asks for a permission: the request handler's answer, or `true` without one (Electron's
   * default). A handler that throws denies (the error goes to the session's `hook-error`); a
   * second call of its callback throws Electron's TypeError and changes nothing; `setPermissionRequestHandler(null)` denies the requests
   * still waiting for their callback, as in Electron. Throws a TypeError for a name outside Electron's list.
   */
  request(permission: RequestPermission, options: PermissionRequestOptions = {}): Promise<boolean> {
    if (!isRequestPermission(permission)) {
      throw new TypeError(`ses.permissions.request: unknown permission "${String(permission)}"`);
    }
    const handler = this.#request;
    if (handler === null) return Promise.resolve(true);
    const { requester = null, ...rest } = options;
    const details: PermissionRequestDetails = {
      ...rest,
      requestingUrl: rest.requestingUrl ?? `${APP_ORIGIN}/`,
      isMainFrame: rest.isMainFrame ?? true,
    };
    return new Promise<boolean>((resolve) => {
      let answered = false;
      const settle = (granted: boolean) => {
        if (answered) return;
        answered = true;
        this.#pending.delete(settle);
        // Electron reads the answer with gin's bool converter: JavaScript truthiness.
        resolve(Boolean(granted));
      };
      this.#pending.add(settle);
      try {
        handler(requester, permission, oneTimeCallback(settle), details);
      } catch (error) {
        this.#report(error);
        settle(false);
      }
    });
  }

  /**
   * Checks a permission synchronously: the check handler's answer (truthy grants, as Electron
   * reads it), or `true` without one. A handler that throws denies. Throws a TypeError for a name outside Electron's list.
   */
  check(permission: CheckPermission, options?: PermissionCheckOptions): boolean {
    const handler = this.#check;
    if (handler === null) {
      if (!isCheckPermission(permission)) throw unknownCheck(permission);
      return true;
    }
    if (!isCheckPermission(permission)) throw unknownCheck(permission);
    let requester: PermissionRequester | null = null;
    let origin = APP_ORIGIN;
    let details: PermissionCheckDetails;
    if (options === undefined) {
      details = { requestingUrl: `${APP_ORIGIN}/`, isMainFrame: true };
    } else {
      const { requester: who = null, requestingOrigin, ...rest } = options;
      requester = who;
      details = { ...rest, isMainFrame: rest.isMainFrame ?? true };
      details.requestingUrl ??= `${APP_ORIGIN}/`;
      origin = requestingOrigin ?? originOf(details.requestingUrl);
    }
    try {
      return Boolean(handler(requester, permission, origin, details));
    } catch (error) {
      this.#report(error);
      return false;
    }
  }

  /**
   * Whether `origin` may use a device: the device permission handler's answer when one is set,
   * otherwise whether a picker granted it.
   */
  hasDevice(origin: string, device: BrokerDevice): boolean {
    const handler = this.#device;
    if (handler === null) return this.#grants.has(device.deviceType, origin, device.key);
    try {
      return Boolean(handler({ deviceType: device.deviceType, origin, device: device.device }));
    } catch (error) {
      this.#report(error);
      return false;
    }
  }

  /** Remembers that `origin` may use a device (a picker's callback chose it). */
  grantDevice(origin: string, device: BrokerDevice): void {
    const { persistent = true, ...grant } = device;
    this.#grants.grant({ ...grant, origin }, persistent);
  }

  /**
   * The devices `origin` may use among those a device plugin listed now (`getPorts()`,
   * `getDevices()`); the ephemeral grants of devices no longer listed end, as Chromium's do when
   * their device is removed.
   */
  allowedAmong<D>(
    deviceType: DeviceType,
    origin: string,
    listed: D[],
    describe: (device: D) => BrokerDevice,
  ): D[] {
    const present = listed.map((device) => ({ device, seen: describe(device) }));
    this.#grants.dropAbsent(deviceType, new Set(present.map(({ seen }) => seen.key)));
    return present.filter(({ seen }) => this.hasDevice(origin, seen)).map(({ device }) => device);
  }

  /**
   * Revokes a device grant; the device plugin emits its `*-revoked` event. Returns whether there
   * was a grant.
   */
  revokeDevice(deviceType: DeviceType, origin: string, key: string): boolean {
    const grant = this.#grants.revoke(deviceType, origin, key);
    if (grant === null) return false;
    this.#notifyRevoked(grant);
    return true;
  }

  #notifyRevoked(grant: DeviceGrant): void {
    for (const listener of this.#revokeListeners.get(grant.deviceType) ?? []) {
      try {
        listener(grant);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /**
   * A device's `forget()`: revokes the origin's grant when there is one and, as Electron's
   * `forget()` does, tells the device plugin (`*-revoked`) in any case, so an application that
   * keeps its own grants for the device permission handler hears of it too.
   */
  forgetDevice(origin: string, device: BrokerDevice): void {
    const { persistent: _persistent, ...known } = device;
    const grant = this.#grants.revoke(device.deviceType, origin, device.key) ??
      { ...known, origin };
    this.#notifyRevoked(grant);
  }

  /** The device grants of a type, optionally of one origin. */
  grantedDevices(deviceType: DeviceType, origin?: string): DeviceGrant[] {
    return this.#grants.list(deviceType, origin);
  }

  /** Calls `listener` for every revoked grant of a device type; returns the function that stops. */
  onDeviceRevoked(deviceType: DeviceType, listener: RevokeListener): () => void {
    let set = this.#revokeListeners.get(deviceType);
    if (!set) this.#revokeListeners.set(deviceType, set = new Set());
    set.add(listener);
    return () => set.delete(listener);
  }
}

function unknownCheck(permission: unknown): TypeError {
  return new TypeError(`ses.permissions.check: unknown permission "${String(permission)}"`);
}
