// A session backed by a real (headless, Debian) Chromium: page traffic walks the session's
// webRequest listeners, cookies are Chromium's jar, partitions are isolated browser contexts,
// preloads run before the page's scripts (main frame and an out-of-process iframe), network
// emulation reaches the page.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { browserSession, type CdpBrowser, connect, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";
import { type BrowserSite, startBrowserSite } from "./_browser_site.ts";

needs("chromium");

let browser: CdpBrowser;
let site: BrowserSite;
let dir = "";
let n = 0;
const partitions: string[] = [];

/** Waits until `check` answers true (document.cookie reaches Chromium's jar asynchronously). */
async function eventually(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`${what} did not happen within 2 s`);
}

async function fresh() {
  const partition = `chromium-session-${++n}-${Math.random().toString(36).slice(2)}`;
  partitions.push(partition);
  return await browserSession(browser, partition);
}

describe("browserSession over a Chromium browser context", () => {
  before(async () => {
    site = await startBrowserSite();
    browser = await launch({ pipe: true, args: ["--remote-debugging-port=0"] });
    dir = await mkdtemp(join(tmpdir(), "websession-browser-session-"));
  });
  after(async () => {
    for (const partition of partitions) await session.closePartition(partition);
    await browser?.close();
    await site?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("asked again for an open partition, answers the same session (Electron's fromPartition)", async () => {
    const partition = `chromium-again-${Math.random().toString(36).slice(2)}`;
    const first = await browserSession(browser, partition);
    assert.equal(await browserSession(browser, partition), first);
    assert.equal(await browserSession(browser.connection, partition), first, "its connection too");
    await assert.rejects(browserSession(browser, partition, { plugins: [] }), {
      name: "TypeError",
      message:
        `browserSession: partition "${partition}" is open; options can only be given when it is created`,
    });
    await session.closePartition(partition);
    const next = await browserSession(browser, partition);
    assert.notEqual(next, first, "a closed partition's session is made anew");
    await next.close();
  });

  it("a webRequest listener blocks a subresource, rewrites a header and redirects another", async () => {
    const ses = await fresh();
    const completed: string[] = [];
    ses.webRequest.onBeforeRequest({ urls: [`${site.url}/*`] }, (details, callback) => {
      const path = new URL(details.url).pathname;
      if (path === "/blocked.png") return callback({ cancel: true });
      if (path === "/old.css") return callback({ redirectURL: `${site.url}/new.css` });
      callback({});
    });
    ses.webRequest.onBeforeSendHeaders({ urls: [`${site.url}/echo`] }, (details, callback) => {
      callback({ requestHeaders: { ...details.requestHeaders, "X-Added": "by-websession" } });
    });
    ses.webRequest.onCompleted({ urls: [`${site.url}/*`] }, (details) => {
      completed.push(`${details.resourceType} ${new URL(details.url).pathname}`);
    });
    const page = await ses.pages.open(`${site.url}/`);
    const echo = await page.evaluate<Record<string, string>>("window.echo");
    assert.equal(echo["x-added"], "by-websession");
    assert.equal(await page.evaluate("window.scriptRan"), true);
    assert.equal(
      await page.evaluate("getComputedStyle(document.body).color"),
      "rgb(1, 2, 3)",
      "the stylesheet came from the redirect target",
    );
    assert.equal(await page.evaluate("document.getElementById('blocked').naturalWidth"), 0);
    assert.ok(!site.paths.includes("/blocked.png"), site.paths.join(" "));
    assert.ok(!site.paths.includes("/old.css"), site.paths.join(" "));
    assert.ok(site.paths.includes("/new.css"));
    assert.ok(completed.includes("mainFrame /"), completed.join(", "));
    assert.ok(completed.includes("script /script.js"), completed.join(", "));
    await page.close();
  });

  it("with only a beforeRequest listener a redirect stays one request; a completed listener added later sees the next requests end", async () => {
    const ses = await fresh();
    const ids: Record<string, number> = {};
    ses.webRequest.onBeforeRequest({ urls: [`${site.url}/*`] }, (details, callback) => {
      const path = new URL(details.url).pathname;
      ids[path] = details.id;
      if (path === "/old.css") return callback({ redirectURL: `${site.url}/new.css` });
      callback({});
    });
    const page = await ses.pages.open(`${site.url}/`);
    assert.equal(await page.evaluate("getComputedStyle(document.body).color"), "rgb(1, 2, 3)");
    assert.equal(typeof ids["/old.css"], "number");
    assert.equal(ids["/new.css"], ids["/old.css"], "the redirect's next hop is the same request");
    // the Network domain's events (the ends of requests) are enabled once someone listens
    const completed: string[] = [];
    ses.webRequest.onCompleted({ urls: [`${site.url}/*`] }, (details) => {
      const url = new URL(details.url);
      completed.push(`${url.pathname}${url.search} ${details.statusCode}`);
    });
    assert.equal(await page.evaluate("fetch('/echo?after').then((r) => r.status)"), 200);
    await eventually(async () => completed.includes("/echo?after 200"), "the completed event");
    await page.close();
  });

  it("over a WebSocket connection: a declarative rule blocks and onHeadersReceived rewrites a response", async () => {
    const connection = await connect(browser.wsEndpoint!);
    const partition = `chromium-session-ws-${Math.random().toString(36).slice(2)}`;
    partitions.push(partition);
    try {
      const ses = await browserSession(connection, partition);
      await ses.declarativeNetRequest.updateSessionRules({
        addRules: [{
          id: 7,
          priority: 1,
          action: { type: "block" },
          condition: { urlFilter: "/script.js", resourceTypes: ["script"] },
        }],
      });
      ses.webRequest.onHeadersReceived({ urls: [`${site.url}/echo`] }, (details, callback) => {
        callback({
          responseHeaders: { ...details.responseHeaders, "X-From-Session": ["yes"] },
        });
      });
      const page = await ses.pages.open(`${site.url}/`);
      assert.equal(await page.evaluate("window.scriptRan === true"), false);
      const header = await page.evaluate<string>(
        "fetch('/echo').then((r) => r.headers.get('x-from-session'))",
      );
      assert.equal(header, "yes");
    } finally {
      await session.closePartition(partition);
      connection.close();
    }
  });

  it("cookies set by the page are read through ses.cookies, and the other way round", async () => {
    const ses = await fresh();
    const changes: string[] = [];
    ses.cookies.on("changed", (_event, cookie, cause, removed) => {
      changes.push(`${cookie.name} ${cause} ${removed}`);
    });
    const page = await ses.pages.open(`${site.url}/`);
    await page.evaluate("document.cookie = 'page=2; path=/'");
    await eventually(
      async () => (await ses.cookies.get({ name: "page" })).length === 1,
      "the page's cookie in the jar",
    );
    const names = (await ses.cookies.get({ url: `${site.url}/` })).map((c) => c.name).sort();
    assert.deepEqual(names, ["page", "server"]);
    await ses.cookies.set({ url: `${site.url}/`, name: "api", value: "3" });
    const sent = await page.evaluate<{ cookie: string }>(
      "fetch('/cookies').then((r) => r.json())",
    );
    assert.match(sent.cookie, /api=3/);
    assert.match(sent.cookie, /server=1/);
    await ses.cookies.remove(`${site.url}/`, "api");
    assert.deepEqual(await ses.cookies.get({ name: "api" }), []);
    assert.ok(changes.includes("api inserted false"), changes.join(", "));
    assert.ok(changes.includes("api explicit true"), changes.join(", "));
  });

  it("a cookies changed listener added after the page opened hears of a cookie the page set, at the next response", async () => {
    const ses = await fresh();
    const page = await ses.pages.open(`${site.url}/`); // sets server=1 before anyone listens
    await eventually(
      async () => (await ses.cookies.get({ name: "server" })).length === 1,
      "the server's cookie in the jar",
    );
    const changes: string[] = [];
    ses.cookies.on("changed", (_event, cookie, cause, removed) => {
      changes.push(`${cookie.name} ${cause} ${removed}`);
    });
    // the listener turns the page's Network domain on and reads the jar it starts from without
    // waiting: a cookie the page writes meanwhile may be in that jar, and a request Chromium paused
    // before the domain was on has no end to tell; so the page writes a new value and asks again
    // until a change is told
    let value = 0;
    await eventually(async () => {
      await page.evaluate(`document.cookie = 'late=${++value}; path=/'`);
      await page.evaluate("fetch('/echo?after-cookie').then((r) => r.text())");
      return changes.includes("late inserted false");
    }, "a change told for the page's cookie");
    assert.ok(!changes.some((c) => c.startsWith("server ")), "nothing told for the jar before");
  });

  it("two partitions are two browser contexts: cookies do not cross", async () => {
    const a = await fresh();
    const b = await fresh();
    await a.cookies.set({ url: `${site.url}/`, name: "only", value: "a" });
    assert.equal((await a.cookies.get({ name: "only" })).length, 1);
    assert.equal((await b.cookies.get({ name: "only" })).length, 0);
    const page = await b.pages.open(`${site.url}/cookies`);
    const seen = await page.evaluate<string>("document.body.innerText");
    assert.doesNotMatch(seen, /only=a/);
  });

  it("a preload runs before the page's scripts, in the main frame and an out-of-process iframe", async () => {
    const ses = await fresh();
    const preload = join(dir, "preload.js");
    await writeFile(preload, "window.preloaded = location.pathname;");
    ses.setPreloads([preload]);
    assert.deepEqual(ses.getPreloads(), [preload]);
    const page = await ses.pages.open(`${site.url}/preload-order`);
    assert.equal(await page.evaluate("window.order"), "/preload-order");
    await page.goto(`${site.url}/framed`);
    const fromFrame = await page.evaluate<string>(
      "new Promise((resolve) => { const f = () => window.fromFrame ? resolve(window.fromFrame) : setTimeout(f, 20); f(); })",
    );
    assert.equal(fromFrame, "/frame");
    // the iframe is another site: Chromium runs it out of process, as its own target
    const { targetInfos } = await ses.browserContext.connection.send("Target.getTargets", {});
    assert.ok(
      targetInfos.some((t) => t.type === "iframe" && t.url === `${site.other}/frame`),
      JSON.stringify(targetInfos.map((t) => [t.type, t.url])),
    );
  });

  it("a preload registered on an open page runs in the page's next navigation, started at once", async () => {
    const ses = await fresh(); // no listener: nothing pauses the navigation
    const page = await ses.pages.open(`${site.url}/echo`);
    for (let i = 0; i < 3; i++) {
      const preload = join(dir, `late-${i}.js`);
      await writeFile(preload, `window.preloaded = "late-${i}";`);
      const id = ses.registerPreloadScript({ type: "frame", filePath: preload });
      await page.goto(`${site.url}/preload-order?${i}`);
      assert.equal(await page.evaluate("window.order"), `late-${i}`);
      ses.unregisterPreloadScript(id);
    }
  });

  it("network emulation offline fails the page's requests; disabling it restores them", async () => {
    const ses = await fresh();
    const page = await ses.pages.open(`${site.url}/echo`);
    // Electron's members are synchronous and Chromium applies the conditions in its network
    // service after the CDP call: a fetch right after may still meet the old ones (a loaded CI
    // saw it), so each outcome is awaited over a few tries.
    const fetchUntil = async (query: string, wanted: string) => {
      let outcome = "";
      for (let i = 0; i < 20 && outcome !== wanted; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        outcome = await page.evaluate<string>(
          `fetch('/echo?${query}${i}').then(() => 'loaded', (e) => e.name)`,
        );
      }
      return outcome;
    };
    ses.enableNetworkEmulation({ offline: true });
    assert.equal(await fetchUntil("offline", "TypeError"), "TypeError");
    ses.disableNetworkEmulation();
    assert.equal(await fetchUntil("online", "loaded"), "loaded");
  });

  it("a persist: partition runs its own Chromium on a profile under its storage path, kept across a restart", async () => {
    const partition = `persist:chromium-session-${Math.random().toString(36).slice(2)}`;
    const first = await browserSession(null, partition);
    const profile = `${first.getStoragePath()}/Chromium`;
    try {
      const page = await first.pages.open(`${site.url}/echo`);
      await page.evaluate(
        "document.cookie = 'kept=1; max-age=3600; path=/'; localStorage.setItem('k', 'v')",
      );
      await eventually(
        async () => (await first.cookies.get({ name: "kept" })).length === 1,
        "the page's cookie in the jar",
      );
      await session.closePartition(partition); // Browser.close: Chromium writes its profile
      const again = await browserSession(null, partition);
      partitions.push(partition);
      assert.equal(again.getStoragePath(), first.getStoragePath());
      assert.deepEqual((await again.cookies.get({ name: "kept" })).map((c) => c.value), ["1"]);
      const reopened = await again.pages.open(`${site.url}/echo`);
      assert.equal(await reopened.evaluate("localStorage.getItem('k')"), "v");
    } finally {
      await session.closePartition(partition);
      await rm(first.getStoragePath()!, { recursive: true, force: true });
    }
    assert.ok(profile.endsWith("/Chromium"));
  });

  it("a download from a page: will-download with a DownloadItem, saved where setSavePath says", async () => {
    const ses = await fresh();
    ses.setDownloadPath(join(dir, "unused"));
    const target = join(dir, "saved", "report.bin");
    const done = new Promise<{ state: string; item: { getReceivedBytes(): number } }>(
      (resolve) => {
        ses.on("will-download", (_event, item) => {
          assert.equal(item.getFilename(), "report.bin");
          assert.equal(item.getURL(), `${site.url}/file.bin`);
          item.setSavePath(target);
          item.once("done", (_e: unknown, state: string) => resolve({ state, item }));
        });
      },
    );
    const page = await ses.pages.open(`${site.url}/download`);
    await page.evaluate("document.getElementById('get').click()");
    const { state, item } = await done;
    assert.equal(state, "completed");
    assert.equal(item.getReceivedBytes(), 64 * 1024);
    const bytes = await readFile(target);
    assert.equal(bytes.length, 64 * 1024);
    assert.equal(bytes[100], 7);
  });

  it("will-download's preventDefault cancels the download", async () => {
    const ses = await fresh();
    const done = new Promise<string>((resolve) => {
      ses.on("will-download", (event, item) => {
        event.preventDefault();
        item.once("done", (_e: unknown, state: string) => resolve(state));
      });
    });
    const page = await ses.pages.open(`${site.url}/download`);
    await page.evaluate("document.getElementById('get').click()");
    assert.equal(await done, "cancelled");
  });

  it("clearStorageData removes the context's cookies and the page's storage", async () => {
    const ses = await fresh();
    const page = await ses.pages.open(`${site.url}/echo`);
    await page.evaluate("document.cookie = 'x=1; path=/'; localStorage.setItem('k', 'v')");
    await eventually(async () => (await ses.cookies.get({})).length === 1, "the page's cookie");
    await ses.clearStorageData();
    assert.deepEqual(await ses.cookies.get({}), []);
    assert.equal(await page.evaluate("localStorage.getItem('k')"), null);
  });

  it("serviceWorkers: a page's service worker is listed as running, with registration-completed", async () => {
    const ses = await fresh();
    const completed = new Promise<string>((resolve) => {
      ses.serviceWorkers.on("registration-completed", (_event, details) => resolve(details.scope));
    });
    const page = await ses.pages.open(`${site.url}/sw-page`);
    const scope = await page.evaluate<string>("window.registered");
    assert.equal(scope, `${site.url}/`);
    assert.equal(await completed, `${site.url}/`);
    let running = Object.values(ses.serviceWorkers.getAllRunning());
    for (let i = 0; i < 100 && running.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      running = Object.values(ses.serviceWorkers.getAllRunning());
    }
    assert.deepEqual(running.map((w) => [w.scriptUrl, w.scope]), [[
      `${site.url}/sw.js`,
      `${site.url}/`,
    ]]);
    const info = ses.serviceWorkers.getInfoFromVersionID(running[0].versionId);
    assert.equal(info.scriptUrl, `${site.url}/sw.js`);
    assert.throws(() => ses.serviceWorkers.getInfoFromVersionID(987654), /Could not find/);
  });

  it("permission handlers decide what the page's permission queries answer", async () => {
    const ses = await fresh();
    const asked: string[] = [];
    ses.setPermissionRequestHandler((_webContents, permission, callback, details) => {
      asked.push(`${permission} ${details.isMainFrame}`);
      callback(permission === "geolocation");
    });
    const page = await ses.pages.open(`${site.url}/echo`);
    const states = await page.evaluate<string[]>(
      "Promise.all(['geolocation', 'notifications'].map((name) => navigator.permissions.query({ name }).then((s) => s.state)))",
    );
    assert.deepEqual(states, ["granted", "denied"]);
    assert.ok(asked.includes("geolocation true"), asked.join(", "));
    ses.setPermissionRequestHandler(null);
    ses.setPermissionCheckHandler((_webContents, permission, origin) =>
      permission === "notifications" && origin === site.url
    );
    await page.goto(`${site.url}/echo?again`);
    assert.equal(await page.evaluate("Notification.permission"), "granted");
    assert.throws(() => ses.setPermissionCheckHandler(42 as never), TypeError);
  });

  it("options.proxy: the context's requests go through the given proxy (loopback too with <-loopback>)", async () => {
    const seen: string[] = [];
    const proxy: Server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<title>from the proxy</title>");
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const port = (proxy.address() as AddressInfo).port;
    try {
      const partition = `chromium-session-proxy-${Math.random().toString(36).slice(2)}`;
      partitions.push(partition);
      const ses = await browserSession(browser, partition, {
        proxy: { proxyRules: `http://127.0.0.1:${port}`, proxyBypassRules: "<-loopback>" },
      });
      const page = await ses.pages.open("http://shop.example/item");
      assert.equal(await page.evaluate("document.title"), "from the proxy");
      assert.ok(seen.includes("GET http://shop.example/item"), seen.join(", "));
      // another partition of the same browser is not proxied
      const direct = await fresh();
      const other = await direct.pages.open(`${site.url}/echo`);
      assert.match(await other.evaluate<string>("document.body.innerText"), /user-agent/);
      assert.equal(seen.filter((line) => line.includes("/echo")).length, 0);
    } finally {
      proxy.close();
    }
  });

  it("setUserAgent reaches the page's requests and navigator.userAgent", async () => {
    const ses = await fresh();
    ses.setUserAgent("websession-test/1.0", "de-DE");
    assert.equal(ses.getUserAgent(), "websession-test/1.0");
    const page = await ses.pages.open(`${site.url}/echo`);
    const headers = JSON.parse(await page.evaluate<string>("document.body.innerText"));
    assert.equal(headers["user-agent"], "websession-test/1.0");
    assert.match(headers["accept-language"], /^de-DE/);
    assert.equal(await page.evaluate("navigator.userAgent"), "websession-test/1.0");
  });
});
