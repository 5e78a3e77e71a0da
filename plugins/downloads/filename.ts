/**
 * The file name of a download, as Chromium picks it: the `Content-Disposition` header's
 * `filename*` (RFC 5987/6266, decoded), else its `filename`, else the last segment of the URL's
 * path (percent-decoded), else the host, else `download`; then made safe for a file system.
 *
 * @module
 */
import { parse } from "content-disposition";

/** Characters no file name may hold (Windows' set, which is the strictest), and controls. */
// deno-lint-ignore no-control-regex
const ILLEGAL = /[\u0000-\u001f\u007f"*/:<>?\\|]/g;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A file name safe on every platform: illegal characters become `_`, leading and trailing dots
 * and spaces go, Windows' reserved names get a leading `_`; an empty result is `download`.
 *
 * @example
 * ```ts
 * sanitizeFilename("../a:b?.txt"); // "_a_b_.txt"
 * sanitizeFilename("..."); // "download"
 * ```
 */
export function sanitizeFilename(name: string): string {
  let out = name.replace(ILLEGAL, "_").replace(/^[\s.]+|[\s.]+$/g, "");
  // A leading "_" left by a path separator of "../x" is kept once.
  out = out.replace(/^_+/, (m) => m.length > 1 ? "_" : m);
  if (RESERVED.test(out)) out = `_${out}`;
  if (out.length > 255) {
    const dot = out.lastIndexOf(".");
    const ext = dot > 0 && out.length - dot <= 16 ? out.slice(dot) : "";
    out = out.slice(0, 255 - ext.length) + ext;
  }
  return out === "" ? "download" : out;
}

/**
 * The `filename*` or `filename` of a `Content-Disposition` value, or null (absent or malformed).
 *
 * @example
 * ```ts
 * dispositionFilename(`attachment; filename*=UTF-8''%E2%82%AC%20rates.txt`); // "€ rates.txt"
 * ```
 */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  try {
    const name = parse(header).parameters.filename;
    return typeof name === "string" && name !== "" ? name : null;
  } catch {
    // Chromium reads a lone filename= out of a header it cannot parse otherwise.
    const match = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
    return match ? match[1].trim() : null;
  }
}

function lastSegment(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // Only hierarchical URLs have a file name in their path (a data: URL's "path" is its data).
  if (!/^(https?|ftp|file):$/.test(parsed.protocol)) return null;
  const segment = parsed.pathname.split("/").filter((s) => s !== "").pop();
  if (segment) {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return parsed.hostname || null;
}

/**
 * The name a download is saved under.
 *
 * @example
 * ```ts
 * suggestedFilename('attachment; filename="report.pdf"', "http://x/y"); // "report.pdf"
 * suggestedFilename("", "http://example.com/files/a%20b.zip"); // "a b.zip"
 * ```
 */
export function suggestedFilename(contentDisposition: string, url: string): string {
  const name = dispositionFilename(contentDisposition) ?? lastSegment(url) ?? "download";
  return sanitizeFilename(name);
}
