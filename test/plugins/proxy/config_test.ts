import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeProxyConfig, systemProxySettings } from "../../../plugins/proxy/proxy_config.ts";
import { ProxyRetryList } from "../../../plugins/proxy/retry_list.ts";
import { proxyTarget } from "../../../plugins/proxy/url_parts.ts";
import { ProxyService } from "../../../plugins/proxy/proxy_service.ts";
import { ProxyBypassRules } from "../../../plugins/proxy/bypass_rules.ts";
import { proxyListToString } from "../../../plugins/proxy/proxy_list.ts";

describe("setProxy config", () => {
  it("infers the mode as Electron does", () => {
    assert.equal(normalizeProxyConfig({}).mode, "direct");
    assert.equal(normalizeProxyConfig({ proxyRules: "a:1" }).mode, "fixed_servers");
    assert.equal(
      normalizeProxyConfig({ proxyRules: "a:1", pacScript: "http://x/p.pac" }).mode,
      "pac_script",
    );
    assert.equal(normalizeProxyConfig({ mode: "system", proxyRules: "a:1" }).mode, "system");
  });
  it("rejects bad input with TypeErrors that name the problem", () => {
    assert.throws(() => normalizeProxyConfig(null as never), /must be an object/);
    assert.throws(
      () => normalizeProxyConfig({ mode: "x" as never }),
      /^TypeError: Invalid mode "x"/,
    );
    assert.throws(() => normalizeProxyConfig({ proxyRule: "a" } as never), /key "proxyRule"/);
    assert.equal(normalizeProxyConfig({ mode: "pac_script" }).pacScript, "");
    assert.throws(() => normalizeProxyConfig({ pacScript: "ftp://x/p.pac" }), /scheme "ftp:"/);
  });
});

describe("system mode from the environment", () => {
  const list = (env: Record<string, string>, url: string) =>
    proxyListToString(systemProxySettings(env).rules.apply(url).list);
  it("per-scheme variables, lower case before upper case", () => {
    const env = {
      http_proxy: "http://a:3128",
      HTTP_PROXY: "http://ignored:1",
      HTTPS_PROXY: "b:8080",
    };
    assert.equal(list(env, "http://example.com/"), "PROXY a:3128");
    assert.equal(list(env, "https://example.com/"), "PROXY b:8080");
    assert.equal(list(env, "ftp://example.com/"), "DIRECT");
  });
  it("ALL_PROXY covers every scheme, also SOCKS", () => {
    assert.equal(list({ ALL_PROXY: "socks5://s:1080" }, "https://x.test/"), "SOCKS5 s:1080");
  });
  it("NO_PROXY matches suffixes; * bypasses everything", () => {
    const env = { http_proxy: "a:1", no_proxy: "example.com,.corp.test,10.0.0.0/8" };
    assert.equal(list(env, "http://example.com/"), "DIRECT");
    assert.equal(list(env, "http://www.example.com/"), "DIRECT");
    assert.equal(list(env, "http://x.corp.test/"), "DIRECT");
    assert.equal(list(env, "http://10.1.2.3/"), "DIRECT");
    assert.equal(list(env, "http://other.test/"), "PROXY a:1");
    assert.equal(list({ http_proxy: "a:1", NO_PROXY: "*" }, "http://other.test/"), "DIRECT");
  });
  it("credentials in proxy URLs are taken out and kept", () => {
    const s = systemProxySettings({ http_proxy: "http://me:p%40ss@a:3128/" });
    assert.equal(proxyListToString(s.rules.apply("http://x.test/").list), "PROXY a:3128");
    assert.deepEqual(s.credentials, [{ proxy: "a:3128", username: "me", password: "p@ss" }]);
  });
});

describe("bad-proxy list", () => {
  it("keeps a proxy bad for 5 minutes", () => {
    let now = 0;
    const retry = new ProxyRetryList(() => now);
    const a = [{ scheme: "http" as const, host: "a", port: 80 }];
    const b = [{ scheme: "http" as const, host: "b", port: 80 }];
    retry.markBad(a);
    assert.deepEqual(retry.reorder([a, b]), [b, a]);
    now = 5 * 60 * 1000 - 1;
    assert.equal(retry.isBad(a), true);
    now = 5 * 60 * 1000 + 1;
    assert.equal(retry.isBad(a), false);
    assert.deepEqual(retry.reorder([a, b]), [a, b]);
  });
});

describe("proxy targets", () => {
  it("agree with the URL parser, fast path or not", () => {
    const urls = [
      "http://example.com/",
      "https://a.b.example.com:8443/x?y#z",
      "http://example.com:80/",
      "http://example.com:/",
      "ws://chat.example/socket",
      "wss://chat.example:443/",
      "http://xn--bcher-kva.ch/",
      "http://1.2.3.4/",
      "http://host.123/",
      "http://0x7f.1/",
      "http://EXAMPLE.com/",
      "http://a..b/",
      "http://example.com./",
      "http://u:p@example.com/",
      "http://[::1]/",
      "ftp://example.com/",
      "http://exa%41mple.com/",
      "http://example.com:99999/",
      "http://-a-.example/",
    ];
    const ports: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443, ftp: 21 };
    for (const url of urls) {
      const u = URL.parse(url);
      if (u === null) {
        assert.equal(proxyTarget(url), null, url);
        continue;
      }
      const scheme = u.protocol.slice(0, -1);
      const port = u.port ? Number(u.port) : ports[scheme];
      const target = proxyTarget(url)!;
      assert.deepEqual([target.scheme, target.host, target.port], [scheme, u.hostname, port], url);
    }
    assert.equal(proxyTarget("http://example.com/")?.ip, null);
    assert.equal(proxyTarget("http://EXAMPLE.com/")?.host, "example.com");
    assert.deepEqual(proxyTarget("http://1.2.3.4/")?.ip?.toByteArray(), [1, 2, 3, 4]);
    assert.equal(proxyTarget("http://[::1]/")?.ip?.toByteArray()[15], 1);
    assert.equal(proxyTarget("not a url"), null);
  });
});

describe("ProxyService", () => {
  const host = {
    env: () => ({}),
    fetchPac: () => Promise.reject(new Error("unreachable")),
    loadPac: () => Promise.reject(new Error("unused")),
    report: () => {},
  };
  it("an unreachable PAC means DIRECT, with the reason", async () => {
    const reports: string[] = [];
    const service = new ProxyService({ ...host, report: (m) => reports.push(m) });
    await service.apply({ pacScript: "http://wpad.invalid/p.pac" });
    assert.equal(await service.resolveProxy("http://example.com/"), "DIRECT");
    assert.match(service.pacError ?? "", /unreachable/);
    assert.equal(reports.length, 1);
  });
  it("the latest setProxy wins even when an earlier one finishes later", async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const service = new ProxyService({
      ...host,
      fetchPac: async () => {
        await slow;
        return 'function FindProxyForURL() { return "PROXY pac:1"; }';
      },
      loadPac: () =>
        Promise.resolve({
          resolve: () => Promise.resolve({ list: [[]], result: "DIRECT", error: null }),
          dispose: () => {},
        }),
    });
    const first = service.apply({ pacScript: "http://x/p.pac" });
    await service.apply({ proxyRules: "b:2" });
    release();
    await first;
    assert.equal(await service.resolveProxy("http://example.com/"), "PROXY b:2");
  });
  it("bypass rules index exact hosts, suffixes and the rest alike", () => {
    const rules = ProxyBypassRules.parse(
      "a.test, *.b.test, https://c.test:8443, *d.test, 10.0.0.0/8, <local>",
    );
    const m = (u: string) => rules.matches(u);
    assert.equal(m("http://a.test/"), true);
    assert.equal(m("http://x.a.test/"), false);
    assert.equal(m("http://x.b.test/"), true);
    assert.equal(m("http://b.test/"), false);
    assert.equal(m("https://c.test:8443/"), true);
    assert.equal(m("http://c.test:8443/"), false);
    assert.equal(m("http://xd.test/"), true);
    assert.equal(m("http://10.9.9.9/"), true);
    assert.equal(m("http://intranet/"), true);
    assert.equal(m("http://e.test/"), false);
  });
});

describe("browser bundle", () => {
  it("setProxy rejects with an error that says why; resolveProxy answers DIRECT", async () => {
    const { session } = await import("../../../mod.ts");
    const { createProxyPlugin } = await import("../../../plugins/proxy/mod.ts");
    const ses = session.fromPartition("proxy-browser-like", {
      preset: false,
      plugins: [createProxyPlugin({ runtime: "browser" })],
    });
    await assert.rejects(
      ses.setProxy({ proxyRules: "a:1" }),
      /not available in the browser: a page's fetch cannot be routed through a proxy/,
    );
    assert.equal(await ses.resolveProxy("http://example.com/"), "DIRECT");
  });
});

describe("a session built with the proxy plugin", () => {
  it("has its members, typed, at once", async () => {
    const { session } = await import("../../../mod.ts");
    const { createProxyPlugin } = await import("../../../plugins/proxy/mod.ts");
    const proxy = session.fromPartition("proxy-of", {
      preset: false,
      plugins: [createProxyPlugin()],
    });
    await proxy.setProxy({ proxyRules: "socks=socks5://s:1080" });
    assert.equal(await proxy.resolveProxy("http://example.test/"), "SOCKS5 s:1080");
  });
});
