/**
 * The MIME type of a download as Chromium keeps it: the essence of the response's
 * `Content-Type` (`type/subtype`, lowercased, without parameters), "" when it does not parse.
 *
 * @module
 */

// RFC 9110's token characters.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const ESSENCE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);

/**
 * The essence of a `Content-Type` value, as `DownloadItem.getMimeType()` reports it.
 *
 * @example
 * ```ts
 * mimeTypeOf("Text/Plain; charset=UTF-8"); // "text/plain"
 * mimeTypeOf("nonsense"); // ""
 * ```
 */
export function mimeTypeOf(contentType: string | null): string {
  const essence = (contentType ?? "").split(";", 1)[0].trim();
  return ESSENCE.test(essence) ? essence.toLowerCase() : "";
}
