import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientRequest, net, session } from "../../../mod.ts";
import {
  freshSession,
  record,
  refusedPort,
  serve,
  serveRaw,
  testApp,
  type TestServer,
} from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

describe("ClientRequest: a plain exchange", () => {
  it("emits finish, response, end, then close last", async () => {
    const request = net.request({ url: `${server.origin}/hello`, session: freshSession("plain") });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.deepEqual(seen.events, [
      "finish",
      "response",
      "response:end",
      "response:close",
      "close",
    ]);
    assert.equal(seen.body(), "hello");
    const response = seen.response()!;
    assert.equal(response.statusCode, 200);
    assert.equal(response.statusMessage, "OK");
    assert.match(response.headers["content-type"] as string, /^text\/plain/);
    assert.equal(response.complete, true);
  });

  it("gives headers as arrays, set-cookie one per cookie, and rawHeaders in pairs", async () => {
    const request = new ClientRequest({
      url: `${server.origin}/cookies`,
      session: freshSession("h"),
    });
    const seen = record(request);
    request.end();
    await seen.closed;
    const response = seen.response()!;
    assert.deepEqual(response.headers["set-cookie"], ["a=1; Path=/", "b=2; Path=/"]);
    assert.equal(response.headers["x-multi"], "one, two");
    const raw = response.rawHeaders;
    assert.equal(raw.length % 2, 0);
    assert.deepEqual(raw.filter((_, i) => i % 2 === 0 && raw[i] === "set-cookie").length, 2);
  });

  it("takes the URL from protocol, hostname, port and path (Node's URL model)", async () => {
    const request = net.request({
      protocol: "http:",
      hostname: "127.0.0.1",
      port: server.port,
      path: "/echo?x=1",
      session: freshSession("parts"),
    });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(JSON.parse(seen.body()).url, `${server.origin}/echo?x=1`);
    const viaHost = net.request({
      host: `127.0.0.1:${server.port}`,
      path: "/hello",
      session: freshSession("host"),
    });
    const seen2 = record(viaHost);
    viaHost.end();
    await seen2.closed;
    assert.equal(seen2.body(), "hello");
  });

  it("host from hostname and port as Electron: IPv6 in brackets, a falsy port left out", async () => {
    const ses = freshSession("ipv6");
    const urls: string[] = [];
    ses.pipeline.tap("beforeRequest", (req) => {
      urls.push(req.url);
      return { cancel: true };
    }, { plugin: "test" });
    for (const hostname of ["::1", "[::1]"]) {
      const request = net.request({ hostname, port: 8123, path: "/a?b=1", session: ses });
      const seen = record(request);
      request.end();
      await seen.closed;
      assert.equal((seen.errors[0] as { code: string }).code, "net::ERR_BLOCKED_BY_CLIENT");
    }
    assert.deepEqual(urls, ["http://[::1]:8123/a?b=1", "http://[::1]:8123/a?b=1"]);
    // Electron sets a port only when it is truthy: 0, null and "" leave the scheme's default.
    urls.length = 0;
    for (const port of [0, null, ""]) {
      const request = net.request({ hostname: "127.0.0.1", port, session: ses });
      const seen = record(request);
      request.end();
      await seen.closed;
    }
    assert.deepEqual(urls, Array(3).fill("http://127.0.0.1/"));
  });

  it("uses the session over the partition, and the partition's session otherwise", async () => {
    const ses = freshSession("wins");
    const used: string[] = [];
    ses.pipeline.tap("sendHeaders", () => void used.push("session"), { plugin: "test" });
    const partition = `net-test-partition-${Math.random()}`;
    session.fromPartition(partition).pipeline.tap(
      "sendHeaders",
      () => void used.push("partition"),
      {
        plugin: "test",
      },
    );
    // As Electron: a null session is absent, and partition is not looked at beside a session.
    const options = [
      { session: ses, partition },
      { partition },
      { session: null, partition },
      { session: ses, partition: 42 as unknown as string },
    ];
    for (const option of options) {
      const request = net.request({ url: `${server.origin}/hello`, ...option });
      const seen = record(request);
      request.end();
      await seen.closed;
    }
    assert.deepEqual(used, ["session", "partition", "partition", "session"]);
  });

  it("refuses bad options with a TypeError", () => {
    assert.throws(() => net.request("ftp://127.0.0.1/"), /only supports http: and https:/);
    assert.throws(() => net.request("not a url"), TypeError);
    assert.throws(
      () => net.request({ url: server.origin, redirect: "sometimes" as "follow" }),
      /redirect mode should be one of follow, error or manual/,
    );
    assert.throws(() => net.request({ hostname: "127.0.0.1", path: "/a b" }), /unescaped/);
    // fetch's forbidden methods: Deno's fetch refused them late (a bare net::ERR_FAILED), Bun's
    // sent TRACK as a GET.
    for (const method of ["CONNECT", "trace", "Track"]) {
      assert.throws(
        () => net.request({ url: server.origin, method }),
        (e: Error) => e instanceof TypeError && e.message.includes(method.toUpperCase()),
      );
    }
    assert.throws(() => net.request({ url: server.origin, credentials: "same-origin" }), /origin/);
    assert.throws(
      () => net.request({ url: server.origin, session: {} as ReturnType<typeof freshSession> }),
      /Session/,
    );
  });

  it("sends a buffered body with Content-Length, and the method upper-cased", async () => {
    const request = net.request({
      method: "post",
      url: `${server.origin}/echo`,
      session: freshSession("post"),
    });
    request.setHeader("Content-Type", "text/plain");
    const seen = record(request);
    request.write("hello ");
    request.write(new TextEncoder().encode("wide "));
    request.end("world");
    await seen.closed;
    const echo = JSON.parse(seen.body());
    assert.equal(echo.method, "POST");
    assert.equal(echo.body, "hello wide world");
    assert.equal(echo.headers["content-length"], "16");
    assert.equal(echo.headers["content-type"], "text/plain");
    assert.deepEqual(request.getUploadProgress(), {
      active: false,
      started: true,
      current: 16,
      total: 16,
    });
  });

  it("calls write and end callbacks, end's on finish", async () => {
    const request = net.request({
      method: "POST",
      url: `${server.origin}/echo`,
      session: freshSession("cb"),
    });
    const order: string[] = [];
    request.on("finish", () => order.push("finish"));
    request.write("a", () => order.push("write"));
    request.end("b", () => order.push("end"));
    const seen = record(request);
    await seen.closed;
    assert.deepEqual(order, ["write", "finish", "end"]);
  });
});

describe("ClientRequest: headers", () => {
  it("sends headers, reads them back case-insensitively, removes them", async () => {
    const request = net.request({
      url: `${server.origin}/echo`,
      headers: { "X-From-Options": "1" },
      session: freshSession("headers"),
    });
    request.setHeader("X-Custom-Name", "value");
    request.setHeader("X-Number", 42);
    request.setHeader("X-Gone", "bye");
    request.removeHeader("x-gone");
    assert.equal(request.getHeader("x-custom-name"), "value");
    assert.equal(request.getHeader("X-NUMBER"), 42);
    assert.equal(request.getHeader("x-gone"), undefined);
    const seen = record(request);
    request.end();
    await seen.closed;
    const { headers } = JSON.parse(seen.body());
    assert.equal(headers["x-custom-name"], "value");
    assert.equal(headers["x-number"], "42");
    assert.equal(headers["x-from-options"], "1");
    assert.equal(headers["x-gone"], undefined);
  });

  it("refuses the restricted headers, naming them", () => {
    const request = net.request({ url: server.origin, session: freshSession("restricted") });
    for (
      const name of [
        "Content-Length",
        "Host",
        "Trailer",
        "Te",
        "Upgrade",
        "Cookie2",
        "Keep-Alive",
        "Transfer-Encoding",
      ]
    ) {
      assert.throws(() => request.setHeader(name, "1"), (e: Error) => e.message.includes(name));
    }
    assert.throws(() => request.setHeader("Connection", "Upgrade"), /Connection/);
    request.setHeader("Connection", "keep-alive");
    assert.throws(() => request.setHeader("Bad Name", "x"), TypeError);
    assert.throws(() => request.setHeader("X-Bad", "a\r\nb"), TypeError);
    assert.throws(
      () => net.request({ url: server.origin, headers: { Host: "evil" } }),
      /Host/,
    );
    request.abort();
  });

  it("locks headers and chunkedEncoding at the first write; write after end throws", async () => {
    const request = net.request({
      method: "POST",
      url: `${server.origin}/echo`,
      session: freshSession("lock"),
    });
    request.write("x");
    assert.throws(() => request.setHeader("X-Late", "1"), /after they are sent/);
    assert.throws(() => request.removeHeader("X-Late"), /after they are sent/);
    assert.throws(() => (request.chunkedEncoding = true), /before the request is started/);
    const seen = record(request);
    request.end();
    assert.throws(() => request.write("more"), /Write after end/);
    assert.throws(() => request.end("more"), /Write after end/);
    await seen.closed;
    assert.equal(JSON.parse(seen.body()).body, "x");
  });
});

describe("ClientRequest: abort", () => {
  it("before sending: abort then close, nothing else", async () => {
    const request = net.request({ url: `${server.origin}/hello`, session: freshSession("abort0") });
    const seen = record(request);
    request.abort();
    request.abort();
    await seen.closed;
    assert.deepEqual(seen.events, ["abort", "close"]);
  });

  it("with an open response: abort, aborted, then close", async () => {
    const request = net.request({
      url: `${server.origin}/never-ends`,
      session: freshSession("abort1"),
    });
    const seen = record(request);
    request.on("response", (response) => response.once("data", () => request.abort()));
    request.end();
    await seen.closed;
    assert.deepEqual(seen.events, [
      "finish",
      "response",
      "abort",
      "response:aborted",
      "response:close",
      "close",
    ]);
    assert.equal(seen.errors.length, 0);
  });

  it("before the response: the connection to a server that never answers is closed", async () => {
    const socketClosed = Promise.withResolvers<void>();
    const raw = await serveRaw((socket) => {
      socket.resume(); // read the request, so that the peer's close is seen
      socket.on("close", () => socketClosed.resolve());
    });
    try {
      const request = net.request({ url: `${raw.origin}/`, session: freshSession("hang") });
      const seen = record(request);
      request.end();
      await new Promise((resolve) => setTimeout(resolve, 50));
      request.abort();
      await seen.closed;
      assert.deepEqual(seen.events, ["finish", "abort", "close"]);
      await socketClosed.promise;
    } finally {
      await raw.close();
    }
  });

  it("has no effect once close was emitted", async () => {
    const request = net.request({ url: `${server.origin}/hello`, session: freshSession("abort2") });
    const seen = record(request);
    request.end();
    await seen.closed;
    request.abort();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(seen.events, [
      "finish",
      "response",
      "response:end",
      "response:close",
      "close",
    ]);
  });
});

describe("ClientRequest: failures", () => {
  it("a refused port: exactly one error, then close", async () => {
    const port = await refusedPort();
    const request = net.request({
      url: `http://127.0.0.1:${port}/`,
      session: freshSession("refused"),
    });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.deepEqual(seen.events, ["finish", "error", "close"]);
    assert.equal((seen.errors[0] as { code: string }).code, "net::ERR_CONNECTION_REFUSED");
  });

  it("a server resetting mid-body: the response's error, exactly one error, then close", async () => {
    const raw = await serveRaw((socket) => {
      socket.once("data", () => {
        socket.write(
          "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n",
        );
        socket.write("x".repeat(1000));
        setTimeout(() => socket.destroy(), 30);
      });
    });
    try {
      const request = net.request({ url: `${raw.origin}/`, session: freshSession("reset") });
      const seen = record(request);
      request.end();
      await seen.closed;
      assert.deepEqual(seen.events, [
        "finish",
        "response",
        "response:error",
        "response:close",
        "error",
        "close",
      ]);
      const error = seen.errors[1] as { code: string };
      assert.match(error.code, /^net::ERR_/);
      assert.equal(seen.errors[0], seen.errors[1]);
      assert.equal(seen.response()!.complete, false);
    } finally {
      await raw.close();
    }
  });

  it("a slow body arrives in several data events before end", async () => {
    const request = net.request({ url: `${server.origin}/slow`, session: freshSession("slow") });
    const times: number[] = [];
    request.on("response", (response) => response.on("data", () => times.push(performance.now())));
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(seen.body(), "part0;part1;part2;part3;");
    assert.ok(times.length >= 2, `${times.length} data events`);
    assert.ok(times.at(-1)! - times[0] >= 100, "the chunks came over time");
    assert.deepEqual(seen.events.slice(-3), ["response:end", "response:close", "close"]);
  });
});

describe("IncomingMessage: other ways to read", () => {
  it("reads the body as a Web ReadableStream, still ending with end and close", async () => {
    const request = net.request({ url: `${server.origin}/hello`, session: freshSession("stream") });
    const seen = record(request, { read: false });
    const text = new Promise<string>((resolve) =>
      request.on("response", (response) => resolve(new Response(response.body).text()))
    );
    request.end();
    assert.equal(await text, "hello");
    await seen.closed;
    assert.deepEqual(seen.events.slice(-3), ["response:end", "response:close", "close"]);
  });

  it("is async iterable and decodes with setEncoding", async () => {
    const request = net.request({ url: `${server.origin}/slow`, session: freshSession("iter") });
    const response = await new Promise<import("../../../mod.ts").IncomingMessage>((resolve) => {
      request.on("response", resolve);
      request.end();
    });
    let text = "";
    for await (const chunk of response) text += new TextDecoder().decode(chunk);
    assert.equal(text, "part0;part1;part2;part3;");

    const second = net.request({ url: `${server.origin}/hello`, session: freshSession("enc") });
    const strings: unknown[] = [];
    await new Promise<void>((resolve) => {
      second.on("response", (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk) => strings.push(chunk));
      });
      second.on("close", () => resolve());
      second.end();
    });
    assert.deepEqual(strings, ["hello"]);
  });

  it("pauses and resumes data events", async () => {
    const request = net.request({ url: `${server.origin}/slow`, session: freshSession("pause") });
    const seen = record(request);
    request.on("response", (response) => {
      response.once("data", () => {
        response.pause();
        assert.equal(response.isPaused(), true);
        setTimeout(() => response.resume(), 150);
      });
    });
    request.end();
    await seen.closed;
    assert.equal(seen.body(), "part0;part1;part2;part3;");
  });
});

describe("ClientRequest: more edges", () => {
  it("abort during a chunked upload: abort, close; later writes call back with an error", async () => {
    const request = net.request({
      method: "POST",
      url: `${server.origin}/upload`,
      session: freshSession("abort-upload"),
    });
    request.chunkedEncoding = true;
    const seen = record(request);
    request.write(new Uint8Array(1024));
    await new Promise((resolve) => setTimeout(resolve, 30));
    request.abort();
    const error = await new Promise<Error | null | undefined>((resolve) =>
      request.write("late", (e) => resolve(e))
    );
    await seen.closed;
    assert.deepEqual(seen.events, ["abort", "close"]);
    assert.match(String(error), /ERR_ABORTED/);
    assert.equal(request.getUploadProgress().active, false);
  });

  it("an error nobody listens to goes to the session's hook-error event", async () => {
    const ses = freshSession("unhandled");
    const reported: unknown[] = [];
    ses.on("hook-error", (_event, error) => reported.push(error));
    const port = await refusedPort();
    const request = net.request({ url: `http://127.0.0.1:${port}/`, session: ses });
    const closed = new Promise((resolve) => request.on("close", resolve));
    request.end();
    await closed;
    assert.equal(reported.length, 1);
    assert.equal((reported[0] as { code: string }).code, "net::ERR_CONNECTION_REFUSED");
  });

  it("a listener that throws is reported and the others still run", async () => {
    const ses = freshSession("throwing");
    const reported: unknown[] = [];
    ses.on("hook-error", (_event, error) => reported.push(error));
    const request = net.request({ url: `${server.origin}/hello`, session: ses });
    request.on("response", () => {
      throw new Error("listener bug");
    });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(seen.body(), "hello");
    assert.match(String(reported[0]), /listener bug/);
  });
});
