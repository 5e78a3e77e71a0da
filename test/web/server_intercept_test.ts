// HTTPS interception by the session server, against real curl, a real Chromium and local HTTPS
// origins whose certificates come from a CA the server trusts (DENO_CERT / NODE_EXTRA_CA_CERTS) or
// from one it does not.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";
import { curl, type ServerProcess, startServerProcess } from "./_server_process.ts";
import { echoUpgrades, upgradeThrough } from "./_server_process.ts";
import { CertificateAuthority } from "../../web/server/ca.ts";
import { needs, requireCommand } from "../_system.ts";

needs("curl", "chromium");

const home = mkdtempSync(`${tmpdir()}/websession-intercept-`);
let originCa: CertificateAuthority;
let origin: HttpsServer;
let untrusted: HttpsServer;
let originUrl: string;
let untrustedUrl: string;
let server: ServerProcess;

async function httpsServer(
  ca: CertificateAuthority,
  handler: Parameters<typeof createHttpsServer>[1],
  host = "localhost",
): Promise<{ server: HttpsServer; url: string }> {
  const leaf = await ca.leafFor(host);
  const server = createHttpsServer({ key: leaf.key, cert: leaf.cert }, handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `https://${host}:${(server.address() as { port: number }).port}` };
}

before(async () => {
  originCa = await CertificateAuthority.open(`${home}/origin-ca`, "CN=test origin CA");
  ({ server: origin, url: originUrl } = await httpsServer(originCa, (req, res) => {
    const path = req.url ?? "/";
    if (path === "/login") {
      res.setHeader("set-cookie", "sid=over-tls; Secure; HttpOnly; Path=/; Max-Age=3600");
      res.end("logged in");
    } else if (path === "/whoami") res.end(String(req.headers.cookie ?? "nobody"));
    else if (path === "/echo-body") {
      let bytes = 0;
      req.on("data", (chunk: Uint8Array) => (bytes += chunk.length));
      req.on("end", () => res.end(`${req.method} got ${bytes} bytes`));
      return;
    } else if (path === "/big") {
      // 3 MiB, streamed in 64 KiB writes with no content-length (chunked to the proxy)
      const chunk = new Uint8Array(64 * 1024).fill(120);
      for (let i = 0; i < 48; i++) res.write(chunk);
      res.end();
      return;
    } else if (path === "/echo-header") res.end(String(req.headers["x-rewritten"] ?? "absent"));
    else if (path === "/page") {
      res.setHeader("content-type", "text/html");
      res.end("<title>intercepted</title><p id=p>page over tls</p>");
    } else if (path.startsWith("/secret")) res.end("should have been blocked");
    else res.end(`path ${path}`);
  }));
  echoUpgrades(origin);
  const otherCa = await CertificateAuthority.open(`${home}/other-ca`, "CN=untrusted CA");
  // Another name than the trusted origin's: TLS session tickets are kept per name, and two servers
  // of one process may share their ticket keys.
  ({ server: untrusted, url: untrustedUrl } = await httpsServer(otherCa, (_req, res) => {
    res.end("nobody should read this");
  }, "127.0.0.1"));
  // Each runtime's own variable, as its users set it (Deno's fetch reads DENO_CERT, Bun's
  // NODE_EXTRA_CA_CERTS): node:https inside the server must trust the same CAs.
  const trust = "Deno" in globalThis ? "DENO_CERT" : "NODE_EXTRA_CA_CERTS";
  server = await startServerProcess(`${home}/server`, [], { [trust]: originCa.certPath });
});

after(async () => {
  await server?.stop();
  await new Promise((resolve) => origin?.close(resolve));
  await new Promise((resolve) => untrusted?.close(resolve));
  rmSync(home, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.proxy}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, ...(init.headers ?? {}) },
  });

const viaProxy = (url: string, ...extra: string[]) =>
  curl([
    "-sS",
    "--suppress-connect-headers",
    "-x",
    server.proxy,
    "--cacert",
    server.caCert,
    ...extra,
    url,
  ]);

describe("the server's CA", () => {
  it("is made on first start in the storage folder, its key 0600, served at /api/ca.pem", async () => {
    assert.equal(server.caCert, `${home}/server/ca-cert.pem`);
    assert.equal(statSync(`${home}/server/ca-key.pem`).mode & 0o777, 0o600);
    const served = await fetch(`${server.proxy}/api/ca.pem`);
    assert.equal(served.status, 200);
    assert.equal(await served.text(), readFileSync(server.caCert, "utf8"));
    assert.match(server.output(), /CA: +.*ca-cert\.pem +\(made now\)/);
    assert.match(server.output(), /--ignore-certificate-errors-spki-list=/);
  });

  it("is the same CA after a restart", async () => {
    const again = await CertificateAuthority.open(`${home}/server`);
    assert.equal(again.created, false);
    assert.equal(again.spkiHash, server.caSpki);
  });
});

describe("an intercepted CONNECT", () => {
  it("goes through the session: a cookie set over TLS is sent back by the session", async () => {
    const login = await viaProxy(`${originUrl}/login`, "-i");
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /^HTTP\/1\.1 200/);
    assert.match(login.stdout, /set-cookie: sid=over-tls/i);
    const whoami = await viaProxy(`${originUrl}/whoami`);
    assert.equal(whoami.stdout, "sid=over-tls");
    const cookies = await (await api(`/cookies?url=${originUrl}/`)).json();
    assert.deepEqual(cookies.map((c: { name: string; secure: boolean }) => [c.name, c.secure]), [
      ["sid", true],
    ]);
  });

  it("carries request bodies and big streamed responses through the tunnel, and logs the body", async () => {
    const upload = `${home}/upload.bin`;
    writeFileSync(upload, new Uint8Array(200 * 1024).fill(7));
    const answer = await viaProxy(
      `${originUrl}/echo-body`,
      "-X",
      "POST",
      "--data-binary",
      `@${upload}`,
      "-H",
      "content-type: application/octet-stream",
    );
    assert.equal(answer.code, 0, answer.stderr);
    assert.equal(answer.stdout, `POST got ${200 * 1024} bytes`);
    // A GET with a body goes another way (node:https), trusting the same CAs as fetch.
    const get = await viaProxy(`${originUrl}/echo-body`, "-X", "GET", "--data-binary", "q=1");
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout, "GET got 3 bytes");
    const big = await viaProxy(`${originUrl}/big`, "-o", `${home}/big.out`);
    assert.equal(big.code, 0, big.stderr);
    assert.equal(statSync(`${home}/big.out`).size, 3 * 1024 * 1024);
    const log = await (await api("/requests")).json() as Array<
      { id: number; url: string; requestBody: { size: number } }
    >;
    const posted = log.find((e) => e.url === `${originUrl}/echo-body`)!;
    assert.equal(posted.requestBody.size, 200 * 1024);
    const kept = await api(`/requests/${posted.id}/request-body`);
    assert.equal(kept.status, 200);
    assert.equal((await kept.arrayBuffer()).byteLength, 200 * 1024);
  });

  it("is the server's leaf for the host, with the host in its SAN", async () => {
    const verbose = await viaProxy(`${originUrl}/x`, "-v");
    assert.equal(verbose.stdout, "path /x");
    assert.match(verbose.stderr, /issuer: CN=websession CA/);
    assert.match(verbose.stderr, /subjectAltName: host "localhost" matched/);
    assert.match(verbose.stderr, /ALPN: server accepted http\/1\.1/);
  });

  it("applies a declarative rule blocking a path, and one rewriting a header", async () => {
    const port = new URL(originUrl).port;
    const added = await api("/rules", {
      method: "POST",
      body: JSON.stringify({
        rules: [
          {
            id: 41,
            priority: 1,
            action: { type: "block" },
            condition: { urlFilter: `|https://localhost:${port}/secret` },
          },
          {
            id: 42,
            priority: 1,
            action: {
              type: "modifyHeaders",
              requestHeaders: [{ header: "x-rewritten", operation: "set", value: "by-rule" }],
            },
            condition: { urlFilter: "/echo-header" },
          },
        ],
      }),
    });
    assert.equal(added.status, 201, await added.text());
    const blocked = await viaProxy(`${originUrl}/secret/file`, "-i");
    assert.match(blocked.stdout, /^HTTP\/1\.1 403/);
    assert.match(blocked.stdout, /x-websession-error: net::ERR_BLOCKED_BY_CLIENT/i);
    assert.doesNotMatch(blocked.stdout, /should have been blocked/);
    const open = await viaProxy(`${originUrl}/open`);
    assert.equal(open.stdout, "path /open");
    const header = await viaProxy(`${originUrl}/echo-header`, "-H", "x-rewritten: by-client");
    assert.equal(header.stdout, "by-rule");
    await api("/rules", { method: "DELETE", body: JSON.stringify({ ids: [41, 42] }) });
  });

  it("relays a WebSocket upgrade inside the tunnel (wss), and refuses an untrusted origin's with 502", async () => {
    const ca = readFileSync(server.caCert, "utf8");
    const relayed = await upgradeThrough(server.proxy, `${originUrl}/socket`, ca);
    assert.match(relayed, /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*x-path: \/socket\r\n/);
    assert.ok(relayed.endsWith("\r\n\r\nping"), relayed);
    const refused = await upgradeThrough(server.proxy, `${untrustedUrl}/socket`, ca);
    assert.match(
      refused,
      /^HTTP\/1\.1 502 [^]*x-websession-error: net::ERR_CERT_AUTHORITY_INVALID/,
    );
  });

  it("answers 502 naming net::ERR_CERT_AUTHORITY_INVALID when the origin's certificate is not trusted", async () => {
    const answer = await viaProxy(`${untrustedUrl}/`, "-i");
    assert.equal(answer.code, 0, answer.stderr);
    assert.match(answer.stdout, /^HTTP\/1\.1 502/);
    assert.match(answer.stdout, /x-websession-error: net::ERR_CERT_AUTHORITY_INVALID/i);
    assert.doesNotMatch(answer.stdout, /nobody should read this/);
  });

  it("counts a client that does not trust the CA, reports it on the event stream, keeps serving", async () => {
    const events = await api("/events");
    const reader = events.body!.getReader();
    const refused = await curl(["-sS", "-x", server.proxy, `${originUrl}/x`]);
    assert.equal(refused.code, 60, refused.stderr); // curl: the peer's certificate is not trusted
    let seen = "";
    while (!/"type":"tls-failed"/.test(seen)) {
      const { value, done } = await reader.read();
      assert.ok(!done, "the event stream ended");
      seen += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const event = JSON.parse(/data: (\{[^\n]*"tls-failed"[^\n]*\})/.exec(seen)![1]);
    assert.equal(event.host, "localhost");
    assert.equal(typeof event.error, "string");
    const state = await (await api("/intercept")).json();
    const failure = state.failures.find((f: { host: string }) => f.host === "localhost");
    assert.ok(failure.count >= 1);
    const stats = await (await api("/stats")).json();
    assert.ok(stats["tunnels.handshakeFailures"] >= 1);
    const fine = await viaProxy(`${originUrl}/still-here`);
    assert.equal(fine.stdout, "path /still-here");
  });

  it("passes a host added to the pass-through list from the API through untouched", async () => {
    const added = await api("/intercept/pass-through", {
      method: "POST",
      body: JSON.stringify({ hosts: ["localhost"] }),
    });
    assert.deepEqual(await added.json(), { added: ["localhost"] });
    // The client now sees the origin's own certificate, so it must trust the origin's CA.
    const direct = await curl([
      "-sS",
      "-v",
      "-x",
      server.proxy,
      "--cacert",
      originCa.certPath,
      `${originUrl}/pinned`,
    ]);
    assert.equal(direct.stdout, "path /pinned", direct.stderr);
    assert.match(direct.stderr, /issuer: CN=test origin CA/);
    const removed = await api("/intercept/pass-through", {
      method: "DELETE",
      body: JSON.stringify({ hosts: ["localhost"] }),
    });
    assert.deepEqual(await removed.json(), { removed: ["localhost"] });
    const bad = await api("/intercept/pass-through", {
      method: "POST",
      body: JSON.stringify({ hosts: ["not a/host"] }),
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).field, "hosts.0");
  });

  it("is loaded by Chromium trusting the CA's SPKI hash", async () => {
    const browser = await chromium.launch({
      executablePath: requireCommand("chromium"),
      args: [
        "--no-sandbox",
        `--proxy-server=${server.proxy}`,
        "--proxy-bypass-list=<-loopback>",
        `--ignore-certificate-errors-spki-list=${server.caSpki}`,
      ],
    });
    try {
      const page = await browser.newPage();
      const response = await page.goto(`${originUrl}/page`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.textContent("#p"), "page over tls");
      const security = await response!.securityDetails();
      assert.equal(security?.issuer, "websession CA");
      const cookies = await (await api(`/cookies?url=${originUrl}/`)).json();
      assert.ok(cookies.some((c: { name: string }) => c.name === "sid"));
    } finally {
      await browser.close();
    }
  });
});
