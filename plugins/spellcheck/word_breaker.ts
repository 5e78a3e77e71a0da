/**
 * The word breaker of the spellchecker: finds the words of a text the way Chromium's spellchecker
 * picks what to check. A word is a run of Unicode letters (with their combining marks) joined by
 * inner apostrophes (`don't`, `rock'n'roll`, `l'ordinateur`); a hyphen separates words
 * (`well-known` is `well` and `known`). URLs (`scheme://...`, `www.`...), e-mail addresses and any
 * run containing a digit (`42`, `3rd`, `abc123`) are skipped. Typographic apostrophes (`’`) are
 * read as `'` when the word is checked, as Chromium normalizes them.
 *
 * @module
 */

/** A word of a text: its UTF-16 offsets (`text.slice(start, end) === word`). */
export interface WordRange {
  /** Offset of the word's first code unit. */
  start: number;
  /** Offset after the word's last code unit. */
  end: number;
  /** The word as written in the text. */
  word: string;
}

// One pass over the text: a URL, an e-mail address, or a run of letters, marks and digits with
// inner apostrophes. URLs and e-mail addresses are matched first so that their parts are not words.
// Built on first use: a Unicode property regex literal costs about 3 ms of cold start where it is
// parsed (issue #24, Deno's --cpu-prof of the startup bench).
const TOKEN_SOURCE = String
  .raw`(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|www\.)[^\s<>"'\x60]+|[\p{L}\p{M}\p{N}_.%+-]+@[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)+|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*`;
let classes: { digit: RegExp; letter: RegExp } | null = null;

/**
 * The words of `text` a spellchecker checks, in order.
 *
 * @example
 * ```ts
 * [...words("Mail me@example.org, it's well-known (42 times)")].map((w) => w.word);
 * // ["Mail", "it's", "well", "known", "times"]
 * ```
 */
export function* words(text: string): Generator<WordRange> {
  const pattern = new RegExp(TOKEN_SOURCE, "gu");
  const { digit, letter } = classes ??= {
    digit: new RegExp(String.raw`\p{N}`, "u"),
    letter: new RegExp(String.raw`\p{L}`, "u"),
  };
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const token = m[0];
    // A URL or an e-mail address (only those hold "@", ":" or "."): skipped whole.
    if (token.includes("@") || token.includes(":") || token.includes(".")) continue;
    if (digit.test(token) || !letter.test(token)) continue;
    yield { start: m.index, end: m.index + token.length, word: token };
  }
}

/**
 * The form of a word its dictionary is asked about: typographic apostrophes as `'`.
 *
 * @example
 * ```ts
 * normalizeWord("doesn’t"); // "doesn't"
 * ```
 */
export function normalizeWord(word: string): string {
  return word.includes("’") ? word.replaceAll("’", "'") : word;
}
