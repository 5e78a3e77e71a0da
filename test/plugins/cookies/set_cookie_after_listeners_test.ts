/**
 * Cookies of a response are stored from its headers as the `onHeadersReceived` listeners and the
 * declarativeNetRequest rules left them (Chromium's URLRequestHttpJob saves them only after the
 * network delegate answered): on a redirect hop, on a 401 retried with credentials and on the
 * last response; none when the answer cancels.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetError, type Session, session } from "../../../mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { type WebRequestMembers, webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import { type CookiesMembers, cookiesPlugin } from "../../../plugins/cookies/mod.ts";

type CookieSession = Session & WebRequestMembers & CookiesMembers;

let server: TestServer;
let count = 0;
const open: Session[] = [];

before(async () => {
  server = await serve((request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/cookie") {
      return new Response("ok", { headers: { "set-cookie": "original=1; Path=/" } });
    }
    if (pathname === "/redirect") {
      const headers = { location: "/cookie", "set-cookie": "hop=1; Path=/" };
      return new Response(null, { status: 302, headers });
    }
    if (pathname === "/auth") {
      if (request.headers.get("authorization") === `Basic ${btoa("user:pass")}`) {
        return new Response("welcome");
      }
      const headers = {
        "www-authenticate": 'Basic realm="r"',
        "set-cookie": "challenge=1; Path=/",
      };
      return new Response("no", { status: 401, headers });
    }
    return new Response("not found", { status: 404 });
  });
});
after(async () => {
  for (const ses of open.splice(0)) await session.closePartition(ses.partition);
  await server.close();
});

async function fresh(): Promise<CookieSession> {
  const ses = session.fromPartition(`set-cookie-after-listeners-${++count}`, {
    preset: false,
    plugins: [webRequestPlugin, cookiesPlugin],
  });
  await ses.ready;
  open.push(ses);
  return ses;
}

/** The jar's cookies for the server, as `name=value`, sorted. */
async function jar(ses: CookieSession): Promise<string[]> {
  const cookies = await ses.cookies.get({ url: server.url });
  return cookies.map((c) => `${c.name}=${c.value}`).sort();
}

/** Response headers (Electron's record) with every Set-Cookie line replaced by `lines`. */
function withSetCookie(headers: Record<string, string[]>, lines: string[]) {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (name.toLowerCase() !== "set-cookie") out[name] = values;
  }
  if (lines.length > 0) out["Set-Cookie"] = lines;
  return out;
}

/** An `onHeadersReceived` listener that replaces the Set-Cookie lines of `path`'s responses. */
function rewriteSetCookie(ses: CookieSession, path: string, lines: string[]): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = details.responseHeaders as Record<string, string[]>;
    if (new URL(details.url as string).pathname !== path) return callback!({});
    callback!({ responseHeaders: withSetCookie(headers, lines) });
  });
}

describe("Set-Cookie after onHeadersReceived", () => {
  it("a listener that removes the Set-Cookie line keeps the cookie out of the jar", async () => {
    const ses = await fresh();
    rewriteSetCookie(ses, "/cookie", []);
    const response = await ses.fetch(`${server.url}/cookie`);
    assert.equal(await response.text(), "ok");
    assert.deepEqual(await jar(ses), []);
  });

  it("a listener that adds a Set-Cookie line gets it stored", async () => {
    const ses = await fresh();
    rewriteSetCookie(ses, "/cookie", ["original=1; Path=/", "added=2; Path=/"]);
    await (await ses.fetch(`${server.url}/cookie`)).text();
    assert.deepEqual(await jar(ses), ["added=2", "original=1"]);
  });

  it("a listener that cancels the response stores none", async () => {
    const ses = await fresh();
    ses.webRequest.onHeadersReceived((_details, callback) => callback!({ cancel: true }));
    await assert.rejects(
      ses.fetch(`${server.url}/cookie`),
      (e: unknown) => e instanceof NetError && e.code === "net::ERR_BLOCKED_BY_CLIENT",
    );
    assert.deepEqual(await jar(ses), []);
  });

  it("a declarativeNetRequest rule that removes set-cookie keeps the cookie out", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{
        id: 1,
        condition: { urlFilter: "/cookie" },
        action: {
          type: "modifyHeaders",
          responseHeaders: [{ header: "set-cookie", operation: "remove" }],
        },
      }],
    });
    await (await ses.fetch(`${server.url}/cookie`)).text();
    assert.deepEqual(await jar(ses), []);
  });

  it("a redirect hop stores the cookies its listeners left", async () => {
    const ses = await fresh();
    rewriteSetCookie(ses, "/redirect", ["hop=changed; Path=/"]);
    await (await ses.fetch(`${server.url}/redirect`)).text();
    assert.deepEqual(await jar(ses), ["hop=changed", "original=1"]);
  });

  it("a 401 retried with credentials stores the cookies its listeners left", async () => {
    const ses = await fresh();
    ses.pipeline.tap("authRequired", () => ({ username: "user", password: "pass" }), {
      plugin: "test",
    });
    rewriteSetCookie(ses, "/auth", []);
    const response = await ses.fetch(`${server.url}/auth`);
    assert.equal(await response.text(), "welcome");
    assert.deepEqual(await jar(ses), []);
  });
});
