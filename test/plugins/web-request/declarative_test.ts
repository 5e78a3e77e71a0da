import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { configure, NetError, session } from "../../../mod.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import type { TestServer } from "../../_serve.ts";
import { names, recordElectron, startServer, until, type WebRequestSession } from "./_helpers.ts";

let server: TestServer;
let count = 0;
const open: string[] = [];
// Bun runs every test file in one process: when another file already made a persistent
// session, the storage root cannot change any more, and that root serves as well.
let root: string | null = mkdtempSync(`${tmpdir()}/websession-dnr-`);
try {
  configure({ storagePath: root });
} catch {
  rmSync(root, { recursive: true, force: true });
  root = null;
}

async function fresh(partition = `web-request-dnr-${++count}`): Promise<WebRequestSession> {
  const ses = session.fromPartition(partition, { preset: false, plugins: [webRequestPlugin] });
  await ses.ready;
  open.push(partition);
  return ses;
}

before(async () => {
  server = await startServer();
});
after(async () => {
  for (const partition of open) await session.closePartition(partition);
  await server.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("declarativeNetRequest in a session", () => {
  it("taps the pipeline only while there are rules or listeners", async () => {
    const ses = await fresh();
    const stages = ["beforeRequest", "beforeSendHeaders", "headersReceived"] as const;
    const taps = () => stages.map((s) => ses.pipeline.tapCount(s));
    assert.deepEqual(taps(), [0, 0, 0]);
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{ id: 1, condition: { urlFilter: "x" }, action: { type: "block" } }],
    });
    assert.deepEqual(taps(), [1, 1, 1]);
    ses.webRequest.onBeforeRequest((_d, cb) => cb!({}));
    // The rules' tap and the listeners' group (one place for any number of listeners).
    assert.deepEqual(taps(), [2, 1, 1]);
    ses.webRequest.scope("second").onBeforeRequest((_d, cb) => cb!({}));
    assert.deepEqual(taps(), [2, 1, 1]);
    ses.webRequest.scope("second").onBeforeRequest(null);
    await ses.declarativeNetRequest.updateSessionRules({ removeRuleIds: [1] });
    ses.webRequest.onBeforeRequest(null);
    assert.deepEqual(taps(), [0, 0, 0]);
  });

  it("a block rule acts before the listeners: they only see the error", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{ id: 7, condition: { urlFilter: "/ok^" }, action: { type: "block" } }],
    });
    const seen = recordElectron(ses.webRequest);
    let id = 0;
    ses.webRequest.scope("id").onErrorOccurred((d) => void (id = d.id as number));
    await assert.rejects(
      ses.fetch(`${server.url}/ok`),
      (e: unknown) => e instanceof NetError && e.code === "net::ERR_BLOCKED_BY_CLIENT",
    );
    await until(() => id !== 0);
    assert.deepEqual(names(seen), ["onErrorOccurred"]);
    const step = ses.webRequest.explain(id).steps.find((s) => s.by === "declarativeNetRequest");
    assert.deepEqual(step?.rules, [{ ruleId: 7, rulesetId: "_session" }]);
    assert.deepEqual(step?.asked, { cancel: true, reason: "rule 7 (_session)" });
    assert.equal(step?.applied, true);
  });

  it("a rule with a responseHeaders condition acts when the response headers arrive", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [
        {
          id: 3,
          condition: {
            urlFilter: "/ok^",
            responseHeaders: [{ header: "X-Server", values: ["1"] }],
          },
          action: { type: "block" },
        },
        {
          id: 4,
          condition: { urlFilter: "/echo", excludedResponseHeaders: [{ header: "x-server" }] },
          action: {
            type: "modifyHeaders",
            responseHeaders: [{ header: "x-marked", operation: "set", value: "yes" }],
          },
        },
      ],
    });
    await assert.rejects(
      ses.fetch(`${server.url}/ok`),
      (e: unknown) => e instanceof NetError && e.code === "net::ERR_BLOCKED_BY_CLIENT",
    );
    const echo = await ses.fetch(`${server.url}/echo`);
    await echo.arrayBuffer();
    assert.equal(echo.headers.get("x-marked"), "yes");
  });

  it("a redirect rule skips that hop's onBeforeRequest listeners; the next hop sees them", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{
        id: 1,
        condition: { urlFilter: "/ok|" },
        action: { type: "redirect", redirect: { transform: { path: "/echo", query: "?dnr" } } },
      }],
    });
    const seen = recordElectron(ses.webRequest);
    const response = await ses.fetch(`${server.url}/ok`);
    assert.equal((await response.json()).url, `${server.url}/echo?dnr`);
    await until(() => names(seen).includes("onCompleted"));
    assert.deepEqual(names(seen).slice(0, 2), ["onBeforeRedirect", "onBeforeRequest"]);
    assert.equal(seen[0].details.redirectURL, `${server.url}/echo?dnr`);
    assert.equal(seen[1].details.url, `${server.url}/echo?dnr`);
  });

  it("a higher-priority allow rule lets a blocked request through", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [
        { id: 1, condition: { requestDomains: ["127.0.0.1"] }, action: { type: "block" } },
        { id: 2, priority: 2, condition: { urlFilter: "/ok" }, action: { type: "allow" } },
      ],
    });
    assert.equal(await (await ses.fetch(`${server.url}/ok`)).text(), "ok");
    await assert.rejects(ses.fetch(`${server.url}/echo`), NetError);
  });

  it("modifyHeaders changes request and response headers", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateDynamicRules({
      addRules: [{
        id: 1,
        condition: { urlFilter: "||127.0.0.1^" },
        action: {
          type: "modifyHeaders",
          requestHeaders: [
            { header: "x-dnr", operation: "set", value: "1" },
            { header: "user-agent", operation: "remove" },
          ],
          responseHeaders: [{ header: "x-from-dnr", operation: "append", value: "yes" }],
        },
      }],
    });
    const response = await ses.fetch(`${server.url}/echo`, { headers: { "user-agent": "me" } });
    const echoed = (await response.json()).headers;
    assert.equal(echoed["x-dnr"], "1");
    assert.notEqual(echoed["user-agent"], "me");
    assert.equal(response.headers.get("x-from-dnr"), "yes");
  });

  it("rejects a malformed rule with its index and field, applying nothing", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{ id: 1, condition: { urlFilter: "a" }, action: { type: "block" } }],
    });
    await assert.rejects(
      ses.declarativeNetRequest.updateSessionRules({
        removeRuleIds: [1],
        addRules: [
          { id: 2, condition: { urlFilter: "b" }, action: { type: "block" } },
          { id: 3, condition: { resourceTypes: ["nope" as "image"] }, action: { type: "block" } },
        ],
      }),
      (e: unknown) =>
        e instanceof TypeError &&
        /Error at index 1: Error at property 'condition': Error at property 'resourceTypes'/
          .test(e.message) &&
        (e as { field?: string }).field === "condition.resourceTypes.0",
    );
    assert.deepEqual((await ses.declarativeNetRequest.getSessionRules()).map((r) => r.id), [1]);
  });

  it("refuses more than MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES redirect and header rules", async () => {
    const ses = await fresh();
    const dnr = ses.declarativeNetRequest;
    assert.equal(dnr.MAX_NUMBER_OF_UNSAFE_DYNAMIC_RULES, 5000);
    assert.equal(dnr.MAX_NUMBER_OF_UNSAFE_SESSION_RULES, 5000);
    const redirects = Array.from({ length: 5001 }, (_, i) => ({
      id: i + 1,
      condition: { urlFilter: `/moved-${i}/` },
      action: { type: "redirect" as const, redirect: { url: `${server.url}/ok` } },
    }));
    await assert.rejects(dnr.updateDynamicRules({ addRules: redirects }), {
      name: "TypeError",
      message: "Dynamic unsafe rule count exceeded.", // Chromium's words
    });
    assert.deepEqual(await dnr.getDynamicRules(), []);
    await dnr.updateDynamicRules({ addRules: redirects.slice(1) });
    assert.equal((await dnr.getDynamicRules()).length, 5000);
  });

  it("testMatchOutcome names the rules that would apply", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{ id: 4, condition: { urlFilter: "||ads.test^" }, action: { type: "block" } }],
    });
    await ses.declarativeNetRequest.updateDynamicRules({
      addRules: [{ id: 4, condition: { urlFilter: "||ads.test^" }, action: { type: "block" } }],
    });
    assert.deepEqual(
      await ses.declarativeNetRequest.testMatchOutcome({
        url: "https://x.ads.test/a",
        type: "image",
      }),
      { matchedRules: [{ ruleId: 4, rulesetId: "_session" }] },
    );
    await assert.rejects(
      ses.declarativeNetRequest.testMatchOutcome({ url: "not a url", type: "image" }),
      TypeError,
    );
  });

  it("dynamic rules survive a restart of a persistent partition; session rules do not", async () => {
    const partition = "persist:web-request-dnr";
    let ses = await fresh(partition);
    await ses.declarativeNetRequest.updateDynamicRules({
      addRules: [{ id: 9, condition: { urlFilter: "/ok^" }, action: { type: "block" } }],
    });
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{ id: 10, condition: { urlFilter: "/echo^" }, action: { type: "block" } }],
    });
    await session.closePartition(partition);
    ses = await fresh(partition);
    assert.deepEqual((await ses.declarativeNetRequest.getDynamicRules()).map((r) => r.id), [9]);
    assert.deepEqual(await ses.declarativeNetRequest.getSessionRules(), []);
    await assert.rejects(ses.fetch(`${server.url}/ok`), NetError);
    await (await ses.fetch(`${server.url}/echo`)).text();
    await ses.declarativeNetRequest.updateDynamicRules({ removeRuleIds: [9] });
    await session.closePartition(partition);
    ses = await fresh(partition);
    assert.deepEqual(await ses.declarativeNetRequest.getDynamicRules(), []);
  });
});
