// PAC conformance: Chromium's proxy_resolver_v8 scripts and expectations
// (the conformance data's pac/chromium) and pac-resolver's helper and script cases
// (pac/pac-resolver), run in websession's QuickJS PAC sandbox.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PacLoadError, type PacScriptError } from "../plugins/proxy/pac_sandbox.ts";
import { PacResolver } from "../plugins/proxy/pac_resolver.ts";
import { type HostResolver, staticHostResolver } from "../plugins/proxy/host_resolver.ts";
import { proxyServerToUri } from "../plugins/proxy/proxy_server.ts";
import { nodeHostResolver } from "../adapters/dns/node.ts";
import { conformanceJson, conformanceText } from "./_data.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const chromium: Any = conformanceJson("pac/chromium/cases.json");
const pacResolverCases: Any = conformanceJson("pac/pac-resolver/cases.json");
const script = (name: string) => conformanceText(`pac/chromium/${name}`);

/** Chromium's MockJSBindings: counts every binding call; answers from `mock`. */
function mockBindings(mock: Any = {}, onDns?: () => void) {
  const calls = { resolve: [] as string[], resolveEx: [] as string[], my: 0, myEx: 0 };
  const resolver: HostResolver = {
    resolve(host, family) {
      (family === 4 ? calls.resolve : calls.resolveEx).push(host);
      onDns?.();
      if (mock.all_dns === "fail") return [];
      if (family === 4 && mock.dnsResolve) return [mock.dnsResolve];
      return [];
    },
    localAddresses(family) {
      if (family === 4) calls.my++;
      else calls.myEx++;
      return [];
    },
  };
  return { calls, resolver };
}

// Lines of errors thrown as primitives (`throw "crash!"`): V8 reports the throw's line, QuickJS
// keeps positions only on Error objects, so websession reports -1 there.
const PRIMITIVE_THROWS = new Set(["Uncaught crash!"]);

function checkErrors(actual: PacScriptError[], expected: Any[] | undefined, test: string) {
  if (!expected) return;
  assert.equal(actual.length, expected.length, `${test}: ${JSON.stringify(actual)}`);
  expected.forEach((e: Any, i: number) => {
    if (test === "ParseError") {
      // The message text is the engine's (V8: "Unexpected end of input"); the kind and line
      // are what a PAC author can act on.
      assert.match(actual[i].message, /^Uncaught SyntaxError: /);
    } else if (test === "Terminate") {
      // Chromium reports an empty message for a terminated script; websession says why.
      assert.equal(actual[i].message, "PAC script was aborted");
      return;
    } else assert.equal(actual[i].message, e.message);
    if (e.line !== undefined && !PRIMITIVE_THROWS.has(e.message)) {
      assert.equal(actual[i].line, e.line);
    }
  });
}

describe("Chromium proxy_resolver_v8 cases", () => {
  for (const c of chromium.cases) {
    it(`${c.test} (${c.script}${c.url ? ` ${c.url}` : ""})`, async () => {
      const x = c.expected;
      const controller = new AbortController();
      const { calls, resolver } = mockBindings(
        c.mock,
        c.mock?.terminate_on_dns ? () => controller.abort() : undefined,
      );
      const alerts: string[] = [];
      const errors: PacScriptError[] = [];
      let pac: PacResolver;
      try {
        pac = await PacResolver.create(script(c.script), {
          resolver,
          onAlert: (a) => alerts.push(a),
          onError: (e) => errors.push(e),
        });
      } catch (e) {
        assert.ok(e instanceof PacLoadError, String(e));
        assert.equal(x.create_result, "ERR_PAC_SCRIPT_FAILED");
        checkErrors(errors, x.errors, c.test);
        if (x.alerts) assert.deepEqual(alerts, x.alerts);
        return;
      }
      try {
        if (x.create_result) assert.equal(x.create_result, "OK");
        if (x.my_ip_address_count_after_create !== undefined) {
          assert.equal(calls.my, x.my_ip_address_count_after_create);
        }
        if (c.test === "SideEffects") {
          for (const uri of x.proxy_uri_sequence) {
            const d = await pac.resolve(c.url);
            assert.equal(proxyServerToUri(d.list[0][0]), uri);
          }
          pac.dispose();
          pac = await PacResolver.create(script(c.script), { resolver });
          for (const uri of x.after_reload) {
            const d = await pac.resolve(c.url);
            assert.equal(proxyServerToUri(d.list[0][0]), uri);
          }
          return;
        }
        const d = await pac.resolve(c.url, { signal: controller.signal });
        assert.equal(d.error === null, x.result === "OK", `${d.error} ${alerts.join("\n")}`);
        if (x.is_direct !== undefined) assert.equal(d.list[0].length === 0, x.is_direct);
        if (x.proxy_uri) assert.equal(proxyServerToUri(d.list[0][0]), x.proxy_uri);
        checkErrors(errors, x.errors, c.test);
        if (x.alerts) assert.deepEqual(alerts, x.alerts);
        if (x.dns_resolves) assert.deepEqual(calls.resolve, x.dns_resolves);
        if (x.dns_resolves_ex) assert.deepEqual(calls.resolveEx, x.dns_resolves_ex);
        if (x.my_ip_address_count !== undefined) assert.equal(calls.my, x.my_ip_address_count);
        if (x.my_ip_address_ex_count !== undefined) {
          assert.equal(calls.myEx, x.my_ip_address_ex_count);
        }
        if (x.dns_resolves_count !== undefined) {
          assert.equal(calls.resolve.length, x.dns_resolves_count);
        }
        if (x.dns_resolves_ex_count_max !== undefined) {
          assert.ok(calls.resolveEx.length <= x.dns_resolves_ex_count_max);
        }
        if (x.alerts_count_max !== undefined) assert.ok(alerts.length <= x.alerts_count_max);
        if (c.then) {
          errors.length = 0;
          const next = await pac.resolve(c.then.url);
          assert.equal(next.error, null);
          assert.equal(proxyServerToUri(next.list[0][0]), c.then.proxy_uri);
          assert.deepEqual(errors, c.then.errors);
        }
      } finally {
        pac.dispose();
      }
    });
  }
  // Listed as unused by the data (its expectation lives in another Chromium test): DIRECT when
  // WebAssembly is absent. QuickJS has no WebAssembly, which is the point of the sandbox.
  it("no_webassembly.js", async () => {
    const pac = await PacResolver.create(script("no_webassembly.js"), {
      resolver: mockBindings().resolver,
    });
    assert.equal((await pac.resolve("http://a/")).result, "DIRECT");
    pac.dispose();
  });
});

// One instant fits every clock the pac-resolver cases stub: local 01:24:30 on a Saturday and
// UTC 19:54:30 on a Friday, i.e. Fri 2024-01-05 19:54:30 UTC seen from UTC+05:30.
const CLOCK = { now: () => Date.UTC(2024, 0, 5, 19, 54, 30), timezoneOffset: -330 };

// These ask DNS for www.netscape.com, which this machine cannot reach: they run against the
// resolver adapter with a host mapping, as Chromium's own tests use a mock resolver.
const NEEDS_PUBLIC_DNS = new Set([
  'isResolvable ["www.netscape.com"]',
  'dnsResolve ["www.netscape.com"]',
]);
const MAPPED = staticHostResolver({ "www.netscape.com": ["23.45.67.89"] });
const mappedResolver = (): HostResolver => {
  const node = nodeHostResolver({ timeout: 2000 });
  return {
    resolve: (host, family) =>
      host === "www.netscape.com" ? MAPPED.resolve(host, family) : node.resolve(host, family),
    localAddresses: (family) => node.localAddresses(family),
  };
};

describe("pac-resolver helper cases", () => {
  for (const c of pacResolverCases.functions) {
    const name = `${c.fn} ${JSON.stringify(c.args)}`;
    it(name, async () => {
      const body = `return JSON.stringify(${c.fn}.apply(null, ${JSON.stringify(c.args)}));`;
      const pac = await PacResolver.create(`function FindProxyForURL(url, host) { ${body} }`, {
        resolver: NEEDS_PUBLIC_DNS.has(name)
          ? mappedResolver()
          : nodeHostResolver({ timeout: 2000 }),
        ...(c.clock ? CLOCK : {}),
      });
      try {
        const outcome = await pac.sandbox.findProxyForURL("http://a/", "a");
        assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
        const value = JSON.parse(outcome.result);
        if (c.expected === "an IPv4 string") assert.match(value, /^\d+\.\d+\.\d+\.\d+$/);
        else assert.deepEqual(value, c.expected);
      } finally {
        pac.dispose();
      }
    });
  }
});

describe("pac-resolver FindProxyForURL scripts", () => {
  // A case whose script lives in a file the conformance data does not ship cannot run; it is
  // listed here by name (not registered as a skipped test), and this test fails if another case
  // goes missing.
  it("every case runs, except those whose script file is not in the conformance data", () => {
    const withoutScript = pacResolverCases.find_proxy_for_url
      .filter((c: { script_file?: string }) => c.script_file)
      .map((c: { name: string; script_file?: string }) => `${c.name}: ${c.script_file}`);
    assert.deepEqual(withoutScript, [
      "GitHub issue #20 (gfw_whitelist.pac): test/fixtures/gfw_whitelist.pac",
    ]);
  });
  for (const c of pacResolverCases.find_proxy_for_url) {
    if (c.script_file) continue;
    it(c.name, async () => {
      const pac = await PacResolver.create(c.script, { resolver: nodeHostResolver() });
      try {
        for (const call of c.calls) {
          const outcome = await pac.sandbox.findProxyForURL(
            call.url,
            call.host ?? new URL(call.url).hostname,
          );
          if (typeof call.expected === "string") {
            assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
            assert.equal(outcome.result, call.expected);
          } else {
            // pac-resolver hands non-string results through; websession follows Chromium: a
            // result that is not a string fails the call (and the request goes DIRECT).
            assert.ok(!outcome.ok);
            assert.equal(outcome.errors[0].message, "FindProxyForURL() did not return a string.");
          }
        }
      } finally {
        pac.dispose();
      }
    });
  }
});
