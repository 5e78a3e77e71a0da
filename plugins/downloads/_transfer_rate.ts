/**
 * A download's speed: samples of the bytes received (at most one per 50 ms, trimmed to the last
 * two seconds once there are more than 64) and the rate between the oldest and newest sample of
 * the last two seconds.
 *
 * @module
 */

const WINDOW_MS = 2000;

/**
 * The bytes per second of a transfer.
 *
 * @example
 * ```ts
 * const rate = new TransferRate();
 * rate.reset(0);
 * rate.note(4096);
 * rate.perSecond(); // 0 until two samples 50 ms apart were noted
 * ```
 */
export class TransferRate {
  #samples: Array<[number, number]> = [];

  /** Starts over from `received` bytes, now. */
  reset(received: number): void {
    this.#samples = [[performance.now(), received]];
  }

  /** Notes that `received` bytes are in (kept if 50 ms passed since the last sample). */
  note(received: number): void {
    const now = performance.now();
    const last = this.#samples[this.#samples.length - 1];
    if (last && now - last[0] < 50) return;
    this.#samples.push([now, received]);
    if (this.#samples.length > 64) {
      this.#samples = this.#samples.filter(([t]) => now - t <= WINDOW_MS);
    }
  }

  /** Bytes per second over the last two seconds (0 without two samples in them). */
  perSecond(): number {
    const now = performance.now();
    const samples = this.#samples.filter(([t]) => now - t <= WINDOW_MS);
    if (samples.length < 2) return 0;
    const [t0, b0] = samples[0];
    const [t1, b1] = samples[samples.length - 1];
    return t1 > t0 ? Math.round(((b1 - b0) * 1000) / (t1 - t0)) : 0;
  }
}
