import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import {
  HostResolverRules,
  parseHostResolverRules,
  withHostResolverRules,
} from "../../../adapters/http/host_rules.ts";
import { detectRuntime, transportFor } from "../../../adapters/runtime.ts";
import { HopRequest } from "../../../kernel/http/hop_request.ts";
import type { PipelineInput } from "../../../kernel/request.ts";
import { remoteAddress } from "../../../kernel/http/remote_address.ts";

function request(url: string, init: Partial<PipelineInput> = {}): HopRequest {
  return new HopRequest(1, Date.now(), {
    url,
    method: "GET",
    headers: new Headers(),
    body: null,
    signal: new AbortController().signal,
    ...init,
  });
}

let server: Server;
let port = 0;
before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => body += c);
    req.on("end", () => {
      res.setHeader("set-cookie", ["a=1", "b=2"]);
      res.end(JSON.stringify({ host: req.headers.host, method: req.method, url: req.url, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

describe("host resolver rules", () => {
  it("parses MAP and EXCLUDE rules, with ports and wildcards", () => {
    assert.deepEqual(
      parseHostResolverRules("MAP *.example.org 127.0.0.1:8080, EXCLUDE a.example.org"),
      [
        { kind: "map", pattern: "*.example.org", host: "127.0.0.1", port: 8080 },
        { kind: "exclude", pattern: "a.example.org" },
      ],
    );
    const rules = new HostResolverRules("MAP *.example.org 127.0.0.1, EXCLUDE a.example.org");
    assert.deepEqual(rules.resolve("home.example.org"), { host: "127.0.0.1", port: undefined });
    assert.equal(rules.resolve("a.example.org"), null);
    assert.equal(rules.resolve("example.com"), null);
  });

  it("rejects a malformed rule naming it", () => {
    assert.throws(
      () => parseHostResolverRules("MAP onlyhost"),
      /Invalid host resolver rule "MAP onlyhost"/,
    );
    assert.throws(() => parseHostResolverRules("MAP a b:99999"), /Invalid target "b:99999"/);
  });

  it("reaches a mapped host at the mapped address, keeping URL and Host header", async () => {
    const transport = transportFor(detectRuntime(), {
      hostResolverRules: "MAP home.example.org 127.0.0.1",
    });
    const mapped = request(`http://home.example.org:${port}/p?q=1`);
    const response = await transport.fetch(mapped);
    const seen = await response.json();
    // webRequest's details.ip: the address the connection went to, not the URL's name
    assert.equal(remoteAddress(mapped), "127.0.0.1");
    assert.equal(seen.host, `home.example.org:${port}`);
    assert.equal(seen.url, "/p?q=1");
    assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
    await transport.closeAllConnections?.();
  });

  it("maps to another port and sends a body", async () => {
    const inner = transportFor(detectRuntime());
    const transport = withHostResolverRules(inner, `MAP api.test 127.0.0.1:${port}`);
    const response = await transport.fetch(
      request("http://api.test/upload", { method: "POST", body: new TextEncoder().encode("hi") }),
    );
    assert.deepEqual(await response.json(), {
      host: "api.test",
      method: "POST",
      url: "/upload",
      body: "hi",
    });
    await transport.closeAllConnections?.();
  });

  it("fails a host mapped to ~NOTFOUND with net::ERR_NAME_NOT_RESOLVED", async () => {
    const transport = withHostResolverRules(transportFor(detectRuntime()), "MAP *.test ~NOTFOUND");
    await assert.rejects(
      transport.fetch(request("http://x.test/")),
      (e: Error & { code?: string }) => e.code === "net::ERR_NAME_NOT_RESOLVED",
    );
  });

  it("leaves unmapped hosts to the wrapped transport", async () => {
    const transport = withHostResolverRules(
      transportFor(detectRuntime()),
      "MAP other.test 10.0.0.1",
    );
    const direct = request(`http://127.0.0.1:${port}/direct`);
    const response = await transport.fetch(direct);
    assert.equal((await response.json()).url, "/direct");
    assert.equal(remoteAddress(direct), "127.0.0.1");
  });
});
