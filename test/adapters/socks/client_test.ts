import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { socksConnect, SocksError } from "../../../adapters/socks/client.ts";
import { socksFetch } from "../../../adapters/socks/http.ts";
import {
  freePort,
  makeCerts,
  type Origin,
  type ProxyProcess,
  SOCKS_PASSWORD,
  SOCKS_USER,
  startDante,
  startOrigin,
} from "../../plugins/proxy/_servers.ts";
import { needs } from "../../_system.ts";

async function logShows(proxy: ProxyProcess, port: number): Promise<void> {
  // Dante writes its log lines a moment after the session.
  for (let i = 0; i < 40; i++) {
    if (proxy.log().includes(`.${port}`)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`danted's log does not show traffic to port ${port}:\n${proxy.log()}`);
}

describe("SOCKS client against danted", () => {
  needs("danted", "openssl", "wsproxy");
  let origin: Origin;
  let tlsOrigin: Origin;
  let dante: ProxyProcess;
  let danteAuth: ProxyProcess;
  before(async () => {
    [origin, tlsOrigin, dante, danteAuth] = await Promise.all([
      startOrigin(),
      startOrigin(true),
      startDante(false),
      startDante(true),
    ]);
  });
  after(async () => {
    await Promise.all([origin.close(), tlsOrigin.close(), dante.stop(), danteAuth.stop()]);
  });

  it("SOCKS5 without auth: GET through the proxy", async () => {
    const res = await socksFetch(new Request(`${origin.url}/socks5?x=1`), {
      proxy: { version: 5, host: "127.0.0.1", port: dante.port },
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.path, "/socks5?x=1");
    await logShows(dante, origin.port);
  });

  it("SOCKS5 with a host name resolved by the proxy (socks5h)", async () => {
    const res = await socksFetch(new Request(`http://localhost:${origin.port}/named`), {
      proxy: { version: 5, host: "127.0.0.1", port: dante.port },
    });
    assert.equal((await res.json()).headers.host, `localhost:${origin.port}`);
  });

  it("SOCKS4 resolves locally and connects", async () => {
    const res = await socksFetch(new Request(`http://localhost:${origin.port}/v4`), {
      proxy: { version: 4, host: "127.0.0.1", port: dante.port },
    });
    assert.equal((await res.json()).path, "/v4");
  });

  it("POST bodies, chunked and large responses", async () => {
    const proxy = { version: 5 as const, host: "127.0.0.1", port: dante.port };
    const post = await socksFetch(
      new Request(`${origin.url}/post`, { method: "POST", body: "hello=1" }),
      { proxy },
    );
    assert.equal((await post.json()).body, "hello=1");
    const chunked = await socksFetch(new Request(`${origin.url}/chunked`), { proxy });
    assert.equal(await chunked.text(), "chunk-1;chunk-2");
    const big = await socksFetch(new Request(`${origin.url}/big`), { proxy });
    assert.equal((await big.text()).length, 200_000);
  });

  it("HTTPS through SOCKS5 with a local CA", async () => {
    const res = await socksFetch(new Request(`https://localhost:${tlsOrigin.port}/secure`), {
      proxy: { version: 5, host: "127.0.0.1", port: dante.port },
      caCerts: [makeCerts().ca],
    });
    assert.equal((await res.json()).path, "/secure");
    await logShows(dante, tlsOrigin.port);
  });

  it("HTTPS fails without the CA", async () => {
    await assert.rejects(
      socksFetch(new Request(`https://localhost:${tlsOrigin.port}/secure`), {
        proxy: { version: 5, host: "127.0.0.1", port: dante.port },
      }),
    );
  });

  it("SOCKS5 username/password auth", async () => {
    const res = await socksFetch(new Request(`${origin.url}/auth`), {
      proxy: {
        version: 5,
        host: "127.0.0.1",
        port: danteAuth.port,
        username: SOCKS_USER,
        password: SOCKS_PASSWORD,
      },
    });
    assert.equal((await res.json()).path, "/auth");
    await logShows(danteAuth, origin.port);
  });

  it("SOCKS5 auth: wrong password and no credentials are refused", async () => {
    const base = { version: 5 as const, host: "127.0.0.1", port: danteAuth.port };
    await assert.rejects(
      socksConnect({ ...base, username: SOCKS_USER, password: "wrong" }, {
        host: "127.0.0.1",
        port: origin.port,
      }),
      (e: unknown) => e instanceof SocksError && e.code === "net::ERR_PROXY_AUTH_REQUESTED",
    );
    await assert.rejects(
      socksConnect(base, { host: "127.0.0.1", port: origin.port }),
      (e: unknown) => e instanceof SocksError && e.code === "net::ERR_PROXY_AUTH_UNSUPPORTED",
    );
  });

  it("a closed proxy port is a proxy failure", async () => {
    const port = await freePort();
    await assert.rejects(
      socksConnect({ version: 5, host: "127.0.0.1", port }, { host: "127.0.0.1", port: 80 }),
      (e: unknown) =>
        e instanceof SocksError && e.code === "net::ERR_PROXY_CONNECTION_FAILED" &&
        e.proxyFailed,
    );
  });

  it("an unreachable target is reported by the proxy, not a proxy failure", async () => {
    const port = await freePort();
    await assert.rejects(
      socksConnect({ version: 5, host: "127.0.0.1", port: dante.port }, {
        host: "127.0.0.1",
        port,
      }),
      (e: unknown) => e instanceof SocksError && !e.proxyFailed,
    );
  });
});

describe("SOCKS4a", () => {
  // No Debian SOCKS server speaks 4a (dante is 4 and 5 only), so this is a minimal 4a server
  // that checks the request bytes and splices to the origin.
  let server: Server;
  let port: number;
  let origin: Origin;
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  before(async () => {
    origin = await startOrigin();
    port = await freePort();
    server = createServer((client: Socket) => {
      sockets.add(client);
      client.once("data", async (d: Uint8Array) => {
        const targetPort = (d[2] << 8) | d[3];
        const user = d.subarray(8, d.indexOf(0, 8));
        const start = 8 + user.length + 1;
        const host = new TextDecoder().decode(d.subarray(start, d.indexOf(0, start)));
        seen.push(`${d[4]}.${d[5]}.${d[6]}.${d[7]} ${new TextDecoder().decode(user)} ${host}`);
        const { connect } = await import("node:net");
        const upstream: Socket = connect({
          host: host === "localhost" ? "127.0.0.1" : host,
          port: targetPort,
        });
        sockets.add(upstream);
        upstream.once("connect", () => {
          client.write(new Uint8Array([0, 0x5a, 0, 0, 0, 0, 0, 0]));
          client.pipe(upstream).pipe(client);
        });
        upstream.on("error", () => client.destroy());
      });
    });
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await origin.close();
  });

  it("sends the host name for the proxy to resolve", async () => {
    const res = await socksFetch(new Request(`http://localhost:${origin.port}/4a`), {
      proxy: { version: 4, host: "127.0.0.1", port, remoteDns: true, username: "me" },
    });
    assert.equal((await res.json()).path, "/4a");
    assert.deepEqual(seen, ["0.0.0.1 me localhost"]);
  });
});
