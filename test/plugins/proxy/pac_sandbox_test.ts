import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isInNetEx, PacSandbox, sortIpAddressList } from "../../../plugins/proxy/pac_sandbox.ts";
import { pacArguments, PacResolver } from "../../../plugins/proxy/pac_resolver.ts";
import { type HostResolver, staticHostResolver } from "../../../plugins/proxy/host_resolver.ts";
import { nodeHostResolver } from "../../../adapters/dns/node.ts";

const none = staticHostResolver({});
const script = (body: string) => `function FindProxyForURL(url, host) { ${body} }`;

async function run(body: string, resolver: HostResolver = none, extra = {}) {
  const pac = await PacSandbox.create(script(body), { resolver, ...extra });
  try {
    return await pac.findProxyForURL("http://a.test/", "a.test");
  } finally {
    pac.dispose();
  }
}

describe("PAC sandbox isolation", () => {
  it("sees no runtime, files, network, modules or WebAssembly", async () => {
    const names = [
      "Deno",
      "Bun",
      "process",
      "require",
      "fetch",
      "XMLHttpRequest",
      "WebSocket",
      "WebAssembly",
      "std",
      "os",
      "console",
      "setTimeout",
    ];
    const r = await run(
      `return [${names.map((n) => `typeof ${n}`).join(",")}].join(",");`,
    );
    assert.deepEqual(r, { ok: true, result: names.map(() => "undefined").join(",") });
  });

  it("cannot import modules", async () => {
    const pac = await PacSandbox.create(
      `var loaded = "no"; import("node:fs").then(function () { loaded = "yes"; },
        function () { loaded = "refused"; });
       function FindProxyForURL() { return loaded; }`,
      { resolver: none },
    );
    const r = await pac.findProxyForURL("http://a/", "a");
    pac.dispose();
    assert.ok(r.ok && r.result !== "yes", JSON.stringify(r));
  });

  it("stops a script that runs too long, then answers the next call", async () => {
    const pac = await PacSandbox.create(
      script(`if (host === "hang") { for (;;) {} } return "PROXY ok:1";`),
      { resolver: none, timeout: 150 },
    );
    const started = performance.now();
    const hung = await pac.findProxyForURL("http://hang/", "hang");
    assert.ok(!hung.ok && /timed out after 150 ms/.test(hung.error), JSON.stringify(hung));
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(await pac.findProxyForURL("http://b/", "b"), {
      ok: true,
      result: "PROXY ok:1",
    });
    pac.dispose();
  });

  it("a script that exhausts its memory fails, and the sandbox keeps working", async () => {
    const pac = await PacSandbox.create(
      script(
        `if (host === "big") { var a = []; for (var i = 0; i < 1e8; i++) a.push("x" + i); }
         return "DIRECT";`,
      ),
      { resolver: none, memoryLimit: 8 * 1024 * 1024, timeout: 5000 },
    );
    const big = await pac.findProxyForURL("http://big/", "big");
    assert.equal(big.ok, false);
    assert.deepEqual(await pac.findProxyForURL("http://b/", "b"), { ok: true, result: "DIRECT" });
    pac.dispose();
  });

  it("prefers FindProxyForURLEx (Microsoft's IPv6-aware entry point)", async () => {
    const pac = await PacSandbox.create(
      `function FindProxyForURL() { return "PROXY old:1"; }
       function FindProxyForURLEx() { return "PROXY ex:1; " + getClientVersion(); }`,
      { resolver: none },
    );
    assert.deepEqual(await pac.findProxyForURL("http://a/", "a"), {
      ok: true,
      result: "PROXY ex:1; 1.0",
    });
    pac.dispose();
  });
});

describe("PAC DNS through the resolver adapter", () => {
  it("asynchronous answers restart the call; each name is looked up once per call", async () => {
    const asked: string[] = [];
    const resolver: HostResolver = {
      resolve(host, family) {
        asked.push(`${family}:${host}`);
        return new Promise((r) =>
          setTimeout(() => r(host === "intranet" ? ["10.1.2.3", "fd00::1"] : []), 5)
        );
      },
      localAddresses: (family) =>
        Promise.resolve(family === 4 ? ["192.168.7.7"] : ["192.168.7.7", "fe80::7"]),
    };
    const alerts: string[] = [];
    const pac = await PacSandbox.create(
      script(`
        alert("start");
        var a = dnsResolve("intranet");
        var inside = isInNet("intranet", "10.0.0.0", "255.0.0.0");
        var missing = isResolvable("nowhere.test");
        return [a, inside, missing, dnsResolveEx("intranet"), myIpAddress(), myIpAddressEx()]
          .join("|");`),
      { resolver, onAlert: (m) => alerts.push(m) },
    );
    const r = await pac.findProxyForURL("http://a/", "a");
    assert.deepEqual(r, {
      ok: true,
      result: "10.1.2.3|true|false|10.1.2.3;fd00::1|192.168.7.7|192.168.7.7;fe80::7",
    });
    assert.deepEqual(asked, ["4:intranet", "4:nowhere.test", "0:intranet"]);
    // Alerts of abandoned runs are dropped: one call, one alert.
    assert.deepEqual(alerts, ["start"]);
    pac.dispose();
  });

  it("DNS while loading the script also works asynchronously", async () => {
    const pac = await PacSandbox.create(
      `var me = myIpAddress(); function FindProxyForURL() { return "PROXY " + me + ":80"; }`,
      { resolver: { resolve: () => [], localAddresses: () => Promise.resolve(["10.9.9.9"]) } },
    );
    assert.deepEqual(await pac.findProxyForURL("http://a/", "a"), {
      ok: true,
      result: "PROXY 10.9.9.9:80",
    });
    pac.dispose();
  });

  it("the system resolver answers localhost and this machine's address", async () => {
    const r = await run(
      `return dnsResolve("localhost") + "|" + myIpAddress() + "|" + isResolvable("nx.invalid");`,
      nodeHostResolver({ timeout: 2000 }),
    );
    assert.ok(r.ok);
    const [local, me, nx] = r.result.split("|");
    assert.equal(local, "127.0.0.1");
    assert.match(me, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(nx, "false");
  });
});

describe("PAC helpers in the host", () => {
  it("sortIpAddressList", () => {
    assert.equal(sortIpAddressList("10.0.0.2;::2; 10.0.0.1;::1"), "::1;::2;10.0.0.1;10.0.0.2");
    assert.equal(sortIpAddressList("bogus"), false);
  });
  it("isInNetEx", () => {
    assert.equal(isInNetEx("3ffe:8311:ffff:abcd::1", "3ffe:8311:ffff::/48"), true);
    assert.equal(isInNetEx("10.0.0.1", "10.0.0.0"), false);
  });
});

describe("PAC URL stripping and result parsing", () => {
  it("strips credentials and fragments; https keeps only the origin", () => {
    assert.deepEqual(pacArguments("http://u:p@example.com:8080/a/b?c=1#frag"), {
      url: "http://example.com:8080/a/b?c=1",
      host: "example.com",
    });
    assert.deepEqual(pacArguments("https://example.com/secret/path?token=1"), {
      url: "https://example.com/",
      host: "example.com",
    });
    assert.deepEqual(pacArguments("wss://[::1]:9/x"), { url: "wss://[::1]:9/", host: "::1" });
  });

  it("a script's garbage answer is DIRECT; an error says why", async () => {
    const pac = await PacResolver.create(
      script(`if (host === "bad") return 42; return "JUNK; PROXY good:1";`),
      { resolver: none },
    );
    const bad = await pac.resolve("http://bad/");
    assert.deepEqual(bad.list, [[]]);
    assert.equal(bad.error, "FindProxyForURL() did not return a string.");
    const good = await pac.resolve("http://ok/");
    assert.deepEqual(good.list, [[{ scheme: "http", host: "good", port: 1 }]]);
    assert.equal(good.error, null);
    pac.dispose();
  });
});
