/**
 * The cookie differential test: every recorded case (`parity/cookies.json`, Chromium's answers
 * recorded by `parity/record_cookies.ts`) run through a websession session on the same origin,
 * compared with Chromium's stored cookies and `Cookie` header. A case websession answers
 * differently on purpose is listed in {@linkcode COOKIE_DIFFERENCES} (and in the README) and must
 * still differ; every other case must agree.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { configure, getConfig, session } from "../mod.ts";
import { detectRuntime, transportFor } from "../adapters/runtime.ts";
import { cookiesPlugin } from "../plugins/cookies/mod.ts";
import { parityCerts } from "./parity/_certs.ts";
import { needs } from "../test/_system.ts";
import {
  encodeLines,
  type ParityServer,
  type SeenRequest,
  startParityServer,
} from "./parity/_server.ts";
import { caseUrl, type CookieCase } from "./parity/_cookie_cases.ts";
import { type CookieOutcome, outcome } from "./parity/_cookie_outcome.ts";
import type { CookieRecording } from "./parity/record_cookies.ts";

needs("openssl");

/** Cases where websession differs from Chromium on purpose, with the reason (see the README). */
export const COOKIE_DIFFERENCES: Record<string, string> = {};

const recording = JSON.parse(
  readFileSync(new URL("./parity/cookies.json", import.meta.url), "utf8"),
) as CookieRecording;

let server: ParityServer;
let ports = { http: 0, https: 0 };
const original = getConfig().transport;
let partitions = 0;

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
});
after(async () => {
  await getConfig().transport?.closeAllConnections?.();
  configure({ transport: original });
  await server.close();
});

async function websession(c: CookieCase): Promise<CookieOutcome> {
  const ses = session.fromPartition(`parity-cookies-${++partitions}`, {
    preset: false,
    plugins: [cookiesPlugin],
  });
  try {
    for (const step of c.steps) {
      const response = await ses.fetch(caseUrl(step.url, ports, `set=${encodeLines(step.lines)}`));
      await response.arrayBuffer();
    }
    const now = Date.now();
    const stored = await ses.cookies.get({});
    const response = await ses.fetch(caseUrl(c.read, ports));
    const seen = await response.json() as SeenRequest;
    return outcome(
      stored.map((k) => ({
        name: k.name,
        value: k.value,
        domain: k.domain,
        path: k.path,
        secure: k.secure,
        httpOnly: k.httpOnly,
        sameSite:
          { unspecified: "Unspecified", no_restriction: "None", lax: "Lax", strict: "Strict" }[
            k.sameSite
          ],
        expires: k.session ? undefined : k.expirationDate,
      })),
      seen.cookie,
      now,
    );
  } finally {
    await session.closePartition(ses.partition);
  }
}

describe(`cookies against ${recording.chromium} (${recording.cases.length} recorded cases)`, () => {
  let agreed = 0;
  after(() => {
    const listed = Object.keys(COOKIE_DIFFERENCES).length;
    console.log(
      `cookie parity: ${agreed}/${recording.cases.length} cases agree with Chromium; ` +
        `${listed} listed differences`,
    );
  });
  for (const c of recording.cases) {
    it(c.id, async () => {
      const ours = await websession(c);
      const why = COOKIE_DIFFERENCES[c.id];
      if (process.env.PARITY_SHOW && JSON.stringify(ours) !== JSON.stringify(c.chromium)) {
        console.log(JSON.stringify({ id: c.id, steps: c.steps, ours, chromium: c.chromium }));
      }
      if (why === undefined) {
        assert.deepEqual(ours, c.chromium);
        agreed++;
      } else {
        assert.notDeepEqual(ours, c.chromium, `listed as a difference (${why}) but agrees now`);
      }
    });
  }
});
