// Electron's `protocol` module acts on the default session (lib/browser/api/protocol.ts:
// `handle: (...args) => session.defaultSession.protocol.handle(...args)`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as websession from "../../../mod.ts";
import * as protocolEntry from "../../../entries/protocol.ts";
import { schemePrivileges } from "../../../kernel/http/privileged_schemes.ts";

describe("the protocol module", () => {
  it("is the default session's ses.protocol, from the main entry and ./protocol", async () => {
    const { net, session } = websession;
    const protocol = (websession as { protocol?: typeof protocolEntry.protocol }).protocol;
    assert.ok(protocol, "mod.ts exports protocol");
    assert.equal(protocolEntry.protocol, protocol);
    protocol.handle("qa-module", (request) => new Response(new URL(request.url).pathname));
    try {
      assert.equal(session.defaultSession.protocol.isProtocolHandled("qa-module"), true);
      assert.equal(protocol.isProtocolHandled("qa-module"), true);
      assert.equal(await (await net.fetch("qa-module://bundle/a.html")).text(), "/a.html");
    } finally {
      protocol.unhandle("qa-module");
    }
    assert.equal(session.defaultSession.protocol.isProtocolHandled("qa-module"), false);
    assert.throws(() => protocol.unhandle("qa-module"), {
      message: "Failed to unhandle protocol: qa-module",
    });
  });
});

describe("protocol.registerSchemesAsPrivileged", () => {
  it("gives standard schemes cookies and a canonical host, and secure ones Secure cookies", async () => {
    const { protocol, session } = websession;
    const ses = session.fromPartition("privileged-schemes");
    // Before: a custom scheme carries no cookies.
    await assert.rejects(
      ses.cookies.set({ url: "qa-std://bundle/", name: "a", value: "1" }),
      /scheme cannot have cookies/,
    );
    protocol.registerSchemesAsPrivileged([
      { scheme: "qa-std", privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    ses.protocol.handle("qa-std", (request) => {
      const url = new URL(request.url);
      return new Response(`${url.host} ${request.headers.get("cookie") ?? "no cookie"}`, {
        headers: { "set-cookie": `from=${url.pathname.slice(1)}; Secure; Path=/` },
      });
    });
    try {
      await ses.cookies.set({ url: "qa-std://bundle/", name: "a", value: "1", secure: true });
      const [cookie] = await ses.cookies.get({ url: "qa-std://bundle/" });
      assert.deepEqual([cookie.name, cookie.domain, cookie.secure], ["a", "bundle", true]);
      // A handler's Set-Cookie is kept, and both go with the next request, to the host in any case.
      assert.equal(await (await ses.fetch("qa-std://bundle/first")).text(), "bundle a=1");
      assert.equal(
        await (await ses.fetch("qa-std://Bundle/next")).text(),
        "bundle a=1; from=first",
      );
    } finally {
      ses.protocol.unhandle("qa-std");
      await session.closePartition("privileged-schemes");
    }
  });

  it("refuses bad input with a TypeError naming the entry, and registers none of it", () => {
    const { protocol } = websession;
    const register = protocol.registerSchemesAsPrivileged as (schemes: unknown) => void;
    assert.throws(() => register("qa-x"), { name: "TypeError", message: /must be an array/ });
    assert.throws(() => register([{ scheme: "qa-ok" }, { scheme: "Bad Scheme" }]), {
      name: "TypeError",
      message: /customSchemes\[1\]\.scheme must be a lower-case scheme name/,
    });
    assert.throws(() => register([{ scheme: "qa-y", privileges: { standard: "yes" } }]), {
      message: /customSchemes\[0\]\.privileges\.standard must be a boolean/,
    });
    assert.throws(() => register([{ scheme: "qa-y", privileges: { codeCache: true } }]), {
      message: /Code cache can only be enabled when 'standard' option is set to true/,
    });
    assert.equal(schemePrivileges("qa-ok"), undefined);
  });
});
