// AdGuard's MV3 declarative rulesets (@adguard/dnr-rulesets, a dev dependency) loaded as an
// extension's static rulesets, with the manifest Chrome would need: hosts the lists block are
// blocked, others pass.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import type { TestServer } from "../../_serve.ts";
import { closeSessions, echoed, echoServer, freshSession } from "./_helpers.ts";

const require = createRequire(import.meta.url);
const rulesets = join(
  dirname(require.resolve("@adguard/dnr-rulesets/package.json")),
  "dist/filters/declarative",
);
// AdGuard Base (ruleset_2) and the largest list of the package (ruleset_3)
const USED = ["ruleset_2", "ruleset_3"];

interface Rule {
  id: number;
  priority?: number;
  action: { type: string };
  condition: Record<string, unknown>;
}

/**
 * Hosts blocked by a plain `||host^` block rule (no other condition) that no allow rule of the
 * used lists mentions at all: read from the lists here, independently of websession's matcher.
 */
function plainlyBlockedHosts(lists: Rule[][], count: number): string[] {
  const allowText = lists.flat()
    .filter((r) => r.action.type === "allow" || r.action.type === "allowAllRequests")
    .map((r) => JSON.stringify(r.condition))
    .join("\n");
  const hosts: string[] = [];
  for (const rule of lists[0]) {
    const keys = Object.keys(rule.condition);
    const filter = rule.condition.urlFilter;
    if (rule.action.type !== "block" || keys.length !== 1 || typeof filter !== "string") continue;
    const match = /^\|\|([a-z0-9-]+(?:\.[a-z0-9-]+)+)\^$/.exec(filter);
    if (!match || allowText.includes(match[1].split(".").slice(-2).join("."))) continue;
    hosts.push(match[1]);
    if (hosts.length === count) break;
  }
  return hosts;
}

let server: TestServer;
let dir: string;
let lists: Rule[][];
before(async () => {
  server = await echoServer();
  dir = mkdtempSync(`${tmpdir()}/websession-adguard-`);
  mkdirSync(join(dir, "rules"));
  for (const name of USED) {
    symlinkSync(join(rulesets, name, `${name}.json`), join(dir, "rules", `${name}.json`));
  }
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({
      manifest_version: 3,
      name: "AdGuard rulesets",
      version: "1.0",
      permissions: ["declarativeNetRequest"],
      declarative_net_request: {
        rule_resources: USED.map((id) => ({ id, enabled: true, path: `rules/${id}.json` })),
      },
    }),
  );
  lists = USED.map((name) => JSON.parse(readFileSync(join(dir, "rules", `${name}.json`), "utf8")));
});
after(async () => {
  await closeSessions();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("AdGuard's declarative rulesets as an extension's static rulesets", () => {
  it("blocks requests to hosts the lists block and lets the others through", async () => {
    assert.ok(lists[1].length > 100_000, `ruleset_3 has ${lists[1].length} rules`);
    const hosts = plainlyBlockedHosts(lists, 8);
    assert.equal(hosts.length, 8);
    const { ses } = await freshSession();
    const extension = await ses.loadExtension(dir);
    assert.equal(extension.name, "AdGuard rulesets");
    for (const host of hosts) {
      await assert.rejects(ses.fetch(`http://${host}/some/script.js`), {
        code: "net::ERR_BLOCKED_BY_CLIENT",
      }, host);
      await assert.rejects(ses.fetch(`https://sub.${host}/`), {
        code: "net::ERR_BLOCKED_BY_CLIENT",
      }, `sub.${host}`);
    }
    for (const path of ["/", "/index.html", "/api/data.json", "/images/photo.png"]) {
      assert.equal((await echoed(ses, `${server.url}${path}`)).path, path);
    }
    // the rules are the extension's, not the session's
    assert.deepEqual(await ses.declarativeNetRequest.getDynamicRules(), []);
  });
});
