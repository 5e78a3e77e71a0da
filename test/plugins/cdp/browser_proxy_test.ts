// The proxy of a Chromium-backed session: its context points at the session's local relay, which
// routes each request by the session's own proxy config. Real upstream proxies on 127.0.0.1
// (tinyproxy, squid, danted): setProxy switches the pages of an open context between them, a PAC
// script (data: URL) picks by host, bypass rules send some hosts DIRECT, https goes through
// CONNECT tunnels that closeAllConnections closes, and resolveProxy answers as the context routes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { browserSession, type CdpBrowser, launch } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import { needs } from "../../_system.ts";
import {
  freePort,
  lanAddress,
  type Origin,
  type ProxyProcess,
  startDante,
  startOrigin,
  startSquid,
  startTinyproxy,
} from "../proxy/_servers.ts";

needs("chromium", "tinyproxy", "squid", "danted");

let browser: CdpBrowser;
let origin: Origin;
let other: Origin;
let secure: Origin;
let tiny: ProxyProcess;
let squid: ProxyProcess;
let dante: ProxyProcess;
const partitions: string[] = [];

async function fresh() {
  const partition = `chromium-proxy-${partitions.length}-${Math.random().toString(36).slice(2)}`;
  partitions.push(partition);
  return await browserSession(browser, partition);
}

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof fresh>>["pages"]["open"]>>;

/** Navigates `page` to the echo origin's `url` and returns the request the origin saw. */
async function visit(page: Page, url: string): Promise<{ path: string; via: string }> {
  await page.goto(url);
  const seen = JSON.parse(await page.evaluate<string>("document.body.innerText"));
  return { path: seen.path, via: seen.headers.via ?? "" };
}

/** What a fetch from the page's document reached the origin with. */
async function fetchFrom(page: Page, path: string): Promise<string> {
  return await page.evaluate<string>(
    `fetch(${JSON.stringify(path)}).then((r) => r.json()).then((j) => j.headers.via ?? "")`,
  );
}

describe("a Chromium-backed session's proxy", () => {
  before(async () => {
    [origin, other, secure, tiny, squid, dante] = await Promise.all([
      startOrigin(false, "0.0.0.0"),
      startOrigin(),
      startOrigin(true),
      startTinyproxy(),
      startSquid(),
      startDante(),
    ]);
    browser = await launch({ pipe: true, args: ["--ignore-certificate-errors"] });
  });
  after(async () => {
    for (const partition of partitions) await session.closePartition(partition);
    await browser?.close();
    await Promise.all([tiny, squid, dante].map((p) => p?.stop()));
    await Promise.all([origin, other, secure].map((o) => o?.close()));
  });

  it("setProxy switches the open pages of the context between two upstream proxies", async () => {
    const ses = await fresh();
    const url = `http://127.0.0.1:${origin.port}`;
    const page = await ses.pages.open();
    assert.equal((await visit(page, `${url}/start`)).via, "", "no proxy at first");

    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${tiny.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.equal(await ses.resolveProxy(`${url}/a`), `PROXY 127.0.0.1:${tiny.port}`);
    assert.match((await visit(page, `${url}/a`)).via, /tinyproxy/);
    assert.match(await fetchFrom(page, "/a-fetch"), /tinyproxy/);
    assert.match(tiny.log(), /\/a-fetch/);

    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${squid.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.equal(await ses.resolveProxy(`${url}/b`), `PROXY 127.0.0.1:${squid.port}`);
    // the page that is open already: its next request goes through the new proxy
    assert.match(await fetchFrom(page, "/b-fetch"), /squid/);
    assert.match((await visit(page, `${url}/b`)).via, /squid/);
    assert.doesNotMatch(tiny.log(), /\/b-fetch/);

    // another partition of the same browser keeps its own config
    const neighbour = await fresh();
    const beside = await neighbour.pages.open();
    assert.equal((await visit(beside, `${url}/neighbour`)).via, "");

    await ses.setProxy({ mode: "direct" });
    assert.equal(await ses.resolveProxy(`${url}/c`), "DIRECT");
    assert.equal((await visit(page, `${url}/c`)).via, "");
  });

  it("a session on its own Chromium (null as the browser) follows setProxy too", async () => {
    const partition = `chromium-proxy-own-${Math.random().toString(36).slice(2)}`;
    partitions.push(partition);
    const ses = await browserSession(null, partition, {
      proxy: { proxyRules: `http://127.0.0.1:${tiny.port}`, proxyBypassRules: "<-loopback>" },
    });
    const page = await ses.pages.open();
    const url = `http://127.0.0.1:${origin.port}`;
    assert.match((await visit(page, `${url}/own-a`)).via, /tinyproxy/);
    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${squid.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.match((await visit(page, `${url}/own-b`)).via, /squid/);
  });

  it("bypass rules send matching hosts DIRECT, as resolveProxy says", async () => {
    const ses = await fresh();
    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${tiny.port}`,
      proxyBypassRules: `<-loopback>;127.0.0.1:${other.port}`,
    });
    const proxied = `http://127.0.0.1:${origin.port}/proxied`;
    const bypassed = `http://127.0.0.1:${other.port}/bypassed`;
    assert.equal(await ses.resolveProxy(proxied), `PROXY 127.0.0.1:${tiny.port}`);
    assert.equal(await ses.resolveProxy(bypassed), "DIRECT");
    const page = await ses.pages.open();
    assert.match((await visit(page, proxied)).via, /tinyproxy/);
    // the echo of `other` itself, reached without a proxy (the page's favicon request may come
    // to `other` after it, so its last hit is not the one to look at)
    assert.deepEqual(await visit(page, bypassed), { path: "/bypassed", via: "" });
    assert.ok(other.hits.some((hit) => hit.path === "/bypassed"), JSON.stringify(other.hits));

    // without <-loopback>, loopback is never proxied (Chromium's implicit rules)
    await ses.setProxy({ proxyRules: `http://127.0.0.1:${tiny.port}` });
    assert.equal(await ses.resolveProxy(proxied), "DIRECT");
    assert.equal((await visit(page, proxied)).via, "");
  });

  it("a PAC script from a data: URL picks the proxy by host; loopback is never asked", async () => {
    const ses = await fresh();
    const lan = lanAddress();
    const name = hostname();
    const pac = `function FindProxyForURL(url, host) {
      if (host == "${lan}") return "PROXY 127.0.0.1:${tiny.port}";
      if (host == "${name}") return "PROXY 127.0.0.1:${squid.port}";
      return "PROXY 127.0.0.1:1";
    }`;
    await ses.setProxy({
      mode: "pac_script",
      pacScript: `data:application/x-ns-proxy-autoconfig;base64,${btoa(pac)}`,
    });
    const viaLan = `http://${lan}:${origin.port}/lan`;
    const viaName = `http://${name}:${origin.port}/name`;
    const loopback = `http://127.0.0.1:${origin.port}/loopback`;
    assert.equal(await ses.resolveProxy(viaLan), `PROXY 127.0.0.1:${tiny.port}`);
    assert.equal(await ses.resolveProxy(viaName), `PROXY 127.0.0.1:${squid.port}`);
    assert.equal(await ses.resolveProxy(loopback), "DIRECT");
    const page = await ses.pages.open();
    assert.match((await visit(page, viaLan)).via, /tinyproxy/);
    assert.match((await visit(page, viaName)).via, /squid/);
    assert.equal((await visit(page, loopback)).via, "");
  });

  it("SOCKS5, and fallback past a proxy that cannot be reached", async () => {
    const ses = await fresh();
    const dead = await freePort();
    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${dead},socks5://127.0.0.1:${dante.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.equal(
      await ses.resolveProxy(`http://127.0.0.1:${origin.port}/`),
      `PROXY 127.0.0.1:${dead};SOCKS5 127.0.0.1:${dante.port}`,
    );
    const page = await ses.pages.open();
    const seen = await visit(page, `http://127.0.0.1:${origin.port}/socks`);
    assert.equal(seen.path, "/socks");
    assert.equal(seen.via, "");
    assert.match(dante.log(), new RegExp(`127\\.0\\.0\\.1\\.${origin.port}`));
  });

  it("an unreachable target reports Chromium's code to webRequest, and to the page when paused at its response", async () => {
    const ses = await fresh();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) =>
      errors.push(`${new URL(details.url).pathname} ${details.error}`)
    );
    const page = await ses.pages.open(`http://127.0.0.1:${origin.port}/start`);
    const dead = await freePort();
    const load = (path: string) =>
      page.evaluate<string>(
        `fetch("http://127.0.0.1:${dead}${path}", { mode: "no-cors" }).then(() => "loaded", (e) => e.name)`,
      );
    await load("/observed");
    assert.deepEqual(errors, ["/observed net::ERR_CONNECTION_REFUSED"]);

    ses.webRequest.onHeadersReceived((_details, callback) => callback({}));
    assert.equal(await load("/paused"), "TypeError");
    assert.deepEqual(errors.at(-1), "/paused net::ERR_CONNECTION_REFUSED");

    await ses.setProxy({ proxyRules: `http://127.0.0.1:${dead}`, proxyBypassRules: "<-loopback>" });
    assert.equal(await load("/no-proxy"), "TypeError");
    assert.deepEqual(errors.at(-1), "/no-proxy net::ERR_PROXY_CONNECTION_FAILED");
  });

  it("https goes through a CONNECT tunnel; closeAllConnections lets the next config take it", async () => {
    const ses = await fresh();
    const url = `https://127.0.0.1:${secure.port}`;
    const target = new RegExp(`CONNECT 127\\.0\\.0\\.1:${secure.port}`);
    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${tiny.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.equal(await ses.resolveProxy(`${url}/`), `PROXY 127.0.0.1:${tiny.port}`);
    const page = await ses.pages.open();
    assert.equal((await visit(page, `${url}/one`)).path, "/one");
    const tunnels = () => tiny.log().split("\n").filter((line) => target.test(line)).length;
    assert.equal(tunnels(), 1);

    await ses.setProxy({
      proxyRules: `http://127.0.0.1:${squid.port}`,
      proxyBypassRules: "<-loopback>",
    });
    await ses.closeAllConnections();
    assert.equal((await visit(page, `${url}/two`)).path, "/two");
    assert.equal(tunnels(), 1, "the new tunnel did not go through tinyproxy");
    // squid writes a tunnel's access-log line when the tunnel closes
    await ses.closeAllConnections();
    for (let i = 0; i < 100 && !target.test(squid.log()); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(squid.log(), target);
  });
});
