/**
 * The declarativeNetRequest differential test: every recorded case (`parity/dnr.json`, Chromium's
 * answers recorded by `parity/record_dnr.ts` through an unpacked extension calling
 * `testMatchOutcome`) asked of a websession session's `declarativeNetRequest`. A rule set Chromium
 * refuses must be refused, one it takes must be taken, and each request must match the same rule
 * ids. A case websession answers differently on purpose is listed in
 * {@linkcode DNR_DIFFERENCES} (and in the README) and must still differ.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { configure, getConfig, session } from "../mod.ts";
import { detectRuntime, transportFor } from "../adapters/runtime.ts";
import { parityCerts } from "./parity/_certs.ts";
import { type ParityServer, type SeenRequest, startParityServer } from "./parity/_server.ts";
import { needs } from "../test/_system.ts";
import { webRequestPlugin } from "../plugins/web-request/mod.ts";
import type { DnrAnswer, DnrRecording } from "./parity/record_dnr.ts";
import type { DnrCase } from "./parity/_dnr_cases.ts";
import {
  type DnrLoadCase,
  type DnrLoadOutcome,
  loadRules,
  loadUrl,
  portsBack,
} from "./parity/_dnr_load_cases.ts";

needs("openssl");

/** Cases where websession differs from Chromium on purpose, with the reason (see the README). */
export const DNR_DIFFERENCES: Record<string, string> = {
  "tie-two-domains":
    "at a full tie between two urlFilter rules that both have five literal characters in a row, " +
    "Chromium keeps the one its N-gram index finds last (an order set by the index's hashing); " +
    "websession keeps the one added first",
  "valid-regex-repeat-1000":
    "Chromium compiles regexFilter with RE2 under a 2 KiB memory budget; re2js has no memory " +
    "budget, so websession approximates it by refusing programs over 2,000 instructions, which " +
    "lets a{1000} through where Chromium refuses it",
};

const recording = JSON.parse(
  readFileSync(new URL("./parity/dnr.json", import.meta.url), "utf8"),
) as DnrRecording;

const open = () =>
  session.fromPartition("parity-dnr", { preset: false, plugins: [webRequestPlugin] });
// made once the transport reaching the parity origin is configured (a session keeps its transport)
let ses: ReturnType<typeof open>;
let server: ParityServer;
let ports = { http: 0, https: 0 };
const original = getConfig().transport;
before(async () => {
  const certs = parityCerts();
  server = await startParityServer(certs);
  ports = { http: server.httpPort, https: server.httpsPort };
  configure({
    transport: transportFor(detectRuntime(), {
      hostResolverRules: "MAP * 127.0.0.1",
      caCerts: [certs.ca],
    }),
  });
  ses = open();
});
after(async () => {
  await session.closePartition("parity-dnr");
  await getConfig().transport?.closeAllConnections?.();
  configure({ transport: original });
  await server.close();
});

/** What websession answers, in the recording's shape (error messages are not compared). */
async function websession(c: DnrCase): Promise<DnrAnswer> {
  const dnr = ses.declarativeNetRequest;
  const old = await dnr.getSessionRules();
  await dnr.updateSessionRules({ removeRuleIds: old.map((r) => r.id) });
  try {
    await dnr.updateSessionRules({ addRules: c.rules as never });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const outcomes: Array<number[] | { error: string }> = [];
  for (const request of c.requests) {
    try {
      const { matchedRules } = await dnr.testMatchOutcome(request as never);
      outcomes.push(matchedRules.map((m) => m.ruleId));
    } catch (error) {
      outcomes.push({ error: (error as Error).message });
    }
  }
  return { outcomes };
}

/** The answer with error messages reduced to "refused", rule ids as sets. */
function comparable(answer: DnrAnswer): unknown {
  if ("error" in answer) return "rules refused";
  return answer.outcomes.map((o) =>
    Array.isArray(o) ? [...o].sort((a, b) => a - b) : "request refused"
  );
}

describe(`declarativeNetRequest against ${recording.chromium} (${recording.cases.length} recorded cases)`, () => {
  let agreed = 0;
  after(() => {
    const requests = recording.cases.reduce((n, c) => n + c.requests.length, 0);
    console.log(
      `DNR parity: ${agreed}/${recording.cases.length} cases (${requests} requests) agree with ` +
        `Chromium; ${Object.keys(DNR_DIFFERENCES).length} listed differences`,
    );
  });
  for (const c of recording.cases) {
    it(c.id, async () => {
      const ours = await websession(c);
      if (
        process.env.PARITY_SHOW &&
        JSON.stringify(comparable(ours)) !== JSON.stringify(comparable(c.chromium))
      ) {
        console.log(
          JSON.stringify({
            id: c.id,
            rules: c.rules,
            requests: c.requests,
            ours,
            chromium: c.chromium,
          }),
        );
      }
      const why = DNR_DIFFERENCES[c.id];
      if (why === undefined) {
        assert.deepEqual(comparable(ours), comparable(c.chromium));
        agreed++;
      } else {
        assert.notDeepEqual(
          comparable(ours),
          comparable(c.chromium),
          `listed (${why}) but agrees now`,
        );
      }
    });
  }
});

/** Chromium sends this Accept-Language of its own; websession sends none. */
const CHROMIUM_ACCEPT_LANGUAGE = "en-US,en;q=0.9";

async function websessionLoad(load: DnrLoadCase): Promise<DnrLoadOutcome> {
  const dnr = ses.declarativeNetRequest;
  const old = await dnr.getSessionRules();
  await dnr.updateSessionRules({
    removeRuleIds: old.map((r) => r.id),
    addRules: loadRules(load, ports) as never,
  });
  try {
    const response = await ses.fetch(loadUrl(load.url, ports), { resourceType: "main_frame" });
    const seen = await response.json() as SeenRequest;
    // The final URL as the origin saw it (scheme, Host, target), and the fragment a browser keeps
    // (the request's, unless a redirect rule set another): no fragment crosses HTTP.
    const start = new URL(loadUrl(load.url, ports));
    const final = `${start.protocol}//${seen.host}${seen.url}${redirectedHash(load, start.hash)}`;
    return { url: portsBack(final, ports), headers: seen.headers };
  } catch (error) {
    if (process.env.PARITY_SHOW) console.log(`${load.id}: ${error}`);
    return { url: "failed", headers: {} };
  }
}

/** The fragment the final URL has: the request's, unless a redirect rule set another. */
function redirectedHash(load: DnrLoadCase, hash: string): string {
  for (const rule of load.rules) {
    const redirect =
      (rule.action as { redirect?: { url?: string; transform?: { fragment?: string } } })
        .redirect;
    if (redirect?.url !== undefined) return new URL(redirect.url.replace(/@HTTPS?@/, "1")).hash;
    if (redirect?.transform?.fragment !== undefined) return redirect.transform.fragment;
  }
  return hash;
}

function comparableLoad(o: DnrLoadOutcome): DnrLoadOutcome {
  const headers = { ...o.headers };
  if (headers["accept-language"] === CHROMIUM_ACCEPT_LANGUAGE) delete headers["accept-language"];
  return { url: o.url, headers };
}

describe(`declarativeNetRequest page loads against ${recording.chromium}`, () => {
  for (const load of recording.loads) {
    it(load.id, async () => {
      const ours = await websessionLoad(load);
      if (
        process.env.PARITY_SHOW &&
        JSON.stringify(comparableLoad(ours)) !== JSON.stringify(comparableLoad(load.chromium))
      ) {
        console.log(JSON.stringify({ id: load.id, ours, chromium: load.chromium }));
      }
      const why = DNR_DIFFERENCES[load.id];
      if (why === undefined) assert.deepEqual(comparableLoad(ours), comparableLoad(load.chromium));
      else {assert.notDeepEqual(
          comparableLoad(ours),
          comparableLoad(load.chromium),
          `listed (${why}) but agrees now`,
        );}
    });
  }
});
