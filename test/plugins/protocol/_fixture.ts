/**
 * What the protocol tests share: the test app on 127.0.0.1 for the whole file, and a fresh session
 * that is ready.
 *
 * @module
 */
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { NetError } from "../../../mod.ts";
import { freshSession, serve, testApp, type TestServer } from "../../kernel/net/_server.ts";

/**
 * Starts the test app before the file's tests and stops it after them; read `origin` in a test.
 *
 * @example
 * ```ts
 * const server = serveTestAppForFile();
 * // in a test: await ses.fetch(`${server.origin}/hello`);
 * ```
 */
export function serveTestAppForFile(): { readonly origin: string } {
  let server: TestServer | undefined;
  before(async () => {
    server = await serve(testApp().fetch);
  });
  after(async () => {
    await server?.close();
  });
  return {
    get origin() {
      if (!server) throw new Error("the test server is not started yet");
      return server.origin;
    },
  };
}

/**
 * A fresh session, once ready.
 *
 * @example
 * ```ts
 * const ses = await readySession("my-test");
 * ses.protocol.isProtocolHandled("app"); // false
 * ```
 */
export async function readySession(name: string): Promise<ReturnType<typeof freshSession>> {
  const ses = freshSession(name);
  await ses.ready;
  return ses;
}

/**
 * An `assert.rejects` check: the error is a NetError with `code`.
 *
 * @example
 * ```ts
 * // await assert.rejects(ses.fetch("gone://x/"), failsWith("net::ERR_FILE_NOT_FOUND"));
 * ```
 */
export function failsWith(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof NetError, String(error));
    assert.equal(error.code, code);
    return true;
  };
}
