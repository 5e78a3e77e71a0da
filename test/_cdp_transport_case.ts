/**
 * The CDP transport contract suite, run against every adapter on real Chromium.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CdpTransport } from "../kernel/cdp/transport.ts";
import type { ChromiumProcess } from "../adapters/cdp/chromium.ts";
import { needs } from "./_system.ts";

/** Starts Chromium and returns a transport to its browser endpoint. */
export type MakeTransport = () => Promise<{ chromium: ChromiumProcess; transport: CdpTransport }>;

/** Runs the contract suite for one adapter. */
export function transportCase(name: string, make: MakeTransport): void {
  describe(`CdpTransport contract: ${name}`, () => {
    needs("chromium");
    let chromium: ChromiumProcess;
    let transport: CdpTransport;
    const waiting = new Map<number, (reply: Record<string, unknown>) => void>();
    let id = 0;

    before(async () => {
      ({ chromium, transport } = await make());
      transport.onmessage = (text) => {
        const message = JSON.parse(text);
        if (typeof message.id === "number") waiting.get(message.id)?.(message);
      };
    });

    after(async () => {
      transport?.close();
      await chromium?.dispose();
    });

    // deno-lint-ignore no-explicit-any
    function call(method: string, params: unknown = {}, sessionId?: string): Promise<any> {
      const n = ++id;
      return new Promise((resolve) => {
        waiting.set(n, (reply) => {
          waiting.delete(n);
          resolve(reply);
        });
        transport.send(JSON.stringify({ id: n, method, params, sessionId }));
      });
    }

    it("carries requests and replies, many in flight", async () => {
      const replies = await Promise.all(
        Array.from({ length: 100 }, () => call("Browser.getVersion")),
      );
      for (const reply of replies) assert.match(reply.result.product, /Chrome/);
      const { result } = await call("Target.getTargets");
      assert.ok(result.targetInfos.some((t: { type: string }) => t.type === "page"));
    });

    it("frames large and non-ASCII messages exactly", async () => {
      const { result: { targetInfos } } = await call("Target.getTargets");
      const page = targetInfos.find((t: { type: string }) => t.type === "page");
      const { result: { sessionId } } = await call("Target.attachToTarget", {
        targetId: page.targetId,
        flatten: true,
      });
      const expression = `"é€😀\\u0000x".repeat(300000)`;
      const reply = await call("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
      assert.equal(reply.result.result.value, "é€😀\u0000x".repeat(300000));
      const small = await call("Runtime.evaluate", { expression: "'ok'" }, sessionId);
      assert.equal(small.result.result.value, "ok");
    });

    it("settles closed when the browser goes away, and refuses to send afterwards", async () => {
      chromium.kill("SIGKILL");
      const reason = await transport.closed;
      assert.equal(typeof reason, "string");
      assert.throws(() => transport.send(JSON.stringify({ id: 1, method: "Browser.getVersion" })));
    });
  });
}
