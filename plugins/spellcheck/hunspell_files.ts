/**
 * Hunspell dictionaries as the spellchecker reads them: an `.aff`/`.dic` pair, decoded with the
 * encoding the `.aff` file names (`SET`, UTF-8 when absent) and checked enough to tell a dictionary
 * from an error page, a truncated download or a Chromium `.bdic` file.
 *
 * @module
 */

/**
 * The files of a Hunspell dictionary, as bytes or text (what a bundled dictionary package or a
 * download provides).
 */
export interface HunspellFiles {
  /** The affix file (`.aff`). */
  aff: Uint8Array | string;
  /** The word list (`.dic`). */
  dic: Uint8Array | string;
}

/** A decoded dictionary: the `.aff` and `.dic` files as text. */
export interface HunspellText {
  /** The affix file. */
  aff: string;
  /** The word list. */
  dic: string;
}

/**
 * Where a session's bundled dictionaries come from: the files for a dictionary's language-region
 * (`"en-US"`, `"de-DE"`, ...), or null when none is bundled for it (then it is downloaded). The
 * Deno/Bun preset hands in the `dictionary-*` npm packages; pages have none.
 */
export type BundledDictionaries = (languageRegion: string) => Promise<HunspellFiles> | null;

const AFF_DIRECTIVE =
  /^(?:SET|FLAG|TRY|KEY|WORDCHARS|PFX|SFX|REP|MAP|COMPOUNDFLAG|COMPOUNDRULE|NEEDAFFIX|ONLYINCOMPOUND|LANG|AF|AM|NOSUGGEST|BREAK|ICONV|OCONV|FORBIDDENWORD|KEEPCASE|COMPOUNDMIN|CIRCUMFIX)\b/m;
const DIC_COUNT = /^\s*\d+\s*$/;

/**
 * Decodes and checks a dictionary's files; throws an Error saying what is wrong with which file.
 *
 * @example
 * ```ts
 * const text = decodeHunspell({ aff: "SET UTF-8\n", dic: "1\nhello\n" }, "en-US");
 * text.dic; // "1\nhello\n"
 * ```
 */
export function decodeHunspell(files: HunspellFiles, language: string): HunspellText {
  const affBytes = bytesOf(files.aff);
  const dicBytes = bytesOf(files.dic);
  for (const [name, bytes] of [["aff", affBytes], ["dic", dicBytes]] as const) {
    if (bytes !== null && isBdic(bytes)) {
      throw new Error(
        `The ${language} .${name} file is a Chromium .bdic dictionary; websession reads Hunspell .aff/.dic files`,
      );
    }
  }
  const head = typeof files.aff === "string" ? files.aff : latin1(affBytes!.subarray(0, 4096));
  const encoding = /^SET\s+(\S+)/m.exec(head)?.[1] ?? "UTF-8";
  const aff = typeof files.aff === "string"
    ? files.aff
    : decode(affBytes!, encoding, language, "aff");
  const dic = typeof files.dic === "string"
    ? files.dic
    : decode(dicBytes!, encoding, language, "dic");
  if (aff.includes("\0") || !AFF_DIRECTIVE.test(aff)) {
    throw new Error(`The ${language} .aff file is not a Hunspell affix file`);
  }
  const firstLine = dic.slice(0, dic.indexOf("\n") === -1 ? dic.length : dic.indexOf("\n"));
  if (dic.includes("\0") || !DIC_COUNT.test(firstLine.replace(/^\uFEFF/, ""))) {
    throw new Error(
      `The ${language} .dic file is not a Hunspell word list (its first line must be the word count)`,
    );
  }
  return { aff, dic };
}

function bytesOf(data: Uint8Array | string): Uint8Array | null {
  return typeof data === "string" ? null : data;
}

function isBdic(bytes: Uint8Array): boolean {
  // "BDic" is the magic number of Chromium's binary dictionaries.
  return bytes[0] === 0x42 && bytes[1] === 0x44 && bytes[2] === 0x69 && bytes[3] === 0x63;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function decode(bytes: Uint8Array, encoding: string, language: string, name: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding.toLowerCase(), { fatal: true });
  } catch {
    throw new Error(`The ${language} .aff file names an unknown encoding: ${encoding}`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new Error(`The ${language} .${name} file is not valid ${encoding}`);
  }
}
