// The proxy plugin through real proxies started here: tinyproxy (with and without BasicAuth),
// squid and danted (with and without username/password). Each test reads the proxy's log to
// prove the traffic went through it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type AuthChallenge, definePlugin, NetError, session } from "../../../mod.ts";
import { createProxyPlugin } from "../../../entries/proxy.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import {
  freePort,
  lanAddress,
  makeCerts,
  type Origin,
  type ProxyProcess,
  SOCKS_PASSWORD,
  SOCKS_USER,
  startDante,
  startOrigin,
  startSquid,
  startTinyproxy,
  startTlsFront,
} from "./_servers.ts";
import { needs } from "../../_system.ts";

needs("openssl", "tinyproxy", "squid", "danted", "wsproxy");

let counter = 0;

/** A session with the proxy plugin and a login handler (the authRequired stage). */
function makeSession(creds?: { username: string; password: string }) {
  const challenges: AuthChallenge[] = [];
  const login = definePlugin({
    manifest: { name: "test-login", version: "1.0.0", hooks: ["authRequired"] },
    setup(ctx) {
      ctx.tap("authRequired", (_request, _response, challenge) => {
        challenges.push({ ...challenge });
        return creds;
      });
    },
  });
  const errors: unknown[] = [];
  const ses = session.fromPartition(`proxy-test-${++counter}`, {
    preset: false,
    plugins: [createProxyPlugin({ caCerts: [makeCerts().ca], pacTimeout: 500 }), login],
  });
  ses.on("hook-error", (_e: unknown, error: unknown) => errors.push(error));
  return { ses, challenges, errors };
}

async function waitForLog(proxy: ProxyProcess, needle: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (proxy.log().includes(needle)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`the proxy's log does not show ${needle}:\n${proxy.log().slice(-3000)}`);
}

let origin: Origin;
let tlsOrigin: Origin;
let tiny: ProxyProcess;
let tinyAuth: ProxyProcess;
let squid: ProxyProcess;
let dante: ProxyProcess;
let danteAuth: ProxyProcess;

before(async () => {
  [origin, tlsOrigin, tiny, tinyAuth, squid, dante, danteAuth] = await Promise.all([
    startOrigin(),
    startOrigin(true),
    startTinyproxy(),
    startTinyproxy(["proxyuser", "proxypass"]),
    startSquid(),
    startDante(false),
    startDante(true),
  ]);
});

after(async () => {
  await Promise.all(
    [origin, tlsOrigin, tiny, tinyAuth, squid, dante, danteAuth].map((s) =>
      "stop" in s ? s.stop() : s.close()
    ),
  );
});

describe("proxy plugin: tinyproxy", () => {
  it("routes http:// through the proxy (loopback needs <-loopback>)", async () => {
    const { ses } = makeSession();
    await ses.setProxy({ proxyRules: `127.0.0.1:${tiny.port}`, proxyBypassRules: "<-loopback>" });
    assert.equal(await ses.resolveProxy(`${origin.url}/x`), `PROXY 127.0.0.1:${tiny.port}`);
    const res = await ses.fetch(`${origin.url}/through-tinyproxy?a=1`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.path, "/through-tinyproxy?a=1");
    assert.match(body.headers.via ?? "", /tinyproxy/);
    await waitForLog(tiny, `/through-tinyproxy?a=1`);
  });

  it("a proxy set after DIRECT requests routes the next ones, and DIRECT again after", async () => {
    // The route tap answers at once while the route is DIRECT (no promise): it must still route
    // once a proxy is set, and stop when it is taken away.
    const { ses } = makeSession();
    const before = await (await ses.fetch(`${origin.url}/direct-first`)).json();
    assert.equal(before.headers.via, undefined);
    await ses.setProxy({ proxyRules: `127.0.0.1:${tiny.port}`, proxyBypassRules: "<-loopback>" });
    const through = await (await ses.fetch(`${origin.url}/proxied-later`)).json();
    assert.match(through.headers.via ?? "", /tinyproxy/);
    await waitForLog(tiny, "/proxied-later");
    await ses.setProxy({ mode: "direct" });
    const after = await (await ses.fetch(`${origin.url}/direct-again`)).json();
    assert.equal(after.headers.via, undefined);
  });

  it("sends loopback DIRECT without <-loopback> (Chromium's implicit bypass)", async () => {
    const { ses } = makeSession();
    await ses.setProxy({ proxyRules: `127.0.0.1:${tiny.port}` });
    assert.equal(await ses.resolveProxy(`${origin.url}/`), "DIRECT");
    const body = await (await ses.fetch(`${origin.url}/implicit-direct`)).json();
    assert.equal(body.headers.via, undefined);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!tiny.log().includes("/implicit-direct"));
  });

  it("bypass rules send matching hosts DIRECT", async () => {
    const { ses } = makeSession();
    await ses.setProxy({
      proxyRules: `127.0.0.1:${tiny.port}`,
      proxyBypassRules: "<-loopback>, 127.0.0.1/8",
    });
    assert.equal(await ses.resolveProxy(`${origin.url}/`), "DIRECT");
    const body = await (await ses.fetch(`${origin.url}/bypassed`)).json();
    assert.equal(body.headers.via, undefined);
  });

  it("https:// goes through CONNECT with a local CA", async () => {
    const { ses } = makeSession();
    await ses.setProxy({ proxyRules: `127.0.0.1:${tiny.port}`, proxyBypassRules: "<-loopback>" });
    const res = await ses.fetch(`https://localhost:${tlsOrigin.port}/secure-tiny`);
    assert.equal((await res.json()).path, "/secure-tiny");
    await waitForLog(tiny, `CONNECT localhost:${tlsOrigin.port}`);
  });

  it("407: the authRequired stage answers with isProxy and the proxy's host; credentials are kept", async () => {
    const { ses, challenges } = makeSession({ username: "proxyuser", password: "proxypass" });
    await ses.setProxy({
      proxyRules: `127.0.0.1:${tinyAuth.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const res = await ses.fetch(`${origin.url}/auth-1`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).path, "/auth-1");
    assert.equal(challenges.length, 1);
    assert.equal(challenges[0].isProxy, true);
    assert.equal(challenges[0].host, "127.0.0.1");
    assert.equal(challenges[0].port, tinyAuth.port);
    assert.equal(challenges[0].scheme, "basic");
    // Remembered: no second challenge, also for https through CONNECT.
    assert.equal((await ses.fetch(`${origin.url}/auth-2`)).status, 200);
    const secure = await ses.fetch(`https://localhost:${tlsOrigin.port}/auth-3`);
    assert.equal((await secure.json()).path, "/auth-3");
    assert.equal(challenges.length, 1);
    await waitForLog(tinyAuth, "/auth-2");
    // Until clearAuthCache().
    await ses.clearAuthCache();
    assert.equal((await ses.fetch(`${origin.url}/auth-4`)).status, 200);
    assert.equal(challenges.length, 2);
  });

  it("407 reaches webRequest.onAuthRequired with isProxy and the proxy as challenger", async () => {
    const ses = session.fromPartition(`proxy-test-${++counter}`, {
      preset: false,
      plugins: [createProxyPlugin(), webRequestPlugin],
    });
    await ses.ready;
    const seen: Record<string, unknown>[] = [];
    ses.webRequest.events.onAuthRequired.addListener(
      (details: Record<string, unknown>) => {
        seen.push(details);
        return { authCredentials: { username: "proxyuser", password: "proxypass" } };
      },
      { urls: ["<all_urls>"] },
      ["blocking"],
    );
    await ses.setProxy({
      proxyRules: `127.0.0.1:${tinyAuth.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const res = await ses.fetch(`${origin.url}/web-request-auth`);
    assert.equal((await res.json()).path, "/web-request-auth");
    assert.equal(seen.length, 1);
    assert.equal(seen[0].isProxy, true);
    assert.deepEqual(seen[0].challenger, { host: "127.0.0.1", port: tinyAuth.port });
  });

  it("407 through CONNECT reaches authRequired too", async () => {
    const { ses, challenges } = makeSession({ username: "proxyuser", password: "proxypass" });
    await ses.setProxy({
      proxyRules: `127.0.0.1:${tinyAuth.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const res = await ses.fetch(`https://localhost:${tlsOrigin.port}/auth-connect`);
    assert.equal((await res.json()).path, "/auth-connect");
    assert.equal(challenges.length, 1);
    assert.equal(challenges[0].isProxy, true);
  });

  it("407 without an answer is handed to the caller", async () => {
    const { ses } = makeSession();
    await ses.setProxy({
      proxyRules: `127.0.0.1:${tinyAuth.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const res = await ses.fetch(`${origin.url}/no-creds`);
    assert.equal(res.status, 407);
    await res.body?.cancel();
  });
});

describe("proxy plugin: HTTPS proxy (TLS to the proxy)", () => {
  needs("socat");
  it("https://localhost:PORT in proxyRules: TLS to the proxy (socat in front of tinyproxy)", async () => {
    const front = await startTlsFront(tiny.port);
    try {
      const { ses } = makeSession();
      await ses.setProxy({
        proxyRules: `https://localhost:${front.port}`,
        proxyBypassRules: "<-loopback>",
      });
      assert.equal(await ses.resolveProxy(`${origin.url}/`), `HTTPS localhost:${front.port}`);
      const body = await (await ses.fetch(`${origin.url}/through-https-proxy`)).json();
      assert.equal(body.path, "/through-https-proxy");
      await waitForLog(tiny, "/through-https-proxy");
      const secure = await ses.fetch(`https://localhost:${tlsOrigin.port}/tls-in-tls`);
      assert.equal((await secure.json()).path, "/tls-in-tls");
      // Without the test CA the proxy's certificate is not trusted: Chromium's
      // ERR_PROXY_CERTIFICATE_INVALID, and it falls over to the next proxy.
      const untrusting = session.fromPartition(`proxy-test-${++counter}`, {
        preset: false,
        plugins: [createProxyPlugin()],
      });
      await untrusting.setProxy({
        proxyRules: `https://localhost:${front.port},127.0.0.1:${tiny.port}`,
        proxyBypassRules: "<-loopback>",
      });
      const fallback = await (await untrusting.fetch(`${origin.url}/untrusted-proxy`)).json();
      assert.match(fallback.headers.via ?? "", /tinyproxy/);
      assert.equal(
        await untrusting.resolveProxy(`${origin.url}/`),
        `PROXY 127.0.0.1:${tiny.port};HTTPS localhost:${front.port}`,
      );
    } finally {
      await front.stop();
    }
  });
});

describe("proxy plugin: squid", () => {
  it("http:// and https:// through squid", async () => {
    const { ses } = makeSession();
    await ses.setProxy({
      proxyRules: `http=127.0.0.1:${squid.port};https=127.0.0.1:${squid.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const res = await ses.fetch(`${origin.url}/through-squid`);
    assert.equal((await res.json()).path, "/through-squid");
    const secure = await ses.fetch(`https://localhost:${tlsOrigin.port}/secure-squid`);
    assert.equal((await secure.json()).path, "/secure-squid");
    await waitForLog(squid, `/through-squid`);
    await waitForLog(squid, `CONNECT localhost:${tlsOrigin.port}`);
  });
});

describe("proxy plugin: danted (SOCKS)", () => {
  it("SOCKS5 without auth, http and https", async () => {
    const { ses } = makeSession();
    await ses.setProxy({
      proxyRules: `socks5://127.0.0.1:${dante.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.equal(await ses.resolveProxy(`${origin.url}/`), `SOCKS5 127.0.0.1:${dante.port}`);
    assert.equal((await (await ses.fetch(`${origin.url}/socks`)).json()).path, "/socks");
    const secure = await ses.fetch(`https://localhost:${tlsOrigin.port}/socks-tls`);
    assert.equal((await secure.json()).path, "/socks-tls");
    await waitForLog(dante, `127.0.0.1.${origin.port}`);
  });

  it("SOCKS4 through socks= (Chromium: socks= means SOCKS4)", async () => {
    const { ses } = makeSession();
    await ses.setProxy({
      proxyRules: `socks=127.0.0.1:${dante.port}`,
      proxyBypassRules: "<-loopback>",
    });
    assert.equal(await ses.resolveProxy(`${origin.url}/`), `SOCKS 127.0.0.1:${dante.port}`);
    assert.equal((await (await ses.fetch(`${origin.url}/socks4`)).json()).path, "/socks4");
  });

  it("SOCKS5 username/password through the authRequired stage", async () => {
    const { ses, challenges } = makeSession({ username: SOCKS_USER, password: SOCKS_PASSWORD });
    await ses.setProxy({
      proxyRules: `socks5://127.0.0.1:${danteAuth.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const res = await ses.fetch(`${origin.url}/socks-auth`);
    assert.equal((await res.json()).path, "/socks-auth");
    assert.equal(challenges.length, 1);
    assert.equal(challenges[0].isProxy, true);
    assert.equal(challenges[0].port, danteAuth.port);
    assert.equal(
      (await (await ses.fetch(`${origin.url}/socks-auth-2`)).json()).path,
      "/socks-auth-2",
    );
    assert.equal(challenges.length, 1);
    await waitForLog(danteAuth, `127.0.0.1.${origin.port}`);
  });
});

describe("proxy plugin: failover", () => {
  it("a closed port is skipped, marked bad, and listed last", async () => {
    const closed = await freePort();
    const { ses } = makeSession();
    await ses.setProxy({
      proxyRules: `127.0.0.1:${closed},127.0.0.1:${tiny.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const body = await (await ses.fetch(`${origin.url}/failover`)).json();
    assert.match(body.headers.via ?? "", /tinyproxy/);
    await waitForLog(tiny, "/failover");
    assert.equal(
      await ses.resolveProxy(`${origin.url}/`),
      `PROXY 127.0.0.1:${tiny.port};PROXY 127.0.0.1:${closed}`,
    );
  });

  it("an HTTPS proxy that does not speak TLS is skipped (Chromium falls over on ERR_SSL_PROTOCOL_ERROR)", async () => {
    const { ses } = makeSession();
    // The origin speaks plain HTTP: a TLS handshake with it fails as with a captive portal.
    await ses.setProxy({
      proxyRules: `https://127.0.0.1:${origin.port},127.0.0.1:${tiny.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const body = await (await ses.fetch(`${origin.url}/plain-proxy`)).json();
    assert.match(body.headers.via ?? "", /tinyproxy/);
    await waitForLog(tiny, "/plain-proxy");
    assert.equal(
      await ses.resolveProxy(`${origin.url}/`),
      `PROXY 127.0.0.1:${tiny.port};HTTPS 127.0.0.1:${origin.port}`,
    );
  });

  it("every proxy failing is net::ERR_PROXY_CONNECTION_FAILED; direct:// is a last resort", async () => {
    const [a, b] = [await freePort(), await freePort()];
    const { ses } = makeSession();
    await ses.setProxy({
      proxyRules: `127.0.0.1:${a},socks5://127.0.0.1:${b}`,
      proxyBypassRules: "<-loopback>",
    });
    await assert.rejects(
      ses.fetch(`${origin.url}/nowhere`),
      (e: unknown) => e instanceof NetError && e.code === "net::ERR_PROXY_CONNECTION_FAILED",
    );
    await ses.setProxy({ proxyRules: `127.0.0.1:${a},direct://`, proxyBypassRules: "<-loopback>" });
    const body = await (await ses.fetch(`${origin.url}/last-resort`)).json();
    assert.equal(body.path, "/last-resort");
    assert.equal(body.headers.via, undefined);
  });
});

describe("proxy plugin: PAC", () => {
  const pac = (port: number) =>
    `function FindProxyForURL(url, host) {
      if (shExpMatch(url, "*/pac-direct*")) return "DIRECT";
      return "PROXY 127.0.0.1:${port}; DIRECT";
    }`;

  it("a data: PAC script routes through tinyproxy; loopback never asks the script", async () => {
    // Chromium applies the implicit bypass before PAC: the target must not be loopback.
    const lan = await startOrigin(false, lanAddress());
    try {
      const { ses } = makeSession();
      await ses.setProxy({ pacScript: `data:text/plain,${encodeURIComponent(pac(tiny.port))}` });
      assert.equal(await ses.resolveProxy(`${lan.url}/pac`), `PROXY 127.0.0.1:${tiny.port};DIRECT`);
      assert.equal(await ses.resolveProxy(`${lan.url}/pac-direct`), "DIRECT");
      assert.equal(await ses.resolveProxy(`${origin.url}/pac`), "DIRECT");
      assert.equal(await ses.resolveProxy("http://localhost:1/"), "DIRECT");
      const body = await (await ses.fetch(`${lan.url}/pac-through`)).json();
      assert.match(body.headers.via ?? "", /tinyproxy/);
      await waitForLog(tiny, "/pac-through");
    } finally {
      await lan.close();
    }
  });

  it("pacScript wins over proxyRules; an http PAC is fetched DIRECT and refetched on reload", async () => {
    const { serve } = await import("../../_serve.ts");
    let served = 0;
    const pacServer = await serve(() => {
      served++;
      return new Response(pac(tiny.port), {
        headers: { "content-type": "application/x-ns-proxy-autoconfig" },
      });
    });
    try {
      const { ses } = makeSession();
      await ses.setProxy({
        pacScript: `${pacServer.url}/proxy.pac`,
        proxyRules: `127.0.0.1:${squid.port}`,
      });
      assert.equal(
        await ses.resolveProxy("http://example.test/"),
        `PROXY 127.0.0.1:${tiny.port};DIRECT`,
      );
      assert.equal(served, 1);
      await ses.forceReloadProxyConfig();
      assert.equal(served, 2);
    } finally {
      await pacServer.close();
    }
  });

  it("a file: PAC script", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/websession-pac-`);
    try {
      writeFileSync(`${dir}/proxy.pac`, pac(squid.port));
      const { ses } = makeSession();
      await ses.setProxy({ pacScript: new URL(`file://${dir}/proxy.pac`).href });
      assert.equal(
        await ses.resolveProxy("http://example.test/"),
        `PROXY 127.0.0.1:${squid.port};DIRECT`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a PAC script that fails to load means DIRECT, with the reason reported", async () => {
    const { ses, errors } = makeSession();
    await ses.setProxy({ pacScript: "data:text/plain,function FindProxyForURL(url, host) {" });
    assert.equal(await ses.resolveProxy(`${origin.url}/`), "DIRECT");
    assert.ok(errors.some((e) => String(e).includes("PAC script")), String(errors));
  });

  it("a PAC script that hangs is stopped and answered DIRECT", async () => {
    const { ses, errors } = makeSession();
    const hang = "function FindProxyForURL(u, h) { for (;;) {} }";
    await ses.setProxy({ pacScript: `data:text/plain,${encodeURIComponent(hang)}` });
    const started = performance.now();
    assert.equal(await ses.resolveProxy("http://example.test/"), "DIRECT");
    assert.ok(performance.now() - started < 3000);
    assert.ok(errors.some((e) => String(e).includes("timed out")), String(errors));
  });

  it("auto_detect without a WPAD server falls back to DIRECT", async () => {
    const { ses } = makeSession();
    await ses.setProxy({ mode: "auto_detect" });
    assert.equal(await ses.resolveProxy("http://example.test/"), "DIRECT");
  });
});

describe("proxy plugin: config", () => {
  it("rejects an unknown mode with Electron's words", async () => {
    // Electron's spec/api-session-spec.ts: rejectedWith(/Invalid mode/).
    const { ses } = makeSession();
    await assert.rejects(ses.setProxy({ mode: "invalid" as never }), /Invalid mode/);
  });

  it("system mode reads the environment", async () => {
    const plugin = createProxyPlugin({
      env: { http_proxy: `http://127.0.0.1:${tiny.port}`, NO_PROXY: "internal.test" },
    });
    const ses = session.fromPartition(`proxy-system-${++counter}`, {
      preset: false,
      plugins: [plugin],
    });
    await ses.setProxy({ mode: "system" });
    assert.equal(await ses.resolveProxy("http://example.test/"), `PROXY 127.0.0.1:${tiny.port}`);
    assert.equal(await ses.resolveProxy("http://a.internal.test/"), "DIRECT");
    assert.equal(await ses.resolveProxy("https://example.test/"), "DIRECT");
  });

  it("bad configs reject with a TypeError; direct mode clears the rules", async () => {
    const { ses } = makeSession();
    await assert.rejects(ses.setProxy({ mode: "nope" as "direct" }), TypeError);
    await assert.rejects(ses.setProxy({ proxyRules: 3 as unknown as string }), TypeError);
    await ses.setProxy({ proxyRules: "http=a:1" });
    assert.equal(await ses.resolveProxy("http://example.test/"), "PROXY a:1");
    await ses.setProxy({ mode: "direct", proxyRules: "http=a:1" });
    assert.equal(await ses.resolveProxy("http://example.test/"), "DIRECT");
    await assert.rejects(ses.resolveProxy("not a url"), TypeError);
  });

  it("closeAllConnections fails requests in flight through a tunnel", async () => {
    const { ses } = makeSession();
    await ses.setProxy({ proxyRules: `127.0.0.1:${tiny.port}`, proxyBypassRules: "<-loopback>" });
    const res = await ses.fetch(`https://localhost:${tlsOrigin.port}/slow`);
    const reading = res.text();
    await new Promise((r) => setTimeout(r, 100));
    await ses.closeAllConnections();
    await assert.rejects(reading);
  });

  it("closeAllConnections lets a new config apply to the next request", async () => {
    const { ses } = makeSession();
    await ses.setProxy({ proxyRules: `127.0.0.1:${tiny.port}`, proxyBypassRules: "<-loopback>" });
    await (await ses.fetch(`${origin.url}/before-close`)).text();
    await ses.setProxy({ proxyRules: `127.0.0.1:${squid.port}`, proxyBypassRules: "<-loopback>" });
    await ses.closeAllConnections();
    await (await ses.fetch(`${origin.url}/after-close`)).text();
    await waitForLog(squid, "/after-close");
    assert.ok(!tiny.log().includes("/after-close"));
  });
});
