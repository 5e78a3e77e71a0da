/**
 * The spellchecker against nspell used directly and Debian's `hunspell -l`, same data in the same
 * run: a generated English text of 100,000 words (a Zipf-distributed vocabulary of 8,000 words of
 * the en-US word list, about 2% of the words misspelled by one edit). Figures: words checked per
 * second by `ses.spellChecker.check()` (first pass, with a checker that has seen nothing, and
 * again) against nspell's `correct()` on the same words and `hunspell -l` (its time on the text
 * less its time on an empty text, i.e. without loading its dictionary); suggestions per second
 * and their median for the misspelled words against nspell's `suggest()`; loading en-US and the
 * heap it takes, in processes of their own (best of three), against nspell loading the same files.
 *
 * Run: `deno task bench spellcheck` (needs the Debian packages hunspell and hunspell-en-us)
 *
 * @module
 */
import nspell from "nspell";
import dictionaryEn from "dictionary-en";
import { session } from "../../mod.ts";
import { createSpellcheckPlugin } from "../../presets/default.ts";
import { npmDictionaries } from "../../adapters/spellcheck/npm_dictionaries.ts";
import { words } from "../../plugins/spellcheck/word_breaker.ts";
import { locateCommand } from "../_system_packages.ts";
import { finish, percentile, report } from "./_report.ts";

const WORDS = 100_000;
const VOCABULARY = 8_000;
const MISSPELLED_SHARE = 0.02;
const SUGGESTED = 300;

/** The en-US dictionary's files as text (what nspell reads). */
const EN = {
  aff: new TextDecoder().decode(dictionaryEn.aff),
  dic: new TextDecoder().decode(dictionaryEn.dic),
};

/** A small seeded generator, so that every run checks the same text. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function generateText(): { text: string; misspelled: string[] } {
  const next = random(42);
  const spell = nspell(EN);
  const dic = EN.dic.split("\n").slice(1);
  const candidates = dic.map((line) => line.split("/")[0])
    .filter((w) => /^[a-z]{3,10}$/.test(w) && spell.correct(w));
  const vocabulary: string[] = [];
  while (vocabulary.length < VOCABULARY) {
    vocabulary.push(candidates[Math.floor(next() * candidates.length)]);
  }
  // Zipf: the word of rank r is drawn with weight 1/r.
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= VOCABULARY; r++) cumulative.push(sum += 1 / r);
  const draw = () => {
    const x = next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo];
  };
  const misspell = (word: string): string => {
    for (;;) {
      const i = 1 + Math.floor(next() * (word.length - 1));
      const kind = Math.floor(next() * 3);
      const wrong = kind === 0
        ? word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1)
        : kind === 1
        ? word.slice(0, i) + word.slice(i + 1)
        : word.slice(0, i) + word[i - 1] + word.slice(i);
      if (wrong !== word && !spell.correct(wrong)) return wrong;
    }
  };
  const out: string[] = [];
  const misspelled: string[] = [];
  for (let i = 0; i < WORDS; i++) {
    let word = draw();
    if (next() < MISSPELLED_SHARE) {
      word = misspell(word);
      misspelled.push(word);
    }
    out.push(i % 12 === 0 ? word[0].toUpperCase() + word.slice(1) : word);
    // One sentence a line: hunspell reads its input line by line.
    out.push(i % 12 === 11 ? ".\n" : " ");
  }
  return { text: out.join(""), misspelled };
}

/** In a child process: load en-US (ours or nspell's) and print the time and the heap it took. */
async function loadMeasure(kind: string): Promise<void> {
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  await import("dictionary-en"); // the files are read before either is timed
  gc();
  const before = Deno.memoryUsage().heapUsed;
  const start = performance.now();
  let keep: unknown;
  if (kind === "ours") {
    const ses = session.fromPartition("bench-load", {
      preset: false,
      plugins: [createSpellcheckPlugin({ dictionaries: (r) => npmDictionaries(r) })],
    });
    await ses.spellChecker.check("warm", { languages: ["en-US"] });
    keep = ses;
  } else {
    const spell = nspell(EN);
    spell.correct("warm");
    keep = spell;
  }
  const ms = performance.now() - start;
  gc();
  await new Promise((r) => setTimeout(r, 10));
  gc();
  console.log(`ms=${ms} heap=${Deno.memoryUsage().heapUsed - before}`, typeof keep);
  Deno.exit(0);
}

async function loadChild(kind: string): Promise<{ ms: number; heap: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-check",
      "--v8-flags=--expose-gc",
      import.meta.filename!,
      "--load",
      kind,
    ],
    stdout: "piped",
    stderr: "inherit",
  });
  const out = new TextDecoder().decode((await child.output()).stdout);
  return {
    ms: Number(/ms=([\d.]+)/.exec(out)?.[1] ?? NaN),
    heap: Number(/heap=(\d+)/.exec(out)?.[1] ?? NaN),
  };
}

/** Runs `hunspell -d en_US -l` on `input`: its wall time in seconds and the words it printed. */
async function runHunspell(
  hunspell: string,
  input: string,
): Promise<{ seconds: number; out: string[] }> {
  const start = performance.now();
  const child = new Deno.Command(hunspell, {
    args: ["-d", "en_US", "-l"],
    stdin: "piped",
    stdout: "piped",
    env: { LC_ALL: "C.UTF-8" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { stdout } = await child.output();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, out: new TextDecoder().decode(stdout).split("\n").filter(Boolean) };
}

if (Deno.args[0] === "--load") {
  await loadMeasure(Deno.args[1]);
}

const hunspell = locateCommand("hunspell");
if (hunspell === null || locateCommand("hunspell-en-us") === null) {
  console.error("The spellcheck benchmark needs the Debian packages hunspell and hunspell-en-us");
  Deno.exit(1);
}

const { text, misspelled } = generateText();
const tokens = [...words(text)].map((w) => w.word);
console.log(`text: ${tokens.length} words, ${misspelled.length} misspelled`);

// nspell used directly: the same words, one correct() each.
const spell = nspell(EN);
let nspellSeconds = Infinity;
let nspellWrong = 0;
for (let round = 0; round < 3; round++) {
  const start = performance.now();
  nspellWrong = 0;
  for (const w of words(text)) if (!spell.correct(w.word)) nspellWrong++;
  nspellSeconds = Math.min(nspellSeconds, (performance.now() - start) / 1000);
}

// Ours: a checker that has seen nothing (a plugin of its own), then the same checker again.
const ses = session.fromPartition("bench-spellcheck", {
  preset: false,
  plugins: [createSpellcheckPlugin({ dictionaries: (r) => npmDictionaries(r) })],
});
ses.setSpellCheckerLanguages(["en-US"]);
await ses.spellChecker.check("warm");
let start = performance.now();
const found = await ses.spellChecker.check(text);
const firstSeconds = (performance.now() - start) / 1000;
let againSeconds = Infinity;
for (let round = 0; round < 3; round++) {
  start = performance.now();
  await ses.spellChecker.check(text);
  againSeconds = Math.min(againSeconds, (performance.now() - start) / 1000);
}
if (found.length !== nspellWrong) {
  throw new Error(`The checker found ${found.length} misspellings, nspell ${nspellWrong}`);
}

// hunspell -l: its time on the text less its time on an empty text (loading its dictionary).
let hunspellNet = Infinity;
let hunspellOut: string[] = [];
for (let round = 0; round < 3; round++) {
  const empty = await runHunspell(hunspell, "");
  const full = await runHunspell(hunspell, text);
  hunspellOut = full.out;
  hunspellNet = Math.min(hunspellNet, full.seconds - empty.seconds);
}
console.log(`hunspell -l printed ${hunspellOut.length} words, the checker ${found.length}`);

const ourRate = tokens.length / firstSeconds;
report({
  bench: "spellcheck",
  figure: "check, first pass (words/s)",
  value: ourRate,
  unit: "words/s",
  baseline: { name: "nspell correct()", value: tokens.length / nspellSeconds },
  goal: "ratio >= 1",
  met: ourRate >= tokens.length / nspellSeconds,
});
report({
  bench: "spellcheck",
  figure: "check, first pass, against hunspell -l (words/s)",
  value: ourRate,
  unit: "words/s",
  baseline: { name: "hunspell -l (without loading)", value: tokens.length / hunspellNet },
  goal: "ratio >= 0.5",
  met: ourRate / (tokens.length / hunspellNet) >= 0.5,
});
report({
  bench: "spellcheck",
  figure: "check, again (words/s)",
  value: tokens.length / againSeconds,
  unit: "words/s",
  baseline: { name: "nspell correct()", value: tokens.length / nspellSeconds },
});

// Suggestions for the misspelled words (the first SUGGESTED distinct ones).
const distinct = [...new Set(misspelled)].slice(0, SUGGESTED);
// Both warm up on other words first, so that neither pays for the compiler alone.
for (const word of [...new Set(misspelled)].slice(SUGGESTED, SUGGESTED + 50)) {
  await ses.spellChecker.suggest(word);
  spell.suggest(word);
}
const ourTimes: number[] = [];
start = performance.now();
for (const word of distinct) {
  const t = performance.now();
  await ses.spellChecker.suggest(word);
  ourTimes.push(performance.now() - t);
}
const ourSuggestSeconds = (performance.now() - start) / 1000;
const nspellTimes: number[] = [];
start = performance.now();
for (const word of distinct) {
  const t = performance.now();
  spell.suggest(word);
  nspellTimes.push(performance.now() - t);
}
const nspellSuggestSeconds = (performance.now() - start) / 1000;
report({
  bench: "spellcheck",
  figure: `suggestions for ${distinct.length} misspelled words (words/s)`,
  value: distinct.length / ourSuggestSeconds,
  unit: "words/s",
  baseline: { name: "nspell suggest()", value: distinct.length / nspellSuggestSeconds },
});
const median = percentile(ourTimes, 50);
report({
  bench: "spellcheck",
  figure: "suggestion median",
  value: median,
  unit: "ms",
  baseline: { name: "nspell suggest() median", value: percentile(nspellTimes, 50) },
  goal: "< 5 ms",
  met: median < 5,
});
await session.closePartition("bench-spellcheck");

// Three alternating rounds of each, the best of each kept (the machine may be busy).
const best = (a: { ms: number; heap: number }, b: { ms: number; heap: number }) => ({
  ms: Math.min(a.ms, b.ms),
  heap: Math.min(a.heap, b.heap),
});
let ours = { ms: Infinity, heap: Infinity };
let plain = { ms: Infinity, heap: Infinity };
for (let round = 0; round < 3; round++) {
  ours = best(ours, await loadChild("ours"));
  plain = best(plain, await loadChild("nspell"));
}
report({
  bench: "spellcheck",
  figure: "loading en-US",
  value: ours.ms,
  unit: "ms",
  baseline: { name: "nspell", value: plain.ms },
  goal: "< 300 ms",
  met: ours.ms < 300,
});
report({
  bench: "spellcheck",
  figure: "heap of en-US",
  value: ours.heap / 1048576,
  unit: "MiB",
  baseline: { name: "nspell", value: plain.heap / 1048576 },
  goal: "ratio < 2",
  met: ours.heap / plain.heap < 2,
});
finish();
