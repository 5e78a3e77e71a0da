/**
 * A separate process for the persistence test: `add ROOT WORD...` adds words to the custom
 * dictionary of persist:words, sets its languages to de and fr, turns the spellchecker off and
 * flushes; `remove ROOT WORD...` removes words and flushes; `read ROOT` prints what a new process
 * finds (words, languages, enabled, and the misspelled words of a German text).
 *
 * @module
 */
import process from "node:process";
import { configure, session } from "../../../mod.ts";
import { spellcheckPlugin } from "../../../entries/spellcheck.ts";

const [mode, root, ...words] = process.argv.slice(2);
configure({ storagePath: root });
const ses = session.fromPartition("persist:words", { preset: false, plugins: [spellcheckPlugin] });
await ses.ready;

if (mode === "add") {
  const added = words.map((w) => ses.addWordToSpellCheckerDictionary(w));
  ses.setSpellCheckerLanguages(["de", "fr"]);
  ses.setSpellCheckerEnabled(false);
  await ses.flushStorageData();
  console.log(JSON.stringify({ added }));
} else if (mode === "remove") {
  const removed = words.map((w) => ses.removeWordFromSpellCheckerDictionary(w));
  ses.setSpellCheckerEnabled(true);
  await ses.flushStorageData();
  console.log(JSON.stringify({ removed }));
} else {
  const enabled = ses.isSpellCheckerEnabled();
  ses.setSpellCheckerEnabled(true);
  console.log(JSON.stringify({
    words: await ses.listWordsInSpellCheckerDictionary(),
    languages: ses.getSpellCheckerLanguages(),
    enabled,
    misspelled: (await ses.spellChecker.check("Zorblax und Quuxwort sind Wörter")).map((m) =>
      m.word
    ),
  }));
}
await session.closePartition("persist:words");
