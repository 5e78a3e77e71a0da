import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetError } from "../../../mod.ts";
import type { IgnoredActionDetails } from "../../../plugins/web-request/mod.ts";
import type { TestServer } from "../../_serve.ts";
import { startServer, type WebRequestSession, webRequestSessions } from "./_helpers.ts";

let server: TestServer;
const sessions = webRequestSessions("web-request-conflicts");
const fresh = sessions.fresh;

before(async () => {
  server = await startServer();
});
after(async () => {
  await sessions.closeAll();
  await server.close();
});

const ORDERS = [
  ["A", "B", "C"],
  ["A", "C", "B"],
  ["B", "A", "C"],
  ["B", "C", "A"],
  ["C", "A", "B"],
  ["C", "B", "A"],
];

type Install = (ses: WebRequestSession) => void;

describe("webRequest conflicts with three listeners, in every install order", () => {
  for (const order of ORDERS) {
    it(`redirects: the most recently installed wins (${order.join(" then ")})`, async () => {
      const ses = await fresh();
      const install: Record<string, Install> = {
        // Electron-style, Chrome-style and Chrome-style-with-a-Promise listeners mixed.
        A: (s) =>
          s.webRequest.scope("A").onBeforeRequest(
            { urls: [`${server.url}/ok`] },
            (_d, cb) => cb!({ redirectURL: `${server.url}/echo?A` }),
          ),
        B: (s) =>
          s.webRequest.scope("B").events.onBeforeRequest.addListener(
            () => ({ redirectUrl: `${server.url}/echo?B` }),
            { urls: [`${server.url}/ok`] },
            ["blocking"],
          ),
        C: (s) =>
          s.webRequest.scope("C").events.onBeforeRequest.addListener(
            () => Promise.resolve({ redirectUrl: `${server.url}/echo?C` }),
            { urls: [`${server.url}/ok`] },
            ["blocking"],
          ),
      };
      const ignored: IgnoredActionDetails[] = [];
      ses.webRequest.onActionIgnored((d) => ignored.push(d));
      for (const name of order) install[name](ses);
      let id = 0;
      ses.webRequest.events.onCompleted.addListener(
        (d: Record<string, unknown>) => void (id = Number(d.requestId)),
        { urls: ["<all_urls>"] },
      );
      const response = await ses.fetch(`${server.url}/ok`);
      const last = order[2];
      assert.equal((await response.json()).url, `${server.url}/echo?${last}`);
      assert.equal(ignored.length, 2);
      assert.deepEqual(
        ignored.map((i) => i.label.split(".")[0]).sort(),
        order.slice(0, 2).sort(),
      );
      for (const i of ignored) {
        assert.equal(i.action, "redirect");
        assert.equal(i.stage, "beforeRequest");
        assert.match(String(i.winner), new RegExp(`^web-request:${last}\\.`));
      }
      const steps = ses.webRequest.explain(id).steps.filter((s) => s.stage === "beforeRequest");
      assert.equal(steps.length, 3);
      for (const step of steps) {
        const who = step.by.split(".")[0];
        assert.equal(step.applied, who === last, `${who} applied?`);
        assert.deepEqual(step.asked, { redirectUrl: `${server.url}/echo?${who}` });
      }
    });

    it(`a cancel wins over redirects wherever it is installed (${order.join(" then ")})`, async () => {
      const ses = await fresh();
      const install: Record<string, Install> = {
        A: (s) =>
          s.webRequest.scope("A").onBeforeRequest((_d, cb) =>
            cb!({ redirectURL: `${server.url}/echo?A` })
          ),
        B: (s) =>
          s.webRequest.scope("B").events.onBeforeRequest.addListener(
            () => ({ cancel: true }),
            { urls: ["<all_urls>"] },
            ["blocking"],
          ),
        C: (s) =>
          s.webRequest.scope("C").onBeforeRequest((_d, cb) =>
            setTimeout(() => cb!({ redirectURL: `${server.url}/echo?C` }), 5)
          ),
      };
      const ignored: IgnoredActionDetails[] = [];
      ses.webRequest.events.onActionIgnored.addListener((d) => ignored.push(d));
      const errors: string[] = [];
      for (const name of order) install[name](ses);
      ses.webRequest.scope("observer").onErrorOccurred((d) => void errors.push(d.error as string));
      await assert.rejects(
        ses.fetch(`${server.url}/ok`),
        (e: unknown) => e instanceof NetError && e.code === "net::ERR_BLOCKED_BY_CLIENT",
      );
      assert.deepEqual(errors, ["net::ERR_BLOCKED_BY_CLIENT"]);
      assert.deepEqual(ignored.map((i) => i.label.split(".")[0]).sort(), ["A", "C"]);
      for (const i of ignored) assert.match(String(i.winner), /B\.events\.onBeforeRequest/);
    });

    it(`header changes: the newer of two conflicting wins, others merge (${order.join(" then ")})`, async () => {
      const ses = await fresh();
      const install: Record<string, Install> = {
        A: (s) =>
          s.webRequest.scope("A").onBeforeSendHeaders((d, cb) =>
            cb!({ requestHeaders: { ...(d.requestHeaders as object), "x-v": "A" } })
          ),
        B: (s) =>
          s.webRequest.scope("B").events.onBeforeSendHeaders.addListener(
            (d: { requestHeaders: Array<{ name: string; value: string }> }) => ({
              requestHeaders: [...d.requestHeaders, { name: "x-v", value: "B" }],
            }),
            { urls: ["<all_urls>"] },
            ["blocking", "requestHeaders"],
          ),
        C: (s) =>
          s.webRequest.scope("C").onBeforeSendHeaders((d, cb) =>
            cb!({ requestHeaders: { ...(d.requestHeaders as object), "x-other": "C" } })
          ),
      };
      const ignored: IgnoredActionDetails[] = [];
      ses.webRequest.onActionIgnored((d) => ignored.push(d));
      for (const name of order) install[name](ses);
      const response = await ses.fetch(`${server.url}/echo`);
      const headers = (await response.json()).headers;
      const newer = order.indexOf("A") > order.indexOf("B") ? "A" : "B";
      const older = newer === "A" ? "B" : "A";
      assert.equal(headers["x-v"], newer);
      assert.equal(headers["x-other"], "C");
      assert.equal(ignored.length, 1);
      assert.equal(ignored[0].label.split(".")[0], older);
      assert.equal(ignored[0].action, "requestHeaders");
    });
  }
});
