// Bypass host patterns with `*` and `?` match in polynomial time (#15: a rule of many stars used
// to take exponential time through a backtracking regex), with the same answers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProxyBypassRules } from "../../../plugins/proxy/bypass_rules.ts";

describe("bypass rules with wildcards", () => {
  it("a pattern of many stars that does not match answers at once", () => {
    const rules = ProxyBypassRules.parse(`${"*".repeat(150)}'x`);
    assert.equal(rules.matches("http://localhost.example/"), false);
    assert.equal(rules.matches(`http://${"a".repeat(200)}.test/`), false);
    const many = ProxyBypassRules.parse(`*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b`);
    assert.equal(many.matches(`http://${"a".repeat(250)}.test/`), false);
    assert.equal(many.matches(`http://${"a".repeat(30)}b/`), true);
  });

  it("answers as a regex of the same glob on every small pattern", () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alphabet = ["a", "b", ".", "*", "?", "ab", "*."];
    const hosts = ["a", "b", "ab", "ba", "a.b", "aab.b", "b.a.a", "abab.ab", "x.a"];
    for (let i = 0; i < 3000; i++) {
      let pattern = "";
      const n = 1 + Math.floor(next() * 6);
      for (let k = 0; k < n; k++) pattern += alphabet[Math.floor(next() * alphabet.length)];
      if (pattern.startsWith(".")) continue; // ".x" is the suffix rule "*.x"
      const source = pattern.replace(/\./g, "\\.").replace(/\*/g, ".*").replace(/\?/g, ".");
      const reference = new RegExp(`^${source}$`);
      const rules = ProxyBypassRules.parse(pattern);
      if (rules.rules.length === 0) continue;
      for (const host of hosts) {
        assert.equal(
          rules.matches(`http://${host}/`),
          reference.test(host),
          `${pattern} against ${host}`,
        );
      }
    }
  });
});
