/**
 * A repair of a Hunspell word list before nspell reads it. Hunspell keeps homonyms (a word listed
 * twice with different flags) apart; nspell merges their flags, so when one entry carries
 * ONLYINCOMPOUND or NEEDAFFIX the word is refused even though its other entry allows it alone
 * (German `schreiben/DIVXW` and `schreiben/SJozm`: nspell refuses "schreiben", Hunspell accepts
 * it). When a homonym without those flags exists, they are removed from its other entries, which
 * changes nothing for Hunspell's verdict on the word and its affixed forms.
 *
 * @module
 */

/**
 * The word list with the restricting flags of homonyms removed where another homonym of the same
 * word has none (the text itself when there is nothing to repair).
 *
 * @example
 * ```ts
 * const aff = "ONLYINCOMPOUND o\n";
 * repairHomonyms(aff, "2\nschreiben/D\nschreiben/So\n"); // "2\nschreiben/D\nschreiben/S\n"
 * ```
 */
export function repairHomonyms(aff: string, dic: string): string {
  const restricting = [
    /^ONLYINCOMPOUND\s+(\S+)/m.exec(aff)?.[1],
    /^NEEDAFFIX\s+(\S+)/m.exec(aff)?.[1],
  ].filter((f): f is string => f !== undefined);
  if (restricting.length === 0) return dic;
  const mode = /^FLAG\s+(\S+)/m.exec(aff)?.[1] ?? "char";
  const lines = dic.split("\n");
  const entries = new Map<string, number[]>();
  for (let i = 1; i < lines.length; i++) {
    const word = wordOf(lines[i]);
    if (word === "") continue;
    const list = entries.get(word);
    if (list) list.push(i);
    else entries.set(word, [i]);
  }
  let changed = false;
  for (const indices of entries.values()) {
    if (indices.length < 2) continue;
    const flagLists = indices.map((i) => flagsOf(lines[i], mode));
    const free = flagLists.some((flags) => !flags.some((f) => restricting.includes(f)));
    if (!free) continue;
    indices.forEach((lineIndex, k) => {
      const flags = flagLists[k];
      if (!flags.some((f) => restricting.includes(f))) return;
      lines[lineIndex] = withFlags(
        lines[lineIndex],
        flags.filter((f) => !restricting.includes(f)),
        mode,
      );
      changed = true;
    });
  }
  return changed ? lines.join("\n") : dic;
}

/** The word of a `.dic` line (before the first `/` or whitespace). */
function wordOf(line: string): string {
  const end = line.search(/[/\t ]/);
  return (end === -1 ? line : line.slice(0, end)).trim();
}

function splitLine(line: string): { word: string; flags: string; rest: string } {
  const slash = line.indexOf("/");
  const space = line.search(/[\t ]/);
  if (slash === -1 || (space !== -1 && space < slash)) return { word: line, flags: "", rest: "" };
  const after = line.slice(slash + 1);
  const end = after.search(/[\t ]/);
  return {
    word: line.slice(0, slash),
    flags: end === -1 ? after : after.slice(0, end),
    rest: end === -1 ? "" : after.slice(end),
  };
}

function flagsOf(line: string, mode: string): string[] {
  const { flags } = splitLine(line);
  if (flags === "") return [];
  if (mode === "long") return flags.match(/../g) ?? [];
  if (mode === "num") return flags.split(",");
  return [...flags];
}

function withFlags(line: string, flags: string[], mode: string): string {
  const { word, rest } = splitLine(line);
  if (flags.length === 0) return word + rest;
  return `${word}/${flags.join(mode === "num" ? "," : "")}${rest}`;
}
