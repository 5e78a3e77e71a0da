// getMatchedRules' memory: bounded, the newest kept.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MatchedRules } from "../../../plugins/web-request/dnr_matched_rules.ts";

describe("MatchedRules", () => {
  it("keeps the newest 10,000 matches, however many rules match within five minutes", () => {
    const matches = new MatchedRules();
    for (let ruleId = 1; ruleId <= 25_000; ruleId++) matches.add({ ruleId, rulesetId: "_session" });
    const { rulesMatchedInfo } = matches.get();
    assert.equal(rulesMatchedInfo.length, 10_000);
    assert.equal(rulesMatchedInfo[0].rule.ruleId, 15_001);
    assert.equal(rulesMatchedInfo.at(-1)!.rule.ruleId, 25_000);
  });
});
