// net.request through a real proxy asking for credentials (tinyproxy with BasicAuth): the 407
// reaches ClientRequest's login event with isProxy, and the answer goes to the proxy.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type AuthInfo, net, session } from "../../../mod.ts";
import { createProxyPlugin } from "../../../entries/proxy.ts";
import {
  type Origin,
  type ProxyProcess,
  startOrigin,
  startTinyproxy,
} from "../../plugins/proxy/_servers.ts";
import { record } from "./_server.ts";
import { needs } from "../../_system.ts";

needs("tinyproxy");

let origin: Origin;
let proxy: ProxyProcess;
before(async () => {
  origin = await startOrigin();
  proxy = await startTinyproxy(["netuser", "netpass"]);
});
after(async () => {
  await proxy?.stop();
  await origin?.close();
});

async function proxied(name: string) {
  const ses = session.fromPartition(`net-proxy-${name}-${Math.random()}`, {
    preset: false,
    plugins: [createProxyPlugin({ pacTimeout: 500 })],
  });
  await ses.ready;
  await ses.setProxy({ proxyRules: `127.0.0.1:${proxy.port}`, proxyBypassRules: "<-loopback>" });
  return ses;
}

describe("ClientRequest through an authenticating proxy", () => {
  it("the 407 reaches login with isProxy and the proxy's host; the answer gets through", async () => {
    const ses = await proxied("ok");
    const request = net.request({ url: `${origin.url}/via-proxy`, session: ses });
    const infos: AuthInfo[] = [];
    request.on("login", (authInfo, callback) => {
      infos.push(authInfo);
      callback("netuser", "netpass");
    });
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(seen.response()!.statusCode, 200);
    assert.equal(JSON.parse(seen.body()).path, "/via-proxy");
    assert.equal(infos.length, 1);
    assert.equal(infos[0].isProxy, true);
    assert.equal(infos[0].scheme, "basic");
    assert.equal(infos[0].host, "127.0.0.1");
    assert.equal(infos[0].port, proxy.port);
    assert.match(proxy.log(), /via-proxy/);
  });

  it("no credentials: the 407 is the response", async () => {
    const ses = await proxied("cancel");
    const request = net.request({ url: `${origin.url}/refused`, session: ses });
    request.on("login", (_info, callback) => callback());
    const seen = record(request);
    request.end();
    await seen.closed;
    assert.equal(seen.response()!.statusCode, 407);
  });
});
