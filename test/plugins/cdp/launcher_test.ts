import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import process from "node:process";
import { session } from "../../../mod.ts";
import { cdp, cdpPlugin } from "../../../entries/cdp.ts";
import { needs } from "../../_system.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("cdp.launch and cdp.connect", () => {
  it("says how to install Chromium when none is found", async () => {
    const saved = process.env.CHROME_PATH;
    process.env.CHROME_PATH = "/nonexistent/chromium";
    try {
      await assert.rejects(cdp.launch(), /No Chromium found: install one/);
    } finally {
      if (saved === undefined) delete process.env.CHROME_PATH;
      else process.env.CHROME_PATH = saved;
    }
    await assert.rejects(cdp.launch({ executablePath: "/nonexistent/chrome" }), /did not start/);
    await assert.rejects(
      cdp.launch({ executablePath: "/nonexistent/chrome", pipe: true }),
      /did not start/,
    );
  });
});

describe("cdp.launch and cdp.connect on Chromium", () => {
  needs("chromium");

  it("launches over a WebSocket, lets a second client connect, and cleans up on close", async () => {
    const browser = await cdp.launch();
    try {
      assert.match(browser.wsEndpoint!, /^ws:\/\/127\.0\.0\.1:\d+\/devtools\/browser\//);
      assert.ok(existsSync(browser.userDataDir));
      const second = await cdp.connect(browser.wsEndpoint!);
      const [a, b] = await Promise.all([
        browser.connection.send("Browser.getVersion"),
        second.send("Browser.getVersion"),
      ]);
      assert.equal(a.product, b.product);
      second.close();
      assert.match(await second.closed, /closed/i);
    } finally {
      await browser.close();
    }
    await browser.exited;
    assert.equal(existsSync(browser.userDataDir), false);
    assert.equal(browser.connection.isClosed, true);
  });

  it("as a session plugin: ses.cdp launches over a pipe and closes with the session", async () => {
    const ses = session.fromPartition("cdp-plugin-test", { preset: false, plugins: [cdpPlugin] });
    await ses.ready;
    const browser = await ses.cdp.launch({ pipe: true });
    assert.equal(browser.wsEndpoint, null);
    const { product } = await browser.connection.send("Browser.getVersion");
    assert.match(product, /Chrome/);
    assert.deepEqual(ses.cdp.connections(), [browser.connection]);
    await ses.close();
    await browser.exited;
    assert.equal(alive(browser.pid), false);
    assert.equal(existsSync(browser.userDataDir), false);
  });

  it("ses.cdp.connections() lists a launched browser until it exits", async () => {
    const ses = session.fromPartition("cdp-connections-test", {
      preset: false,
      plugins: [cdpPlugin],
    });
    await ses.ready;
    assert.deepEqual(ses.cdp.connections(), []);
    const browser = await ses.cdp.launch({ pipe: true });
    assert.deepEqual(ses.cdp.connections(), [browser.connection]);
    await browser.close();
    assert.deepEqual(ses.cdp.connections(), []);
    await ses.close();
  });
});
