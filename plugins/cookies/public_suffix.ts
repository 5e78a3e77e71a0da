/**
 * The public suffix list (tldts, its self-contained ES build: 135 KB minified, about 9 ms of
 * Deno's and Bun's cold start), loaded on first use (issue #24): the cookies plugin loads it with
 * a session's first request or first `ses.cookies` call (a persistent partition with its stored
 * cookies), the `./cookies` and `./web-request` entries of Deno and Bun load it when imported
 * (their sync helpers, `CookieJar` and `MatchPattern#matchesEffectiveTld`, need it at once), and
 * the browser bundle loads it as a chunk: there a page that uses those helpers before any session
 * did awaits {@linkcode loadPublicSuffixList} first.
 *
 * @module
 */
import type * as Tldts from "tldts";
import { onFirstUse } from "../../kernel/lazy.ts";

/** What websession uses of tldts. */
export type PublicSuffixList = Pick<typeof Tldts, "getDomain" | "parse">;

let list: PublicSuffixList | null = null;

/**
 * Installs the list (`_tldts.ts` does, when imported).
 *
 * @example
 * ```ts ignore
 * installPublicSuffixList(tldts);
 * ```
 */
export function installPublicSuffixList(tldts: PublicSuffixList): void {
  list = tldts;
}

/**
 * The list, once loaded; before, an Error that says how to load it.
 *
 * @example
 * ```ts
 * await loadPublicSuffixList();
 * publicSuffixList().getDomain("a.example.co.uk"); // "example.co.uk"
 * ```
 */
export function publicSuffixList(): PublicSuffixList {
  if (list === null) {
    throw new Error(
      "The public suffix list is not loaded yet: await loadPublicSuffixList() first (a session " +
        "loads it with its first request or cookies call)",
    );
  }
  return list;
}

/**
 * Whether the list is loaded.
 *
 * @example
 * ```ts
 * await loadPublicSuffixList();
 * publicSuffixListLoaded(); // true
 * ```
 */
export function publicSuffixListLoaded(): boolean {
  return list !== null;
}

/**
 * Loads the list (once; a failure is a `LazyLoadError`, and the next call tries again).
 *
 * @example
 * ```ts
 * await loadPublicSuffixList();
 * ```
 */
export const loadPublicSuffixList: () => Promise<void> = onFirstUse(
  "the public suffix list (tldts)",
  async () => {
    await import("./_tldts.ts");
  },
);
