import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import { acceptLanguageHeader, defaultUserAgent } from "../../../plugins/user-agent/mod.ts";
import { serve, type TestServer } from "../../_serve.ts";

let server: TestServer;

before(async () => {
  server = await serve((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/hop") {
      return new Response(null, { status: 302, headers: { location: "/headers" } });
    }
    return Response.json({
      ua: request.headers.get("user-agent"),
      lang: request.headers.get("accept-language"),
    });
  });
});
after(() => server.close());

async function seen(
  ses: { fetch(url: string, init?: RequestInit): Promise<Response> },
  init?: RequestInit,
  path = "/headers",
) {
  return await (await ses.fetch(`${server.url}${path}`, init)).json();
}

describe("setUserAgent / getUserAgent", () => {
  it("sends websession's default user agent, naming the runtime", async () => {
    const ses = session.fromPartition("ua-default");
    const runtime = "Bun" in globalThis ? "Bun" : "Deno";
    assert.match(
      ses.getUserAgent(),
      new RegExp(`^websession/\\d+\\.\\d+\\.\\d+ ${runtime}/\\S+ \\(`),
    );
    assert.equal(ses.getUserAgent(), defaultUserAgent());
    // (No Accept-Language is added; Deno's fetch sends its own `*`.)
    assert.equal((await seen(ses)).ua, ses.getUserAgent());
  });

  it("applies the user agent and Accept-Language to every request, redirects included", async () => {
    const ses = session.fromPartition("ua-set");
    ses.setUserAgent("MyApp/2.0", "en-US,fr,de");
    assert.equal(ses.getUserAgent(), "MyApp/2.0");
    assert.deepEqual(await seen(ses, undefined, "/hop"), {
      ua: "MyApp/2.0",
      lang: "en-US,fr;q=0.9,de;q=0.8",
    });
    // Another session keeps its own.
    assert.notEqual((await seen(session.fromPartition("ua-other"))).ua, "MyApp/2.0");
    // Without acceptLanguages the languages stay.
    ses.setUserAgent("MyApp/3.0");
    assert.deepEqual(await seen(ses), { ua: "MyApp/3.0", lang: "en-US,fr;q=0.9,de;q=0.8" });
  });

  it("leaves a request's own headers alone", async () => {
    const ses = session.fromPartition("ua-own");
    ses.setUserAgent("MyApp/2.0", "en");
    const { ua, lang } = await seen(ses, {
      headers: { "user-agent": "Mine/1", "accept-language": "ko" },
    });
    assert.deepEqual({ ua, lang }, { ua: "Mine/1", lang: "ko" });
  });

  it("builds Accept-Language with Chromium's q-values", () => {
    assert.equal(acceptLanguageHeader("en"), "en");
    assert.equal(
      acceptLanguageHeader("a,b,c,d,e,f,g,h,i,j,k,l"),
      "a,b;q=0.9,c;q=0.8,d;q=0.7,e;q=0.6,f;q=0.5,g;q=0.4,h;q=0.3,i;q=0.2,j;q=0.1,k;q=0.1,l;q=0.1",
    );
    assert.equal(acceptLanguageHeader(" en-US , zh-CN "), "en-US,zh-CN;q=0.9");
  });

  it("rejects bad values with a TypeError and keeps the previous ones", async () => {
    const ses = session.fromPartition("ua-bad");
    ses.setUserAgent("Good/1", "en");
    // @ts-expect-error: wrong type on purpose
    assert.throws(() => ses.setUserAgent(5), {
      name: "TypeError",
      message: /userAgent must be a string/,
    });
    assert.throws(() => ses.setUserAgent("a\r\nb: c"), { name: "TypeError", message: /CR, LF/ });
    assert.throws(() => ses.setUserAgent("X/1", "en;q=1"), {
      name: "TypeError",
      message: /"en;q=1" is not a language tag/,
    });
    assert.equal(ses.getUserAgent(), "Good/1");
    assert.deepEqual(await seen(ses), { ua: "Good/1", lang: "en" });
  });

  it("stops sending Accept-Language given an empty list, as Chromium sends none for an empty one", async () => {
    const ses = session.fromPartition("ua-no-languages");
    // What goes out without one: nothing on Bun, Deno's fetch adds its own "*".
    const { lang: runtimeDefault } = await seen(ses);
    ses.setUserAgent("Good/1", "en,fr");
    ses.setUserAgent("Good/2", "");
    assert.deepEqual(await seen(ses), { ua: "Good/2", lang: runtimeDefault });
    ses.setUserAgent("Good/3", "de");
    ses.setUserAgent("Good/4", " , ");
    assert.deepEqual(await seen(ses), { ua: "Good/4", lang: runtimeDefault });
  });
});
