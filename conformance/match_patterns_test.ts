/**
 * Runs every case of the conformance data's match-patterns/chromium-url-pattern.json against
 * plugins/web-request/match_pattern.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../plugins/cookies/_tldts.ts";
import {
  MatchPattern,
  type MatchPatternError,
  VALID_SCHEMES,
  type ValidSchemes,
} from "../plugins/web-request/match_pattern.ts";
import { conformanceJson } from "./_data.ts";

// deno-lint-ignore no-explicit-any
const data: Record<string, any> = conformanceJson("match-patterns/chromium-url-pattern.json");

const NAMED: Record<string, readonly string[]> = {
  SCHEME_HTTP: ["http"],
  SCHEME_HTTPS: ["https"],
  SCHEME_FTP: ["ftp"],
  SCHEME_EXTENSION: ["chrome-extension"],
  SCHEME_FILE: ["file"],
};

function schemes(spec: string | string[] | undefined): ValidSchemes {
  if (spec === undefined || spec === "kAllSchemes") return VALID_SCHEMES;
  if (Array.isArray(spec)) return spec;
  if (spec === "SCHEME_ALL") return "all";
  return spec.split("|").flatMap((name) => {
    const list = NAMED[name];
    if (!list) throw new Error(`Unknown scheme set ${name}`);
    return list;
  });
}

const RESULTS: Record<string, MatchPatternError | "ok"> = {
  kSuccess: "ok",
  kMissingSchemeSeparator: "missing-scheme-separator",
  kInvalidScheme: "invalid-scheme",
  kWrongSchemeSeparator: "wrong-scheme-separator",
  kEmptyHost: "empty-host",
  kInvalidHostWildcard: "invalid-host-wildcard",
  kEmptyPath: "empty-path",
  kInvalidPort: "invalid-port",
  kInvalidHost: "invalid-host",
};

function parse(pattern: string, spec?: string | string[]): MatchPattern {
  return new MatchPattern(pattern, schemes(spec));
}

function outcome(pattern: string, spec: string): MatchPattern | MatchPatternError {
  return MatchPattern.parse(pattern, schemes(spec));
}

describe("match patterns: chromium url_pattern_unittest", () => {
  it("pattern_url_matches", () => {
    assert.ok(data.pattern_url_matches.length >= 131);
    for (const c of data.pattern_url_matches) {
      const p = parse(c.pattern, c.valid_schemes);
      assert.equal(p.matches(c.url), c.matches, `${c.test}: ${c.pattern} vs ${c.url}`);
    }
  });

  it("pattern_groups (parsed fields and URLs)", () => {
    for (const g of data.pattern_groups) {
      const p = parse(g.pattern, g.valid_schemes);
      const at = `${g.test}: ${g.pattern}`;
      const parsed = g.parsed ?? {};
      if ("scheme" in parsed) assert.equal(p.scheme, parsed.scheme, at);
      if ("host" in parsed) assert.equal(p.host, parsed.host, at);
      if ("match_subdomains" in parsed) {
        assert.equal(p.matchSubdomains, parsed.match_subdomains, at);
      }
      if ("match_all_urls" in parsed) assert.equal(p.matchAllUrls, parsed.match_all_urls, at);
      if ("path" in parsed) assert.equal(p.path, parsed.path, at);
      if ("port" in parsed) assert.equal(p.port, parsed.port, at);
      if ("as_string" in parsed) assert.equal(String(p), parsed.as_string, at);
      for (const [scheme, expected] of Object.entries(parsed.matches_scheme ?? {})) {
        assert.equal(p.matchesScheme(scheme), expected, `${at} scheme ${scheme}`);
      }
      for (const [host, expected] of Object.entries(g.matches_host ?? {})) {
        assert.equal(p.matchesHost(host), expected, `${at} host ${host}`);
      }
      for (const [url, expected] of g.urls) {
        assert.equal(p.matches(url), expected, `${at} vs ${url}`);
      }
    }
  });

  it("parse_invalid", () => {
    for (const c of data.parse_invalid) {
      assert.equal(outcome(c.pattern, c.valid_schemes), RESULTS[c.result], c.pattern);
      assert.throws(
        () => parse(c.pattern, c.valid_schemes),
        (e: unknown) => e instanceof TypeError && e.message.includes(c.pattern),
      );
    }
  });

  it("ports", () => {
    for (const c of data.ports) {
      const p = outcome(c.pattern, c.valid_schemes);
      const got = typeof p === "string" ? p : "ok";
      assert.equal(got, RESULTS[c.result], c.pattern);
      if (typeof p !== "string") assert.equal(p.port, c.port, c.pattern);
    }
  });

  it("ipv6", () => {
    for (const c of data.ipv6) {
      const p = outcome(c.pattern, c.valid_schemes);
      const got = typeof p === "string" ? p : "ok";
      assert.equal(got, RESULTS[c.result], c.pattern);
      if (typeof p !== "string") {
        assert.equal(p.host, c.host, c.pattern);
        assert.equal(p.port, c.port, c.pattern);
      }
    }
  });

  it("get_as_string_roundtrip", () => {
    for (const pattern of data.get_as_string_roundtrip) {
      assert.equal(String(parse(pattern, "SCHEME_ALL")), pattern);
    }
  });

  it("overlaps (both directions)", () => {
    for (const c of data.overlaps) {
      const a = parse(c.a, c.a_schemes);
      const b = parse(c.b, c.b_schemes);
      assert.equal(a.overlapsWith(b), c.overlaps, `${c.a} / ${c.b}`);
      assert.equal(b.overlapsWith(a), c.overlaps, `${c.b} / ${c.a}`);
    }
  });

  it("contains and contains_schemes", () => {
    for (const c of [...data.contains, ...data.contains_schemes]) {
      const a = parse(c.a, c.a_schemes);
      const b = parse(c.b, c.b_schemes);
      assert.equal(a.contains(b), c.a_contains_b, `${c.a} (${c.a_schemes}) ⊇ ${c.b}`);
    }
  });

  it("equals", () => {
    for (const c of data.equals) {
      assert.equal(parse(c.a).equals(parse(c.b)), c.equal, `${c.a} = ${c.b}`);
    }
  });

  it("matches_single_origin", () => {
    for (const c of data.matches_single_origin) {
      assert.equal(
        parse(c.pattern, c.valid_schemes).matchesSingleOrigin(),
        c.matches_single_origin,
        c.pattern,
      );
    }
  });

  it("matches_effective_tld", () => {
    for (const c of data.matches_effective_tld) {
      const p = parse(c.pattern, "SCHEME_ALL");
      assert.equal(p.matchesEffectiveTld(), c.public, `${c.pattern} public`);
      assert.equal(p.matchesEffectiveTld({ private: true }), c.public_or_private, c.pattern);
      assert.equal(p.matchesEffectiveTld({ unknown: true }), c.public_or_unknown, c.pattern);
    }
  });

  it("intersection (both directions)", () => {
    for (const c of data.intersection) {
      const a = parse(c.a);
      const b = parse(c.b);
      const ab = a.intersect(b);
      const ba = b.intersect(a);
      assert.equal(ab === null ? null : String(ab), c.intersection, `${c.a} ∩ ${c.b}`);
      assert.equal(ba === null ? null : String(ba), c.intersection, `${c.b} ∩ ${c.a}`);
    }
  });

  it("convert_to_explicit_schemes", () => {
    for (const c of data.convert_to_explicit_schemes) {
      const got = parse(c.pattern, c.valid_schemes).toExplicitSchemes().map(String);
      assert.deepEqual(got, c.explicit, c.pattern);
    }
  });

  it("covers every section of the file", () => {
    const covered = [
      "_about",
      "pattern_url_matches",
      "pattern_groups",
      "parse_invalid",
      "ports",
      "ipv6",
      "get_as_string_roundtrip",
      "overlaps",
      "contains",
      "contains_schemes",
      "equals",
      "matches_single_origin",
      "matches_effective_tld",
      "intersection",
      "convert_to_explicit_schemes",
    ];
    assert.deepEqual(Object.keys(data).sort(), covered.sort());
  });
});
