import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetError, session } from "../../../mod.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import {
  compileRegexFilter,
  MAX_REGEX_PROGRAM,
  RegexFilterError,
} from "../../../plugins/web-request/_regex_filter.ts";
import type { TestServer } from "../../_serve.ts";
import { startServer, type WebRequestSession } from "./_helpers.ts";

let server: TestServer;
let count = 0;
const open: string[] = [];

async function fresh(): Promise<WebRequestSession> {
  const partition = `hostile-rules-${++count}`;
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
});

const blocked = (e: unknown) => e instanceof NetError && e.code === "net::ERR_BLOCKED_BY_CLIENT";

describe("declarative rules under hostile input", () => {
  it("a catastrophic-backtracking regexFilter runs in linear time; other requests go on", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{
        id: 1,
        condition: { regexFilter: "^http://127\\.0\\.0\\.1:[0-9]+/(a+)+$" },
        action: { type: "block" },
      }],
    });
    // A backtracking engine takes about 2^60 steps on this path; RE2 takes one pass.
    const crafted = ses.fetch(`${server.url}/${"a".repeat(60)}!`);
    const other = ses.fetch(`${server.url}/ok`);
    const [hostile, ok] = await Promise.all([crafted, other]);
    assert.equal(hostile.status, 404);
    await hostile.body?.cancel();
    assert.equal(await ok.text(), "ok");
    // The rule still blocks what it matches.
    await assert.rejects(ses.fetch(`${server.url}/${"a".repeat(60)}`), blocked);
  });

  it("refuses what RE2 refuses, naming the rule id and the field; nothing is applied", async () => {
    const ses = await fresh();
    // Chromium 156's sentence as the message; what RE2 said as the cause
    const invalid = 'Rule with id 7 specifies an incorrect value for the "regexFilter" key.';
    const tooLarge = 'Rule with id 7 was skipped as the "regexFilter" value exceeded the 2KB ' +
      "memory limit when compiled. Learn more: " +
      "https://developer.chrome.com/docs/extensions/reference/api/declarativeNetRequest#regex-rules";
    const cases: Array<[string, string, RegExp]> = [
      ["(?=a)b", invalid, /^Not supported by RE2 \(lookaround/],
      ["(?<!a)b", invalid, /^Not supported by RE2/],
      ["(a)\\1", invalid, /^Not supported by RE2.*\\1/],
      ["a{1001}", invalid, /repeat count/],
      ["a**", invalid, /nested repetition/],
      ["\\cA", invalid, /escape/],
      ["[0-9]{1000}[a-z]{1000}", tooLarge, /^Exceeds RE2's memory/],
    ];
    const refused = (sentence: string, detail: RegExp) => (e: unknown) =>
      e instanceof TypeError && e.message === sentence &&
      detail.test(String((e.cause as Error | undefined)?.message));
    for (const [regexFilter, sentence, detail] of cases) {
      await assert.rejects(
        ses.declarativeNetRequest.updateSessionRules({
          addRules: [
            { id: 6, condition: { urlFilter: "/ok" }, action: { type: "block" } },
            { id: 7, condition: { regexFilter }, action: { type: "block" } },
          ],
        }),
        refused(sentence, detail),
        regexFilter,
      );
      await assert.rejects(
        ses.declarativeNetRequest.updateDynamicRules({
          addRules: [{ id: 7, condition: { regexFilter }, action: { type: "block" } }],
        }),
        refused(sentence, detail),
        regexFilter,
      );
    }
    assert.deepEqual(await ses.declarativeNetRequest.getSessionRules(), []);
    assert.deepEqual(await ses.declarativeNetRequest.getDynamicRules(), []);
    assert.equal((await ses.fetch(`${server.url}/ok`)).status, 200);
  });

  it("takes RE2's own syntax: POSIX classes, \\Q..\\E, (?i), (?P<name>..)", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [
        {
          id: 1,
          condition: { regexFilter: "/item[[:digit:]]+$", isUrlFilterCaseSensitive: true },
          action: { type: "block" },
        },
        {
          id: 2,
          condition: { regexFilter: "\\Q/a.b?c\\E$", isUrlFilterCaseSensitive: true },
          action: { type: "block" },
        },
        {
          id: 3,
          condition: { regexFilter: "(?i)/LOUD$", isUrlFilterCaseSensitive: true },
          action: { type: "block" },
        },
        {
          id: 4,
          condition: { regexFilter: "/(?P<word>[a-z]+)-named$" },
          action: { type: "redirect", redirect: { regexSubstitution: "/echo?\\1" } },
        },
      ],
    });
    await assert.rejects(ses.fetch(`${server.url}/item42`), blocked);
    assert.equal((await ses.fetch(`${server.url}/itemX`)).status, 404);
    await assert.rejects(ses.fetch(`${server.url}/a.b?c`), blocked);
    assert.equal((await ses.fetch(`${server.url}/axb?c`)).status, 404);
    await assert.rejects(ses.fetch(`${server.url}/loud`), blocked);
    const echoed = await (await ses.fetch(`${server.url}/hello-named`)).json();
    assert.equal(echoed.url, `${server.url}/echo?hello`);
  });

  it("compileRegexFilter reports Chrome's isRegexSupported reason", () => {
    const reason = (source: string) => {
      try {
        compileRegexFilter(source, true);
        return null;
      } catch (e) {
        assert.ok(e instanceof RegexFilterError && e instanceof TypeError);
        return e.reason;
      }
    };
    assert.equal(reason("^https?://x/"), null);
    assert.equal(reason("(?=x)"), "syntaxError");
    assert.equal(reason("é"), "syntaxError");
    assert.equal(
      reason(`[a-z]{${MAX_REGEX_PROGRAM / 2}}[0-9]{${MAX_REGEX_PROGRAM / 2}}`),
      "memoryLimitExceeded",
    );
  });

  it("refuses header values with CR, LF or NUL, naming the rule id and field; other rules keep working", async () => {
    const ses = await fresh();
    await ses.declarativeNetRequest.updateSessionRules({
      addRules: [{
        id: 1,
        condition: { urlFilter: "/echo" },
        action: {
          type: "modifyHeaders",
          requestHeaders: [{ header: "x-secret", operation: "remove" }],
        },
      }],
    });
    const values = ["a\r\nx-evil: 1", "a\nb", "a\rb", "a\0b"];
    for (const value of values) {
      for (const field of ["requestHeaders", "responseHeaders"] as const) {
        const rule = {
          id: 2,
          condition: { urlFilter: "/echo" },
          action: {
            type: "modifyHeaders" as const,
            [field]: [
              { header: "x-ok", operation: "set" as const, value: "fine" },
              { header: "x-added", operation: "set" as const, value },
            ],
          },
        };
        const message = /^Rule with id 2 must provide a valid header value to be appended\/set\.$/;
        await assert.rejects(
          ses.declarativeNetRequest.updateSessionRules({ addRules: [rule] }),
          (e: unknown) => e instanceof TypeError && message.test(e.message),
        );
        await assert.rejects(
          ses.declarativeNetRequest.updateDynamicRules({ addRules: [rule] }),
          (e: unknown) => e instanceof TypeError && message.test(e.message),
        );
      }
    }
    assert.deepEqual((await ses.declarativeNetRequest.getSessionRules()).map((r) => r.id), [1]);
    const echoed = await (await ses.fetch(`${server.url}/echo`, {
      headers: { "x-secret": "s3cret", "x-kept": "1" },
    })).json();
    assert.equal(echoed.headers["x-secret"], undefined);
    assert.equal(echoed.headers["x-kept"], "1");
  });
});
