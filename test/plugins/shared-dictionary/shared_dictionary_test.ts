// Compression dictionary transport through a session: a response that declares itself a
// dictionary is stored, the next matching request announces it as Chromium does, a `dcz` answer is
// decoded with it; Electron's four shared-dictionary members describe and clear what is stored.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";
import { type DictionarySite, NEXT_VERSION, startDictionarySite } from "./_dictionary_site.ts";

needs("zstd");

let site: DictionarySite;
let folder: string;
before(async () => {
  site = await startDictionarySite();
  folder = mkdtempSync(`${tmpdir()}/websession-shared-dictionary-`);
});
after(async () => {
  await site.close();
  rmSync(folder, { recursive: true, force: true });
});

const nextVersion = new TextDecoder().decode(NEXT_VERSION);
let partitions = 0;
const fresh = () => session.fromPartition(`shared-dictionary-${++partitions}`);
const lastSeen = (path: string) => site.seen.get(path)!.at(-1)!;
const keyOf = () => ({ frameOrigin: site.url, topFrameSite: "http://localhost" });

describe("shared dictionaries (RFC 9842) in a session", () => {
  it("stores a dictionary, announces it on a matching request and decodes the dcz answer", async () => {
    const ses = fresh();
    await (await ses.fetch(`${site.url}/js/app.v1.js`)).arrayBuffer();
    const response = await ses.fetch(`${site.url}/js/app.v2.js`);
    assert.equal(await response.text(), nextVersion);
    const headers = lastSeen("/js/app.v2.js");
    assert.equal(headers["available-dictionary"], site.availableDictionary);
    assert.equal(headers["dictionary-id"], '"app \\"one\\""');
    assert.match(String(headers["accept-encoding"]), /^gzip.*, dcz$/);
    // A path the pattern does not match announces nothing.
    await (await ses.fetch(`${site.url}/css/app.css`)).arrayBuffer();
    assert.equal(lastSeen("/css/app.css")["available-dictionary"], undefined);
    // A request that announces its own dictionary keeps it (and gets the answer as sent).
    const own = await ses.fetch(`${site.url}/js/app.v4.js`, {
      headers: { "available-dictionary": ":b3du:" },
    });
    assert.equal(await own.text(), nextVersion);
    assert.equal(lastSeen("/js/app.v4.js")["available-dictionary"], ":b3du:");
    assert.equal(lastSeen("/js/app.v4.js")["dictionary-id"], undefined);
    // Nor does another session.
    await (await fresh().fetch(`${site.url}/js/app.v3.js`)).arrayBuffer();
    assert.equal(lastSeen("/js/app.v3.js")["available-dictionary"], undefined);
  });

  it("describes what it stores as Electron's SharedDictionaryInfo and SharedDictionaryUsageInfo", async () => {
    const ses = fresh();
    const before = Date.now();
    await (await ses.fetch(`${site.url}/js/app.v1.js`)).arrayBuffer();
    const [info, ...others] = await ses.getSharedDictionaryInfo(keyOf());
    assert.equal(others.length, 0);
    assert.equal(info.match, "/js/app.*.js");
    assert.deepEqual(info.matchDestinations, []);
    assert.equal(info.id, 'app "one"');
    assert.equal(info.dictionaryUrl, `${site.url}/js/app.v1.js`);
    assert.equal(info.size, 2240);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(2240)));
    assert.match(info.hash, /^sha256\/[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(info.hash, `sha256/${digest.toBase64()}`);
    assert.equal(`:${info.hash.slice("sha256/".length)}:`, site.availableDictionary);
    for (const time of [info.lastFetchTime, info.responseTime, info.lastUsedTime]) {
      assert.ok(time instanceof Date && time.getTime() >= before - 1000);
    }
    // max-age=3600, less the age the Date header gives (whole seconds)
    assert.ok(info.expirationDuration > 3_598_000 && info.expirationDuration <= 3_600_000);
    assert.deepEqual(await ses.getSharedDictionaryUsageInfo(), [{
      frameOrigin: site.url,
      topFrameSite: "http://localhost",
      totalSizeBytes: 2240,
    }]);
    // The isolation key is read from URLs: a path and the site's subdomain do not matter.
    assert.equal(
      (await ses.getSharedDictionaryInfo({
        frameOrigin: `${site.url}/some/page`,
        topFrameSite: "http://localhost:1/",
      })).length,
      1,
    );
    assert.deepEqual(
      await ses.getSharedDictionaryInfo({
        frameOrigin: "https://other.example",
        topFrameSite: "https://other.example",
      }),
      [],
    );
  });

  it("uses a request's initiator as the frame: dictionaries of one frame are not another's", async () => {
    const ses = fresh();
    const frame = { initiator: "https://app.example.com", topLevelSite: "https://example.com" };
    await (await ses.fetch(`${site.url}/js/app.v1.js`, frame)).arrayBuffer();
    assert.deepEqual(await ses.getSharedDictionaryUsageInfo(), [{
      frameOrigin: "https://app.example.com",
      topFrameSite: "https://example.com",
      totalSizeBytes: 2240,
    }]);
    const info = await ses.getSharedDictionaryInfo({
      frameOrigin: "https://app.example.com",
      topFrameSite: "https://www.example.com",
    });
    assert.equal(info.length, 1, "the top frame site is the registrable domain");
    await (await ses.fetch(`${site.url}/js/app.v2.js`)).arrayBuffer();
    assert.equal(lastSeen("/js/app.v2.js")["available-dictionary"], undefined);
    assert.equal(await (await ses.fetch(`${site.url}/js/app.v2.js`, frame)).text(), nextVersion);
    assert.equal(lastSeen("/js/app.v2.js")["available-dictionary"], site.availableDictionary);
  });

  it("keeps match-dest: a script dictionary serves script requests only", async () => {
    const ses = fresh();
    await (await ses.fetch(`${site.url}/scripts/dictionary.js`)).arrayBuffer();
    const [info] = await ses.getSharedDictionaryInfo(keyOf());
    assert.deepEqual(info.matchDestinations, ["script"]);
    await (await ses.fetch(`${site.url}/scripts/a.js`)).arrayBuffer();
    assert.equal(lastSeen("/scripts/a.js")["available-dictionary"], undefined);
    await (await ses.fetch(`${site.url}/scripts/a.js`, { resourceType: "script" })).arrayBuffer();
    assert.match(String(lastSeen("/scripts/a.js")["available-dictionary"]), /^:.{44}:$/);
  });

  it("stores no response Chromium would not: no-store, an unknown type", async () => {
    const ses = fresh();
    await (await ses.fetch(`${site.url}/stale/dictionary`)).arrayBuffer();
    await (await ses.fetch(`${site.url}/other/dictionary`)).arrayBuffer();
    assert.deepEqual(await ses.getSharedDictionaryUsageInfo(), []);
  });

  it("fails a dcz body made with another dictionary with net::ERR_UNEXPECTED_CONTENT_DICTIONARY_HEADER", async () => {
    const ses = fresh();
    await (await ses.fetch(`${site.url}/js/app.v1.js`)).arrayBuffer();
    const response = await ses.fetch(`${site.url}/js/app.corrupt.js`);
    await assert.rejects(response.text(), (error: Error & { code?: string }) => {
      assert.equal(error.code, "net::ERR_UNEXPECTED_CONTENT_DICTIONARY_HEADER");
      return true;
    });
  });

  it("clears one isolation key or all, and rejects options as Electron does", async () => {
    const ses = fresh();
    const frame = { initiator: "https://app.example.com", topLevelSite: "https://example.com" };
    await (await ses.fetch(`${site.url}/js/app.v1.js`)).arrayBuffer();
    await (await ses.fetch(`${site.url}/js/app.v1.js`, frame)).arrayBuffer();
    assert.equal((await ses.getSharedDictionaryUsageInfo()).length, 2);
    await ses.clearSharedDictionaryCacheForIsolationKey(keyOf());
    assert.deepEqual((await ses.getSharedDictionaryUsageInfo()).map((u) => u.frameOrigin), [
      "https://app.example.com",
    ]);
    await ses.clearSharedDictionaryCache();
    assert.deepEqual(await ses.getSharedDictionaryUsageInfo(), []);
    await (await ses.fetch(`${site.url}/js/app.v2.js`)).arrayBuffer();
    assert.equal(lastSeen("/js/app.v2.js")["available-dictionary"], undefined);

    await assert.rejects(
      ses.getSharedDictionaryInfo({ frameOrigin: site.url } as never),
      { message: "Must provide frameOrigin and topFrameSite strings" },
    );
    await assert.rejects(
      ses.clearSharedDictionaryCacheForIsolationKey(undefined as never),
      {
        message:
          "Must provide frameOrigin and topFrameSite strings to `clearSharedDictionaryCacheForIsolationKey`",
      },
    );
    await assert.rejects(
      ses.getSharedDictionaryInfo({ frameOrigin: "not a url", topFrameSite: site.url }),
      { message: "Invalid URLs provided for frameOrigin or topFrameSite" },
    );
  });

  it("clearData({ dataTypes: ['cache'] }) clears dictionaries too (Electron's note)", async () => {
    const ses = fresh();
    await (await ses.fetch(`${site.url}/js/app.v1.js`)).arrayBuffer();
    await ses.clearData({ dataTypes: ["cookies"] });
    assert.equal((await ses.getSharedDictionaryUsageInfo()).length, 1);
    await ses.clearData({ dataTypes: ["cache"] });
    assert.deepEqual(await ses.getSharedDictionaryUsageInfo(), []);
  });

  it("keeps the dictionaries of a persistent session across a restart", async () => {
    const first = session.fromPath(`${folder}/profile`);
    await (await first.fetch(`${site.url}/js/app.v1.js`)).arrayBuffer();
    await first.flushStorageData();
    await first.close();
    const second = session.fromPath(`${folder}/profile`);
    assert.notEqual(second, first);
    assert.equal((await second.getSharedDictionaryUsageInfo())[0]?.totalSizeBytes, 2240);
    assert.equal(await (await second.fetch(`${site.url}/js/app.v2.js`)).text(), nextVersion);
    assert.equal(lastSeen("/js/app.v2.js")["available-dictionary"], site.availableDictionary);
    await second.close();
  });
});
