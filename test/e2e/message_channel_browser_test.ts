// MessagePortMain's close event in Chromium (the browser bundle's runtime): partner closed,
// Worker terminated, Worker exited, partner garbage-collected.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { needs, requireCommand } from "../_system.ts";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;

async function bundle(entry: string): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [join(fixtures, entry)],
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

describe("MessagePortMain in Chromium", () => {
  needs("chromium");
  let server: Server;
  let browser: Browser;
  let page: Page;

  before(async () => {
    const files: Record<string, string> = {
      "/page.js": await bundle("browser_page.ts"),
      "/worker.js": await bundle("browser_port_worker.ts"),
      "/": "<!doctype html><title>ports</title><script src=/page.js></script>",
    };
    await esbuild.stop();
    server = createServer((req, res) => {
      const body = files[req.url ?? "/"];
      if (body === undefined) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader("content-type", req.url === "/" ? "text/html" : "text/javascript");
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    browser = await chromium.launch({
      executablePath: requireCommand("chromium"),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--js-flags=--expose-gc",
      ],
    });
    page = await browser.newPage();
    const port = (server.address() as { port: number }).port;
    await page.goto(`http://127.0.0.1:${port}/`);
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  const run = (name: string) =>
    page.evaluate((n) => {
      const s = (globalThis as unknown as { scenarios: Record<string, () => Promise<string>> })
        .scenarios;
      return s[n]();
    }, name);

  it("fires close when the partner calls close()", async () => {
    assert.equal(await run("partnerClosed"), "closed");
  });

  it("fires close when the partner's Worker is terminated", async () => {
    assert.equal(await run("terminated"), "worker-terminated");
  });

  it("fires close when the partner's Worker exits (self.close())", async () => {
    assert.equal(await run("exited"), "unresponsive");
  });

  it("fires close when the partner is garbage-collected", async () => {
    assert.equal(await run("garbageCollected"), "garbage-collected");
  });
});
