/// <reference lib="dom" />
// The dashboard at `/`, driven with playwright-core in headless Chromium against a running server
// and real traffic from curl. Screenshots go to test-output/dashboard/ (WEBSESSION_TEST_OUTPUT
// moves it).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { type Browser, chromium, type Page } from "playwright-core";
import { curl, type ServerProcess, startServerProcess } from "./_server_process.ts";
import { serve, type TestServer } from "../_serve.ts";
import { needs, requireCommand } from "../_system.ts";

needs("curl", "chromium");

const home = mkdtempSync(`${tmpdir()}/websession-dashboard-`);
const output = process.env.WEBSESSION_TEST_OUTPUT ??
  new URL("../../test-output/dashboard", import.meta.url).pathname;
let origin: TestServer;
let server: ServerProcess;
let browser: Browser;
let page: Page;
/** Lets /slow.bin send its second half: until then a download of it stays in progress. */
let releaseSlowBody: () => void = () => {};
const slowBodyReleased = new Promise<void>((resolve) => (releaseSlowBody = resolve));

before(async () => {
  mkdirSync(output, { recursive: true });
  origin = await serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/data.json") return Response.json({ fruit: "apple", count: 3 });
    if (path === "/set") {
      return new Response("set", {
        headers: { "set-cookie": "flavour=plain; Path=/; SameSite=Strict; Max-Age=3600" },
      });
    }
    if (path === "/submit") {
      return request.arrayBuffer().then((bytes) => new Response(`got ${bytes.byteLength} bytes`));
    }
    if (path === "/whoami") return new Response(request.headers.get("cookie") ?? "nobody");
    if (path === "/slow.bin") {
      // 1 MiB in 16 KiB pieces, one every 20 ms: a download the view can watch progress. The
      // second half waits for the test (the pause button is clicked while the download runs,
      // however slow the machine).
      let sent = 0;
      return new Response(
        new ReadableStream({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            if (sent === 32) await slowBodyReleased;
            if (sent === 64) return controller.close();
            controller.enqueue(new Uint8Array(16 * 1024).fill(sent++));
          },
        }, { highWaterMark: 0 }),
        { headers: { "content-length": String(1024 * 1024) } },
      );
    }
    return new Response(`<p>page ${path}</p>`, { headers: { "content-type": "text/html" } });
  });
  server = await startServerProcess(home, [], { XDG_DOWNLOAD_DIR: `${home}/Downloads` });
  browser = await chromium.launch({
    executablePath: requireCommand("chromium"),
    args: ["--no-sandbox"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await origin?.close();
  rmSync(home, { recursive: true, force: true });
});

const viaProxy = (path: string, ...extra: string[]) =>
  curl(["-s", "-x", server.proxy, ...extra, `${origin.url}${path}`]);

const rowOf = (path: string) =>
  page.locator("#requests tbody tr", { hasText: `${origin.url}${path}` });

describe("the dashboard", () => {
  it("signs in by exchanging the token for an HttpOnly, SameSite=Strict cookie", async () => {
    await page.goto(`${server.proxy}/`);
    await page.locator("#signin").waitFor({ state: "visible" });
    assert.doesNotMatch(page.url(), /token/);
    await page.fill("#token", "not-a-token");
    await page.click("#signin-form button");
    await page.locator("#signin-error", { hasText: "not valid" }).waitFor();
    await page.fill("#token", server.token);
    await page.click("#signin-form button");
    await page.locator("#app").waitFor({ state: "visible" });
    const [cookie] = await page.context().cookies();
    assert.equal(cookie.name, "websession_token");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie), "");
  });

  it("shows traffic live, one row per request, and a row's detail with headers and body", async () => {
    await viaProxy("/page.html");
    await viaProxy("/data.json", "-H", "x-from-test: yes");
    await rowOf("/page.html").waitFor();
    await rowOf("/data.json").waitFor();
    assert.equal(await rowOf("/data.json").count(), 1);
    await page.waitForFunction(
      (url) =>
        [...document.querySelectorAll("#requests tbody tr")].some((tr) =>
          tr.textContent!.includes(url) && tr.textContent!.includes("json") &&
          tr.textContent!.includes("200")
        ),
      `${origin.url}/data.json`,
    );
    await rowOf("/data.json").click();
    const detail = page.locator("#detail");
    await detail.locator(".request-headers th", { hasText: "x-from-test" }).waitFor();
    await detail.locator(".body-text").waitFor();
    assert.equal(
      await detail.locator(".body-text").textContent(),
      JSON.stringify({ fruit: "apple", count: 3 }, null, 2),
    );
    assert.match(await detail.locator(".response-headers").textContent() ?? "", /content-type/);
    await page.screenshot({ path: `${output}/requests.png` });
  });

  it("shows a request's body in its detail: JSON pretty, binary as hex, big ones cut at the cap", async () => {
    const order = { order: { item: "pear", quantity: 2 } };
    const sent = await viaProxy(
      "/submit",
      "-X",
      "POST",
      "-H",
      "content-type: application/json",
      "--data-binary",
      JSON.stringify(order),
    );
    assert.equal(sent.stdout, `got ${JSON.stringify(order).length} bytes`);
    const row = page.locator("#requests tbody tr", { hasText: "POST" });
    await row.waitFor();
    await row.click();
    const detail = page.locator("#detail");
    const requestBody = detail.locator(".request-body .body-text");
    await requestBody.waitFor();
    assert.equal(await requestBody.textContent(), JSON.stringify(order, null, 2));
    assert.equal(await detail.locator(".body .body-text").textContent(), "got 38 bytes");
    await page.screenshot({ path: `${output}/request-body.png` });

    // 300 KiB of binary: kept up to the 256 KiB cap, shown as hex.
    const big = `${home}/upload.bin`;
    writeFileSync(big, new Uint8Array(300 * 1024).map((_, i) => i % 251));
    await viaProxy(
      "/submit?big",
      "-X",
      "PUT",
      "-H",
      "content-type: application/octet-stream",
      "--data-binary",
      `@${big}`,
    );
    const bigRow = rowOf("/submit?big");
    await bigRow.waitFor();
    await bigRow.click();
    const hex = detail.locator(".request-body .body-hex");
    await hex.waitFor();
    assert.match(await hex.textContent() ?? "", /^00000000 {2}00 01 02 03 04 05/);
    await detail.locator(".request-body .note", { hasText: "size cap" }).waitFor();
    const entries = await page.evaluate(async () => (await fetch("/api/requests")).json());
    const entry = entries.find((e: { url: string }) => e.url.endsWith("/submit?big"));
    assert.deepEqual(entry.requestBody, { size: 300 * 1024, kept: 256 * 1024, truncated: true });
  });

  it("hides the rows a filter leaves out, and keeps the log across a reload", async () => {
    await page.fill("#filter-text", "data.json");
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLElement>("#requests tbody tr")].filter((tr) => !tr.hidden)
        .length === 1
    );
    assert.equal(await rowOf("/page.html").isHidden(), true);
    assert.equal(await rowOf("/data.json").isVisible(), true);
    await page.selectOption("#filter-type", "document");
    assert.equal(await rowOf("/data.json").isHidden(), true);
    await page.reload();
    await page.locator("#app").waitFor({ state: "visible" });
    await rowOf("/page.html").waitFor();
    await rowOf("/data.json").waitFor();
  });

  it("edits a cookie that the next proxied request then sends", async () => {
    await viaProxy("/set");
    await page.click('nav button[data-view="cookies"]');
    const row = page.locator("#cookies tbody tr", { hasText: "flavour" });
    await row.waitFor();
    await row.locator("input.cookie-value").fill("edited-in-ui");
    await row.locator("button.save").click();
    await row.locator(".status", { hasText: "saved" }).waitFor();
    assert.equal((await viaProxy("/whoami")).stdout, "flavour=edited-in-ui");
    // the edit changed the value only: the cookie keeps its SameSite and its expiry
    const kept = await page.evaluate(async () =>
      (await (await fetch("/api/cookies")).json() as Array<Record<string, unknown>>)
        .find((cookie) => cookie.name === "flavour")
    );
    assert.equal(kept?.sameSite, "strict");
    assert.equal(typeof kept?.expirationDate, "number");
    assert.equal(await row.locator(".cookie-flags").textContent(), "SameSite=Strict");
    assert.match(
      await row.locator(".cookie-expires").textContent() ?? "",
      /^\d{4}-\d\d-\d\d \d\d:\d\d/,
    );
    await page.screenshot({ path: `${output}/cookies.png` });
  });

  it("adds a rule that blocks the next request, and shows a refused rule's field", async () => {
    await page.click('nav button[data-view="rules"]');
    await page.fill("#rule-id", "77");
    await page.fill("#rule-action", '{"type":"explode"}');
    await page.fill("#rule-condition", '{"urlFilter":"/blocked-by-ui"}');
    await page.click("#rule-form button");
    await page.locator("#rule-error", { hasText: "action" }).waitFor();
    await page.fill("#rule-action", '{"type":"block"}');
    await page.click("#rule-form button");
    await page.locator("#rules tbody tr[data-id='77']").waitFor();
    const blocked = await viaProxy("/blocked-by-ui", "-i");
    assert.match(blocked.stdout, /^HTTP\/1\.1 403/);
    assert.match(blocked.stdout, /rule 77/);
    await page.screenshot({ path: `${output}/rules.png` });
    // The blocked request's detail says which rule decided, in a table, not as raw JSON.
    await page.click('nav button[data-view="requests"]');
    await rowOf("/blocked-by-ui").click();
    const decided = page.locator("#detail .explain tr", { hasText: "declarativeNetRequest" });
    await decided.waitFor();
    assert.match(await decided.textContent() ?? "", /beforeRequest.*rule 77 of _dynamic.*applied/);
    await page.locator("#detail .note", { hasText: "None." }).first().waitFor();
    await page.screenshot({ path: `${output}/decisions.png` });
  });

  it("starts a download, shows its progress live, pauses, resumes and ends completed", async () => {
    await page.click('nav button[data-view="downloads"]');
    await page.fill("#download-url", "not a url");
    await page.click("#download-form button");
    await page.locator("#download-error", { hasText: "url" }).waitFor();
    await page.fill("#download-url", `${origin.url}/slow.bin`);
    await page.click("#download-form button");
    const row = page.locator("#downloads tbody tr", { hasText: "slow.bin" });
    await row.waitFor();
    await page.waitForFunction(() => {
      const tr = document.querySelector<HTMLElement>("#downloads tbody tr");
      return tr?.dataset.state === "progressing" && Number(tr.dataset.received) > 0;
    });
    await row.locator("button.pause").click();
    await page.locator("#downloads tbody tr[data-state='paused']").waitFor();
    await page.screenshot({ path: `${output}/downloads.png` });
    await row.locator("button.resume").click();
    releaseSlowBody();
    await page.locator("#downloads tbody tr[data-state='completed']").waitFor({ timeout: 20_000 });
    assert.match(
      await row.locator(".progress-text").textContent() ?? "",
      /1\.0 MB of 1\.0 MB \(100%\)/,
    );
    const { statSync } = await import("node:fs");
    assert.equal(statSync(`${home}/Downloads/slow.bin`).size, 1024 * 1024);
  });

  it("exports the shown requests as HAR 1.2", async () => {
    await page.click('nav button[data-view="requests"]');
    await page.fill("#filter-text", "");
    await page.selectOption("#filter-type", "");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const path = `${output}/export.har`;
    await download.saveAs(path);
    const { readFileSync } = await import("node:fs");
    const har = JSON.parse(readFileSync(path, "utf8"));
    assert.equal(har.log.version, "1.2");
    const entry = har.log.entries.find((e: { request: { url: string } }) =>
      e.request.url === `${origin.url}/data.json`
    );
    assert.equal(entry.response.status, 200);
    assert.equal(entry.response.content.text, JSON.stringify({ fruit: "apple", count: 3 }));
    const posted = har.log.entries.find((e: { request: { method: string } }) =>
      e.request.method === "POST"
    );
    assert.deepEqual(posted.request.postData, {
      mimeType: "application/json",
      text: JSON.stringify({ order: { item: "pear", quantity: 2 } }),
    });
  });

  it("lists the DevTools targets of a browser the session drives, whose traffic it proxies", async () => {
    await page.click('nav button[data-view="targets"]');
    await page.locator("#targets-empty").waitFor({ state: "visible" });
    await page.fill("#browser-url", `${origin.url}/driven-page.html`);
    await page.click("#browser-form button[type=submit], #browser-form button:not([type])");
    await page.locator("#browser-status", { hasText: "started" }).waitFor({ timeout: 60_000 });
    const target = page.locator("#targets tbody tr", { hasText: `${origin.url}/driven-page.html` });
    await target.waitFor();
    assert.equal(await target.locator(".target-type").textContent(), "page");
    assert.equal(await page.locator("#targets-empty").isHidden(), true);
    // Chromium's own UI targets (the omnibox popup) are not listed
    await page.waitForTimeout(2500); // a refresh of the list
    assert.equal(
      await page.locator("#targets tbody tr", { hasText: "chrome://omnibox" }).count(),
      0,
    );
    await page.screenshot({ path: `${output}/targets.png` });
    // The page came through the server: the session logs it (once the browser asked for it).
    await page.click('nav button[data-view="requests"]');
    await page.locator("#requests tbody tr", { hasText: `${origin.url}/driven-page.html` })
      .filter({ hasText: "200" }).waitFor();
    await page.click('nav button[data-view="targets"]');
    await page.click("#browsers-close");
    await page.locator("#targets-empty").waitFor({ state: "visible" });
    assert.equal(await page.locator("#targets tbody tr").count(), 0);
  });

  it("refuses another Host (DNS rebinding) and another site's Origin", async () => {
    const port = new URL(server.proxy).port;
    const rebound = await curl([
      "-s",
      "-i",
      "-H",
      `Host: evil.example:${port}`,
      `${server.proxy}/`,
    ]);
    assert.match(rebound.stdout, /^HTTP\/1\.1 403/);
    const crossSite = await curl([
      "-s",
      "-i",
      "-H",
      "Origin: http://evil.example",
      "-H",
      `Authorization: Bearer ${server.token}`,
      `${server.proxy}/api/requests`,
    ]);
    assert.match(crossSite.stdout, /^HTTP\/1\.1 403/);
    const own = await curl(["-s", "-i", `${server.proxy}/`]);
    assert.match(own.stdout, /^HTTP\/1\.1 200/);
  });
});
