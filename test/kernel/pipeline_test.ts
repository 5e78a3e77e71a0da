import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { definePlugin, NetError, type PipelineRequest, type Session, session } from "../../mod.ts";
import { closedPort, serve, type TestServer } from "../_serve.ts";

let server: TestServer;
let resetPort: number;
let resetServer: Server;

before(async () => {
  server = await serve(async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/hello") return new Response(`hello ${request.method}`);
    if (path === "/echo") {
      return Response.json({
        method: request.method,
        body: await request.text(),
        headers: Object.fromEntries(request.headers),
      });
    }
    const hop = /^\/redirect\/(\d+)\/(\d+)$/.exec(path);
    if (hop) {
      const [status, left] = [Number(hop[1]), Number(hop[2])];
      const location = left > 1 ? `/redirect/${status}/${left - 1}` : "/echo";
      return new Response(null, { status, headers: { location } });
    }
    if (path === "/loop") {
      return new Response(null, { status: 302, headers: { location: "/loop" } });
    }
    if (path === "/auth") {
      const auth = request.headers.get("authorization");
      if (auth === `Basic ${btoa("user:pass")}`) return new Response("welcome");
      return new Response("no", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="test"' },
      });
    }
    if (path === "/slow") {
      const body = new ReadableStream({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode("first"));
          await new Promise((r) => setTimeout(r, 300));
          controller.enqueue(new TextEncoder().encode("second"));
          controller.close();
        },
      });
      return new Response(body);
    }
    if (path === "/set") return new Response("x", { headers: { "x-origin": "server" } });
    return new Response("not found", { status: 404 });
  });
  resetServer = createServer((socket) => {
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial");
      setTimeout(() => socket.resetAndDestroy(), 30);
    });
  });
  await new Promise<void>((resolve) => resetServer.listen(0, "127.0.0.1", resolve));
  resetPort = (resetServer.address() as { port: number }).port;
});

after(async () => {
  await server.close();
  await new Promise((resolve) => resetServer.close(resolve));
});

interface Seen {
  stage: string;
  id: number;
  url: string;
  time: number;
  extra?: unknown;
}

let counter = 0;
function recordingSession(): { ses: Session; seen: Seen[] } {
  const seen: Seen[] = [];
  const stages = [
    "beforeRequest",
    "beforeSendHeaders",
    "sendHeaders",
    "headersReceived",
    "beforeRedirect",
    "responseStarted",
    "completed",
    "errorOccurred",
  ] as const;
  const recorder = definePlugin({
    manifest: { name: "recorder", version: "1.0.0", hooks: [...stages] },
    setup(ctx) {
      for (const stage of stages) {
        ctx.tap(
          stage,
          ((request: PipelineRequest, arg: { code?: string; status?: number }, third: unknown) => {
            seen.push({
              stage,
              id: request.id,
              url: request.url,
              time: ctx.session.now(),
              extra: stage === "errorOccurred"
                ? arg.code
                : stage === "beforeRedirect"
                ? third
                : arg?.status,
            });
          }) as never,
        );
      }
    },
  });
  return {
    ses: session.fromPartition(`pipeline-${++counter}`, { preset: false, plugins: [recorder] }),
    seen,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the request lifecycle", () => {
  it("walks the stages in Chrome's order and completes once the body is read", async () => {
    const { ses, seen } = recordingSession();
    const response = await ses.fetch(`${server.url}/hello`);
    assert.deepEqual(seen.map((s) => s.stage), [
      "beforeRequest",
      "beforeSendHeaders",
      "sendHeaders",
      "headersReceived",
      "responseStarted",
    ]);
    assert.equal(await response.text(), "hello GET");
    assert.deepEqual(seen.slice(5).map((s) => s.stage), ["completed"]);
    assert.equal(response.url, `${server.url}/hello`);
  });

  it("keeps one id across a redirect chain and repeats the stages for each hop", async () => {
    const { ses, seen } = recordingSession();
    const response = await ses.fetch(`${server.url}/redirect/302/3`);
    await response.text();
    const ids = new Set(seen.map((s) => s.id));
    assert.equal(ids.size, 1);
    assert.equal(seen.filter((s) => s.stage === "beforeRedirect").length, 3);
    assert.equal(seen.filter((s) => s.stage === "beforeRequest").length, 4);
    assert.equal(seen.filter((s) => s.stage === "completed").length, 1);
    assert.equal(seen.at(-1)!.stage, "completed");
    assert.equal(response.url, `${server.url}/echo`);
    assert.equal(response.redirected, true);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].time >= seen[i - 1].time);
  });

  it("gives concurrent requests distinct ids", async () => {
    const { ses, seen } = recordingSession();
    await Promise.all(
      Array.from({ length: 10 }, () => ses.fetch(`${server.url}/hello`).then((r) => r.text())),
    );
    const starts = seen.filter((s) => s.stage === "beforeRequest").map((s) => s.id);
    assert.equal(new Set(starts).size, 10);
    assert.equal(seen.filter((s) => s.stage === "completed").length, 10);
  });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`follows a ${status} the way fetch does (method and body)`, async () => {
      const ses = session.fromPartition(`pipeline-status-${status}`, {
        preset: false,
        plugins: [],
      });
      const response = await ses.fetch(`${server.url}/redirect/${status}/1`, {
        method: "POST",
        body: "payload",
      });
      const echoed = await response.json();
      const keeps = status === 307 || status === 308;
      assert.equal(echoed.method, keeps ? "POST" : "GET");
      assert.equal(echoed.body, keeps ? "payload" : "");
    });
  }

  it("returns the redirect itself in manual mode and refuses it in error mode", async () => {
    const ses = session.fromPartition("pipeline-modes", { preset: false, plugins: [] });
    const manual = await ses.fetch(`${server.url}/redirect/302/1`, { redirect: "manual" });
    assert.equal(manual.status, 302);
    assert.equal(manual.headers.get("location"), "/echo");
    await assert.rejects(
      () => ses.fetch(`${server.url}/redirect/302/1`, { redirect: "error" }),
      (error: NetError) =>
        error instanceof NetError && error.code === "net::ERR_FAILED" &&
        /redirect: "error"/.test(error.message),
    );
    await assert.rejects(
      () => ses.fetch(`${server.url}/hello`, { redirect: "sideways" as never }),
      (error: Error) => error instanceof TypeError && /redirect must be/.test(error.message),
    );
  });

  it("fails a redirect loop with net::ERR_TOO_MANY_REDIRECTS and one errorOccurred", async () => {
    const { ses, seen } = recordingSession();
    await assert.rejects(
      () => ses.fetch(`${server.url}/loop`),
      (error: NetError) => error.code === "net::ERR_TOO_MANY_REDIRECTS",
    );
    assert.equal(seen.filter((s) => s.stage === "beforeRedirect").length, 20);
    const ends = seen.filter((s) => s.stage === "completed" || s.stage === "errorOccurred");
    assert.deepEqual(ends.map((s) => [s.stage, s.extra]), [[
      "errorOccurred",
      "net::ERR_TOO_MANY_REDIRECTS",
    ]]);
  });

  it("reports a refused connection and an unknown host with Chromium's codes", async () => {
    const { ses, seen } = recordingSession();
    const port = await closedPort();
    await assert.rejects(
      () => ses.fetch(`http://127.0.0.1:${port}/`),
      (error: NetError) => error.code === "net::ERR_CONNECTION_REFUSED" && error.errno === -102,
    );
    await assert.rejects(
      () => ses.fetch("http://no-such-host.invalid/"),
      (error: NetError) => error.code === "net::ERR_NAME_NOT_RESOLVED",
    );
    assert.deepEqual(
      seen.filter((s) => s.stage === "errorOccurred").map((s) => s.extra),
      ["net::ERR_CONNECTION_REFUSED", "net::ERR_NAME_NOT_RESOLVED"],
    );
    assert.equal(seen.filter((s) => s.stage === "completed").length, 0);
  });

  it("aborts with net::ERR_ABORTED, before sending and while the body streams", async () => {
    const { ses, seen } = recordingSession();
    const early = new AbortController();
    early.abort();
    await assert.rejects(
      () => ses.fetch(`${server.url}/hello`, { signal: early.signal }),
      (error: NetError) => error.code === "net::ERR_ABORTED",
    );
    const late = new AbortController();
    const response = await ses.fetch(`${server.url}/slow`, { signal: late.signal });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    await assert.rejects(() => reader.read());
    await settle();
    const ends = seen.filter((s) => s.stage === "completed" || s.stage === "errorOccurred");
    assert.deepEqual(ends.map((s) => s.extra), ["net::ERR_ABORTED", "net::ERR_ABORTED"]);
  });

  it("fails reading a body a plugin made once the request aborted after the response", async () => {
    const made = definePlugin({
      manifest: { name: "made-body", version: "1.0.0", hooks: ["transport"] },
      setup(ctx) {
        ctx.tap("transport", () => new Response("made by a plugin"));
      },
    });
    const plain = session.fromPartition("made-body", { preset: false, plugins: [made] });
    const { ses: watched } = recordingSession(); // its completed taps watch the body
    await watched.plugins.add(made);
    for (const ses of [plain, watched]) {
      const controller = new AbortController();
      const response = await ses.fetch(`${server.url}/hello`, { signal: controller.signal });
      controller.abort();
      await assert.rejects(() => response.text(), { code: "net::ERR_ABORTED" });
      // without an abort the made body reads as it is
      const kept = await ses.fetch(`${server.url}/hello`, { signal: new AbortController().signal });
      assert.equal(await kept.text(), "made by a plugin");
    }
    await session.closePartition("made-body");
  });

  it("ends a body cut by the server with one errorOccurred and no completed", async () => {
    const { ses, seen } = recordingSession();
    const response = await ses.fetch(`http://127.0.0.1:${resetPort}/`);
    await assert.rejects(() => response.text());
    await settle();
    const ends = seen.filter((s) => s.stage === "completed" || s.stage === "errorOccurred");
    assert.equal(ends.length, 1);
    assert.equal(ends[0].stage, "errorOccurred");
    assert.match(String(ends[0].extra), /^net::ERR_/);
  });

  it("rejects unknown schemes with net::ERR_UNKNOWN_URL_SCHEME and bad URLs with a TypeError", async () => {
    const ses = session.fromPartition("pipeline-schemes", { preset: false, plugins: [] });
    await assert.rejects(
      () => ses.fetch("gopher://example/"),
      (error: NetError) => error.code === "net::ERR_UNKNOWN_URL_SCHEME",
    );
    await assert.rejects(
      () => ses.fetch("not a url"),
      (error: Error) => error instanceof TypeError && /invalid URL "not a url"/.test(error.message),
    );
    await assert.rejects(
      () => ses.fetch(`${server.url}/echo`, { method: "GET", body: "x" }),
      TypeError,
    );
    assert.equal(await (await ses.fetch("data:text/plain,inline")).text(), "inline");
  });
});

describe("how taps combine", () => {
  function tapper(
    name: string,
    stage: "beforeRequest" | "beforeSendHeaders" | "headersReceived",
    answer: unknown,
  ) {
    return definePlugin({
      manifest: { name, version: "1.0.0", hooks: [stage] },
      setup(ctx) {
        ctx.tap(stage, () => answer as never);
      },
    });
  }

  it("lets a cancel win and reports the actions it overrode", async () => {
    const ses = session.fromPartition("combine-cancel", {
      preset: false,
      plugins: [
        tapper("canceller", "beforeRequest", { cancel: true }),
        tapper("redirector", "beforeRequest", { redirectUrl: `${server.url}/hello` }),
      ],
    });
    const ignored: unknown[] = [];
    ses.on("action-ignored", (_e, info) => ignored.push(info));
    await assert.rejects(
      () => ses.fetch(`${server.url}/echo`),
      (error: NetError) =>
        error.code === "net::ERR_BLOCKED_BY_CLIENT" && /canceller/.test(error.message),
    );
    assert.equal(ignored.length, 1);
    assert.deepEqual(
      (({ plugin, action, winner }) => ({ plugin, action, winner }))(ignored[0] as never),
      { plugin: "redirector", action: "redirect", winner: "canceller" },
    );
  });

  it("follows the most recently installed tap's redirect and reports the loser", async () => {
    const redirector = (name: string, target: string) =>
      definePlugin({
        manifest: { name, version: "1.0.0", hooks: ["beforeRequest"] },
        setup(ctx) {
          ctx.tap("beforeRequest", (request) =>
            request.url.endsWith("/echo") ? { redirectUrl: target } : undefined);
        },
      });
    const ses = session.fromPartition("combine-redirect", {
      preset: false,
      plugins: [
        redirector("older", `${server.url}/loop`),
        redirector("newer", `${server.url}/hello`),
      ],
    });
    const ignored: Array<{ plugin: string; winner: string }> = [];
    ses.on("action-ignored", (_e, info) => ignored.push(info as never));
    const response = await ses.fetch(`${server.url}/echo`);
    assert.equal(await response.text(), "hello GET");
    assert.equal(response.url, `${server.url}/hello`);
    assert.deepEqual(ignored.map((i) => [i.plugin, i.winner]), [["older", "newer"]]);
  });

  it("merges header changes that do not conflict and ignores the older of two that do", async () => {
    const base = { "x-a": "1" };
    const ses = session.fromPartition("combine-headers", {
      preset: false,
      plugins: [
        tapper("first", "beforeSendHeaders", { requestHeaders: { ...base, "x-one": "first" } }),
        tapper("second", "beforeSendHeaders", { requestHeaders: { ...base, "x-two": "second" } }),
        tapper("third", "beforeSendHeaders", { requestHeaders: { ...base, "x-one": "third" } }),
      ],
    });
    const ignored: Array<{ plugin: string; winner: string; action: string }> = [];
    ses.on("action-ignored", (_e, info) => ignored.push(info as never));
    const echoed = await (await ses.fetch(`${server.url}/echo`, { headers: base })).json();
    assert.equal(echoed.headers["x-one"], "third");
    assert.equal(echoed.headers["x-two"], "second");
    assert.equal(echoed.headers["x-a"], "1");
    assert.deepEqual(ignored.map((i) => [i.plugin, i.action, i.winner]), [[
      "first",
      "requestHeaders",
      "third",
    ]]);
  });

  it("changes response headers from headersReceived", async () => {
    const ses = session.fromPartition("combine-response", {
      preset: false,
      plugins: [
        tapper("rewriter", "headersReceived", { responseHeaders: { "x-origin": "plugin" } }),
      ],
    });
    const response = await ses.fetch(`${server.url}/set`);
    assert.equal(response.headers.get("x-origin"), "plugin");
    assert.equal(await response.text(), "x");
  });

  it("lets the first transport tap that answers win, pre before normal", async () => {
    const calls: string[] = [];
    const transport = (name: string, order: "pre" | "normal", answer: boolean) =>
      definePlugin({
        manifest: { name, version: "1.0.0", hooks: ["transport"] },
        setup(ctx) {
          ctx.tap("transport", () => {
            calls.push(name);
            return answer ? new Response(`from ${name}`) : undefined;
          }, { order });
        },
      });
    const ses = session.fromPartition("combine-transport", {
      preset: false,
      plugins: [
        transport("normal-one", "normal", true),
        transport("pre-pass", "pre", false),
        transport("normal-two", "normal", true),
      ],
    });
    const response = await ses.fetch("https://never.invalid/x");
    assert.equal(await response.text(), "from normal-one");
    assert.equal(response.url, "https://never.invalid/x");
    assert.deepEqual(calls, ["pre-pass", "normal-one"]);
  });

  it("asks transport taps in order whether they answer at once or with a promise", async () => {
    // Taps that pass at once are asked without a promise; after one that answers a promise the
    // rest are still asked in order, each one's filter included.
    const calls: string[] = [];
    const transport = (name: string, answer: () => unknown, filter?: () => boolean) =>
      definePlugin({
        manifest: { name, version: "1.0.0", hooks: ["transport"] },
        setup(ctx) {
          ctx.tap("transport", () => (calls.push(name), answer() as never), {
            filter: filter && (() => (calls.push(`${name}?`), filter())),
          });
        },
      });
    const ses = session.fromPartition("combine-transport-mixed", {
      preset: false,
      plugins: [
        transport("at-once-pass", () => undefined),
        transport("later-pass", () => Promise.resolve(undefined)),
        transport("filtered-out", () => new Response("wrong"), () => false),
        transport("at-once-answer", () => new Response("from at-once-answer")),
        transport("never-asked", () => new Response("wrong")),
      ],
    });
    const response = await ses.fetch("https://never.invalid/mixed");
    assert.equal(await response.text(), "from at-once-answer");
    assert.deepEqual(calls, ["at-once-pass", "later-pass", "filtered-out?", "at-once-answer"]);
    calls.length = 0;
    const later = session.fromPartition("combine-transport-later", {
      preset: false,
      plugins: [
        transport("at-once-pass", () => undefined),
        transport("later-answer", () => Promise.resolve(new Response("from later-answer"))),
        transport("never-asked", () => new Response("wrong")),
      ],
    });
    assert.equal(
      await (await later.fetch("https://never.invalid/later")).text(),
      "from later-answer",
    );
    assert.deepEqual(calls, ["at-once-pass", "later-answer"]);
  });

  it("fails a request whose transport tap throws with net::ERR_FAILED and the cause", async () => {
    const broken = definePlugin({
      manifest: { name: "broken-transport", version: "1.0.0", hooks: ["transport"] },
      setup(ctx) {
        ctx.tap("transport", () => {
          throw new Error("handler broke");
        });
      },
    });
    const ses = session.fromPartition("combine-broken", { preset: false, plugins: [broken] });
    await assert.rejects(
      () => ses.fetch(`${server.url}/hello`),
      (error: NetError) =>
        error.code === "net::ERR_FAILED" &&
        (error.cause as Error).message.includes("handler broke"),
    );
  });

  it("retries with credentials from authRequired, keeping the request id", async () => {
    const ids: number[] = [];
    const login = definePlugin({
      manifest: { name: "login", version: "1.0.0", hooks: ["authRequired", "beforeSendHeaders"] },
      setup(ctx) {
        ctx.tap("beforeSendHeaders", (request) => {
          ids.push(request.id);
        });
        ctx.tap("authRequired", (_request, response, challenge) => {
          assert.equal(response.status, 401);
          assert.equal(challenge.scheme, "basic");
          assert.equal(challenge.realm, "test");
          return { username: "user", password: "pass" };
        });
      },
    });
    const ses = session.fromPartition("combine-auth", { preset: false, plugins: [login] });
    const response = await ses.fetch(`${server.url}/auth`);
    assert.equal(await response.text(), "welcome");
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1]);
    const refuse = session.fromPartition("combine-auth-none", { preset: false, plugins: [] });
    assert.equal((await refuse.fetch(`${server.url}/auth`)).status, 401);
  });

  it("reports every decision to onDecision listeners", async () => {
    const ses = session.fromPartition("combine-decisions", {
      preset: false,
      plugins: [tapper("decider", "beforeRequest", { cancel: false })],
    });
    const decisions: unknown[] = [];
    const stop = ses.pipeline.onDecision((d) => decisions.push([d.stage, d.plugin, d.applied]));
    await (await ses.fetch(`${server.url}/hello`)).text();
    stop();
    assert.deepEqual(decisions, [["beforeRequest", "decider", true]]);
  });
});
