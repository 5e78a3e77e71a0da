/**
 * The one-line progress bar of `deno task download`: a bar, the percentage, the bytes and the
 * speed, redrawn in place with a carriage return.
 *
 * @module
 */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/**
 * Bytes in a short human form.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * The progress line for `received` of `total` bytes (`total` 0: unknown) at `perSecond`.
 *
 * @example
 * ```ts
 * progressLine(512, 1024, 100, 10); // "[#####-----]  50% 512 B / 1.0 KiB  100 B/s"
 * ```
 */
export function progressLine(
  received: number,
  total: number,
  perSecond: number,
  width = 30,
): string {
  const speed = `${formatBytes(perSecond)}/s`;
  if (total <= 0) return `[${"?".repeat(width)}] ${formatBytes(received)}  ${speed}`;
  const ratio = Math.min(1, received / total);
  const filled = Math.round(ratio * width);
  const percent = String(Math.floor(ratio * 100)).padStart(3);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}% ${
    formatBytes(received)
  } / ${formatBytes(total)}  ${speed}`;
}
