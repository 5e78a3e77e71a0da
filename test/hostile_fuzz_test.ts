// Fuzzing the parsers that take untrusted text (#15): a seeded generator feeds the Set-Cookie
// parser, proxy rules, bypass rules, match patterns, declarative rules and plugin manifests with
// near-valid and broken input. Each may refuse with its documented error type (TypeError) and must
// never throw anything else or hang. Each target runs for a fixed budget of a few hundred ms; set
// FUZZ_SEED to replay a run, FUZZ_MS to run longer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../plugins/cookies/_tldts.ts";
import process from "node:process";
import { parseSetCookie } from "../plugins/cookies/parse_set_cookie.ts";
import { ProxyRules } from "../plugins/proxy/proxy_rules.ts";
import { ProxyBypassRules } from "../plugins/proxy/bypass_rules.ts";
import { MatchPattern } from "../plugins/web-request/match_pattern.ts";
import { compileRule } from "../plugins/web-request/dnr_rule.ts";
import { matchContext, ruleMatches } from "../plugins/web-request/dnr_matcher.ts";
import { redirectTarget } from "../plugins/web-request/_redirect.ts";
import { applyHeaderChanges, headerChanges } from "../plugins/web-request/dnr_engine.ts";
import { parseManifest } from "../kernel/manifest.ts";
import { prng } from "../scripts/_prng.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 0x15_f022);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 400);

/** A seeded generator (`prng`): the same sequence on every runtime. */
function generator(seed: number) {
  const next = prng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const ODD = [
    "\0",
    "\r",
    "\n",
    "\t",
    " ",
    "\u00a0",
    "\ud800",
    "\udfff",
    "é",
    "\u2028",
    "\ufeff",
    "%",
    "%00",
    "\\",
    '"',
    "'",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "*",
    "?",
    "+",
    "|",
    "^",
    "$",
    ".",
    ":",
    ";",
    ",",
    "=",
    "/",
    "@",
    "#",
    "<",
    ">",
    "-",
    "_",
    "~",
  ];
  /** `tokens` glued together, with random characters, odd ones and repeats mixed in. */
  const text = (tokens: readonly string[], max = 12): string => {
    let out = "";
    const n = int(max) + 1;
    for (let i = 0; i < n; i++) {
      const r = next();
      if (r < 0.55) out += pick(tokens);
      else if (r < 0.75) out += pick(ODD);
      else if (r < 0.85) out += String.fromCharCode(int(0x80));
      else if (r < 0.9) out += String.fromCharCode(int(0x10000));
      else if (r < 0.95) out += pick(tokens).repeat(int(300));
      else out += String(int(100000) - 50);
    }
    return out;
  };
  return { next, int, pick, text };
}

type Gen = ReturnType<typeof generator>;

/**
 * Calls `step` with inputs from `make` for BUDGET_MS; anything thrown that is not a TypeError fails
 * with the seed and the input that caused it.
 */
function fuzz<T>(name: string, make: (g: Gen) => T, step: (input: T) => void): number {
  const g = generator(SEED ^ hash(name));
  const end = performance.now() + BUDGET_MS;
  let runs = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++, runs++) {
      const input = make(g);
      try {
        step(input);
      } catch (error) {
        if (error instanceof TypeError) continue;
        assert.fail(
          `${name} threw ${(error as Error)?.name}: ${
            (error as Error)?.message
          } (FUZZ_SEED=${SEED}` +
            `, run ${runs}) for ${JSON.stringify(input)?.slice(0, 2000)}`,
        );
      }
    }
  }
  return runs;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const URLS = [
  "http://example.com/",
  "https://a.b.example.co.uk:8443/p/a/t/h?q=1#f",
  "http://[::1]:8080/x",
  "http://192.168.1.10/",
  "https://xn--bcher-kva.example/",
  "ws://h.test/socket",
  "http://localhost/",
  "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
];

describe("fuzzing the parsers of untrusted text", () => {
  it("Set-Cookie lines: parsed or ignored, never thrown", () => {
    const tokens = [
      "sid",
      "=",
      "abc",
      "; ",
      ";",
      "Domain=",
      ".example.com",
      "Path=",
      "/",
      "Expires=",
      "Wed, 21 Oct 2015 07:28:00 GMT",
      "Max-Age=",
      "-1",
      "99999999999999999999",
      "Secure",
      "HttpOnly",
      "SameSite=",
      "Lax",
      "Strict",
      "None",
      "Partitioned",
      "__Host-",
      "__Secure-",
      '"quoted"',
    ];
    const runs = fuzz("set-cookie", (g) => g.text(tokens, 16), (line) => {
      const parsed = parseSetCookie(line);
      if (parsed !== null) assert.equal(typeof parsed, "object");
    });
    assert.ok(runs > 0);
  });

  it("proxy rules: parsed (or refused with a TypeError), and applied to URLs", () => {
    const tokens = [
      "http=",
      "https=",
      "ftp=",
      "socks=",
      "proxy",
      ":8080",
      ":0",
      ":65536",
      "socks5://",
      "socks4://",
      "https://",
      "quic://",
      "direct://",
      "[::1]",
      "1.2.3.4",
      ",",
      ";",
      " ",
      "DIRECT",
    ];
    const runs = fuzz("proxy-rules", (g) => ({ text: g.text(tokens), url: g.pick(URLS) }), (
      input,
    ) => {
      const rules = ProxyRules.parse(input.text);
      rules.apply(input.url);
    });
    assert.ok(runs > 0);
  });

  it("bypass rules: invalid ones skipped, matching never throws", () => {
    const tokens = [
      "<local>",
      "<-loopback>",
      "*",
      ".example.com",
      "*.test",
      "http://",
      "https://",
      "10.0.0.0/8",
      "::1/128",
      "[::1]",
      "/33",
      ":80",
      "192.168.1.1",
      "*:*",
      ",",
      ";",
    ];
    const runs = fuzz("bypass-rules", (g) => ({ text: g.text(tokens), url: g.pick(URLS) }), (
      input,
    ) => {
      const rules = ProxyBypassRules.parse(input.text);
      rules.matches(input.url);
      rules.toString();
    });
    assert.ok(runs > 0);
  });

  it("match patterns: TypeError for invalid ones, matching never throws", () => {
    const tokens = [
      "<all_urls>",
      "*://",
      "http://",
      "https://",
      "file:///",
      "urn:",
      "*",
      "*.",
      "example.com",
      "[::1]",
      ":8080",
      ":*",
      "/",
      "/*",
      "?",
      "#",
    ];
    const runs = fuzz("match-pattern", (g) => ({ text: g.text(tokens, 8), url: g.pick(URLS) }), (
      input,
    ) => {
      const pattern = new MatchPattern(input.text);
      pattern.matches(input.url);
    });
    assert.ok(runs > 0);
  });

  it("declarative rules: TypeError for invalid ones; valid ones match, redirect and modify headers", () => {
    const filterTokens = ["||", "|", "^", "*", "ads", ".example", "/", "?", "=", "a", "b"];
    const regexTokens = [
      "^",
      "$",
      "(a+)+",
      "(?=x)",
      "(?i)",
      "\\Q.\\E",
      "[[:alpha:]]",
      "(?P<n>x)",
      "\\1",
      "[a-z]",
      "{2,5}",
      "{1001}",
      ".*",
      "https?://",
      "\\d+",
      "|",
      "(",
      ")",
    ];
    const make = (g: Gen) => {
      const condition: Record<string, unknown> = {};
      if (g.next() < 0.5) condition.urlFilter = g.text(filterTokens, 6);
      if (g.next() < 0.4) condition.regexFilter = g.text(regexTokens, 6);
      if (g.next() < 0.2) condition.isUrlFilterCaseSensitive = g.next() < 0.5;
      if (g.next() < 0.2) condition.requestDomains = [g.text(["a", ".", "example", "com"], 4)];
      if (g.next() < 0.2) condition.resourceTypes = [g.pick(["main_frame", "image", "xhr", "x"])];
      const type = g.pick(["block", "allow", "redirect", "modifyHeaders", "upgradeScheme", "x"]);
      const action: Record<string, unknown> = { type };
      if (type === "redirect") {
        action.redirect = g.pick([
          { url: g.text(["https://", "a.test", "/", "?q"], 4) },
          { regexSubstitution: g.text(["\\0", "\\1", "\\9", "\\\\", "x", "/"], 5) },
          { transform: { host: g.text(["a", ".", "test"], 4), port: g.text(["1", "8"], 6) } },
        ]);
      }
      if (type === "modifyHeaders") {
        action.requestHeaders = [{
          header: g.text(["x-a", "cookie", "-", "a"], 3),
          operation: g.pick(["set", "append", "remove"]),
          value: g.next() < 0.8 ? g.text(["v", " ", "1", ";"], 6) : undefined,
        }];
      }
      const id = g.next() < 0.9 ? g.int(100) : g.pick([-1, 0, 1.5, "1", null, NaN]);
      return {
        rule: { id, priority: g.next() < 0.2 ? g.int(5) - 1 : undefined, condition, action },
        url: g.pick(URLS),
      };
    };
    const runs = fuzz("dnr-rule", make, (input) => {
      const compiled = compileRule(input.rule, 0);
      const ctx = matchContext({ url: input.url, type: "other" });
      if (!ruleMatches(compiled, ctx)) return;
      if (compiled.rule.action.type === "redirect") redirectTarget(compiled, input.url);
      if (compiled.rule.action.type === "modifyHeaders") {
        const { applied } = headerChanges([compiled], "requestHeaders");
        applyHeaderChanges(new Headers({ cookie: "a=1" }), applied, false);
      }
    });
    assert.ok(runs > 0);
  });

  it("plugin manifests: TypeError naming the key for invalid ones", () => {
    const make = (g: Gen) => {
      const manifest: Record<string, unknown> = {
        name: g.next() < 0.7 ? g.text(["a", "b", "-", "x1"], 4) : g.int(10),
        version: g.next() < 0.7 ? g.text(["1", ".", "0", "-beta", "+b"], 6) : null,
      };
      const keys = ["hooks", "provides", "requires", "api", "permissions", "runtimes", "files"];
      for (const key of keys) {
        if (g.next() < 0.3) {
          manifest[key] = g.pick([
            [g.text(["beforeRequest", "transport", "x", "deno", "bun"], 2)],
            g.text(["a"], 2),
            { net: [g.text(["a.test"], 2)] },
            [],
            null,
          ]);
        }
      }
      if (g.next() < 0.2) manifest[g.text(["extra", "__proto__", "constructor"], 2)] = 1;
      if (g.next() < 0.2) manifest.isolation = g.pick(["inline", "worker", "thread"]);
      return g.next() < 0.05 ? g.pick([null, [], "manifest", 7]) : manifest;
    };
    const runs = fuzz("manifest", make, (input) => {
      const manifest = parseManifest(input);
      assert.equal(typeof manifest.name, "string");
    });
    assert.ok(runs > 0);
  });
});
