import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InterceptPolicy, parsePatternList } from "../../web/server/intercept_policy.ts";
import { parseArgs } from "../../web/server/main.ts";

describe("InterceptPolicy", () => {
  it("decrypts every host by default, as mitmproxy", () => {
    const policy = new InterceptPolicy();
    assert.equal(policy.shouldIntercept("example.com", 443), true);
    assert.equal(policy.shouldIntercept("::1", 8443), true);
  });

  it("with an intercept list, decrypts only the hosts it names", () => {
    const policy = new InterceptPolicy({
      intercept: ["*.example.com", "10.0.0.*", "api.test:8443"],
    });
    assert.equal(policy.shouldIntercept("www.example.com", 443), true);
    assert.equal(policy.shouldIntercept("example.com", 443), false);
    assert.equal(policy.shouldIntercept("10.0.0.7", 443), true);
    assert.equal(policy.shouldIntercept("10.0.1.7", 443), false);
    assert.equal(policy.shouldIntercept("api.test", 8443), true);
    assert.equal(policy.shouldIntercept("api.test", 443), false);
  });

  it("passes through the no-intercept list and hosts added later, case-insensitively", () => {
    const policy = new InterceptPolicy({ noIntercept: ["*.Bank.example", "[::1]:443"] });
    assert.equal(policy.shouldIntercept("www.bank.example", 443), false);
    assert.equal(policy.shouldIntercept("::1", 443), false);
    assert.equal(policy.shouldIntercept("::1", 8443), true);
    assert.deepEqual(policy.addPassThrough(["pinned.example", "*.Bank.example"]), [
      "pinned.example",
    ]);
    assert.equal(policy.shouldIntercept("pinned.example", 443), false);
    assert.deepEqual(policy.removePassThrough(["pinned.example", "absent"]), ["pinned.example"]);
    assert.equal(policy.shouldIntercept("pinned.example", 443), true);
    assert.deepEqual(policy.state().passThrough, ["*.Bank.example", "[::1]:443"]);
  });

  it("decrypts nothing when disabled", () => {
    const policy = new InterceptPolicy({ enabled: false });
    assert.equal(policy.shouldIntercept("example.com", 443), false);
    assert.equal(policy.state().enabled, false);
  });

  it("counts handshake failures per host", () => {
    const policy = new InterceptPolicy();
    assert.equal(policy.recordFailure("pinned.example", "alert unknown ca"), 1);
    assert.equal(policy.recordFailure("pinned.example", "closed"), 2);
    const [entry] = policy.state().failures;
    assert.equal(entry.host, "pinned.example");
    assert.equal(entry.count, 2);
    assert.equal(entry.lastError, "closed");
  });
});

describe("pattern lists on the command line", () => {
  it("splits on commas and spaces", () => {
    assert.deepEqual(parsePatternList("a.example, *.b.example  [::1]:443,10.*"), [
      "a.example",
      "*.b.example",
      "[::1]:443",
      "10.*",
    ]);
  });

  it("names a bad entry and the flag", () => {
    assert.throws(() => parseArgs(["--intercept", "a.example,http://x/"]), {
      name: "TypeError",
      message: /^--intercept: "http:\/\/x\/" is not a host pattern/,
    });
  });

  it("refuses a flag whose list names no host", () => {
    for (const flag of ["--intercept", "--no-intercept"]) {
      assert.throws(() => parseArgs([flag, ", ,"]), {
        name: "TypeError",
        message: new RegExp(`^${flag}: the list names no host pattern`),
      });
    }
  });

  it("refuses a port outside 1-65535, naming it", () => {
    for (const entry of ["x.example:99999", "x.example:0"]) {
      assert.throws(() => parsePatternList(`a.example,${entry}`, "hosts.0"), {
        name: "TypeError",
        message: new RegExp(`^hosts\\.0: "${entry}" has port \\d+, not one from 1 to 65535`),
      });
    }
    assert.deepEqual(parsePatternList("x.example:65535,y.example:*"), [
      "x.example:65535",
      "y.example:*",
    ]);
  });

  it("reads --intercept, --no-intercept LIST and a bare --no-intercept", () => {
    assert.deepEqual(parseArgs(["--intercept", "a.example,b.example"]).intercept, [
      "a.example",
      "b.example",
    ]);
    const listed = parseArgs(["--no-intercept", "pinned.example", "--port", "0"]);
    assert.deepEqual(listed.noIntercept, ["pinned.example"]);
    assert.equal(listed.port, 0);
    assert.equal(listed.interceptEnabled, undefined);
    const bare = parseArgs(["--no-intercept", "--port", "0"]);
    assert.equal(bare.interceptEnabled, false);
    assert.equal(bare.port, 0);
    assert.equal(parseArgs(["--no-intercept"]).interceptEnabled, false);
    assert.deepEqual(parseArgs(["--no-intercept=x.example"]).noIntercept, ["x.example"]);
  });
});
