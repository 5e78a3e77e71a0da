/**
 * `ses.clearStorageData(options)` and `ses.clearData(options)` clear what they are asked, and
 * only that: cookies of one origin, named storages, storages plugins register.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { definePlugin, session, storageClearing } from "../../mod.ts";
import { serve, type TestServer } from "../_serve.ts";

let server: TestServer;
before(async () => {
  server = await serve(() =>
    new Response("cached", { headers: { "cache-control": "max-age=60" } })
  );
});
after(async () => {
  await server.close();
});

const cleared: string[] = [];
const notes = definePlugin({
  manifest: { name: "notes", version: "1.0.0" },
  setup(ctx) {
    ctx.onClearStorage((clearing) => {
      if (clearing.includes("notes")) cleared.push(clearing.origins?.join(",") ?? "all");
    }, "notes");
  },
});

async function withCookies() {
  const ses = session.fromPartition(`clearing-${Math.random()}`, { plugins: [notes] });
  const set = (url: string, name: string) => ses.cookies.set({ url, name, value: "1" });
  await set("https://a.example.com", "a");
  await set("https://sub.a.example.com", "sub");
  await set("https://b.example.com", "b");
  await set("https://other.test", "other");
  await ses.cookies.set({
    url: "https://x.example.com",
    name: "site",
    value: "1",
    domain: "example.com",
  });
  const names = async () => (await ses.cookies.get({})).map((c) => c.name).sort();
  return { ses, names };
}

describe("clearStorageData", () => {
  it("storages: ['localstorage'] leaves every cookie in place", async () => {
    const { ses, names } = await withCookies();
    const before = await names();
    await ses.clearStorageData({ storages: ["localstorage"], origin: "https://a.example.com" });
    assert.deepEqual(await names(), before);
  });

  it("origin clears the cookies that origin's host is sent, and only those", async () => {
    const { ses, names } = await withCookies();
    await ses.clearStorageData({ storages: ["cookies"], origin: "https://a.example.com" });
    assert.deepEqual(await names(), ["b", "other", "sub"]);
  });

  it("without options clears everything, registered storages included", async () => {
    const { ses, names } = await withCookies();
    cleared.length = 0;
    await (await ses.fetch(server.url)).text();
    assert.ok(await ses.getCacheSize() > 0);
    await ses.clearStorageData();
    assert.deepEqual(await names(), []);
    assert.equal(await ses.getCacheSize(), 0);
    assert.deepEqual(cleared, ["all"]);
  });

  it("a plugin's registered storage name is accepted and reached", async () => {
    const { ses, names } = await withCookies();
    cleared.length = 0;
    await ses.clearStorageData({ storages: ["notes"], origin: "https://a.example.com" });
    assert.deepEqual(cleared, ["https://a.example.com"]);
    assert.equal((await names()).length, 5);
  });

  it("ignores storage names it does not know and quotas, as Electron's converter", async () => {
    const { ses, names } = await withCookies();
    // Electron's GetStorageMask: lower-cased, unknown names (an old "appcache") ignored.
    await ses.clearStorageData({ storages: ["appcache", "nope"], quotas: ["big"] } as never);
    assert.equal((await names()).length, 5);
    await ses.clearStorageData({ storages: ["appcache", "Cookies"], origin: "https://other.test" });
    assert.equal((await names()).length, 4);
  });

  it("rejects bad options with a TypeError naming them", async () => {
    const { ses } = await withCookies();
    await assert.rejects(ses.clearStorageData({ origin: "not a url" }), /origin "not a url"/);
    await assert.rejects(
      ses.clearStorageData({ storages: "cookies" as never }),
      /array of strings/,
    );
  });
});

describe("clearData", () => {
  it("origins clear cookies by registrable domain", async () => {
    const { ses, names } = await withCookies();
    await ses.clearData({ dataTypes: ["cookies"], origins: ["https://sub.a.example.com"] });
    assert.deepEqual(await names(), ["other"]);
  });

  it("excludeOrigins keeps those sites' cookies", async () => {
    const { ses, names } = await withCookies();
    await ses.clearData({ dataTypes: ["cookies"], excludeOrigins: ["https://other.test"] });
    assert.deepEqual(await names(), ["other"]);
  });

  it("dataTypes: ['cache'] empties the cache and keeps cookies", async () => {
    const { ses, names } = await withCookies();
    await (await ses.fetch(server.url)).text();
    assert.ok(await ses.getCacheSize() > 0);
    await ses.clearData({ dataTypes: ["cache"] });
    assert.equal(await ses.getCacheSize(), 0);
    assert.equal((await names()).length, 5);
  });

  it("rejects origins with excludeOrigins and bad matching modes; ignores unknown data types", async () => {
    const { ses, names } = await withCookies();
    await assert.rejects(
      ses.clearData({ origins: ["https://a.test"], excludeOrigins: ["https://b.test"] }),
      { name: "TypeError", message: /Cannot provide both 'origins' and 'excludeOrigins'/ },
    );
    // Electron's GetDataTypeMask ignores a type it does not know.
    await ses.clearData({ dataTypes: ["everything"] } as never);
    assert.equal((await names()).length, 5);
    await assert.rejects(
      ses.clearData({ originMatchingMode: "loose" as never }),
      /originMatchingMode/,
    );
  });

  it("StorageClearing reads the options once for every plugin", () => {
    const clearing = storageClearing.fromDataOptions({ excludeOrigins: ["https://a.test:8443"] });
    assert.equal(clearing.includes("cookies"), true);
    assert.equal(clearing.matchesOrigin("https://a.test:8443"), false);
    assert.equal(clearing.matchesOrigin("https://b.test"), true);
    assert.equal(clearing.everything, false);
  });
});
