import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { splitHostPort } from "../../../kernel/network/host_port.ts";
import { parseProxyUri } from "../../../plugins/proxy/proxy_server.ts";
import { parseBypassRule } from "../../../plugins/proxy/bypass_rules.ts";
import { parseHostResolverRules } from "../../../adapters/http/host_rules.ts";

describe("splitHostPort", () => {
  it("splits hosts, bracketed IPv6 and ports", () => {
    assert.deepEqual(splitHostPort("example.com"), { host: "example.com", port: -1 });
    assert.deepEqual(splitHostPort("example.com:0"), { host: "example.com", port: 0 });
    assert.deepEqual(splitHostPort("example.com:65535"), { host: "example.com", port: 65535 });
    assert.deepEqual(splitHostPort("[::1]"), { host: "[::1]", port: -1 });
    assert.deepEqual(splitHostPort("[::1]:8080"), { host: "[::1]", port: 8080 });
    assert.deepEqual(splitHostPort(""), { host: "", port: -1 });
  });

  it("refuses malformed ports and brackets", () => {
    for (const text of ["a:65536", "a:99999", "a:123456", "a:", "a:+1", "a:8o", "[::1", "[::1]x"]) {
      assert.equal(splitHostPort(text), null, text);
    }
  });

  it("proxy URIs, bypass rules and host resolver rules agree on ports above 65535", () => {
    assert.equal(parseProxyUri("proxy.test:65535")?.port, 65535);
    assert.equal(parseProxyUri("proxy.test:65536"), null);
    assert.equal(parseBypassRule("www.test:65535")?.toString(), "www.test:65535");
    assert.equal(parseBypassRule("www.test:65536"), null);
    assert.equal(parseHostResolverRules("MAP a.test 127.0.0.1:65535")[0].port, 65535);
    assert.throws(
      () => parseHostResolverRules("MAP a.test 127.0.0.1:65536"),
      /Invalid target "127.0.0.1:65536"/,
    );
    assert.deepEqual(parseHostResolverRules("MAP a.test [::1]:81")[0], {
      kind: "map",
      pattern: "a.test",
      host: "::1",
      port: 81,
    });
    assert.throws(() => parseHostResolverRules("MAP a.test ::1"), /Invalid target "::1"/);
  });
});
