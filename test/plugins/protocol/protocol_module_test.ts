// Electron's `protocol` module acts on the default session (lib/browser/api/protocol.ts:
// `handle: (...args) => session.defaultSession.protocol.handle(...args)`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as websession from "../../../mod.ts";
import * as protocolEntry from "../../../entries/protocol.ts";

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
