// What Electron's spec (spec/api-session-spec.ts, api-net-session-spec.ts) asserts of
// ses.cookies: the domain filter as CanonicalCookie::IsDomainMatch reads it, and set()'s refusals
// worded as its InclusionStatusToString.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import type { Session } from "../../../mod.ts";
import { type CookiesMembers, cookiesPlugin } from "../../../plugins/cookies/mod.ts";

let n = 0;
const open: Session[] = [];
function fresh(): Session & CookiesMembers {
  const ses = session.fromPartition(`cookies-electron-spec-${++n}`, {
    preset: false,
    plugins: [cookiesPlugin],
  });
  open.push(ses);
  return ses as Session & CookiesMembers;
}
/** A fresh session holding one cookie set with an explicit `domain`. */
async function withDomainCookie(url: string, name: string, value: string, domain: string) {
  const ses = fresh();
  await ses.ready;
  await ses.cookies.set({ url, name, value, domain });
  return ses;
}
after(async () => {
  for (const ses of open) await session.closePartition(ses.partition);
});

describe("ses.cookies.get({ domain }), as Electron's spec", () => {
  it("a filter host under a domain cookie finds it; unrelated hosts do not", async () => {
    const ses = await withDomainCookie(
      "http://a.b.example.com",
      "complexSubdomain",
      "value11",
      ".example.com",
    );
    const names = async (domain: string) => (await ses.cookies.get({ domain })).map((c) => c.name);
    for (const domain of ["a.b.example.com", "b.example.com", "example.com", ".example.com"]) {
      assert.deepEqual(await names(domain), ["complexSubdomain"], domain);
    }
    assert.deepEqual(await names("otherexample.com"), []);
  });

  it("host-only normalisation, case and IP addresses", async () => {
    const ses = await withDomainCookie("http://sub.example.com", "n", "3", "example.com");
    assert.equal((await ses.cookies.get({ domain: "sub.example.com" })).length, 1);
    await ses.cookies.set({
      url: "http://example.com",
      name: "c",
      value: "7",
      domain: "Example.com",
    });
    assert.deepEqual((await ses.cookies.get({ domain: "example.com" })).map((c) => c.name).sort(), [
      "c",
      "n",
    ]);
    await ses.cookies.set({ url: "http://127.0.0.1", name: "ip", value: "8", domain: "127.0.0.1" });
    assert.deepEqual((await ses.cookies.get({ domain: "127.0.0.1" })).map((c) => c.name), ["ip"]);
    assert.deepEqual(await ses.cookies.get({ domain: "127.0.0.2" }), []);
  });
});

describe("ses.cookies.set refusals, worded as Electron's", () => {
  it("rejects with Electron's messages", async () => {
    const ses = fresh();
    await ses.ready;
    const url = "http://127.0.0.1";
    const cases: [object, string][] = [
      [
        { url: "", name: "1", value: "1" },
        "Failed to set cookie - The cookie was set with an invalid Domain attribute.",
      ],
      [
        { url: "asdf", name: "1", value: "1" },
        "Failed to set cookie - The cookie was set with an invalid Domain attribute.",
      ],
      [
        { url, name: "BadCookie", value: "test;test" },
        "Failed to set cookie - The cookie contains ASCII control characters",
      ],
      [
        { url, value: "hithere", sameSite: "garbage" },
        "Failed to convert 'garbage' to an appropriate cookie same site value",
      ],
      [{ name: "a", value: "b" }, "Missing required option 'url'"],
      [
        { url: "http://a.test", name: "x", value: "y", domain: "b.test" },
        "Failed to set cookie - The cookie was set with an invalid Domain attribute.",
      ],
    ];
    for (const [details, words] of cases) {
      await assert.rejects(
        ses.cookies.set(details as never),
        (e: Error) => e.message.includes(words),
        words,
      );
    }
  });
});
