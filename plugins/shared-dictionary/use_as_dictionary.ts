/**
 * The `Use-As-Dictionary` response header (RFC 9842), read as Chromium reads it: a structured-field
 * dictionary with `match` (a string, required), `match-dest` (an inner list of strings; unknown
 * destinations are dropped, a list of only unknown ones is refused), `id` (a string of at most 1024
 * characters) and `type` (a token; only `raw` is stored). Other keys are ignored.
 *
 * @module
 */
import { parseDictionary, serializeItem, Token } from "structured-headers";

/** Chromium's longest dictionary `id`. */
const MAX_ID_LENGTH = 1024;

/** The request destinations a `match-dest` may name (Chromium's, `""` for the empty one). */
export const REQUEST_DESTINATIONS: ReadonlySet<string> = new Set([
  "",
  "audio",
  "audioworklet",
  "dictionary",
  "document",
  "embed",
  "fencedframe",
  "font",
  "frame",
  "iframe",
  "image",
  "json",
  "manifest",
  "object",
  "paintworklet",
  "report",
  "script",
  "serviceworker",
  "sharedstorageworklet",
  "sharedworker",
  "speculationrules",
  "style",
  "track",
  "video",
  "webidentity",
  "worker",
  "xslt",
]);

/** A dictionary's declaration, as a response's `Use-As-Dictionary` states it. */
export interface DictionaryDeclaration {
  /** The URL pattern (relative to the response's URL) of the requests it serves. */
  match: string;
  /** The request destinations it serves; empty for all. */
  matchDest: string[];
  /** The `id` the server knows it by (sent back as `Dictionary-ID`), or "". */
  id: string;
}

/**
 * Reads a `Use-As-Dictionary` value; null when Chromium would not store the dictionary (not a
 * structured dictionary, no string `match`, a bad `match-dest`, `id` or a `type` other than raw).
 *
 * @example
 * ```ts
 * parseUseAsDictionary('match="/js/*", match-dest=("script"), id="v1"');
 * // { match: "/js/*", matchDest: ["script"], id: "v1" }
 * parseUseAsDictionary("match=1"); // null
 * ```
 */
export function parseUseAsDictionary(value: string): DictionaryDeclaration | null {
  let fields: ReturnType<typeof parseDictionary>;
  try {
    fields = parseDictionary(value);
  } catch {
    return null;
  }
  let match: string | null = null;
  const matchDest = new Set<string>();
  let id = "";
  for (const [key, [member]] of fields) {
    const list = Array.isArray(member) ? member : null;
    if (key === "match" || key === "id") {
      if (list !== null || typeof member !== "string") return null;
      if (key === "match") match = member;
      else if (member.length > MAX_ID_LENGTH) return null;
      else id = member;
    } else if (key === "match-dest") {
      if (list === null) return null;
      for (const [item] of list) {
        if (typeof item !== "string") return null;
        if (REQUEST_DESTINATIONS.has(item)) matchDest.add(item);
      }
      if (list.length > 0 && matchDest.size === 0) return null;
    } else if (key === "type") {
      if (list !== null || !(member instanceof Token)) return null;
      if (member.toString() !== "raw") return null;
    }
  }
  return match === null ? null : { match, matchDest: [...matchDest].sort(), id };
}

/**
 * The `Dictionary-ID` request header for a dictionary's `id`: a structured-field string.
 *
 * @example
 * ```ts
 * dictionaryIdHeader('app "one"'); // '"app \\"one\\""'
 * ```
 */
export function dictionaryIdHeader(id: string): string {
  return serializeItem(id);
}
