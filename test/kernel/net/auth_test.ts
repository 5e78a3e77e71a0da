import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { net } from "../../../mod.ts";
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { digestAuthorization } from "../../../kernel/net/mod.ts";
import { freshSession, record, serve, testApp, type TestServer } from "./_server.ts";

let server: TestServer;
before(async () => {
  server = await serve(testApp().fetch);
});
after(async () => {
  await server.close();
});

describe("MD5 (@noble/hashes, as the Digest scheme uses it)", () => {
  it("matches RFC 1321's test suite", () => {
    const cases: Array<[string, string]> = [
      ["", "d41d8cd98f00b204e9800998ecf8427e"],
      ["a", "0cc175b9c0f1b6a831c399e269772661"],
      ["abc", "900150983cd24fb0d6963f7d28e17f72"],
      ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
      ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
      [
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f",
      ],
      [
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "57edf4a22be3c955ac49da2e2107b67a",
      ],
    ];
    for (const [input, digest] of cases) {
      assert.equal(bytesToHex(md5(utf8ToBytes(input))), digest, input);
    }
  });
});

describe("Digest", () => {
  it("computes RFC 2617's example response", async () => {
    const header = await digestAuthorization({
      challenge: {
        isProxy: false,
        scheme: "digest",
        host: "www.nowhere.org",
        port: 80,
        realm: "testrealm@host.com",
        params: {
          realm: "testrealm@host.com",
          qop: "auth,auth-int",
          nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
          opaque: "5ccc069c403ebaf9f0171e9517f40e41",
        },
      },
      credentials: { username: "Mufasa", password: "Circle Of Life" },
      method: "GET",
      url: "http://www.nowhere.org/dir/index.html",
      cnonce: "0a4f113b",
    });
    assert.match(header, /response="6629fae49393a05397450978507c4ef1"/);
    assert.match(header, /nc=00000001/);
    assert.match(header, /uri="\/dir\/index.html"/);
  });

  it("refuses an unknown algorithm", async () => {
    await assert.rejects(
      digestAuthorization({
        challenge: {
          isProxy: false,
          scheme: "digest",
          host: "a",
          port: 80,
          realm: "",
          params: { nonce: "n", algorithm: "SHA-384" },
        },
        credentials: { username: "u", password: "p" },
        method: "GET",
        url: "http://a/",
      }),
      /SHA-384/,
    );
  });
});

describe("ClientRequest: login", () => {
  it("Basic: login gets authInfo, the callback's credentials answer the challenge", async () => {
    const request = net.request({ url: `${server.origin}/basic`, session: freshSession("basic") });
    const infos: unknown[] = [];
    const seen = record(request);
    request.on("login", (authInfo, callback) => {
      seen.events.push("login");
      infos.push(authInfo);
      callback("user", "secret");
    });
    request.end();
    await seen.closed;
    assert.deepEqual(infos, [{
      isProxy: false,
      scheme: "basic",
      host: "127.0.0.1",
      port: server.port,
      realm: "test realm",
    }]);
    assert.equal(seen.response()!.statusCode, 200);
    assert.equal(seen.body(), "welcome");
    assert.deepEqual(seen.events, [
      "finish",
      "login",
      "response",
      "response:end",
      "response:close",
      "close",
    ]);
  });

  it("a 407 reaches the same event with isProxy, answered with Proxy-Authorization", async () => {
    const request = net.request({
      url: `${server.origin}/proxy-auth`,
      session: freshSession("407"),
    });
    const infos: Array<{ isProxy: boolean; realm: string }> = [];
    request.on("login", (authInfo, callback) => {
      infos.push(authInfo);
      callback("proxy", "pass");
    });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(infos.length, 1);
    assert.equal(infos[0].isProxy, true);
    assert.equal(infos[0].realm, "proxy realm");
    assert.equal(seen.body(), "through");
  });

  it("answers later too (the callback may be called asynchronously)", async () => {
    const request = net.request({ url: `${server.origin}/basic`, session: freshSession("later") });
    request.on("login", (_info, callback) => setTimeout(() => callback("user", "secret"), 20));
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(seen.body(), "welcome");
  });

  it("no credentials cancels: the 401 is the response", async () => {
    const request = net.request({ url: `${server.origin}/basic`, session: freshSession("cancel") });
    request.on("login", (_info, callback) => callback());
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(seen.response()!.statusCode, 401);
    assert.equal(seen.body(), "who are you");
    assert.equal(seen.errors.length, 0);
  });

  it("without a login listener, or with credentials omit, the 401 is the response", async () => {
    for (const credentials of [undefined, "omit"] as const) {
      const request = net.request({
        url: `${server.origin}/basic`,
        credentials,
        session: freshSession("nolistener"),
      });
      let asked = false;
      if (credentials === "omit") request.on("login", () => (asked = true));
      const seen = record(request);
      request.end();
      await seen.closed;
      assert.equal(seen.response()!.statusCode, 401);
      assert.equal(asked, false);
    }
  });

  it("wrong credentials ask again; giving up returns the 401", async () => {
    const request = net.request({ url: `${server.origin}/basic`, session: freshSession("wrong") });
    let calls = 0;
    request.on("login", (_info, callback) => {
      calls++;
      if (calls < 3) callback("user", "wrong");
      else callback();
    });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(calls, 3);
    assert.equal(seen.response()!.statusCode, 401);
  });

  for (const algorithm of ["md5", "sha-256", "sha-512-256"]) {
    it(`Digest ${algorithm}: the server (node:crypto) accepts the answer, body included`, async () => {
      const request = net.request({
        method: "POST",
        url: `${server.origin}/digest/${algorithm}`,
        session: freshSession("digest"),
      });
      const schemes: string[] = [];
      request.on("login", (info, callback) => {
        schemes.push(info.scheme);
        callback("user", "secret");
      });
      const seen = record(request);
      request.end("form=data");
      await seen.closed;
      assert.deepEqual(schemes, ["digest"]);
      assert.equal(seen.response()!.statusCode, 200);
      assert.equal(seen.body(), `digest ${algorithm.toUpperCase()} ok`);
    });
  }

  it("a session's authRequired tap answers before the login event", async () => {
    const ses = freshSession("tap");
    ses.pipeline.tap("authRequired", () => ({ username: "user", password: "secret" }), {
      plugin: "test",
    });
    const request = net.request({ url: `${server.origin}/basic`, session: ses });
    let asked = false;
    request.on("login", () => (asked = true));
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(asked, false);
    assert.equal(seen.body(), "welcome");
  });

  it("ses.fetch answers Digest through an authRequired tap", async () => {
    const ses = freshSession("fetch-digest");
    ses.pipeline.tap("authRequired", () => ({ username: "user", password: "secret" }), {
      plugin: "test",
    });
    const response = await ses.fetch(`${server.origin}/digest/md5`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "digest MD5 ok");
  });
});
