// What Electron's spec (spec/api-net-spec.ts, api-net-session-spec.ts) asserts of ClientRequest's
// errors and net.resolveHost, word for word.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { net, session } from "../../../mod.ts";

let server: http.Server;
let origin: string;
before(async () => {
  server = http.createServer((request, response) => {
    if (request.url === "/destroy") return void request.socket.destroy();
    if (request.url === "/short") {
      response.writeHead(200, { "Content-Length": "100000" });
      response.write("x".repeat(1000));
      setTimeout(() => response.socket?.destroy(), 30);
      return;
    }
    if (request.url === "/redirect") {
      response.writeHead(302, { Location: "/ok" }).end();
      return;
    }
    response.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function failure(
  options: Parameters<typeof net.request>[0],
): Promise<{ error: Error; events: string[] }> {
  const request = net.request(options);
  const events: string[] = [];
  return new Promise((resolve) => {
    let error: Error;
    request.on("response", () => events.push("response"));
    request.on("error", (e) => {
      events.push("error");
      error = e;
    });
    request.on("close", () => resolve({ error, events }));
    request.end();
  });
}

describe("ClientRequest: Electron's error messages", () => {
  it("a network error's message is the bare code, the detail in cause", async () => {
    const { error, events } = await failure(`${origin}/destroy`);
    assert.deepEqual(events, ["error"]);
    assert.equal(error.message, "net::ERR_EMPTY_RESPONSE");
    assert.equal((error as Error & { code: string }).code, "net::ERR_EMPTY_RESPONSE");
    assert.ok(error.cause instanceof Error);
  });

  it("a body cut short: the response and the request emit one error, worded as the code", async () => {
    const request = net.request(`${origin}/short`);
    const errors: Error[] = [];
    request.on("response", (response) => {
      response.on("data", () => {});
      response.on("error", (e) => errors.push(e));
    });
    request.on("error", (e) => errors.push(e));
    const closed = new Promise((resolve) => request.on("close", resolve));
    request.end();
    await closed;
    assert.equal(errors.length, 2);
    assert.equal(errors[0], errors[1]);
    assert.match(errors[0].message, /^net::ERR_[A-Z_]+$/);
  });

  it("redirect 'error' and an unfollowed manual redirect fail with Electron's sentences", async () => {
    const refused = await failure({ url: `${origin}/redirect`, redirect: "error" });
    assert.equal(refused.error.message, "Attempted to redirect, but redirect policy was 'error'");
    const cancelled = await failure({ url: `${origin}/redirect`, redirect: "manual" });
    assert.equal(cancelled.error.message, "Redirect was cancelled");
  });

  it("option and header errors are worded as Electron's", () => {
    const cases: [() => unknown, string][] = [
      [() => net.request("file://bar"), "ClientRequest only supports http: and https: protocols"],
      [
        () => net.request({ url: "file://bar" }),
        "ClientRequest only supports http: and https: protocols",
      ],
      [
        () => net.request({ url: origin, session: {} as never }),
        "`session` should be an instance of the Session class",
      ],
      [() => net.request({ url: origin, partition: 1 as never }), "`partition` should be a string"],
      [
        () => net.request({ url: origin, headers: { foo: null as never } }),
        '`value` required in setHeader("foo", value)',
      ],
      [
        () => net.request(origin).setHeader("foo", undefined as never),
        '`value` required in setHeader("foo", value)',
      ],
      [
        () => net.request(origin).getHeader(undefined as never),
        "`name` is required for getHeader(name)",
      ],
      [
        () => net.request(origin).removeHeader(undefined as never),
        "`name` is required for removeHeader(name)",
      ],
      [() => net.request(origin).setHeader("a b", "1"), "Invalid header name: 'a b'"],
      [
        () => net.request({ url: origin, redirect: "sideways" as "follow" }),
        "redirect mode should be one of follow, error or manual",
      ],
      [
        () => net.request({ url: origin, credentials: "same-origin" }),
        "credentials: same-origin requires origin to be set",
      ],
    ];
    for (const [act, words] of cases) {
      assert.throws(act, (error: Error) => error.message.includes(words), words);
    }
    const request = net.request(origin);
    request.setHeader("X-A", "1");
    request.write("x");
    assert.throws(() => request.setHeader("X-B", "2"), {
      message: "Can't set headers after they are sent",
    });
    assert.throws(() => request.removeHeader("X-A"), {
      message: "Can't remove headers after they are sent",
    });
    request.abort();
  });
});

describe("net.resolveHost", () => {
  it("resolves through the default session, with Electron's options", async () => {
    const found = await net.resolveHost("127.0.0.1", { queryType: "A" });
    assert.deepEqual(
      found,
      await session.defaultSession.resolveHost("127.0.0.1", { queryType: "A" }),
    );
    assert.deepEqual(found.endpoints.map((e) => e.address), ["127.0.0.1"]);
    await assert.rejects(net.resolveHost("notfound.invalid"), /net::ERR_NAME_NOT_RESOLVED/);
  });
});
