/**
 * A token bucket in bytes per second, shared by every request of a session: waiters are served
 * in order, tokens refill continuously, and the bucket holds at most 50 ms of tokens so a late
 * timer is caught up without letting a burst through.
 *
 * @module
 */

/**
 * Paces bytes to a rate.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(1024 * 1024);
 * await bucket.take(bucket.chunkSize);
 * ```
 */
export class TokenBucket {
  /** Bytes per second. */
  readonly rate: number;
  /** The largest piece a stream should ask for at once (20 ms of the rate, 512 B to 16 KiB). */
  readonly chunkSize: number;
  #capacity: number;
  #tokens = 0;
  #last: number;
  #queue: { bytes: number; resolve: () => void; signal?: AbortSignal }[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** A bucket for `rate` bytes per second that starts empty. */
  constructor(rate: number) {
    this.rate = rate;
    this.chunkSize = Math.max(512, Math.min(16384, Math.floor(rate / 50)));
    this.#capacity = Math.max(this.chunkSize, rate / 20);
    this.#last = performance.now();
  }

  /** Resolves when `bytes` (at most {@linkcode chunkSize}) may pass. */
  take(bytes: number): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push({ bytes, resolve });
      this.#drain();
    });
  }

  /** Lets every waiter through at once (emulation turned off). */
  release(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    for (const waiter of this.#queue.splice(0)) waiter.resolve();
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.rate / 1000);
    this.#last = now;
  }

  #drain(): void {
    if (this.#timer !== null) return;
    this.#refill();
    while (this.#queue.length > 0 && this.#queue[0].bytes <= this.#tokens) {
      const waiter = this.#queue.shift()!;
      this.#tokens -= waiter.bytes;
      waiter.resolve();
    }
    if (this.#queue.length === 0) return;
    const missing = Math.min(this.#queue[0].bytes, this.#capacity) - this.#tokens;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#drain();
    }, Math.max(1, Math.ceil(missing * 1000 / this.rate)));
  }
}
