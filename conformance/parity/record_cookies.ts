/**
 * Records Chromium's answers to the cookie cases (`deno task conformance --record-parity`, or
 * `deno run -A conformance/parity/record_cookies.ts`): Debian's Chromium, headless, driven by
 * puppeteer-core, navigates each case's URLs on the parity origin (every host name mapped to
 * 127.0.0.1) and its stored cookies and last `Cookie` header go to `cookies.json` beside this file.
 *
 * @module
 */
import puppeteer from "puppeteer-core";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { locateCommand } from "../../scripts/_system_packages.ts";
import { parityCerts } from "./_certs.ts";
import { encodeLines, type SeenRequest, startParityServer } from "./_server.ts";
import { caseUrl, type CookieCase, cookieCases } from "./_cookie_cases.ts";
import { type CookieOutcome, outcome, type StoredCookie } from "./_cookie_outcome.ts";

/** The recorded file: the browser, and each case with Chromium's outcome. */
export interface CookieRecording {
  chromium: string;
  cases: Array<CookieCase & { chromium: CookieOutcome }>;
}

/** Chromium's command-line flags for the differential tests. */
export const ORACLE_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * 127.0.0.1",
  "--ignore-certificate-errors",
  "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,HttpsFirstModeV2ForEngagedSites",
];

interface CdpCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
  session: boolean;
  expires: number;
}

/** Records every case; returns the file written. */
export async function recordCookies(): Promise<string> {
  const executablePath = locateCommand("chromium");
  if (!executablePath) throw new Error("Recording needs Chromium (apt-get install -y chromium)");
  const server = await startParityServer(parityCerts());
  const ports = { http: server.httpPort, https: server.httpsPort };
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: [...ORACLE_FLAGS],
  });
  try {
    const page = await browser.newPage();
    const cdp = await page.createCDPSession();
    const cases: CookieRecording["cases"] = [];
    for (const c of cookieCases()) {
      await cdp.send("Network.clearBrowserCookies");
      for (const step of c.steps) {
        await page.goto(caseUrl(step.url, ports, `set=${encodeLines(step.lines)}`));
      }
      const now = Date.now();
      const { cookies } = await cdp.send("Storage.getCookies") as { cookies: CdpCookie[] };
      const response = await page.goto(caseUrl(c.read, ports));
      const seen = JSON.parse(await response!.text()) as SeenRequest;
      const stored: StoredCookie[] = cookies.map((k) => ({
        name: k.name,
        value: k.value,
        domain: k.domain,
        path: k.path,
        secure: k.secure,
        httpOnly: k.httpOnly,
        sameSite: k.sameSite ?? "Unspecified",
        expires: k.session ? undefined : k.expires,
      }));
      cases.push({ ...c, chromium: outcome(stored, seen.cookie, now) });
    }
    const file = fileURLToPath(new URL("./cookies.json", import.meta.url));
    const recording: CookieRecording = { chromium: await browser.version(), cases };
    writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`);
    return file;
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.main) console.log(`Recorded ${await recordCookies()}`);
