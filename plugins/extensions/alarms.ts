/**
 * `chrome.alarms` of one extension, kept on the session's side so that they outlive the
 * background's idle termination (an alarm wakes the Worker, as in Chrome). websession loads
 * unpacked extensions only, for which Chrome lifts the 30-second minimum; so does websession.
 *
 * @module
 */

/** Chrome's `alarms.Alarm`. */
export interface Alarm {
  /** The name (`""` by default). */
  name: string;
  /** When it fires next (ms since the epoch). */
  scheduledTime: number;
  /** Its period, if it repeats. */
  periodInMinutes?: number;
  /**
   * Whether it outlives the browser session (Chromium 156 has the field; its alarms are kept in
   * the profile). websession keeps alarms in memory: false.
   */
  persistAcrossSessions: boolean;
}

/**
 * The alarms of one extension.
 *
 * @example
 * ```ts
 * const alarms = new Alarms((alarm) => console.log(alarm.name));
 * alarms.create("tick", { delayInMinutes: 1 });
 * alarms.clearAll();
 * ```
 */
export class Alarms {
  readonly #all = new Map<string, { alarm: Alarm; timer: ReturnType<typeof setTimeout> }>();
  readonly #fire: (alarm: Alarm) => void;

  /** `fire` is called with a copy of each alarm when it goes off. */
  constructor(fire: (alarm: Alarm) => void) {
    this.#fire = fire;
  }

  #schedule(alarm: Alarm): void {
    const timer = setTimeout(() => {
      const copy = { ...alarm };
      if (alarm.periodInMinutes) {
        alarm.scheduledTime = Date.now() + alarm.periodInMinutes * 60_000;
        this.#schedule(alarm);
      } else this.#all.delete(alarm.name);
      this.#fire(copy);
    }, Math.max(0, alarm.scheduledTime - Date.now()));
    this.#all.set(alarm.name, { alarm, timer });
  }

  /** Chrome's `alarms.create([name,] info)`; an alarm of the same name is replaced. */
  create(a?: unknown, b?: unknown): void {
    // create(name, info), create(info), and create(undefined or null, info) as Chrome's
    // signature allows
    const [name, info] = typeof a === "string" || (a == null && b !== undefined)
      ? [a ?? "", b]
      : ["", a];
    const i = (info ?? {}) as { when?: number; delayInMinutes?: number; periodInMinutes?: number };
    for (const key of ["when", "delayInMinutes", "periodInMinutes"] as const) {
      const value = i[key];
      if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value))) {
        throw new TypeError(`Error in invocation of alarms.create: ${key} must be a number`);
      }
    }
    if (i.when !== undefined && i.delayInMinutes !== undefined) {
      throw new TypeError("Cannot set both when and delayInMinutes.");
    }
    if (i.when === undefined && i.delayInMinutes === undefined && i.periodInMinutes === undefined) {
      throw new Error("Must set at least one of when, delayInMinutes, or periodInMinutes.");
    }
    const when = i.when ?? Date.now() + (i.delayInMinutes ?? i.periodInMinutes ?? 0) * 60_000;
    this.clear(name);
    this.#schedule({
      name,
      scheduledTime: when,
      ...(i.periodInMinutes ? { periodInMinutes: i.periodInMinutes } : {}),
      persistAcrossSessions: false,
    });
  }

  /** The alarm of that name, or undefined. */
  get(name?: unknown): Alarm | undefined {
    const entry = this.#all.get(String(name ?? "")); // no name (undefined or null) is ""
    return entry ? { ...entry.alarm } : undefined;
  }

  /** Every alarm. */
  getAll(): Alarm[] {
    return [...this.#all.values()].map((e) => ({ ...e.alarm }));
  }

  /** Clears one; whether there was one. */
  clear(name?: unknown): boolean {
    const key = String(name ?? "");
    const entry = this.#all.get(key);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.#all.delete(key);
    return true;
  }

  /** Clears every alarm. */
  clearAll(): boolean {
    for (const name of [...this.#all.keys()]) this.clear(name);
    return true;
  }
}
