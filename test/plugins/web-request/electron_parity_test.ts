// webRequest behaviours Electron's and Chrome's docs pin down: a bad header entry in an answer is
// dropped alone, header changes replace case-insensitively, data: requests skip the header
// stages, tabId/windowId filters apply, handlerBehaviorChanged.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { session } from "../../../mod.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import { protocolPlugin } from "../../../plugins/protocol/mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import {
  hookErrors,
  names,
  recordElectron,
  startServer,
  until,
  webRequestSessions,
} from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-parity");
const fresh = sessions.fresh;

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

describe("webRequest answers", () => {
  it("an invalid header name in requestHeaders drops that entry only, and is reported", async () => {
    const ses = await fresh();
    const errors = hookErrors(ses);
    let id = 0;
    ses.webRequest.onBeforeSendHeaders((details, cb) => {
      id = details.id as number;
      cb!({
        requestHeaders: {
          ...(details.requestHeaders as object),
          "bad name": "1",
          "x-good": "2",
          "x-bad-value": "a\nb",
        },
      });
    });
    const echoed = (await (await ses.fetch(`${server.url}/echo`)).json()).headers;
    assert.equal(echoed["x-good"], "2");
    assert.equal(echoed["x-bad-value"], undefined);
    assert.equal(errors.length, 2);
    assert.match(String(errors[0]), /invalid header "bad name" dropped/);
    assert.match(String(errors[1]), /invalid header "x-bad-value" dropped/);
    const steps = ses.webRequest.explain(id).steps;
    assert.ok(steps.some((s) => s.error?.includes('"bad name"')));
  });

  it("an invalid header in responseHeaders (Chrome's list) drops that entry only", async () => {
    const ses = await fresh();
    const errors = hookErrors(ses);
    ses.webRequest.events.onHeadersReceived.addListener(
      (details: Record<string, unknown>) => ({
        responseHeaders: [
          ...(details.responseHeaders as object[]),
          { name: "x:colon", value: "1" },
          { name: "x-added", value: "3" },
        ],
      }),
      { urls: ["<all_urls>"] },
      ["blocking", "responseHeaders"],
    );
    const response = await ses.fetch(`${server.url}/ok`);
    assert.equal(await response.text(), "ok");
    assert.equal(response.headers.get("x-added"), "3");
    assert.equal(response.headers.get("x-server"), "1");
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /invalid header "x:colon" dropped/);
  });

  it("a header set again in another case replaces it, as Chromium's SetHeader", async () => {
    const ses = await fresh();
    ses.webRequest.onBeforeSendHeaders((details, cb) => {
      const headers = details.requestHeaders as Record<string, string>;
      headers["X-Visible"] = "replaced";
      cb!({ requestHeaders: headers });
    });
    ses.webRequest.onHeadersReceived((details, cb) => {
      const headers = details.responseHeaders as Record<string, string[]>;
      headers["X-Server"] = ["2"];
      cb!({ responseHeaders: headers });
    });
    const response = await ses.fetch(`${server.url}/echo`, { headers: { "x-visible": "orig" } });
    assert.equal((await response.json()).headers["x-visible"], "replaced");
    const ok = await ses.fetch(`${server.url}/ok`);
    assert.equal(ok.headers.get("x-server"), "2");
  });

  it("the replacement holds on every hop of a custom protocol's redirect", async () => {
    const ses = session.fromPartition("web-request-parity-protocol", {
      preset: false,
      plugins: [webRequestPlugin, protocolPlugin],
    });
    try {
      const seenByHandler: string[] = [];
      ses.protocol.handle("app", (request) => {
        seenByHandler.push(request.headers.get("x-token") ?? "");
        if (new URL(request.url).pathname === "/old") {
          return Response.redirect("app://host/new", 302);
        }
        return new Response("done");
      });
      ses.webRequest.onBeforeSendHeaders((details, cb) => {
        const headers = details.requestHeaders as Record<string, string>;
        headers["X-Token"] = `for ${new URL(details.url as string).pathname}`;
        cb!({ requestHeaders: headers });
      });
      const response = await ses.fetch("app://host/old", { headers: { "x-token": "initial" } });
      assert.equal(await response.text(), "done");
      assert.deepEqual(seenByHandler, ["for /old", "for /new"]);
    } finally {
      await session.closePartition(ses.partition);
    }
  });
});

describe("webRequest header text", () => {
  it("details show the UTF-8 the server sent; answers go back as UTF-8", async () => {
    const utf8 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));
    const sent = `attachment; filename="${utf8("café ☃.txt")}"`;
    const origin = await serve(() =>
      new Response("file", { headers: { "content-disposition": sent } })
    );
    try {
      const ses = await fresh();
      let shown = "";
      let shownChrome = "";
      ses.webRequest.onHeadersReceived((details, cb) => {
        const headers = details.responseHeaders as Record<string, string[]>;
        shown = headers["content-disposition"][0];
        cb!({ responseHeaders: { ...headers, "x-name": ["naïve ☃"] } });
      });
      ses.webRequest.events.onCompleted.addListener(
        (details: Record<string, unknown>) => {
          const list = details.responseHeaders as Array<{ name: string; value: string }>;
          shownChrome = list.find((h) => h.name === "content-disposition")!.value;
        },
        { urls: ["<all_urls>"] },
        ["responseHeaders"],
      );
      const response = await ses.fetch(`${origin.url}/f`);
      assert.equal(await response.text(), "file");
      assert.equal(shown, 'attachment; filename="café ☃.txt"');
      await until(() => shownChrome !== "");
      assert.equal(shownChrome, 'attachment; filename="café ☃.txt"');
      assert.equal(response.headers.get("content-disposition"), sent);
      assert.equal(response.headers.get("x-name"), utf8("naïve ☃"));
    } finally {
      await origin.close();
    }
  });
});

describe("webRequest stages and filters", () => {
  it("a data: request goes from onBeforeRequest to onResponseStarted and onCompleted", async () => {
    const ses = await fresh();
    const seen = recordElectron(ses.webRequest);
    const response = await ses.fetch("data:text/plain,hello");
    assert.equal(await response.text(), "hello");
    await until(() => seen.length >= 3);
    assert.deepEqual(names(seen), ["onBeforeRequest", "onResponseStarted", "onCompleted"]);
    const http = recordElectron(ses.webRequest.scope("http"));
    await (await ses.fetch(`${server.url}/ok`)).text();
    await until(() => http.length >= 6);
    assert.equal(names(http).length, 6);
  });

  it("tabId and windowId filters: -1 (no tab) matches, another tab or window matches nothing", async () => {
    const ses = await fresh();
    const seen: string[] = [];
    const add = (label: string, filter: Record<string, unknown>) =>
      ses.webRequest.events.onCompleted.addListener(
        () => void seen.push(label),
        { urls: ["<all_urls>"], ...filter },
      );
    add("tab -1", { tabId: -1 });
    add("tab 3", { tabId: 3 });
    add("window -1", { windowId: -1 });
    add("window 1", { windowId: 1 });
    add("none", {});
    await (await ses.fetch(`${server.url}/ok`)).text();
    await until(() => seen.length >= 3);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen.sort(), ["none", "tab -1", "window -1"]);
    assert.throws(
      () =>
        ses.webRequest.events.onCompleted.addListener(() => {}, {
          urls: ["<all_urls>"],
          tabId: "1" as never,
        }),
      /filter.tabId must be an integer/,
    );
  });

  it("handlerBehaviorChanged resolves; nothing cached hides a listener added mid-request", async () => {
    const ses = await fresh();
    const seen: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const filter = { urls: [`${server.url}/*`] };
    ses.webRequest.events.onBeforeRequest.addListener(
      async () => {
        await gate;
      },
      filter,
      ["blocking"],
    );
    const pending = ses.fetch(`${server.url}/ok`);
    await new Promise((r) => setTimeout(r, 20));
    ses.webRequest.events.onSendHeaders.addListener(() => void seen.push("send"), filter);
    await ses.webRequest.events.handlerBehaviorChanged();
    release();
    await (await pending).text();
    assert.deepEqual(seen, ["send"]);
  });
});
