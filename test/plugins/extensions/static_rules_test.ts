/**
 * `declarativeNetRequest.updateStaticRules` and `getDisabledRuleIds` as Chromium 156 answers them
 * (checked against Debian's Chromium with puppeteer-core): rules of a static ruleset disabled and
 * enabled one by one (enable first, then disable), ids kept ascending, ids not in the ruleset and
 * rulesets not enabled accepted, at most 5000 in all, kept across a restart; an unknown ruleset
 * and a call that does not fit the schema fail in Chrome's words.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { session } from "../../../mod.ts";
import type { TestServer } from "../../_serve.ts";
import { callChrome, cleanUp, echoServer, freshSession, writeExtension } from "./_helpers.ts";

let server: TestServer;
before(async () => {
  server = await echoServer();
});
after(async () => {
  await cleanUp();
  await server.close();
});

const block = (id: number, urlFilter: string) => ({
  id,
  priority: 1,
  action: { type: "block" },
  condition: { urlFilter },
});

/** An extension with ruleset "a" (enabled: rules 1-3) and "b" (not enabled: rule 1). */
async function folder(): Promise<string> {
  const dir = await writeExtension({
    manifest_version: 3,
    name: "Static",
    version: "1.0",
    permissions: ["declarativeNetRequest"],
    host_permissions: ["<all_urls>"],
    background: { service_worker: "worker.js" },
    declarative_net_request: {
      rule_resources: [
        { id: "a", enabled: true, path: "a.json" },
        { id: "b", enabled: false, path: "b.json" },
      ],
    },
  });
  writeFileSync(
    `${dir}/a.json`,
    JSON.stringify([block(1, "one"), block(2, "two"), block(3, "three")]),
  );
  writeFileSync(`${dir}/b.json`, JSON.stringify([block(1, "bee")]));
  return dir;
}

async function loaded(partition?: string, path?: string) {
  const dir = path ?? await folder();
  const { ses } = await freshSession(partition);
  const { id } = await ses.loadExtension(dir);
  const call = (name: string, ...args: unknown[]) =>
    callChrome(ses, id, `declarativeNetRequest.${name}`, ...args);
  const blocked = async (path: string) => {
    try {
      await (await ses.fetch(`${server.url}/${path}`)).text();
      return false;
    } catch (error) {
      assert.equal((error as { code?: string }).code, "net::ERR_BLOCKED_BY_CLIENT");
      return true;
    }
  };
  return { ses, id, dir, call, blocked };
}

describe("declarativeNetRequest.updateStaticRules", () => {
  it("disables and enables single rules of a static ruleset, enabling first", async () => {
    const { call, blocked } = await loaded();
    assert.deepEqual(await call("getDisabledRuleIds", { rulesetId: "a" }), []);
    assert.equal(await blocked("one"), true);
    await call("updateStaticRules", { rulesetId: "a", disableRuleIds: [3, 1] });
    assert.deepEqual(await call("getDisabledRuleIds", { rulesetId: "a" }), [1, 3]);
    assert.equal(await blocked("one"), false);
    assert.equal(await blocked("two"), true);
    assert.equal(await blocked("three"), false);
    // an id the ruleset does not have is kept too
    await call("updateStaticRules", { rulesetId: "a", disableRuleIds: [99] });
    // enableRuleIds apply before disableRuleIds: 2 ends disabled
    await call("updateStaticRules", { rulesetId: "a", disableRuleIds: [2], enableRuleIds: [2, 3] });
    assert.deepEqual(await call("getDisabledRuleIds", { rulesetId: "a" }), [1, 2, 99]);
    assert.equal(await blocked("two"), false);
    assert.equal(await blocked("three"), true);
    // disabled rules still count against the static rule limit, as in Chrome
    assert.equal(await call("getAvailableStaticRuleCount"), 330_000 - 3);
  });

  it("takes a ruleset that is not enabled; its rules stay disabled once it is", async () => {
    const { call, blocked } = await loaded();
    await call("updateStaticRules", { rulesetId: "b", disableRuleIds: [1] });
    assert.deepEqual(await call("getDisabledRuleIds", { rulesetId: "b" }), [1]);
    await call("updateEnabledRulesets", { enableRulesetIds: ["b"] });
    assert.equal(await blocked("bee"), false);
    await call("updateStaticRules", { rulesetId: "b", enableRuleIds: [1] });
    assert.equal(await blocked("bee"), true);
  });

  it("refuses an unknown ruleset, more than 5000 disabled rules and a call off the schema", async () => {
    const { ses, id, call } = await loaded();
    await assert.rejects(call("updateStaticRules", { rulesetId: "zz", disableRuleIds: [1] }), {
      message: "Invalid ruleset id: zz.",
    });
    await assert.rejects(call("getDisabledRuleIds", { rulesetId: "zz" }), {
      message: "Invalid ruleset id: zz.",
    });
    const many = Array.from({ length: 5001 }, (_, i) => i + 100);
    await assert.rejects(call("updateStaticRules", { rulesetId: "a", disableRuleIds: many }), {
      message: "The number of disabled static rules exceeds the disabled rule count limit.",
    });
    assert.deepEqual(await call("getDisabledRuleIds", { rulesetId: "a" }), []);
    const thrown = async (name: string, options: unknown) =>
      ((await ses.extensions.sendMessage(id, {
        call: `declarativeNetRequest.${name}`,
        args: [options],
      })) as { thrown?: string }).thrown;
    assert.equal(
      await thrown("updateStaticRules", { disableRuleIds: [1] }),
      "TypeError: Error in invocation of declarativeNetRequest.updateStaticRules(" +
        "declarativeNetRequest.UpdateStaticRulesOptions options, optional function callback): " +
        "Error at parameter 'options': Missing required property 'rulesetId'.",
    );
    assert.equal(
      await thrown("updateStaticRules", { rulesetId: "a", disableRuleIds: ["x"] }),
      "TypeError: Error in invocation of declarativeNetRequest.updateStaticRules(" +
        "declarativeNetRequest.UpdateStaticRulesOptions options, optional function callback): " +
        "Error at parameter 'options': Error at property 'disableRuleIds': Error at index 0: " +
        "Invalid type: expected integer, found string.",
    );
    assert.equal(
      await thrown("getDisabledRuleIds", {}),
      "TypeError: Error in invocation of declarativeNetRequest.getDisabledRuleIds(" +
        "declarativeNetRequest.GetDisabledRuleIdsOptions options, optional function callback): " +
        "Error at parameter 'options': Missing required property 'rulesetId'.",
    );
  });

  it("keeps the disabled rules across a restart", async () => {
    const partition = `persist:extensions-static-rules-${Date.now()}`;
    const first = await loaded(partition);
    await first.call("updateStaticRules", { rulesetId: "a", disableRuleIds: [1] });
    await session.closePartition(partition);
    const { call, blocked } = await loaded(partition, first.dir);
    assert.deepEqual(await call("getDisabledRuleIds", { rulesetId: "a" }), [1]);
    assert.equal(await blocked("one"), false);
    assert.equal(await blocked("two"), true);
    await session.closePartition(partition);
  });
});
