/**
 * Chrome's `urlFilter` syntax for declarative rules: `*` any characters, `|` anchors at the start
 * or end of the URL (elsewhere it is a literal `|`), `||` anchors at the start of the host or of one of its labels, `^` a
 * separator (anything but a letter, a digit or `_-.%`, or the end of the URL).
 *
 * @module
 */

/** Where the filter is anchored on the left. */
export type LeftAnchor = "none" | "start" | "domain";

/** The position of the host within a URL string. */
export interface HostSpan {
  /** Index of the host's first character. */
  start: number;
  /** Index just after the host. */
  end: number;
}

/** A parsed `urlFilter`. */
export interface UrlFilter {
  /** The filter as written. */
  readonly source: string;
  /** The left anchor. */
  readonly left: LeftAnchor;
  /** Whether `|` anchors the end. */
  readonly right: boolean;
  /** The literal pieces between `*`s (may contain `^`), lower case unless case sensitive. */
  readonly parts: readonly string[];
  /** Whether matching is case sensitive. */
  readonly caseSensitive: boolean;
}

/**
 * Parses a `urlFilter`; throws a TypeError saying what is wrong.
 *
 * @example
 * ```ts
 * parseUrlFilter("||ads.example.com^").left; // "domain"
 * ```
 */
export function parseUrlFilter(source: string, caseSensitive = false): UrlFilter {
  if (source === "") throw new TypeError("Must not be empty");
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(source)) throw new TypeError("Must be ASCII");
  if (source.startsWith("||*")) throw new TypeError("Must not start with ||*");
  let body = source;
  let left: LeftAnchor = "none";
  if (body.startsWith("||")) {
    left = "domain";
    body = body.slice(2);
  } else if (body.startsWith("|")) {
    left = "start";
    body = body.slice(1);
  }
  let right = false;
  if (body.endsWith("|")) {
    right = true;
    body = body.slice(0, -1);
  }
  // A `|` anywhere else is a literal character, as Chrome reads it.
  const text = caseSensitive ? body : body.toLowerCase();
  // Collapse runs of `*`: they mean the same as one.
  const parts = text.split(/\*+/);
  return { source, left, right, parts, caseSensitive };
}

/** Whether a character code counts as a separator for `^`. */
function isSeparator(c: number): boolean {
  // letters, digits, _ - . % are not separators
  if (c >= 97 && c <= 122) return false;
  if (c >= 65 && c <= 90) return false;
  if (c >= 48 && c <= 57) return false;
  return c !== 95 && c !== 45 && c !== 46 && c !== 37;
}

/** Matches `part` at `at`; returns the end index or -1. `^` at the URL's end consumes nothing. */
function matchAt(url: string, at: number, part: string): number {
  let i = at;
  for (let k = 0; k < part.length; k++) {
    const p = part.charCodeAt(k);
    if (p === 94 /* ^ */) {
      if (i === url.length) continue;
      if (!isSeparator(url.charCodeAt(i))) return -1;
      i++;
    } else {
      if (i >= url.length || url.charCodeAt(i) !== p) return -1;
      i++;
    }
  }
  return i;
}

/** Finds the first position >= `from` where `part` matches, or -1. */
function find(url: string, from: number, part: string): number {
  const caret = part.indexOf("^");
  if (caret < 0) {
    const found = url.indexOf(part, from);
    return found < 0 ? -1 : found;
  }
  if (caret > 0) {
    // Jump between occurrences of the literal head.
    const head = part.slice(0, caret);
    for (let at = url.indexOf(head, from); at >= 0; at = url.indexOf(head, at + 1)) {
      if (matchAt(url, at, part) >= 0) return at;
    }
    return -1;
  }
  for (let at = from; at <= url.length; at++) if (matchAt(url, at, part) >= 0) return at;
  return -1;
}

/** Matches the remaining parts (after the first) greedily from `at`. */
function matchRest(url: string, at: number, f: UrlFilter): boolean {
  const parts = f.parts;
  const n = parts.length;
  for (let k = 1; k < n - 1; k++) {
    const found = find(url, at, parts[k]);
    if (found < 0) return false;
    at = matchAt(url, found, parts[k]);
  }
  if (n === 1) return !f.right || at === url.length;
  const last = parts[n - 1];
  return f.right ? endsWithPart(url, at, last) : find(url, at, last) >= 0;
}

/** Whether `part` matches at the very end of `url`, starting at or after `from`. */
function endsWithPart(url: string, from: number, part: string): boolean {
  // A trailing ^ may match the end itself, so the part may be one character shorter there.
  for (let start = url.length - part.length; start <= url.length - part.length + 1; start++) {
    if (start >= from && matchAt(url, start, part) === url.length) return true;
  }
  return false;
}

/**
 * Whether the filter matches a URL. `url` must already be lower case unless the filter is case
 * sensitive; `host` is where the host sits in it (for `||`).
 *
 * @example
 * ```ts
 * const url = "https://ads.example.com/x.js";
 * matchesUrlFilter(parseUrlFilter("||example.com^"), url, { start: 8, end: 23 }); // true
 * ```
 */
export function matchesUrlFilter(f: UrlFilter, url: string, host: HostSpan): boolean {
  const first = f.parts[0];
  if (f.left === "start") {
    const end = matchAt(url, 0, first);
    return end >= 0 && matchRest(url, end, f);
  }
  if (f.left === "domain") {
    // At the host's start or just after one of its dots.
    for (let at = host.start; at < host.end; at++) {
      if (at !== host.start && url.charCodeAt(at - 1) !== 46) continue;
      const end = matchAt(url, at, first);
      if (end >= 0 && matchRest(url, end, f)) return true;
    }
    return false;
  }
  if (first === "") return matchRest(url, 0, f);
  if (f.parts.length === 1 && f.right) return endsWithPart(url, 0, first);
  // The leftmost occurrence of the first part leaves the most room for the rest.
  const at = find(url, 0, first);
  return at >= 0 && matchRest(url, matchAt(url, at, first), f);
}

/**
 * Characters that make up tokens: lower-case letters, digits, `%` and `_` (none of which `^`
 * matches).
 *
 * @example
 * ```ts
 * isTokenChar("a".charCodeAt(0)); // true
 * ```
 */
export function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 37 || c === 95;
}

/**
 * The tokens every URL matching the filter must contain whole (a run of token characters with
 * non-token characters or the URL's ends on both sides). Used to index rules.
 *
 * @example
 * ```ts
 * indexTokens(parseUrlFilter("||ads.example.com^")); // ["ads", "example", "com"]
 * ```
 */
export function indexTokens(f: UrlFilter): string[] {
  const tokens: string[] = [];
  const parts = f.parts;
  for (let k = 0; k < parts.length; k++) {
    const part = f.caseSensitive ? parts[k].toLowerCase() : parts[k];
    // Is the part's left edge a boundary? Only when anchored (first part) or never (after *).
    const leftBound = k === 0 && f.left !== "none";
    const rightBound = k === parts.length - 1 && f.right;
    let i = 0;
    while (i < part.length) {
      if (!isTokenChar(part.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < part.length && isTokenChar(part.charCodeAt(i))) i++;
      const okLeft = start > 0 || leftBound;
      const okRight = i < part.length || rightBound;
      if (okLeft && okRight) tokens.push(part.slice(start, i));
    }
  }
  return tokens;
}
