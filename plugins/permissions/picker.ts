/**
 * The picker flow Electron's device events share: list the devices, emit `select-*` with a
 * callback, watch for devices added or removed while the selection is open, and settle with the
 * chosen device or a cancel.
 *
 * @module
 */
import type { PermissionRequester } from "./names.ts";
import { oneTimeCallback } from "./one_time.ts";

/** Who asks for a device: the origin the grant is for, and what events pass as `webContents`. */
export interface DeviceRequestContext {
  /** The requesting origin (default `websession://app`). */
  origin?: string;
  /** Passed where Electron passes a `webContents` (default null). */
  requester?: PermissionRequester | null;
}

/** What a device plugin tells the picker. */
export interface PickerOptions<D> {
  /** The devices present now (already filtered by the request's filters). */
  list(): Promise<D[]>;
  /** The stable identity of a device, to see what came and went. */
  identity(device: D): string;
  /** Emits the `select-*` event; returns whether a listener called `preventDefault()`. */
  select(devices: D[], callback: (id?: string | null) => void): boolean;
  /** Emits `*-added`. */
  added(device: D): void;
  /** Emits `*-removed`. */
  removed(device: D): void;
  /** The picker's id of a device (what the callback receives). */
  idOf(device: D): string;
  /** How often the devices are listed while the selection is open, in ms (default 200). */
  pollInterval?: number;
  /** Reports an error of listing. */
  report(error: unknown): void;
}

/**
 * Runs one selection; resolves with the chosen device, or null when cancelled (no
 * `preventDefault()`, an empty or unknown id, or a device that went away).
 *
 * @example
 * ```ts
 * const chosen = await pick<string>({
 *   list: async () => ["a", "b"],
 *   identity: (d) => d,
 *   idOf: (d) => d,
 *   select: (devices, callback) => (callback(devices[1]), true),
 *   added() {},
 *   removed() {},
 *   report() {},
 * });
 * chosen; // "b"
 * ```
 */
export async function pick<D>(options: PickerOptions<D>): Promise<D | null> {
  let current = await options.list();
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle!: (device: D | null) => void;
  const result = new Promise<D | null>((resolve) => settle = resolve);
  const finish = (device: D | null) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    settle(device);
  };
  const poll = async () => {
    if (done) return;
    try {
      const next = await options.list();
      if (done) return;
      const before = new Map(current.map((d) => [options.identity(d), d]));
      const after = new Set(next.map((d) => options.identity(d)));
      for (const device of current) {
        if (!after.has(options.identity(device))) options.removed(device);
      }
      for (const device of next) if (!before.has(options.identity(device))) options.added(device);
      current = next;
    } catch (error) {
      options.report(error);
    }
    if (!done) timer = setTimeout(poll, options.pollInterval ?? 200);
  };
  // One-time, as Electron's: a second call by the app throws (a call after the end does nothing).
  const callback = oneTimeCallback((id?: string | null) => {
    if (done) return;
    if (typeof id !== "string" || id === "") return finish(null);
    finish(current.find((d) => options.idOf(d) === id) ?? null);
  });
  const prevented = options.select(current, callback);
  if (!prevented) finish(null);
  else if (!done) timer = setTimeout(poll, options.pollInterval ?? 200);
  return await result;
}
