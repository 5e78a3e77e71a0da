// Hostile PAC scripts (#15): memory bounded to 32 MiB, evaluated off the main thread (the server
// keeps answering meanwhile), a stuck Worker terminated, oversized scripts refused.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { session } from "../../../mod.ts";
import { createProxyPlugin } from "../../../entries/proxy.ts";
import { PAC_MAX_BYTES } from "../../../plugins/proxy/mod.ts";
import { PacThread } from "../../../plugins/proxy/pac_thread.ts";
import { PacResolver } from "../../../plugins/proxy/pac_resolver.ts";
import { serve, type TestServer } from "../../_serve.ts";

let server: TestServer;
let count = 0;
const pacs = new Map<string, string>();

before(async () => {
  server = await serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/huge.pac") {
      // 400 MB announced and streamed without end: only the first MiB may ever be read.
      let sent = 0;
      const chunk = new TextEncoder().encode(`// ${"x".repeat(65_530)}\n`);
      return new Response(
        new ReadableStream({
          pull(controller) {
            sent += chunk.byteLength;
            if (sent > 400_000_000) controller.close();
            else controller.enqueue(chunk);
          },
        }),
      );
    }
    const script = pacs.get(path);
    if (script !== undefined) return new Response(script);
    return new Response(`direct ${path}`);
  });
});
after(async () => {
  await server.close();
});

function makeSession() {
  const errors: string[] = [];
  const ses = session.fromPartition(`pac-hostile-${++count}`, {
    preset: false,
    plugins: [createProxyPlugin()],
  });
  ses.on("hook-error", (_e: unknown, error: unknown) => errors.push(String(error)));
  return { ses, errors };
}

function servePac(script: string): string {
  const path = `/pac-${++count}.pac`;
  pacs.set(path, script);
  return `${server.url}${path}`;
}

const HOG = `
var kept = [];
var calls = 0;
function FindProxyForURL(url, host) {
  calls++;
  if (host === "hog.test") for (;;) kept.push(new Array(100000).fill(calls));
  if (host === "spin.test") for (;;) {}
  return "PROXY p" + calls + ".test:8080";
}`;

describe("a hostile PAC script", () => {
  it("that allocates without end hits the 32 MiB limit, goes DIRECT, and is replaced", async () => {
    const { ses, errors } = makeSession();
    try {
      await ses.setProxy({ pacScript: servePac(HOG) });
      assert.equal(await ses.resolveProxy("http://a.test/"), "PROXY p1.test:8080");
      const before = process.memoryUsage().rss;
      assert.equal(await ses.resolveProxy("http://hog.test/"), "DIRECT");
      assert.ok(errors.some((e) => e.includes("out of memory")), errors.join("\n"));
      // Unbounded, the loop above grows the process by gigabytes before the time limit.
      const grown = process.memoryUsage().rss - before;
      assert.ok(grown < 512 * 1024 * 1024, `the process grew by ${grown} bytes`);
      // The full VM was dropped: the next call runs in a fresh one (its globals start again).
      assert.equal(await ses.resolveProxy("http://b.test/"), "PROXY p1.test:8080");
      for (let i = 0; i < 5; i++) {
        assert.equal(await ses.resolveProxy("http://hog.test/"), "DIRECT");
      }
      const after = process.memoryUsage().rss - before;
      assert.ok(after < 512 * 1024 * 1024, `the process grew by ${after} bytes after 6 runs`);
    } finally {
      await session.closePartition(ses.partition);
    }
  });

  it("runs off the main thread: requests and other sessions' work go on meanwhile", async () => {
    const { ses, errors } = makeSession();
    const other = makeSession();
    try {
      await ses.setProxy({ pacScript: servePac(HOG) });
      await other.ses.setProxy({ pacScript: servePac(HOG) });
      // the other session's PAC thread started before the spin, so that its start (slow on a
      // loaded machine) is not counted in the second the spin lasts
      assert.equal(await other.ses.resolveProxy("http://b.test/"), "PROXY p1.test:8080");
      let settled = false;
      const spinning = ses.resolveProxy("http://spin.test/").finally(() => settled = true);
      const hogging = ses.resolveProxy("http://hog.test/");
      // While the script spins for its full second, this thread serves other work.
      const body = await (await ses.fetch(`${server.url}/direct`)).text();
      assert.equal(body, "direct /direct");
      assert.equal(await other.ses.resolveProxy("http://c.test/"), "PROXY p2.test:8080");
      assert.equal(settled, false, "the spinning call should still be running");
      assert.equal(await spinning, "DIRECT");
      assert.equal(await hogging, "DIRECT");
      assert.ok(errors.some((e) => e.includes("timed out")), errors.join("\n"));
    } finally {
      await session.closePartition(ses.partition);
      await session.closePartition(other.ses.partition);
    }
  });

  it("a Worker that stops answering is terminated; the next call gets a fresh one", async () => {
    // The time limit inside the Worker is set out of reach, so only the thread's watchdog can
    // stop this call, as it stops one stuck inside a native builtin (a huge sort()).
    const script = `
      var n = 0;
      function FindProxyForURL(url, host) {
        n++;
        if (host === "spin.test") for (;;) {}
        return "PROXY n" + n + ".test:1";
      }`;
    const pac = await PacThread.create(script, {
      resolver: { resolve: () => [], localAddresses: () => [] },
      timeout: 600_000,
      watchdog: 300,
    });
    try {
      assert.equal((await pac.resolve("http://a.test/")).result, "PROXY n1.test:1");
      const stuck = await pac.resolve("http://spin.test/");
      assert.deepEqual(stuck.result, null);
      assert.match(stuck.error ?? "", /timed out after 300 ms/);
      assert.equal(pac.restarts, 1);
      assert.equal((await pac.resolve("http://b.test/")).result, "PROXY n1.test:1");
    } finally {
      pac.dispose();
    }
  });

  it("asks the resolver once per name within one call, as Chromium's per-resolution cache", async () => {
    const asked: string[] = [];
    const script = `function FindProxyForURL(url, host) {
      for (var i = 0; i < 1000; i++) dnsResolve("intranet.test");
      return isInNet(dnsResolve("intranet.test"), "10.0.0.0", "255.0.0.0") &&
        isResolvable("other.test") ? "PROXY in.test:1" : "DIRECT";
    }`;
    const pac = await PacThread.create(script, {
      resolver: {
        resolve: (host) => {
          asked.push(host);
          return Promise.resolve(host === "intranet.test" ? ["10.1.2.3"] : ["192.0.2.1"]);
        },
        localAddresses: () => [],
      },
    });
    try {
      assert.equal((await pac.resolve("http://x.test/")).result, "PROXY in.test:1");
      assert.deepEqual(asked, ["intranet.test", "other.test"]);
      // A new resolution asks again (the host resolver's own cache is the one across calls).
      await pac.resolve("http://y.test/");
      assert.deepEqual(asked, ["intranet.test", "other.test", "intranet.test", "other.test"]);
    } finally {
      pac.dispose();
    }
  });

  it("in-process, the sandbox's memory is bounded too, and a full VM is replaced", async () => {
    const pac = await PacResolver.create(HOG, {
      resolver: { resolve: () => [], localAddresses: () => [] },
    });
    try {
      assert.equal((await pac.resolve("http://a.test/")).result, "PROXY p1.test:8080");
      const first = pac.sandbox;
      const hog = await pac.resolve("http://hog.test/");
      assert.match(hog.error ?? "", /out of memory/);
      assert.equal(first.broken, true);
      // The next call runs in a new sandbox: the script's globals start again.
      assert.equal((await pac.resolve("http://a.test/")).result, "PROXY p1.test:8080");
      assert.notEqual(pac.sandbox, first);
    } finally {
      pac.dispose();
    }
  });
});

describe("PAC script size", () => {
  it("refuses a script from file:///dev/zero early, with ERR_FILE_TOO_BIG", async () => {
    const { ses, errors } = makeSession();
    try {
      const before = process.memoryUsage().rss;
      await ses.setProxy({ pacScript: "file:///dev/zero" });
      assert.equal(await ses.resolveProxy("http://a.test/"), "DIRECT");
      // Deno reads the device and stops after 1 MiB; Bun's fetch refuses a character device
      // outright (EPERM): either way nothing past the limit is read.
      assert.ok(
        errors.some((e) =>
          e.includes("PAC script file:///dev/zero is unusable, going DIRECT") &&
          (e.includes(`net::ERR_FILE_TOO_BIG: the PAC script is larger than ${PAC_MAX_BYTES}`) ||
            e.includes("EPERM"))
        ),
        errors.join("\n"),
      );
      const grown = process.memoryUsage().rss - before;
      assert.ok(grown < 256 * 1024 * 1024, `the process grew by ${grown} bytes`);
    } finally {
      await session.closePartition(ses.partition);
    }
  });

  it("stops reading a huge http PAC after 1 MiB", async () => {
    const { ses, errors } = makeSession();
    try {
      await ses.setProxy({ pacScript: `${server.url}/huge.pac` });
      assert.equal(await ses.resolveProxy("http://a.test/"), "DIRECT");
      assert.ok(errors.some((e) => e.includes("net::ERR_FILE_TOO_BIG")), errors.join("\n"));
      // The server still answers.
      assert.equal(await (await ses.fetch(`${server.url}/x`)).text(), "direct /x");
    } finally {
      await session.closePartition(ses.partition);
    }
  });

  it("refuses a file over the limit from its size; takes one just under it", async () => {
    const dir = mkdtempSync(`${tmpdir()}/websession-pac-size-`);
    const { ses, errors } = makeSession();
    try {
      const body = 'function FindProxyForURL(u, h) { return "PROXY big.test:1"; }\n';
      const pad = (n: number) => body + "/".repeat(n - body.length);
      writeFileSync(`${dir}/ok.pac`, pad(PAC_MAX_BYTES));
      writeFileSync(`${dir}/big.pac`, pad(PAC_MAX_BYTES + 1));
      await ses.setProxy({ pacScript: `file://${dir}/ok.pac` });
      assert.equal(await ses.resolveProxy("http://a.test/"), "PROXY big.test:1");
      await ses.setProxy({ pacScript: `file://${dir}/big.pac` });
      assert.equal(await ses.resolveProxy("http://a.test/"), "DIRECT");
      assert.ok(errors.some((e) => e.includes("net::ERR_FILE_TOO_BIG")), errors.join("\n"));
    } finally {
      await session.closePartition(ses.partition);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes a data: script over the limit, as Chromium (it is in memory already)", async () => {
    const { ses } = makeSession();
    try {
      const body = 'function FindProxyForURL(u, h) { return "PROXY data.test:1"; }\n// ';
      const script = body + "a".repeat(PAC_MAX_BYTES + 10);
      await ses.setProxy({ pacScript: `data:text/plain,${encodeURIComponent(script)}` });
      assert.equal(await ses.resolveProxy("http://a.test/"), "PROXY data.test:1");
    } finally {
      await session.closePartition(ses.partition);
    }
  });

  it("the limit can be raised per plugin (pacMaxBytes)", async () => {
    const ses = session.fromPartition(`pac-hostile-${++count}`, {
      preset: false,
      plugins: [createProxyPlugin({ pacMaxBytes: 4 * PAC_MAX_BYTES })],
    });
    try {
      const body = 'function FindProxyForURL(u, h) { return "PROXY raised.test:1"; }\n';
      await ses.setProxy({ pacScript: servePac(body + "/".repeat(2 * PAC_MAX_BYTES)) });
      assert.equal(await ses.resolveProxy("http://a.test/"), "PROXY raised.test:1");
    } finally {
      await session.closePartition(ses.partition);
    }
  });
});
