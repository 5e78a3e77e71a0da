import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { nodeTunnels } from "../../../adapters/socks/tunnel.ts";
import type { Tunnel, TunnelResult } from "../../../kernel/network/tunnel.ts";
import {
  makeCerts,
  type Origin,
  type ProxyProcess,
  startDante,
  startOrigin,
  startTinyproxy,
} from "../../plugins/proxy/_servers.ts";

function tunnelOf(result: TunnelResult): Tunnel {
  assert.ok("tunnel" in result, "the proxy refused the tunnel");
  return result.tunnel;
}

describe("nodeTunnels (the kernel's tunnel contract over node:net)", () => {
  let origin: Origin;
  let tlsOrigin: Origin;
  let dante: ProxyProcess;
  let tinyproxy: ProxyProcess;
  let tinyproxyAuth: ProxyProcess;
  before(async () => {
    [origin, tlsOrigin, dante, tinyproxy, tinyproxyAuth] = await Promise.all([
      startOrigin(),
      startOrigin(true),
      startDante(false),
      startTinyproxy(),
      startTinyproxy(["user", "pass"]),
    ]);
  });
  after(async () => {
    await Promise.all([
      origin?.close(),
      tlsOrigin?.close(),
      dante?.stop(),
      tinyproxy?.stop(),
      tinyproxyAuth?.stop(),
    ]);
  });

  it("opens a SOCKS5 tunnel and sends one request over it, then closes", async () => {
    const tunnel = tunnelOf(
      await nodeTunnels.open({
        proxy: { scheme: "socks5", host: "127.0.0.1", port: dante.port },
        host: "127.0.0.1",
        port: origin.port,
      }),
    );
    const response = await tunnel.fetch(new Request(`${origin.url}/over-socks`));
    assert.equal(response.status, 200);
    assert.equal((await response.json()).path, "/over-socks");
    await tunnel.closed;
  });

  it("opens a CONNECT tunnel to an https origin with extra CA certificates", async () => {
    const tunnel = tunnelOf(
      await nodeTunnels.open({
        proxy: { scheme: "http", host: "127.0.0.1", port: tinyproxy.port },
        host: "127.0.0.1",
        port: tlsOrigin.port,
      }),
    );
    const response = await tunnel.fetch(new Request(`${tlsOrigin.url}/over-connect`), {
      caCerts: [makeCerts().ca],
    });
    assert.equal((await response.json()).path, "/over-connect");
  });

  it("hands a proxy's 407 back as the response", async () => {
    const result = await nodeTunnels.open({
      proxy: { scheme: "http", host: "127.0.0.1", port: tinyproxyAuth.port },
      host: "127.0.0.1",
      port: tlsOrigin.port,
    });
    assert.ok("response" in result);
    assert.equal(result.response.status, 407);
    await result.response.body?.cancel();
  });

  it("close() ends the tunnel and resolves closed", async () => {
    const tunnel = tunnelOf(
      await nodeTunnels.open({
        proxy: { scheme: "socks5", host: "127.0.0.1", port: dante.port },
        host: "127.0.0.1",
        port: origin.port,
      }),
    );
    tunnel.close();
    await tunnel.closed;
  });

  it("rejects proxies it cannot tunnel through, with Chromium's code", async () => {
    await assert.rejects(
      nodeTunnels.open({
        proxy: { scheme: "https", host: "127.0.0.1", port: tinyproxy.port },
        host: "127.0.0.1",
        port: origin.port,
      }),
      (error: { code?: string; message?: string }) =>
        error.code === "net::ERR_NOT_IMPLEMENTED" && /https proxies/.test(error.message ?? ""),
    );
  });
});
