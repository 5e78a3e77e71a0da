import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { configure, getConfig, type HttpTransport, session } from "../../../mod.ts";
import { createHostResolverPlugin, resolveHost } from "../../../plugins/host-resolver/mod.ts";
import { HostCache } from "../../../plugins/host-resolver/host_cache.ts";
import { withHostResolverRules } from "../../../adapters/http/host_rules.ts";
import { nodeHostResolver } from "../../../adapters/dns/node.ts";
import { hostname } from "node:os";

describe("ses.resolveHost", () => {
  it("answers IP literals and localhost, filtered by queryType", async () => {
    const ses = session.fromPartition("resolve-literals");
    assert.deepEqual(await ses.resolveHost("10.1.2.3"), {
      endpoints: [{ address: "10.1.2.3", family: "ipv4" }],
    });
    assert.deepEqual(await ses.resolveHost("[::1]"), {
      endpoints: [{ address: "::1", family: "ipv6" }],
    });
    assert.deepEqual((await ses.resolveHost("localhost", { queryType: "A" })).endpoints, [
      { address: "127.0.0.1", family: "ipv4" },
    ]);
    assert.deepEqual((await ses.resolveHost("localhost", { queryType: "AAAA" })).endpoints, [
      { address: "::1", family: "ipv6" },
    ]);
    await assert.rejects(ses.resolveHost("10.1.2.3", { queryType: "AAAA" }), {
      code: "net::ERR_NAME_NOT_RESOLVED",
    });
  });

  it("says why a name fails where there is no system resolver (a page's)", async () => {
    const context = { resolver: null, cache: new HostCache(60_000), mapHost: null };
    await assert.rejects(resolveHost("example.com", {}, context), {
      code: "net::ERR_NAME_NOT_RESOLVED",
      message: "net::ERR_NAME_NOT_RESOLVED: example.com could not be resolved: this runtime has " +
        "no system resolver (only IP literals, localhost and host resolver rules answer)",
    });
  });

  it("does not take a URL, a host with a port or a bad IP for an address: none resolves", async () => {
    const ses = session.fromPartition("resolve-not-hosts");
    for (const host of ["http://localhost/", "localhost:80", "10.1.2.300", "1::2::3", "a b.test"]) {
      await assert.rejects(ses.resolveHost(host), { code: "net::ERR_NAME_NOT_RESOLVED" }, host);
    }
  });

  it("rejects bad arguments with a TypeError naming them, and ignores unknown options", async () => {
    const ses = session.fromPartition("resolve-bad");
    // @ts-expect-error: wrong type on purpose
    await assert.rejects(ses.resolveHost(7), { name: "TypeError", message: /host must be/ });
    await assert.rejects(
      // @ts-expect-error: wrong value on purpose
      ses.resolveHost("a.test", { queryType: "MX" }),
      { name: "TypeError", message: /queryType must be one of "A", "AAAA"/ },
    );
    // Other keys are ignored, as Electron's converter reads only its four.
    assert.deepEqual(
      // @ts-expect-error: unknown option on purpose
      (await ses.resolveHost("127.0.0.1", { ttl: 5, queryType: "A" })).endpoints,
      [{ address: "127.0.0.1", family: "ipv4" }],
    );
  });

  it("asks the system resolver through the session's cache, which clearHostResolverCache empties", async () => {
    const asked: string[] = [];
    const system = nodeHostResolver();
    const ses = session.fromPartition("resolve-cache", {
      preset: false,
      plugins: [
        createHostResolverPlugin({
          resolver: {
            resolve: (host, family) => {
              asked.push(host);
              return system.resolve(host, family);
            },
            localAddresses: (family) => system.localAddresses(family),
          },
        }),
      ],
    });
    // The machine's own name: the system resolver answers it (/etc/hosts) without the network.
    const name = hostname().toLowerCase();
    const first = await ses.resolveHost(name);
    assert.ok(first.endpoints.length > 0);
    await ses.resolveHost(name);
    assert.deepEqual(asked, [name]);
    await ses.resolveHost(name, { cacheUsage: "disallowed" });
    assert.equal(asked.length, 2);
    await ses.clearHostResolverCache();
    await ses.resolveHost(name);
    assert.equal(asked.length, 3);
    // localOnly never asks the system.
    await ses.clearHostResolverCache();
    await assert.rejects(ses.resolveHost(name, { source: "localOnly" }), {
      code: "net::ERR_NAME_NOT_RESOLVED",
    });
    assert.equal(asked.length, 3);
  });
});

describe("ses.resolveHost with host resolver rules", () => {
  let saved: HttpTransport;
  before(() => {
    saved = getConfig().transport;
    configure({
      transport: withHostResolverRules(saved, "MAP app.test 127.0.0.5, MAP gone.test ~NOTFOUND"),
    });
  });
  after(() => {
    configure({ transport: saved });
  });

  it("answers as the transport connects: MAP targets, ~NOTFOUND fails", async () => {
    const ses = session.fromPartition("resolve-rules");
    assert.deepEqual((await ses.resolveHost("app.test")).endpoints, [
      { address: "127.0.0.5", family: "ipv4" },
    ]);
    await assert.rejects(ses.resolveHost("gone.test"), { code: "net::ERR_NAME_NOT_RESOLVED" });
  });
});

describe("ses.preconnect", () => {
  it("emits preconnect with the origin as Electron's URL (GURL: with its path /) and checks its options", () => {
    const ses = session.fromPartition("preconnect");
    const seen: unknown[][] = [];
    ses.on("preconnect", (_event, url, allowCredentials) => seen.push([url, allowCredentials]));
    ses.preconnect({ url: "http://localhost:1234/some/path", numSockets: 2 });
    assert.deepEqual(seen, [["http://localhost:1234/", true]]);
    // Electron's checks and messages (Session::Preconnect).
    for (const numSockets of [0, 7, -1]) {
      assert.throws(() => ses.preconnect({ url: "http://a.test/", numSockets }), {
        name: "TypeError",
        message: "numSocketsToPreconnect is outside range [1,6]",
      });
    }
    for (const url of ["", "nope", undefined]) {
      assert.throws(() => ses.preconnect({ url } as { url: string }), {
        name: "TypeError",
        message: /^Must pass non-empty valid url to session\.preconnect\./,
      });
    }
    // Any valid URL, and a number of sockets made an integer, as Electron's gin conversion does.
    ses.preconnect({ url: "wss://a.test/socket", numSockets: 6.5 });
    assert.deepEqual(seen.at(-1), ["wss://a.test/", true]);
  });
});

describe("ses.allowNTLMCredentialsForDomains", () => {
  it("throws a NotSupportedError saying why", () => {
    const ses = session.fromPartition("ntlm");
    assert.throws(() => ses.allowNTLMCredentialsForDomains("*.example.com"), (error: unknown) => {
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "NotSupportedError");
      assert.match(error.message, /allowNTLMCredentialsForDomains is not supported on (deno|bun)/);
      return true;
    });
    // @ts-expect-error: wrong type on purpose
    assert.throws(() => ses.allowNTLMCredentialsForDomains(1), { name: "TypeError" });
  });
});
