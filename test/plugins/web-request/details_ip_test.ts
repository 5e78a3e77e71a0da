/**
 * `details.ip`, the server IP a request was actually sent to: on Electron's `onBeforeRedirect`
 * (its docs), `onResponseStarted` and `onCompleted` (Electron fills it from the response on every
 * event after it), on Chrome's `onBeforeRedirect`, `onResponseStarted` and `onCompleted`; through
 * a proxy, the proxy's address, as Chromium reports the socket's peer.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest, type Server } from "node:http";
import { session } from "../../../mod.ts";
import { createProxyPlugin } from "../../../entries/proxy.ts";
import { webRequestPlugin } from "../../../plugins/web-request/mod.ts";
import { protocolPlugin } from "../../../plugins/protocol/mod.ts";
import { serve, type TestServer } from "../../_serve.ts";
import { names, recordChrome, recordElectron, until } from "./_helpers.ts";

// The origin listens on 127.0.0.2 and the proxy on 127.0.0.1, so the two addresses differ.
let origin: TestServer;
let proxy: Server;
let proxyPort: number;
let count = 0;
const open: string[] = [];

before(async () => {
  origin = await serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/moved") return new Response(null, { status: 302, headers: { location: "/ok" } });
    return new Response("ok");
  }, "127.0.0.2");
  proxy = createServer((req, res) => {
    // a forward proxy: the request line holds the absolute URL
    const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyPort = (proxy.address() as { port: number }).port;
});
after(async () => {
  for (const partition of open.splice(0)) await session.closePartition(partition);
  await origin.close();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

async function proxiedSession() {
  const partition = `web-request-ip-${++count}`;
  open.push(partition);
  const ses = session.fromPartition(partition, {
    preset: false,
    plugins: [webRequestPlugin, createProxyPlugin(), protocolPlugin],
  });
  await ses.ready;
  return ses;
}

const ipOf = (seen: Array<{ event: string; details: Record<string, unknown> }>, event: string) =>
  seen.filter((s) => s.event === event).map((s) => s.details.ip);

/** Fetches a redirect to the origin, recording both surfaces' events until onCompleted. */
async function redirectedOnBothSurfaces(ses: Awaited<ReturnType<typeof proxiedSession>>) {
  const electron = recordElectron(ses.webRequest);
  const chrome = recordChrome(ses.webRequest.scope("chrome"));
  assert.equal(await (await ses.fetch(`${origin.url}/moved`)).text(), "ok");
  await until(() =>
    names(electron).includes("onCompleted") && names(chrome).includes("onCompleted")
  );
  return [electron, chrome];
}

describe("webRequest details.ip", () => {
  it("is the server's IP from the response on, on both surfaces", async () => {
    const ses = await proxiedSession();
    for (const seen of await redirectedOnBothSurfaces(ses)) {
      assert.deepEqual(ipOf(seen, "onBeforeRedirect"), ["127.0.0.2"]);
      assert.deepEqual(ipOf(seen, "onResponseStarted"), ["127.0.0.2"]);
      assert.deepEqual(ipOf(seen, "onCompleted"), ["127.0.0.2"]);
      for (const event of ["onBeforeRequest", "onBeforeSendHeaders", "onSendHeaders"]) {
        assert.deepEqual(ipOf(seen, event), [undefined, undefined], `${event} has no ip`);
      }
    }
  });

  it("through a proxy, is the proxy's IP", async () => {
    const ses = await proxiedSession();
    await ses.setProxy({ proxyRules: `127.0.0.1:${proxyPort}`, proxyBypassRules: "<-loopback>" });
    for (const seen of await redirectedOnBothSurfaces(ses)) {
      assert.deepEqual(ipOf(seen, "onBeforeRedirect"), ["127.0.0.1"]);
      assert.deepEqual(ipOf(seen, "onCompleted"), ["127.0.0.1"]);
    }
  });

  it("is absent when nothing went on the wire (a protocol handler answered)", async () => {
    const ses = await proxiedSession();
    const electron = recordElectron(ses.webRequest);
    ses.protocol.handle("http", () => new Response("handled"));
    assert.equal(await (await ses.fetch(`${origin.url}/ok`)).text(), "handled");
    await until(() => names(electron).includes("onCompleted"));
    assert.deepEqual(ipOf(electron, "onCompleted"), [undefined]);
  });
});
