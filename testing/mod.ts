/**
 * websession's kit for testing plugins under `node:test` on Deno and Bun: a session with only the
 * plugins under test and a log of their decisions ({@link testSession}), a local origin server
 * that records what reached it ({@link originServer}), and {@link nextEvent} to wait for an event
 * with a deadline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { definePlugin } from "../mod.ts";
 * import { originServer, testSession } from "./mod.ts";
 *
 * const blocker = definePlugin({
 *   manifest: { name: "blocker", version: "1.0.0", hooks: ["beforeRequest"] },
 *   setup(ctx) {
 *     ctx.tap("beforeRequest", (request) =>
 *       request.urlParts.path.startsWith("/ads") ? { cancel: true } : undefined
 *     );
 *   },
 * });
 *
 * // In a node:test `it(...)`, on Deno or Bun:
 * const origin = await originServer();
 * const { ses, log, close } = testSession([blocker]);
 * await assert.rejects(ses.fetch(`${origin.url}/ads/1`), /ERR_BLOCKED_BY_CLIENT/);
 * assert.equal((await ses.fetch(`${origin.url}/page`)).status, 200);
 * assert.deepEqual(origin.requests.map((r) => r.path), ["/page"]);
 * assert.equal(log.to(`${origin.url}/ads`)[0].error, "net::ERR_BLOCKED_BY_CLIENT");
 * await close();
 * await origin.close();
 * ```
 *
 * @module
 */
export * from "./test_session.ts";
export * from "./origin_server.ts";
export * from "./events.ts";
// The websession types this kit's API refers to.
export type * from "../kernel/mod.ts";
