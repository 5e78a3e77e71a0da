import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetError } from "../../../mod.ts";
import { closedPort, type TestServer } from "../../_serve.ts";
import {
  hookErrors,
  names,
  recordChrome,
  recordElectron,
  startServer,
  until,
  webRequestSessions,
} from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-lifecycle");
const fresh = sessions.fresh;

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof NetError && e.code === code);
}

describe("webRequest lifecycle", () => {
  it("plain request: every stage once, in order, one id, timestamps not going back", async () => {
    const ses = await fresh();
    const electron = recordElectron(ses.webRequest);
    const chrome = recordChrome(ses.webRequest.scope("chrome"));
    const response = await ses.fetch(`${server.url}/ok`);
    assert.equal(await response.text(), "ok");
    await until(() => electron.length >= 6 && chrome.length >= 6);
    const order = [
      "onBeforeRequest",
      "onBeforeSendHeaders",
      "onSendHeaders",
      "onHeadersReceived",
      "onResponseStarted",
      "onCompleted",
    ];
    assert.deepEqual(names(electron), order);
    assert.deepEqual(names(chrome), order);
    const ids = new Set(electron.map((s) => s.details.id));
    assert.equal(ids.size, 1);
    assert.deepEqual(
      new Set(chrome.map((s) => s.details.requestId)),
      new Set([String([...ids][0])]),
    );
    const times = electron.map((s) => s.details.timestamp as number);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const completed = electron[5].details;
    assert.equal(completed.statusCode, 200);
    assert.equal(completed.statusLine, "HTTP/1.1 200 OK");
    assert.deepEqual((completed.responseHeaders as Record<string, string[]>)["x-server"], ["1"]);
    assert.equal(electron[0].details.resourceType, "other");
    assert.equal(chrome[0].details.type, "other");
    const chromeHeaders = chrome.find((s) => s.event === "onCompleted")!.details.responseHeaders;
    assert.ok((chromeHeaders as Array<{ name: string }>).some((h) => h.name === "x-server"));
  });

  it("redirect chain: the loop repeats, the id stays, one onCompleted", async () => {
    const ses = await fresh();
    const seen = recordElectron(ses.webRequest);
    const response = await ses.fetch(`${server.url}/redirect/2`);
    assert.equal((await response.json()).url.endsWith("/echo"), true);
    await until(() => names(seen).includes("onCompleted"));
    const hop = ["onBeforeRequest", "onBeforeSendHeaders", "onSendHeaders", "onHeadersReceived"];
    assert.deepEqual(names(seen), [
      ...hop,
      "onBeforeRedirect",
      ...hop,
      "onBeforeRedirect",
      ...hop,
      "onResponseStarted",
      "onCompleted",
    ]);
    assert.equal(new Set(seen.map((s) => s.details.id)).size, 1);
    const redirects = seen.filter((s) => s.event === "onBeforeRedirect");
    assert.equal(redirects[0].details.redirectURL, `${server.url}/redirect/1`);
    assert.equal(redirects[1].details.redirectURL, `${server.url}/echo`);
    assert.equal(redirects[0].details.statusCode, 302);
  });

  it("401 then credentials: onAuthRequired answers, the id stays", async () => {
    const ses = await fresh();
    const seen = recordChrome(ses.webRequest);
    const challenges: Record<string, unknown>[] = [];
    ses.webRequest.events.onAuthRequired.addListener(
      (details: Record<string, unknown>) => {
        challenges.push(details);
        return { authCredentials: { username: "user", password: "pass" } };
      },
      { urls: [`${server.url}/*`] },
      ["blocking"],
    );
    const response = await ses.fetch(`${server.url}/auth`);
    assert.equal(await response.text(), "welcome");
    await until(() => names(seen).includes("onCompleted"));
    assert.equal(challenges.length, 1);
    assert.equal(challenges[0].realm, "test");
    assert.equal(challenges[0].scheme, "basic");
    assert.equal(challenges[0].isProxy, false);
    assert.deepEqual(names(seen), [
      "onBeforeRequest",
      "onBeforeSendHeaders",
      "onSendHeaders",
      "onHeadersReceived",
      "onAuthRequired",
      "onBeforeSendHeaders",
      "onSendHeaders",
      "onHeadersReceived",
      "onResponseStarted",
      "onCompleted",
    ]);
    assert.equal(new Set(seen.map((s) => s.details.requestId)).size, 1);
    const sent = seen.filter((s) => s.event === "onSendHeaders").at(-1)!.details;
    // Authorization is not hidden from onSendHeaders.
    assert.ok(
      (sent.requestHeaders as Array<{ name: string }>).some((h) => h.name === "authorization"),
    );
  });

  for (const stage of ["onBeforeRequest", "onBeforeSendHeaders", "onHeadersReceived"] as const) {
    it(`cancel at ${stage}: ERR_BLOCKED_BY_CLIENT, every listener sees onErrorOccurred`, async () => {
      const ses = await fresh();
      const a = recordElectron(ses.webRequest.scope("a"));
      const b = recordChrome(ses.webRequest.scope("b"));
      ses.webRequest.scope("canceller")[stage]((_details, callback) => callback!({ cancel: true }));
      await rejects(ses.fetch(`${server.url}/ok`), "net::ERR_BLOCKED_BY_CLIENT");
      await until(() =>
        names(a).includes("onErrorOccurred") && names(b).includes("onErrorOccurred")
      );
      for (const seen of [a, b]) {
        const ends = seen.filter((s) => s.event === "onErrorOccurred" || s.event === "onCompleted");
        assert.equal(ends.length, 1);
        assert.equal(ends[0].details.error, "net::ERR_BLOCKED_BY_CLIENT");
        assert.equal(names(seen).includes("onResponseStarted"), false);
      }
      const expectSent = stage === "onHeadersReceived";
      assert.equal(names(a).includes("onSendHeaders"), expectSent);
    });
  }

  it("error before sending: an invalid redirect from a listener", async () => {
    const ses = await fresh();
    const seen = recordChrome(ses.webRequest);
    ses.webRequest.onBeforeRequest((_d, callback) => callback!({ redirectURL: "http://[bad" }));
    await rejects(ses.fetch(`${server.url}/ok`), "net::ERR_INVALID_REDIRECT");
    await until(() => names(seen).includes("onErrorOccurred"));
    assert.deepEqual(names(seen), ["onBeforeRequest", "onErrorOccurred"]);
  });

  it("error in transport: connection refused after onSendHeaders", async () => {
    const ses = await fresh();
    const seen = recordElectron(ses.webRequest);
    const port = await closedPort();
    await rejects(ses.fetch(`http://127.0.0.1:${port}/`), "net::ERR_CONNECTION_REFUSED");
    await until(() => names(seen).includes("onErrorOccurred"));
    assert.deepEqual(names(seen), [
      "onBeforeRequest",
      "onBeforeSendHeaders",
      "onSendHeaders",
      "onErrorOccurred",
    ]);
    assert.equal(seen[3].details.error, "net::ERR_CONNECTION_REFUSED");
  });

  it("error while reading the body: aborted after onResponseStarted, no onCompleted", async () => {
    const ses = await fresh();
    const seen = recordElectron(ses.webRequest);
    const controller = new AbortController();
    const response = await ses.fetch(`${server.url}/stream`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => {});
    await reader.cancel().catch(() => {});
    await until(() => names(seen).includes("onErrorOccurred"));
    assert.deepEqual(names(seen).slice(-2), ["onResponseStarted", "onErrorOccurred"]);
    assert.equal(names(seen).includes("onCompleted"), false);
    assert.equal(seen.at(-1)!.details.error, "net::ERR_ABORTED");
  });
});

describe("webRequest listeners", () => {
  it("Electron: calling again replaces the caller's listener; null removes; scopes coexist", async () => {
    const ses = await fresh();
    const calls: string[] = [];
    ses.webRequest.onBeforeRequest((_d, cb) => (calls.push("first"), cb!({})));
    ses.webRequest.onBeforeRequest((_d, cb) => (calls.push("second"), cb!({})));
    ses.webRequest.scope("other").onBeforeRequest((_d, cb) => (calls.push("other"), cb!({})));
    await (await ses.fetch(`${server.url}/ok`)).text();
    assert.deepEqual(calls.sort(), ["other", "second"]);
    ses.webRequest.onBeforeRequest(null);
    calls.length = 0;
    await (await ses.fetch(`${server.url}/ok`)).text();
    assert.deepEqual(calls, ["other"]);
    assert.equal(ses.webRequest.scope("other"), ses.webRequest.scope("other"));
    assert.equal(ses.webRequest.scope("app"), ses.webRequest);
    ses.webRequest.scope("other").onBeforeRequest(null);
    calls.length = 0;
    await (await ses.fetch(`${server.url}/ok`)).text();
    assert.deepEqual(calls, []);
  });

  it("filters: urls, excludeUrls and types", async () => {
    const ses = await fresh();
    const seen: string[] = [];
    ses.webRequest.onBeforeRequest(
      { urls: ["http://127.0.0.1/*", "*://*.example.test/*"], excludeUrls: ["*://*/echo*"] },
      (details, cb) => (seen.push(details.url as string), cb!({})),
    );
    ses.webRequest.scope("types").onSendHeaders(
      { urls: ["<all_urls>"], types: ["xhr"] },
      (details) => void seen.push(`xhr ${details.url}`),
    );
    await (await ses.fetch(`${server.url}/ok`)).text();
    await (await ses.fetch(`${server.url}/echo`)).text();
    await (await ses.fetch(`${server.url}/ok?x`, { resourceType: "xmlhttprequest" })).text();
    assert.deepEqual(seen, [`${server.url}/ok`, `${server.url}/ok?x`, `xhr ${server.url}/ok?x`]);
  });

  it("an invalid pattern or type throws naming it", async () => {
    const ses = await fresh();
    assert.throws(
      () => ses.webRequest.onBeforeRequest({ urls: ["http://*foo/"] }, () => {}),
      { name: "TypeError", message: "Invalid url pattern http://*foo/: Invalid host wildcard." },
    );
    assert.throws(
      () => ses.webRequest.events.onCompleted.addListener(() => {}, { urls: ["nope"] }),
      (e: Error) => e instanceof TypeError && e.message.includes("nope"),
    );
    assert.throws(
      () => ses.webRequest.onBeforeRequest({ urls: ["<all_urls>"], types: ["picture"] }, () => {}),
      { name: "TypeError", message: "Invalid type picture" },
    );
    assert.throws(
      () => ses.webRequest.events.onCompleted.addListener(() => {}, { urls: [] }, ["blocking"]),
      // Chrome's bindings name the index, not the value (chrome_options_test.ts)
      /^TypeError: Error at parameter 'extraInfoSpec': Error at index 0: /,
    );
  });

  it("Chrome surface: addListener, hasListener, removeListener", async () => {
    const ses = await fresh();
    const seen: string[] = [];
    const listener = (d: Record<string, unknown>) => void seen.push(d.url as string);
    const ev = ses.webRequest.events.onCompleted;
    ev.addListener(listener, { urls: ["<all_urls>"] });
    assert.equal(ev.hasListener(listener), true);
    await (await ses.fetch(`${server.url}/ok`)).text();
    await until(() => seen.length === 1);
    ev.removeListener(listener);
    assert.equal(ev.hasListener(listener), false);
    assert.equal(ev.hasListeners(), false);
    await (await ses.fetch(`${server.url}/ok`)).text();
    await ses.webRequest.events.handlerBehaviorChanged();
    assert.equal(seen.length, 1);
  });

  it("headers the caller set are shown to onBeforeSendHeaders, and a listener may remove them", async () => {
    // The caller's own headers are in the request's headers when the listeners run (those Chrome
    // shows only with extraHeaders aside: chrome_extra_headers_test.ts).
    const ses = await fresh();
    let shown: Record<string, string> = {};
    let shownChrome: Array<{ name: string }> = [];
    ses.webRequest.onBeforeSendHeaders((details, cb) => {
      shown = details.requestHeaders as Record<string, string>;
      const { authorization: _removed, ...kept } = shown;
      cb!({ requestHeaders: { ...kept, "x-added": "1" } });
    });
    ses.webRequest.events.onBeforeSendHeaders.addListener(
      (details: Record<string, unknown>) => {
        shownChrome = details.requestHeaders as Array<{ name: string }>;
      },
      { urls: ["<all_urls>"] },
      ["requestHeaders"],
    );
    const response = await ses.fetch(`${server.url}/echo`, {
      headers: {
        authorization: "Bearer t",
        "cache-control": "no-cache",
        pragma: "no-cache",
        "if-none-match": '"e"',
        "x-visible": "yes",
      },
    });
    const echoed = (await response.json()).headers;
    assert.equal(shown["x-visible"], "yes");
    for (const name of ["authorization", "cache-control", "pragma", "if-none-match"]) {
      assert.ok(shown[name], `${name} is shown`);
      assert.ok(shownChrome.some((h) => h.name === name), `${name} is shown without extraHeaders`);
    }
    assert.equal(echoed.authorization, undefined);
    assert.equal(echoed["cache-control"], "no-cache");
    assert.equal(echoed["x-added"], "1");
  });

  it("the Authorization the session adds for a retry is out of view and still sent", async () => {
    const ses = await fresh();
    const shown: string[][] = [];
    ses.webRequest.onBeforeSendHeaders((details, cb) => {
      const headers = details.requestHeaders as Record<string, string>;
      shown.push(Object.keys(headers).map((name) => name.toLowerCase()));
      cb!({ requestHeaders: headers });
    });
    ses.webRequest.events.onAuthRequired.addListener(
      () => ({ authCredentials: { username: "user", password: "pass" } }),
      { urls: [`${server.url}/*`] },
      ["blocking"],
    );
    const response = await ses.fetch(`${server.url}/auth`);
    assert.equal(await response.text(), "welcome");
    assert.equal(shown.length, 2);
    for (const names of shown) assert.equal(names.includes("authorization"), false);
  });

  it("a listener that never answers is cut off after the timeout; the request goes on", async () => {
    const ses = await fresh();
    const errors = hookErrors(ses);
    ses.webRequest.setListenerTimeout(100);
    assert.equal(ses.webRequest.getListenerTimeout(), 100);
    let id = 0;
    ses.webRequest.onBeforeRequest((details) => void (id = details.id as number));
    const started = Date.now();
    const response = await ses.fetch(`${server.url}/ok`);
    assert.equal(await response.text(), "ok");
    assert.ok(Date.now() - started >= 90);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /did not answer within 100 ms/);
    const steps = ses.webRequest.explain(id).steps;
    assert.ok(steps.some((s) => s.error?.includes("did not answer")));
    assert.throws(() => ses.webRequest.setListenerTimeout(-1), TypeError);
  });

  it("a throwing listener is reported and ignored", async () => {
    const ses = await fresh();
    const errors = hookErrors(ses);
    ses.webRequest.onBeforeRequest(() => {
      throw new Error("boom");
    });
    ses.webRequest.events.onBeforeSendHeaders.addListener(
      () => {
        throw new Error("bang");
      },
      { urls: ["<all_urls>"] },
      ["blocking"],
    );
    const response = await ses.fetch(`${server.url}/ok`);
    assert.equal(await response.text(), "ok");
    assert.equal(errors.length, 2);
    assert.match(String(errors.map(String)), /boom/);
    assert.match(String(errors.map(String)), /bang/);
  });

  it("asyncBlocking onAuthRequired answers through its callback; cancel gives up", async () => {
    const ses = await fresh();
    ses.webRequest.events.onAuthRequired.addListener(
      (_details: unknown, callback: (r: object) => void) => {
        setTimeout(() => callback({ authCredentials: { username: "user", password: "pass" } }), 5);
      },
      { urls: ["<all_urls>"] },
      ["asyncBlocking"],
    );
    assert.equal(await (await ses.fetch(`${server.url}/auth`)).text(), "welcome");
    const other = await fresh();
    other.webRequest.events.onAuthRequired.addListener(
      () => ({ cancel: true }),
      { urls: ["<all_urls>"] },
      ["blocking"],
    );
    const response = await other.fetch(`${server.url}/auth`);
    assert.equal(response.status, 401);
    await response.text();
  });

  it("request bodies: Electron's uploadData and Chrome's requestBody with formData", async () => {
    const ses = await fresh();
    let upload: unknown;
    let body: Record<string, unknown> = {};
    ses.webRequest.onBeforeRequest((details, cb) => {
      upload = details.uploadData;
      cb!({});
    });
    ses.webRequest.events.onBeforeRequest.addListener(
      (details: Record<string, unknown>) => void (body = details.requestBody as typeof body),
      { urls: ["<all_urls>"] },
      ["requestBody"],
    );
    await (await ses.fetch(`${server.url}/echo`, {
      method: "POST",
      body: "a=1&b=2&a=3",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    })).text();
    const bytes = (upload as Array<{ bytes: Uint8Array }>)[0].bytes;
    assert.equal(new TextDecoder().decode(bytes), "a=1&b=2&a=3");
    // a body parsed as a form is not given raw as well (Chrome)
    assert.deepEqual(body, { formData: { a: ["1", "3"], b: ["2"] } });
  });

  it("Chrome blocking listeners may answer with a Promise", async () => {
    const ses = await fresh();
    ses.webRequest.events.onBeforeRequest.addListener(
      async () => {
        await new Promise((r) => setTimeout(r, 10));
        return { redirectUrl: `${server.url}/echo` };
      },
      { urls: [`${server.url}/ok`] },
      ["blocking"],
    );
    const response = await ses.fetch(`${server.url}/ok`);
    assert.equal((await response.json()).url, `${server.url}/echo`);
    assert.equal(response.redirected, true);
  });
});
