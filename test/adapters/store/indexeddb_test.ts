import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import type { Store, StoreOperation, StoreValue } from "../../../kernel/store.ts";
import { storeContract } from "./_store_case.ts";
import { buildBundle, readBundleFile } from "../../../scripts/bundle.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { needs, requireCommand } from "../../_system.ts";

// The page keeps the stores it opened by number; the test drives them through page.evaluate.
const html = `<!doctype html><meta charset="utf-8"><title>websession IndexedDB</title>
<script type="module">
  import * as websession from "/websession.js";
  window.websession = websession;
  window.stores = [];
  window.call = async (id, method, args) => {
    try {
      return { value: await window.stores[id][method](...args) };
    } catch (error) {
      return { error: { name: error.name, message: error.message } };
    }
  };
  window.loaded = true;
</script>`;

// The same page, where IndexedDB is refused before the bundle loads.
const refusedHtml = html.replace(
  '<script type="module">',
  `<script>Object.defineProperty(window, "indexedDB", { value: undefined });</script>
<script type="module">`,
);

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let contract: Page;
let n = 0;

async function openPage(path = "/"): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => (window as unknown as { loaded?: boolean }).loaded === true);
  return page;
}

/** A Store whose calls run on an IndexedDbStore in the page (errors keep their TypeError-ness). */
async function remoteStore(page: Page, partition: string): Promise<Store> {
  const id = await page.evaluate(async (partition) => {
    const w = window as unknown as {
      websession: { IndexedDbStore: new (p: string) => { ready: Promise<void> } };
      stores: unknown[];
    };
    const store = new w.websession.IndexedDbStore(partition);
    await store.ready;
    return w.stores.push(store) - 1;
  }, partition);
  const call = async (method: string, ...args: unknown[]) => {
    const result = await page.evaluate(
      ([id, method, args]) =>
        (window as unknown as {
          call(id: number, method: string, args: unknown[]): Promise<unknown>;
        }).call(id as number, method as string, args as unknown[]),
      [id, method, args] as const,
    ) as { value?: unknown; error?: { name: string; message: string } };
    if (result.error) {
      throw result.error.name === "TypeError"
        ? new TypeError(result.error.message)
        : new Error(result.error.message);
    }
    return result.value;
  };
  return {
    get: (key) => call("get", key) as Promise<StoreValue | undefined>,
    set: (key, value) => call("set", key, value) as Promise<void>,
    delete: (key) => call("delete", key) as Promise<void>,
    list: (prefix) => call("list", prefix) as Promise<Array<[string, StoreValue]>>,
    batch: (operations: StoreOperation[]) => call("batch", operations) as Promise<void>,
    flush: () => call("flush") as Promise<void>,
    close: () => call("close") as Promise<void>,
  };
}

describe("IndexedDbStore in headless Chromium", () => {
  needs("chromium");
  before(async () => {
    await buildBundle();
    server = await serve((request) => {
      const { pathname } = new URL(request.url);
      if (pathname === "/" || pathname === "/refused") {
        return new Response(pathname === "/" ? html : refusedHtml, {
          headers: { "content-type": "text/html" },
        });
      }
      const bundled = readBundleFile(pathname);
      if (bundled) {
        return new Response(bundled, { headers: { "content-type": "text/javascript" } });
      }
      return new Response("hello");
    });
    browser = await chromium.launch({
      executablePath: requireCommand("chromium"),
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    context = await browser.newContext();
    contract = await openPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  storeContract("indexeddb (Chromium)", () => remoteStore(contract, `persist:contract-${++n}`));

  it("keeps what was written across a reload, read back by a new store", async () => {
    const page = await openPage();
    const store = await remoteStore(page, "persist:kept");
    await store.batch([{ op: "set", key: "a", value: { deep: [1] } }, {
      op: "set",
      key: "b",
      value: 2,
    }]);
    await store.delete("b");
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { loaded?: boolean }).loaded === true);
    const again = await remoteStore(page, "persist:kept");
    assert.deepEqual(await again.list(""), [["a", { deep: [1] }]]);
    await page.close();
  });

  it("a persist: partition's cookies and dynamic rules survive a reload; isPersistent() is true", async () => {
    const page = await openPage();
    const first = await page.evaluate(async () => {
      const { session } =
        (window as unknown as { websession: typeof import("../../../web/mod.ts") })
          .websession;
      const ses = session.fromPartition("persist:reload");
      await ses.ready;
      await ses.cookies.set({
        url: "https://example.org/",
        name: "kept",
        value: "1",
        expirationDate: Date.now() / 1000 + 3600,
      });
      await ses.declarativeNetRequest.updateDynamicRules({
        addRules: [{
          id: 3,
          action: { type: "block" },
          condition: { urlFilter: "/blocked", resourceTypes: ["other"] },
        }],
      });
      await ses.flushStorageData();
      return {
        persistent: ses.isPersistent(),
        memory: session.fromPartition("mem").isPersistent(),
      };
    });
    assert.deepEqual(first, { persistent: true, memory: false });
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { loaded?: boolean }).loaded === true);
    const after = await page.evaluate(async () => {
      const { session } =
        (window as unknown as { websession: typeof import("../../../web/mod.ts") })
          .websession;
      const ses = session.fromPartition("persist:reload");
      await ses.ready;
      const cookies = (await ses.cookies.get({})).map((c) => `${c.name}=${c.value}`).sort();
      const rules = (await ses.declarativeNetRequest.getDynamicRules()).map((r) => r.id);
      const blocked = await ses.fetch(`${location.origin}/blocked`).then(
        () => "fetched",
        (error: Error) => error.message,
      );
      return { cookies, rules, blocked };
    });
    assert.deepEqual(after.cookies, ["kept=1"]);
    assert.deepEqual(after.rules, [3]);
    assert.match(after.blocked, /ERR_BLOCKED_BY_CLIENT/);
    await page.close();
  });

  it("two tabs share a partition: a cookie set in one fires changed in the other", async () => {
    const [one, two] = [await openPage(), await openPage()];
    const open = (page: Page) =>
      page.evaluate(async () => {
        const w = window as unknown as {
          websession: typeof import("../../../web/mod.ts");
          seen: string[];
        };
        const ses = w.websession.session.fromPartition("persist:tabs");
        await ses.ready;
        w.seen = [];
        ses.cookies.on("changed", (_event, cookie, cause, removed) => {
          w.seen.push(`${cookie.name}=${cookie.value} ${cause} ${removed}`);
        });
      });
    await open(one);
    await open(two);
    await one.evaluate(async () => {
      const ses = (window as unknown as { websession: typeof import("../../../web/mod.ts") })
        .websession.session.fromPartition("persist:tabs");
      await ses.cookies.set({
        url: "https://example.org/",
        name: "shared",
        value: "tab1",
        expirationDate: Date.now() / 1000 + 3600,
      });
      await ses.cookies.flushStore();
    });
    await two.waitForFunction(() =>
      (window as unknown as { seen: string[] }).seen.includes("shared=tab1 inserted false")
    );
    const inTwo = await two.evaluate(async () => {
      const ses = (window as unknown as { websession: typeof import("../../../web/mod.ts") })
        .websession.session.fromPartition("persist:tabs");
      return (await ses.cookies.get({ name: "shared" })).map((c) => c.value);
    });
    assert.deepEqual(inTwo, ["tab1"]);
    await one.close();
    await two.close();
  });

  it("says isPersistent() false where IndexedDB is refused, and still works in memory", async () => {
    const page = await openPage("/refused");
    const result = await page.evaluate(async () => {
      const { session } =
        (window as unknown as { websession: typeof import("../../../web/mod.ts") })
          .websession;
      const ses = session.fromPartition("persist:refused");
      await ses.ready;
      await ses.cookies.set({ url: "https://example.org/", name: "a", value: "1" });
      return {
        persistent: ses.isPersistent(),
        cookies: (await ses.cookies.get({})).map((c) => c.name),
      };
    });
    assert.deepEqual(result, { persistent: false, cookies: ["a"] });
    await page.close();
  });
});
