/**
 * Cold start (issue #24): what a session does not use at start loads on first use. A fresh
 * process (`_lazy_start_child.ts`) finds the public suffix list not loaded after `fromPartition`,
 * members of lazily loading plugins usable at once, and its first request loading what the taps
 * need (the cookie set by the response is in the jar, `changed` told; the proxy engine answers
 * resolveProxy). `onFirstUse` loads once, and a failed load is a LazyLoadError tried again.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { LazyLoadError, onFirstUse } from "../kernel/lazy.ts";
import { lazyMethods } from "../plugins/permissions/device_member.ts";
import { serve, type TestServer } from "./_serve.ts";
import { runChild } from "./_process.ts";

const child = new URL("./_lazy_start_child.ts", import.meta.url).pathname;

describe("a session's first request loads its lazy parts", () => {
  let server: TestServer;
  before(async () => {
    server = await serve(() =>
      new Response("ok", { headers: { "set-cookie": "first=1; Path=/" } })
    );
  });
  after(async () => await server.close());

  it("loads nothing at fromPartition; the members work at once; the first request loads", async () => {
    const url = `${server.url}/page`;
    const ran = await runChild(child, [url]);
    assert.equal(ran.code, 0, ran.out);
    const seen = JSON.parse(ran.out.trim().split("\n").pop()!);
    assert.deepEqual(seen, {
      loadedAtStart: false,
      loadedAfterRequest: true,
      etldAtStart: "The public suffix list is not loaded yet: await loadPublicSuffixList() first " +
        "(a session loads it with its first request or cookies call)",
      etldAfterRequest: true,
      changed: ["first@127.0.0.1"],
      seen: [url],
      proxy: "DIRECT",
      cookies: ["first=1"],
    });
  });
});

describe("onFirstUse", () => {
  it("loads once, for every caller", async () => {
    let loads = 0;
    const part = onFirstUse("a part", async () => ++loads);
    const [a, b] = await Promise.all([part(), part()]);
    assert.equal(await part(), 1);
    assert.deepEqual([a, b, loads], [1, 1, 1]);
  });

  it("reports a failed load as a LazyLoadError naming the part, and tries again", async () => {
    let attempt = 0;
    const cause = new Error("offline");
    const part = onFirstUse("the public suffix list (tldts)", async () => {
      if (++attempt === 1) throw cause;
      return "loaded";
    });
    await assert.rejects(part(), (error: unknown) => {
      assert.ok(error instanceof LazyLoadError);
      assert.equal(error.message, "Loading the public suffix list (tldts) failed: offline");
      assert.equal(error.part, "the public suffix list (tldts)");
      assert.equal(error.cause, cause);
      return true;
    });
    assert.equal(await part(), "loaded");
    assert.equal(attempt, 2);
  });
});

describe("lazyMethods", () => {
  it("loads nothing until a method is called, then calls the loaded object's method", async () => {
    let loads = 0;
    class Ports {
      #names = ["ttyS0", "ttyUSB0"];
      async list(prefix: string): Promise<string[]> {
        return this.#names.filter((name) => name.startsWith(prefix));
      }
    }
    const load = onFirstUse("the ports", async () => (loads++, new Ports()));
    const ports = lazyMethods(load, ["list"]);
    assert.equal(loads, 0);
    assert.deepEqual(await ports.list("ttyU"), ["ttyUSB0"]);
    assert.deepEqual(await ports.list("ttyS"), ["ttyS0"]);
    assert.equal(loads, 1);
  });

  it("rejects each call with the LazyLoadError while the part cannot load", async () => {
    const load = onFirstUse("the ports", async (): Promise<{ list(): Promise<string[]> }> => {
      throw new Error("offline");
    });
    const ports = lazyMethods(load, ["list"]);
    await assert.rejects(ports.list(), {
      name: "LazyLoadError",
      message: "Loading the ports failed: offline",
    });
  });
});
