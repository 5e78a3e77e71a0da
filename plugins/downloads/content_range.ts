/**
 * Reading a `Content-Range` response header (`bytes FIRST-LAST/TOTAL`), as a download resumed
 * with `Range` needs it.
 *
 * @module
 */

const CONTENT_RANGE = /^bytes (\d+)-\d+\/(\d+|\*)$/;

/**
 * Where the range starts, or null when the header is missing or malformed.
 *
 * @example
 * ```ts
 * rangeStart("bytes 100-199/200"); // 100
 * ```
 */
export function rangeStart(contentRange: string | null): number | null {
  const match = CONTENT_RANGE.exec(contentRange?.trim() ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * The whole resource's size, or null when the header does not say (`*`) or is malformed.
 *
 * @example
 * ```ts
 * totalOf("bytes 100-199/200"); // 200
 * totalOf("bytes 100-199/*"); // null
 * ```
 */
export function totalOf(contentRange: string | null): number | null {
  const match = CONTENT_RANGE.exec(contentRange?.trim() ?? "");
  return match && match[2] !== "*" ? Number(match[2]) : null;
}
