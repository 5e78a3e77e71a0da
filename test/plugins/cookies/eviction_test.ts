import { describe, it } from "node:test";
import assert from "node:assert/strict";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../../../plugins/cookies/_tldts.ts";
import { CookieJar } from "../../../plugins/cookies/jar.ts";
import {
  chooseDomainEvictions,
  DOMAIN_QUOTAS,
  MAX_COOKIES,
} from "../../../plugins/cookies/eviction.ts";

describe("per-domain limit (180, purged to 150)", () => {
  it("evicts the least recently used non-secure cookies first", () => {
    let now = Date.UTC(2026, 0, 1);
    const jar = new CookieJar({ now: () => now });
    for (let i = 0; i < 90; i++) jar.setCookie(`s${i}=1; Secure`, "https://example.org/");
    for (let i = 0; i < 90; i++) jar.setCookie(`p${i}=1`, "https://example.org/");
    now += 120_000;
    jar.cookieHeader("http://example.org/"); // touches the 90 non-secure ones
    const evicted: string[] = [];
    jar.onChange((c, cause) => cause === "evicted" && evicted.push(c.name));
    jar.setCookie("new=1", "https://example.org/");
    assert.equal(evicted.length, 31);
    // the oldest non-secure cookies went, never a secure one
    assert.ok(evicted.every((n) => n.startsWith("p")), evicted.join());
    assert.equal(jar.size, 150);
  });

  it("purges in Chromium's priority rounds, keeping each priority's quota", () => {
    const jar = new CookieJar();
    for (let i = 0; i < 100; i++) {
      jar.setCookie(`low${i}=1; Priority=Low; Secure`, "https://x.test/");
    }
    for (let i = 0; i < 81; i++) jar.setCookie(`high${i}=1; Priority=High`, "https://x.test/");
    const names = jar.all().map((c) => c.name);
    const low = names.filter((n) => n.startsWith("low")).length;
    assert.equal(names.length, 150);
    assert.ok(low >= DOMAIN_QUOTAS[0], `low kept ${low}`);
    // 31 had to go. Round 1 (low, non-secure) finds none; round 2 (low, secure too) may take
    // low-priority cookies down to their quota of 30 and takes the 31 oldest; the high-priority
    // cookies (rounds 4 and 6) are not reached.
    assert.equal(names.filter((n) => n.startsWith("high")).length, 81);
    assert.equal(low, 69);
    assert.ok(!names.includes("low0") && names.includes("low31"));
  });

  it("chooses nothing under the limit", () => {
    assert.deepEqual(chooseDomainEvictions([]), []);
  });
});

describe("total limit (3300, purged to 3000)", () => {
  it("evicts only cookies unused for 30 days, least recently used first", () => {
    let now = Date.UTC(2026, 0, 1);
    const jar = new CookieJar({ now: () => now });
    for (let d = 0; d < 34; d++) {
      for (let i = 0; i < 100; i++) {
        jar.setCookie(`c${i}=1; Max-Age=30000000`, `https://site${d}.test/`);
      }
      if (d === 0) now += 31 * 86400_000; // site0's cookies are now old
    }
    // over the limit, but only site0's 100 cookies may go: all of them, oldest first
    assert.equal(jar.size, MAX_COOKIES + 100 - 100);
    assert.equal(jar.cookieHeader("https://site0.test/"), "");
    assert.notEqual(jar.cookieHeader("https://site1.test/"), "");
  });

  it("keeps recently used cookies even over the limit, as Chromium does", () => {
    const jar = new CookieJar();
    for (let d = 0; d < 34; d++) {
      for (let i = 0; i < 100; i++) jar.setCookie(`c${i}=1`, `https://site${d}.test/`);
    }
    assert.equal(jar.size, 3400);
  });
});
