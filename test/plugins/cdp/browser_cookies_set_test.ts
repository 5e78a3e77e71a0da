// `ses.cookies.set(details)` of a Chromium-backed session stores what Electron's does: without a
// path the cookie takes the default path of details.url (RFC 6265's, as Chromium's
// CanonicalCookie::CreateSanitizedCookie does for Electron), and the same call on a library
// session stores the same cookie.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSession } from "../../../entries/cdp.ts";
import { session } from "../../../mod.ts";
import type { Cookie } from "../../../plugins/cookies/mod.ts";
import { needs } from "../../_system.ts";
import { htmlPage, pageRig } from "./_browser_site.ts";

needs("chromium");

/** What the two sessions' stored cookies must agree on. */
function shapeOf(cookies: Cookie[]) {
  return cookies.map(({ name, path, hostOnly, httpOnly, secure, session, sameSite }) => ({
    name,
    path,
    hostOnly,
    httpOnly,
    secure,
    session,
    sameSite,
  }));
}

describe("cookies.set on a Chromium-backed session", () => {
  const rig = pageRig("chromium-cookies-set", () => htmlPage("cookies"));

  it("without a path, the cookie's path is details.url's default path, as on a library session", async () => {
    const library = `chromium-cookies-set-library-${Math.random().toString(36).slice(2)}`;
    const sessions = [
      await browserSession(rig.browser, rig.partition),
      session.fromPartition(library),
    ];
    try {
      const stored = [];
      for (const ses of sessions) {
        const { cookies } = ses as unknown as {
          cookies: {
            set(d: Record<string, unknown>): Promise<void>;
            get(f: object): Promise<Cookie[]>;
          };
        };
        await cookies.set({ url: `${rig.server.url}/shop/cart`, name: "cart", value: "1" });
        await cookies.set({ url: `${rig.server.url}/shop/`, name: "shop", value: "1" });
        await cookies.set({ url: `${rig.server.url}/top`, name: "top", value: "1" });
        const all = await cookies.get({});
        stored.push(shapeOf(all.sort((a, b) => a.name.localeCompare(b.name))));
      }
      assert.deepEqual(stored[0].map((c) => `${c.name} ${c.path}`), [
        "cart /shop",
        "shop /shop",
        "top /",
      ]);
      assert.deepEqual(stored[0], stored[1], "the Chromium-backed and the library session agree");
    } finally {
      await session.closePartition(library);
    }
  });
});
