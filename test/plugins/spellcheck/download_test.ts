/**
 * Dictionaries of languages without a bundled one, downloaded from a local server through the
 * session's pipeline: the events in order, the cache in the partition's store, webRequest seeing
 * (and able to cancel) the downloads, and failures (404, corrupt files, a .bdic file, a server
 * slower than the time limit) that leave the other dictionaries working.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import type { Session } from "../../../mod.ts";
import { createSpellcheckPlugin } from "../../../entries/spellcheck.ts";
import { serve, type TestServer } from "../../_serve.ts";

// A small Italian dictionary in Hunspell's format: plurals by suffix rules.
const AFF = "SET UTF-8\nTRY aeioucglnrst\n\nSFX S Y 2\nSFX S o i o\nSFX S a e a\n";
const DIC = "5\ngatto/S\ncasa/S\nciao\nbello/S\ne\n";

let server: TestServer;
const hits = new Map<string, number>();
before(async () => {
  server = await serve(async (request) => {
    const { pathname } = new URL(request.url);
    hits.set(pathname, (hits.get(pathname) ?? 0) + 1);
    const [, kind, file] = pathname.split("/");
    if (kind === "slow") await new Promise((r) => setTimeout(r, 600));
    if (kind === "slower") await new Promise((r) => setTimeout(r, 3000));
    if (kind === "missing") return new Response("not found", { status: 404 });
    if (kind === "corrupt") {
      return new Response("<html><body>Dictionary moved</body></html>", {
        headers: { "content-type": "text/html" },
      });
    }
    if (kind === "bdic") return new Response(new Uint8Array([0x42, 0x44, 0x69, 0x63, 2, 0, 1]));
    if (file === "it-it.aff") return new Response(AFF);
    if (file === "it-it.dic") return new Response(DIC);
    return new Response("no such file", { status: 404 });
  });
});

let n = 0;
const open: Session[] = [];
function fresh(options: { persist?: boolean; name?: string; timeout?: number } = {}) {
  const name = options.name ??
    `${options.persist ? "persist:" : ""}spellcheck-download-${Date.now()}-${++n}`;
  const ses = options.timeout === undefined
    ? session.fromPartition(name)
    : session.fromPartition(name, {
      plugins: [createSpellcheckPlugin({ downloadTimeout: options.timeout })],
    });
  open.push(ses);
  return ses;
}
after(async () => {
  for (const ses of open) await session.closePartition(ses.partition);
  await server.close();
});

/** Records the spellcheck events of a session, and resolves `settled(language)` at its end. */
function watch(ses: Session) {
  const seen: string[] = [];
  const errors: Error[] = [];
  const waiters: Array<() => void> = [];
  for (const name of ["download-begin", "download-success", "download-failure", "initialized"]) {
    ses.on(`spellcheck-dictionary-${name}`, (_event, language: string, error?: Error) => {
      seen.push(`${name} ${language}`);
      if (error) errors.push(error);
      if (name === "initialized" || name === "download-failure") waiters.shift()?.();
    });
  }
  const settled = () => new Promise<void>((resolve) => waiters.push(resolve));
  return { seen, errors, settled };
}

describe("a dictionary download", () => {
  it("succeeds: begin, success, initialized, through webRequest, then the language checks", async () => {
    const ses = fresh();
    const { seen, settled } = watch(ses);
    const urls: string[] = [];
    ses.webRequest.onBeforeRequest((details, callback) => {
      urls.push(details.url);
      callback!({});
    });
    ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/ok/`);
    const done = settled();
    ses.setSpellCheckerLanguages(["it"]);
    await done;
    assert.deepEqual(seen, ["download-begin it", "download-success it", "initialized it"]);
    assert.deepEqual(urls.sort(), [`${server.url}/ok/it-it.aff`, `${server.url}/ok/it-it.dic`]);
    const found = await ses.spellChecker.check("Ciao, gatti belli e gatoo nella casa.");
    assert.deepEqual(found.map((m) => m.word), ["gatoo", "nella"]);
    assert.deepEqual(await ses.spellChecker.suggest("gatoo", { limit: 1 }), ["gatto"]);
  });

  it("is cached in the partition: after a restart of the session, nothing is downloaded", async () => {
    const name = `persist:spellcheck-cache-${Date.now()}`;
    const first = fresh({ name });
    const one = watch(first);
    first.setSpellCheckerDictionaryDownloadURL(`${server.url}/ok/`);
    assert.deepEqual(
      (await first.spellChecker.check("gatto gattto", { languages: ["it"] })).map((m) => m.word),
      ["gattto"],
    );
    assert.deepEqual(one.seen, ["download-begin it", "download-success it", "initialized it"]);
    await first.flushStorageData();
    await session.closePartition(name);
    const before = hits.get("/ok/it-it.dic");

    const second = fresh({ name });
    const two = watch(second);
    second.setSpellCheckerDictionaryDownloadURL(`${server.url}/ok/`);
    assert.deepEqual(
      (await second.spellChecker.check("gatto gattto", { languages: ["it"] })).map((m) => m.word),
      ["gattto"],
    );
    assert.deepEqual(two.seen, ["initialized it"]);
    assert.equal(hits.get("/ok/it-it.dic"), before);
  });

  it("a 404 emits the failure event and the other languages keep working", async () => {
    const ses = fresh();
    const { seen, errors, settled } = watch(ses);
    ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/missing/`);
    const done = Promise.all([settled(), settled()]);
    ses.setSpellCheckerLanguages(["en-US", "it"]);
    await done;
    assert.deepEqual(seen.filter((s) => s.endsWith(" it")), [
      "download-begin it",
      "download-failure it",
    ]);
    assert.ok(seen.includes("initialized en-US"));
    assert.match(errors[0].message, /missing\/it-it\.(aff|dic) failed: HTTP 404/);
    // en-US still checks; Italian alone has no dictionary.
    assert.deepEqual((await ses.spellChecker.check("gatoo wrold")).map((m) => m.word), [
      "gatoo",
      "wrold",
    ]);
    await assert.rejects(
      ses.spellChecker.check("ciao", { languages: ["it"] }),
      /No dictionary could be loaded for it: .*HTTP 404/,
    );
  });

  it("a corrupt file or a .bdic file emits the failure event with the reason", async () => {
    for (
      const [kind, reason] of [
        ["corrupt", /not a Hunspell (affix file|word list)/],
        ["bdic", /Chromium \.bdic dictionary/],
      ] as const
    ) {
      const ses = fresh();
      const { seen, errors, settled } = watch(ses);
      ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/${kind}/`);
      const done = settled();
      ses.setSpellCheckerLanguages(["it"]);
      await done;
      assert.deepEqual(seen, ["download-begin it", "download-failure it"], kind);
      assert.match(errors[0].message, reason);
    }
  });

  it("a webRequest cancel fails the download (the session's rules apply)", async () => {
    const ses = fresh();
    const { seen, settled } = watch(ses);
    ses.webRequest.onBeforeRequest({ urls: ["*://*/*.dic"] }, (_details, callback) => {
      callback!({ cancel: true });
    });
    ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/ok/`);
    const done = settled();
    ses.setSpellCheckerLanguages(["it"]);
    await done;
    assert.deepEqual(seen, ["download-begin it", "download-failure it"]);
  });

  it("a failed language is tried again once the download URL is set again", async () => {
    const ses = fresh();
    const { seen } = watch(ses);
    ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/missing/`);
    await assert.rejects(ses.spellChecker.check("ciao", { languages: ["it"] }));
    ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/ok/`);
    assert.deepEqual(await ses.spellChecker.check("ciao", { languages: ["it"] }), []);
    assert.deepEqual(seen, [
      "download-begin it",
      "download-failure it",
      "download-begin it",
      "download-success it",
      "initialized it",
    ]);
  });

  it("without a download URL, a language with no bundled dictionary fails at once", async () => {
    const ses = fresh();
    const { seen, errors } = watch(ses);
    await assert.rejects(ses.spellChecker.check("ciao", { languages: ["it"] }));
    assert.deepEqual(seen, ["download-failure it"]);
    assert.match(errors[0].message, /no download URL is set/);
  });
});

describe("a slow server", () => {
  it("does not hold up the languages already loaded; its own checks wait for it", async () => {
    const ses = fresh();
    ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/slow/`);
    await ses.spellChecker.check("warm", { languages: ["en-US"] });
    const order: string[] = [];
    ses.on("spellcheck-dictionary-download-success", () => order.push("downloaded"));
    const italian = ses.spellChecker.check("ciao gatoo", { languages: ["it"] }).then((found) => {
      order.push("italian checked");
      return found;
    });
    const english = await ses.spellChecker.check("helo", { languages: ["en-US"] });
    order.push("english checked");
    assert.deepEqual(english.map((m) => m.word), ["helo"]);
    assert.deepEqual((await italian).map((m) => m.word), ["gatoo"]);
    assert.deepEqual(order, ["english checked", "downloaded", "italian checked"]);
  });

  it("slower than downloadTimeout: the failure event, and the rest keeps working", async () => {
    const ses = fresh({ timeout: 300 });
    const { seen, errors, settled } = watch(ses);
    ses.setSpellCheckerDictionaryDownloadURL(`${server.url}/slower/`);
    const done = Promise.all([settled(), settled()]);
    ses.setSpellCheckerLanguages(["en-US", "it"]);
    await done;
    assert.deepEqual(seen.filter((s) => s.endsWith(" it")), [
      "download-begin it",
      "download-failure it",
    ]);
    assert.match(errors[0].message, /did not download within 300 ms/);
    assert.deepEqual((await ses.spellChecker.check("helo")).map((m) => m.word), ["helo"]);
  });
});
