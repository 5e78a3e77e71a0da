/**
 * Records Chromium's answers to the declarativeNetRequest cases (`deno task conformance
 * --record-parity`, or `deno run -A conformance/parity/record_dnr.ts`): Debian's Chromium, headless,
 * driven by puppeteer-core, loads the unpacked extension in `_dnr_extension/` and, for each case,
 * replaces its session rules and asks `chrome.declarativeNetRequest.testMatchOutcome` about each
 * request; the answers go to `dnr.json` beside this file.
 *
 * @module
 */
import puppeteer from "puppeteer-core";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { locateCommand } from "../../scripts/_system_packages.ts";
import {
  type DnrLoadCase,
  type DnrLoadOutcome,
  dnrLoads,
  loadRules,
  loadUrl,
  portsBack,
} from "./_dnr_load_cases.ts";
import { type DnrCase, dnrCases } from "./_dnr_cases.ts";
import { ORACLE_FLAGS } from "./record_cookies.ts";
import { parityCerts } from "./_certs.ts";
import { type SeenRequest, startParityServer } from "./_server.ts";

/** What Chromium answered for a case: the rules refused (with its message), or the rule ids per request. */
export type DnrAnswer = { error: string } | { outcomes: Array<number[] | { error: string }> };

/** The recorded file: the browser, and each case with Chromium's answer. */
export interface DnrRecording {
  chromium: string;
  cases: Array<DnrCase & { chromium: DnrAnswer }>;
  /** The page loads, with where Chromium ended up and what the origin saw. */
  loads: Array<DnrLoadCase & { chromium: DnrLoadOutcome }>;
}

/** Records every case; returns the file written. */
export async function recordDnr(): Promise<string> {
  const executablePath = locateCommand("chromium");
  if (!executablePath) throw new Error("Recording needs Chromium (apt-get install -y chromium)");
  const server = await startParityServer(parityCerts());
  const ports = { http: server.httpPort, https: server.httpsPort };
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true,
    enableExtensions: true,
    args: [...ORACLE_FLAGS],
  });
  try {
    const id = await browser.installExtension(
      fileURLToPath(new URL("./_dnr_extension", import.meta.url)),
    );
    // The extension's service worker, found again when Chromium has restarted it.
    const workerOf = async () => {
      const target = await browser.waitForTarget((t) =>
        t.type() === "service_worker" && t.url().includes(id)
      );
      const worker = await target.worker();
      if (!worker) throw new Error("The oracle extension's service worker did not start");
      return worker;
    };
    let worker = await workerOf();
    const ask = (c: DnrCase) =>
      worker.evaluate(
        (x) => (globalThis as unknown as { run(c: unknown): Promise<DnrAnswer> }).run(x),
        c,
      );
    const cases: DnrRecording["cases"] = [];
    for (const c of dnrCases()) {
      let answer: DnrAnswer;
      try {
        answer = await ask(c);
      } catch {
        worker = await workerOf();
        answer = await ask(c);
      }
      cases.push({ ...c, chromium: answer });
    }
    const loads: DnrRecording["loads"] = [];
    const page = await browser.newPage();
    for (const load of dnrLoads()) {
      await ask({ id: load.id, rules: loadRules(load, ports), requests: [] });
      await page.goto("about:blank");
      let outcome: DnrLoadOutcome;
      try {
        const response = await page.goto(loadUrl(load.url, ports));
        const seen = JSON.parse(await response!.text()) as SeenRequest;
        outcome = { url: portsBack(page.url(), ports), headers: seen.headers };
      } catch {
        outcome = { url: "failed", headers: {} };
      }
      loads.push({ ...load, chromium: outcome });
    }
    const file = fileURLToPath(new URL("./dnr.json", import.meta.url));
    const recording: DnrRecording = { chromium: await browser.version(), cases, loads };
    writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`);
    return file;
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.main) console.log(`Recorded ${await recordDnr()}`);
