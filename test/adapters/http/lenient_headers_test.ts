// Responses Chromium loads although a header value holds control bytes, HTTPS to IP literals
// through host resolver rules, and a CA given to the transport (issue #26).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { session } from "../../../mod.ts";
import { detectRuntime, transportFor } from "../../../adapters/runtime.ts";
import { HopRequest } from "../../../kernel/http/hop_request.ts";
import { needs } from "../../_system.ts";
import { makeCerts } from "../../plugins/proxy/_servers.ts";

needs("openssl");

function hop(url: string): HopRequest {
  return new HopRequest(1, Date.now(), {
    url,
    method: "GET",
    headers: new Headers(),
    body: null,
    signal: new AbortController().signal,
  });
}

let raw: Server;
let rawPort = 0;
let tls: HttpsServer;
let tlsPort = 0;
let ca = "";
before(async () => {
  raw = createServer((socket) => {
    socket.once("data", () => {
      socket.end(
        "HTTP/1.1 200 OK\r\nSet-Cookie: bad=a\x01b\r\nSet-Cookie: good=1\r\n" +
          "Content-Length: 2\r\nConnection: close\r\n\r\nhi",
      );
    });
  });
  await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
  rawPort = (raw.address() as { port: number }).port;
  const certs = makeCerts();
  ca = certs.ca;
  tls = createHttpsServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    res.end(`secure ${req.headers.host}`);
  });
  await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
  tlsPort = (tls.address() as { port: number }).port;
});
after(async () => {
  await new Promise<void>((r) => raw.close(() => r()));
  await new Promise<void>((r) => tls.close(() => r()));
  await session.closePartition("lenient-headers");
});

describe("control bytes in a header value", () => {
  it("load the response; the cookie line holding them is ignored, the others are stored", async () => {
    const ses = session.fromPartition("lenient-headers");
    const response = await ses.fetch(`http://127.0.0.1:${rawPort}/`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "hi");
    const cookies = await ses.cookies.get({});
    assert.deepEqual(cookies.map((c) => `${c.name}=${c.value}`), ["good=1"]);
  });
});

describe("a CA for HTTPS origins (transport option caCerts)", () => {
  it("reaches an https origin whose certificate the CA signed", async () => {
    const transport = transportFor(detectRuntime(), { caCerts: [ca] });
    const response = await transport.fetch(hop(`https://127.0.0.1:${tlsPort}/`));
    assert.equal(await response.text(), `secure 127.0.0.1:${tlsPort}`);
  });

  it("without it the same origin fails with a certificate error", async () => {
    const transport = transportFor(detectRuntime());
    await assert.rejects(
      transport.fetch(hop(`https://127.0.0.1:${tlsPort}/`)),
      (e: Error & { code?: string }) => /CERT|certificate/i.test(`${e.code} ${e.message}`),
    );
  });

  it("refuses a value that is not a PEM certificate, naming the index", () => {
    assert.throws(
      () => transportFor(detectRuntime(), { caCerts: [ca, "nope"] }),
      { name: "TypeError", message: /caCerts\[1\] must be a PEM certificate/ },
    );
  });
});

describe("HTTPS through host resolver rules", () => {
  it("reaches an IP literal (no TLS server name is sent for it)", async () => {
    const transport = transportFor(detectRuntime(), {
      hostResolverRules: "MAP * 127.0.0.1",
      caCerts: [ca],
    });
    const ip = await transport.fetch(hop(`https://127.0.0.1:${tlsPort}/`));
    assert.equal(await ip.text(), `secure 127.0.0.1:${tlsPort}`);
    const named = await transport.fetch(hop(`https://localhost:${tlsPort}/`));
    assert.equal(await named.text(), `secure localhost:${tlsPort}`);
  });
});
