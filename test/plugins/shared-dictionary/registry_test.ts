// Chromium's rules for reading Use-As-Dictionary and for choosing among stored dictionaries.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseUseAsDictionary } from "../../../plugins/shared-dictionary/use_as_dictionary.ts";
import {
  dictionaryPattern,
  DictionaryRegistry,
  type StoredDictionary,
} from "../../../plugins/shared-dictionary/dictionary_registry.ts";
import { MemoryStore } from "../../../adapters/store/memory.ts";

describe("parseUseAsDictionary", () => {
  it("reads match, match-dest, id and type as Chromium does", () => {
    assert.deepEqual(
      parseUseAsDictionary('match="/js/*", match-dest=("script" "style"), id="v1"'),
      {
        match: "/js/*",
        matchDest: ["script", "style"],
        id: "v1",
      },
    );
    assert.deepEqual(parseUseAsDictionary('match="/a", type=raw, extra=?1'), {
      match: "/a",
      matchDest: [],
      id: "",
    });
    // unknown destinations are dropped; "" is the empty destination
    assert.deepEqual(parseUseAsDictionary('match="/a", match-dest=("" "nope")')?.matchDest, [""]);
    assert.deepEqual(parseUseAsDictionary('match="/a", match-dest=()')?.matchDest, []);
  });

  it("refuses what Chromium refuses", () => {
    for (
      const value of [
        'id="x"', // no match
        "match=1", // not a string
        'match=("/a")', // a list
        'match="/a", match-dest="script"', // not a list
        'match="/a", match-dest=("nope")', // only unknown destinations
        'match="/a", match-dest=(script)', // a token in the list
        'match="/a", type=other', // only raw is stored
        'match="/a", type="raw"', // type is a token
        `match="/a", id="${"x".repeat(1025)}"`, // id longer than 1024
        'match="/a", match=', // not a structured dictionary
      ]
    ) assert.equal(parseUseAsDictionary(value), null, value);
    assert.notEqual(parseUseAsDictionary(`match="/a", id="${"x".repeat(1024)}"`), null);
  });
});

describe("dictionaryPattern", () => {
  it("is a URL pattern relative to the dictionary's URL, without regular-expression groups", () => {
    const pattern = dictionaryPattern("/js/app.*.js", "https://example.org/js/app.v1.js")!;
    assert.equal(pattern.test("https://example.org/js/app.v2.js"), true);
    assert.equal(pattern.test("https://example.org/js/app.v2.js?x=1"), true);
    assert.equal(pattern.test("https://example.org/css/app.v2.js"), false);
    assert.equal(pattern.test("https://other.example/js/app.v2.js"), false);
    assert.equal(dictionaryPattern("/(\\d+).js", "https://example.org/"), null);
  });
});

describe("DictionaryRegistry.find", () => {
  const key = { frameOrigin: "https://example.org", topFrameSite: "https://example.org" };
  const make = (match: string, lastFetchTime: number, matchDest: string[] = []) => {
    const dictionaryUrl = `https://example.org${match.replace("*", "dict")}`;
    const d: StoredDictionary = {
      ...key,
      match,
      matchDest,
      id: `${match} at ${lastFetchTime}`,
      dictionaryUrl,
      lastFetchTime,
      responseTime: Date.now(),
      expiration: 60_000,
      lastUsedTime: lastFetchTime,
      hash: new Uint8Array(32),
      bytes: new Uint8Array(4),
    };
    return [d, dictionaryPattern(match, dictionaryUrl)!] as const;
  };

  it("prefers the longest match, then the latest fetched, and honours match-dest", async () => {
    const registry = new DictionaryRegistry(new MemoryStore());
    await registry.add(...make("/js/*", 1));
    await registry.add(...make("/js/app/*", 2));
    await registry.add(...make("/js/app*", 3));
    await registry.add(...make("/js/app/*.js", 4, ["script"]));
    const found = async (url: string, destination = "") =>
      (await registry.find(key, url, destination))?.id ?? null;
    assert.equal(await found("https://example.org/js/x.js"), "/js/* at 1");
    // "/js/app/*" and "/js/app*" are as long: the later one wins
    await registry.add(...make("/js/app/*", 5));
    assert.equal(await found("https://example.org/js/app/x.css"), "/js/app/* at 5");
    assert.equal(await found("https://example.org/js/app/x.js"), "/js/app/* at 5");
    assert.equal(await found("https://example.org/js/app/x.js", "script"), "/js/app/*.js at 4");
    assert.equal(await found("https://other.example/js/x.js"), null);
    assert.equal(
      await registry.find(
        { ...key, topFrameSite: "https://other.example" },
        "https://example.org/js/x.js",
        "",
      ),
      null,
    );
  });

  it("drops an expired dictionary when a request meets it", async () => {
    const registry = new DictionaryRegistry(new MemoryStore());
    const [d, pattern] = make("/js/*", 1);
    await registry.add({ ...d, responseTime: Date.now() - 61_000 }, pattern);
    assert.equal(registry.size, 1);
    assert.equal(await registry.find(key, "https://example.org/js/x.js", ""), null);
    assert.equal(registry.size, 0);
  });
});
