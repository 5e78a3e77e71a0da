// Chromium's proxy conformance cases (the conformance data's proxy/chromium-proxy.json): proxy
// rules parsing and application, bypass rules, proxy URIs, PAC result strings, proxy lists.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProxyBypassRules } from "../plugins/proxy/bypass_rules.ts";
import { ProxyRules } from "../plugins/proxy/proxy_rules.ts";
import {
  parsePacElement,
  parseProxyUri,
  parseProxyUriToChain,
  type ProxyChain,
  proxyServerToPac,
  proxyServerToUri,
} from "../plugins/proxy/proxy_server.ts";
import {
  deprioritizeBadProxies,
  parsePacResult,
  proxyListToString,
  type ProxyRetryInfo,
  removeProxiesWithoutScheme,
} from "../plugins/proxy/proxy_list.ts";
import { proxyConfigToValue } from "../plugins/proxy/proxy_config.ts";
import { conformanceJson } from "./_data.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const data: Any = conformanceJson("proxy/chromium-proxy.json");

const listOrNull = (list: readonly ProxyChain[]) => list.length ? proxyListToString(list) : null;

function rulesShape(rules: ProxyRules) {
  return {
    type: rules.type === "EMPTY" ? "PROXY_LIST" : rules.type,
    single_proxies: listOrNull(rules.singleProxies),
    proxies_for_http: listOrNull(rules.proxiesForHttp),
    proxies_for_https: listOrNull(rules.proxiesForHttps),
    proxies_for_ftp: listOrNull(rules.proxiesForFtp),
    fallback_proxies: listOrNull(rules.fallbackProxies),
  };
}

describe("proxy rules parsing", () => {
  for (const c of data.proxy_rules_parse) {
    it(c.input, () => assert.deepEqual(rulesShape(ProxyRules.parse(c.input)), c.expected));
  }
  for (const c of data.proxy_rules_parse_multi_proxy_chain) {
    it(`${c.input} (bracketed chains allowed)`, () => {
      const rules = ProxyRules.parse(c.input, { allowBracketedProxyChains: true });
      assert.deepEqual(rulesShape(rules), c.expected);
    });
  }
  for (const c of data.proxy_rules_parse_quic) {
    it(`${c.input} (quic ${c.is_quic_allowed ? "allowed" : "not allowed"})`, () => {
      const rules = ProxyRules.parse(c.input, { allowQuic: c.is_quic_allowed });
      assert.deepEqual(rulesShape(rules), c.expected);
    });
  }
});

describe("proxy config to value", () => {
  for (const c of data.proxy_config_to_value) {
    it(c.proxy_rules, () => {
      const value = proxyConfigToValue({
        proxyRules: c.proxy_rules,
        bypass: c.bypass ?? [],
        reverseBypass: c.reverse_bypass ?? false,
        pacUrl: c.pac_url ?? null,
        autoDetect: c.auto_detect ?? false,
      });
      assert.deepEqual(value, c.expected_json);
    });
  }
});

describe("proxy rules applied to URLs", () => {
  for (const c of data.proxy_rules_apply) {
    it(`${c.test ?? c.proxy_rules} ${c.url}`, () => {
      const rules = ProxyRules.parse(c.proxy_rules);
      if (c.bypass) rules.bypassRules = ProxyBypassRules.parse(c.bypass);
      rules.reverseBypass = c.reverse_bypass ?? false;
      const result = rules.apply(c.url);
      assert.equal(proxyListToString(result.list), c.expected);
      if ("did_bypass_proxy" in c) assert.equal(result.didBypassProxy, c.did_bypass_proxy);
      if (c.fallback_proxies) {
        assert.equal(proxyListToString(rules.fallbackProxies), c.fallback_proxies);
      }
    });
  }
});

describe("bypass rules", () => {
  for (const c of data.bypass_rules_match) {
    it(c.test, () => {
      const rules = ProxyBypassRules.parse(c.rules);
      if (c.parsed) assert.deepEqual(rules.rules.map(String), c.parsed);
      if (c.parsed_count !== undefined) assert.equal(rules.rules.length, c.parsed_count);
      if (c.to_string !== undefined) assert.equal(rules.toString(), c.to_string);
      for (const [url, expected] of c.matches) {
        assert.equal(rules.matches(url), expected, `${c.rules} vs ${url}`);
      }
    });
  }
  for (const c of data.bypass_rules_add_rule) {
    it(`${c.test}: ${JSON.stringify(c.rule)}`, () => {
      assert.equal(new ProxyBypassRules().addRule(c.rule), c.valid);
    });
  }
  for (const c of data.bypass_rules_equals) {
    it(`equals ${c.a} / ${c.b}`, () => {
      assert.equal(ProxyBypassRules.parse(c.a).equals(ProxyBypassRules.parse(c.b)), c.equal);
    });
  }
  it("AddRulesToSubtractImplicit", () => {
    const c = data.bypass_rules_misc.AddRulesToSubtractImplicit;
    const rules = ProxyBypassRules.parse(c.rules);
    rules.addRule("<-loopback>");
    assert.deepEqual(rules.rules.map(String), c.after);
  });
  it("GetRulesToSubtractImplicit", () => {
    assert.equal(
      ProxyBypassRules.parse("<-loopback>").toString(),
      data.bypass_rules_misc.GetRulesToSubtractImplicit,
    );
  });
});

describe("proxy URIs", () => {
  for (const c of data.proxy_uri_to_proxy_server) {
    it(JSON.stringify(c.input), () => {
      const server = parseProxyUri(c.input, c.default_scheme.toLowerCase());
      assert.equal(server !== null, c.valid);
      if (!server) return;
      assert.equal(proxyServerToUri(server), c.expected_uri);
      if (c.scheme) assert.equal(server.scheme, c.scheme.toLowerCase());
      if (c.host) assert.equal(server.host, c.host);
      if (c.port) assert.equal(server.port, c.port);
      if (c.pac) assert.equal(proxyServerToPac(server), c.pac);
    });
  }
  for (const c of data.proxy_uri_to_proxy_chain_direct) {
    it(`chain ${c.input}`, () => {
      const chain = parseProxyUriToChain(c.input);
      assert.equal(chain !== null, c.valid);
      assert.equal(chain !== null && chain.length === 0, c.is_direct);
    });
  }
});

describe("PAC results", () => {
  for (const c of data.pac_result_element_to_proxy_server) {
    it(`element ${JSON.stringify(c.input)}`, () => {
      const chain = parsePacElement(c.input);
      assert.equal(chain !== null && chain.length === 1, c.valid);
      if (chain && chain.length === 1) assert.equal(proxyServerToUri(chain[0]), c.expected_uri);
    });
  }
  for (const c of data.proxy_list_set_from_pac_string) {
    it(`list ${JSON.stringify(c.input)}`, () => {
      assert.equal(proxyListToString(parsePacResult(c.input)), c.expected);
    });
  }
  for (const c of data.proxy_list_remove_proxies_without_scheme) {
    it(`remove without ${c.keep_schemes}`, () => {
      const schemes = c.keep_schemes.map((s: string) => s.toLowerCase());
      const list = removeProxiesWithoutScheme(parsePacResult(c.input), schemes);
      assert.equal(proxyListToString(list), c.expected);
    });
  }
  for (const [i, c] of data.proxy_list_deprioritize_bad_proxies.entries()) {
    it(`deprioritize bad proxies #${i + 1}`, () => {
      const now = 1_000_000;
      const bad = new Map<string, ProxyRetryInfo>();
      for (const [key, info] of Object.entries(c.bad) as [string, Any][]) {
        bad.set(key, { badUntil: now + 300_000, tryWhileBad: info.try_while_bad });
      }
      const list = deprioritizeBadProxies(parsePacResult(c.input), bad, now);
      assert.equal(proxyListToString(list), c.expected);
    });
  }
});
