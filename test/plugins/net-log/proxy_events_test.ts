// The net log's proxy, PAC, socket, tunnel and SOCKS events, through real proxies started here
// (tinyproxy for CONNECT, danted for SOCKS5) and PAC scripts: the events Chromium logs for the
// same steps, with its parameters, in a file whose constants name every id it uses.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { definePlugin, session } from "../../../mod.ts";
import { createProxyPlugin } from "../../../entries/proxy.ts";
import { netLogPlugin } from "../../../presets/default.ts";
import {
  freePort,
  lanAddress,
  makeCerts,
  type Origin,
  type ProxyProcess,
  startDante,
  startOrigin,
  startTinyproxy,
  tempDir,
} from "../proxy/_servers.ts";
import { needs } from "../../_system.ts";

needs("openssl", "tinyproxy", "danted");

// deno-lint-ignore no-explicit-any
type Event = { type: number; phase: number; time: string; source: any; params?: any };
type Log = { constants: Record<string, Record<string, number>>; events: Event[] };

let origin: Origin;
let lanOrigin: Origin;
let tlsOrigin: Origin;
let tiny: ProxyProcess;
let tinyAuth: ProxyProcess;
let dante: ProxyProcess;
let dir: string;
let counter = 0;

before(async () => {
  dir = tempDir("netlog-proxy");
  [origin, lanOrigin, tlsOrigin, tiny, tinyAuth, dante] = await Promise.all([
    startOrigin(),
    startOrigin(false, lanAddress()),
    startOrigin(true),
    startTinyproxy(),
    startTinyproxy(["proxyuser", "proxypass"]),
    startDante(false),
  ]);
});

after(async () => {
  await Promise.all(
    [origin, lanOrigin, tlsOrigin, tiny, tinyAuth, dante].map((s) =>
      "stop" in s ? s.stop() : s.close()
    ),
  );
  rmSync(dir, { recursive: true, force: true });
});

/** A session with the proxy and net-log plugins, and a login answering proxy challenges. */
function makeSession(creds?: { username: string; password: string }) {
  const login = definePlugin({
    manifest: { name: "test-login", version: "1.0.0", hooks: ["authRequired"] },
    setup(ctx) {
      ctx.tap("authRequired", () => creds);
    },
  });
  const ses = session.fromPartition(`netlog-proxy-${++counter}`, {
    preset: false,
    plugins: [
      createProxyPlugin({ caCerts: [makeCerts().ca], pacTimeout: 2000 }),
      netLogPlugin,
      login,
    ],
  });
  // The PAC script's errors are reported as the session's hook errors; the tests read the log.
  ses.on("hook-error", () => {});
  return ses;
}

/** The log's events with names instead of numbers, checked against its constants. */
class NetLogFile {
  readonly events: (Event & { name: string; sourceType: string })[];
  constructor(readonly log: Log) {
    const names = invert(log.constants.logEventTypes, "event type");
    const sources = invert(log.constants.logSourceType, "source type");
    const phases = new Set(Object.values(log.constants.logEventPhase));
    this.events = log.events.map((e) => {
      assert.ok(phases.has(e.phase), `phase ${e.phase} is in constants.logEventPhase`);
      return { ...e, name: names(e.type), sourceType: sources(e.source.type) };
    });
  }
  static read(path: string): NetLogFile {
    return new NetLogFile(JSON.parse(readFileSync(path, "utf8")));
  }
  named(name: string) {
    return this.events.filter((e) => e.name === name);
  }
  /** The `name:phase` list of one source. */
  trail(id: number): string[] {
    return this.events.filter((e) => e.source.id === id).map((e) => `${e.name}:${e.phase}`);
  }
  /** The URL_REQUEST source of `url`. */
  request(url: string): number {
    const alive = this.events.find((e) =>
      e.name === "REQUEST_ALIVE" && e.phase === 1 && e.params?.url === url
    );
    assert.ok(alive, `a URL_REQUEST for ${url}`);
    return alive.source.id;
  }
  /** The source a `source_dependency` names; its type must match. */
  dependency(ref: { id: number; type: number }): (Event & { sourceType: string })[] {
    const events = this.events.filter((e) => e.source.id === ref.id);
    assert.ok(events.length > 0, `source ${ref.id} has events`);
    for (const e of events) assert.equal(e.source.type, ref.type);
    return events;
  }
  /** The HTTP_STREAM_JOB_CONTROLLER source a request was bound to. */
  controller(request: number): number {
    const ref = this.one(request, "HTTP_STREAM_JOB_CONTROLLER_BOUND").params.source_dependency;
    assert.equal(this.dependency(ref)[0].sourceType, "HTTP_STREAM_JOB_CONTROLLER");
    return ref.id;
  }
  one(id: number, name: string, phase = 0) {
    const found = this.events.filter((e) =>
      e.source.id === id && e.name === name && e.phase === phase
    );
    assert.equal(found.length, 1, `one ${name}:${phase} on source ${id}: ${this.trail(id)}`);
    return found[0];
  }
}

function invert(table: Record<string, number>, what: string): (id: number) => string {
  const byId = new Map(Object.entries(table).map(([name, id]) => [id, name]));
  return (id) => {
    const name = byId.get(id);
    assert.ok(name !== undefined, `${what} ${id} is in the constants`);
    return name;
  };
}

/** Every begun event of a source is ended, innermost first. */
function assertBalanced(trail: string[]): void {
  const open: string[] = [];
  for (const item of trail) {
    const [name, phase] = item.split(":");
    if (phase === "1") open.push(name);
    if (phase === "2") assert.equal(open.pop(), name, `nesting in ${trail.join(" ")}`);
  }
  assert.deepEqual(open, [], `ended: ${trail.join(" ")}`);
}

const seen = (trail: string[], expected: string[]) => {
  let i = 0;
  for (const item of trail) if (item === expected[i]) i++;
  assert.equal(i, expected.length, `${expected.join(" ")} in order within ${trail.join(" ")}`);
};

describe("net log: proxy resolution and CONNECT tunnels", () => {
  it("logs the config change, the resolution and the tunnel's job, socket and CONNECT", async () => {
    const ses = makeSession();
    const path = `${dir}/connect-${counter}.json`;
    await ses.netLog.startLogging(path);
    await ses.setProxy({
      proxyRules: `http=127.0.0.1:${tiny.port};https=127.0.0.1:${tiny.port}`,
      proxyBypassRules: "<-loopback>",
    });
    const url = `${tlsOrigin.url}/tunnelled`;
    const body = await (await ses.fetch(url)).json();
    assert.equal(body.path, "/tunnelled");
    await ses.netLog.stopLogging();
    const file = NetLogFile.read(path);

    const [change] = file.named("PROXY_CONFIG_CHANGED");
    assert.equal(change.sourceType, "NONE");
    assert.deepEqual(change.params.new_config.proxy_per_scheme, {
      http: [`PROXY 127.0.0.1:${tiny.port}`],
      https: [`PROXY 127.0.0.1:${tiny.port}`],
    });
    assert.deepEqual(change.params.new_config.bypass_list, ["<-loopback>"]);
    assert.equal("old_config" in change.params, false);

    const request = file.request(url);
    const trail = file.trail(request);
    assertBalanced(trail);
    seen(trail, [
      "NETWORK_DELEGATE_BEFORE_START_TRANSACTION:2",
      "HTTP_STREAM_REQUEST:1",
      "HTTP_STREAM_JOB_CONTROLLER_BOUND:0",
      "HTTP_STREAM_REQUEST:2",
      "HTTP_TRANSACTION_SEND_REQUEST:1",
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS:0",
      "HTTP_TRANSACTION_READ_RESPONSE_HEADERS:0",
    ]);
    const controller = file.controller(request);
    const controllerTrail = file.trail(controller);
    assertBalanced(controllerTrail);
    seen(controllerTrail, [
      "HTTP_STREAM_JOB_CONTROLLER:1",
      "PROXY_RESOLUTION_SERVICE:1",
      "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST:0",
      "PROXY_RESOLUTION_SERVICE:2",
      "SOCKET_POOL_BOUND_TO_CONNECT_JOB:0",
      "SOCKET_POOL_BOUND_TO_SOCKET:0",
      "HTTP_STREAM_JOB_CONTROLLER:2",
    ]);
    assert.equal(file.one(controller, "HTTP_STREAM_JOB_CONTROLLER", 1).params.url, url);
    const resolved = file.one(controller, "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST");
    assert.equal(resolved.params.pac_string, `PROXY 127.0.0.1:${tiny.port}`);

    const jobRef =
      file.one(controller, "SOCKET_POOL_BOUND_TO_CONNECT_JOB").params.source_dependency;
    const job = file.dependency(jobRef);
    assert.equal(job[0].sourceType, "HTTP_PROXY_CONNECT_JOB");
    const jobTrail = file.trail(jobRef.id);
    assertBalanced(jobTrail);
    seen(jobTrail, [
      "CONNECT_JOB:1",
      "HTTP_PROXY_CONNECT_JOB_CONNECT:1",
      "CONNECT_JOB_SET_SOCKET:0",
      "HTTP_PROXY_CONNECT_JOB_CONNECT:2",
      "CONNECT_JOB:2",
    ]);
    const socketRef = file.one(controller, "SOCKET_POOL_BOUND_TO_SOCKET").params.source_dependency;
    assert.deepEqual(
      file.one(jobRef.id, "CONNECT_JOB_SET_SOCKET").params.source_dependency,
      socketRef,
    );
    const socket = file.dependency(socketRef);
    assert.equal(socket[0].sourceType, "SOCKET");
    const socketTrail = file.trail(socketRef.id);
    seen(socketTrail, [
      "SOCKET_ALIVE:1",
      "TCP_CONNECT:1",
      "TCP_CONNECT:2",
      "HTTP_TRANSACTION_TUNNEL_SEND_REQUEST:1",
      "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS:0",
      "HTTP_TRANSACTION_TUNNEL_SEND_REQUEST:2",
      "HTTP_TRANSACTION_TUNNEL_READ_HEADERS:1",
      "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS:0",
      "HTTP_TRANSACTION_TUNNEL_READ_HEADERS:2",
      "SOCKET_IN_USE:1",
    ]);
    assert.deepEqual(file.one(socketRef.id, "SOCKET_ALIVE", 1).params.source_dependency, jobRef);
    assert.deepEqual(file.one(socketRef.id, "TCP_CONNECT", 1).params.address_list, [
      `127.0.0.1:${tiny.port}`,
    ]);
    assert.match(
      file.one(socketRef.id, "TCP_CONNECT", 2).params.source_address,
      /^127\.0\.0\.1:\d+$/,
    );
    const sent = file.one(socketRef.id, "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS").params;
    assert.equal(sent.line, `CONNECT 127.0.0.1:${tlsOrigin.port} HTTP/1.1\r\n`);
    assert.ok(sent.headers.includes(`host: 127.0.0.1:${tlsOrigin.port}`), sent.headers.join());
    const answer = file.one(socketRef.id, "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS");
    assert.match(answer.params.headers[0], /^HTTP\/1\.[01] 200\b/);
  });

  it("strips the tunnel's Proxy-Authorization by default and logs the 407 it answers", async () => {
    const ses = makeSession({ username: "proxyuser", password: "proxypass" });
    const path = `${dir}/connect-auth-${counter}.json`;
    await ses.setProxy({
      proxyRules: `https=127.0.0.1:${tinyAuth.port}`,
      proxyBypassRules: "<-loopback>",
    });
    await ses.netLog.startLogging(path);
    const url = `${tlsOrigin.url}/authorized`;
    assert.equal((await (await ses.fetch(url)).json()).path, "/authorized");
    await ses.netLog.stopLogging();
    const file = NetLogFile.read(path);
    assert.equal(file.named("PROXY_CONFIG_CHANGED").length, 0);
    const answers = file.named("HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS").map((e) =>
      e.params.headers[0].split(" ")[1]
    );
    assert.deepEqual(answers, ["407", "200"]);
    const sent = file.named("HTTP_TRANSACTION_SEND_TUNNEL_HEADERS").map((e) => e.params.headers);
    assert.equal(sent.length, 2);
    assert.ok(!sent[0].some((line: string) => line.startsWith("proxy-authorization")));
    const auth = sent[1].find((line: string) => line.startsWith("proxy-authorization"));
    assert.match(auth ?? "", /^proxy-authorization: \[\d+ bytes were stripped\]$/);
    assert.ok(!readFileSync(path, "utf8").includes(btoa("proxyuser:proxypass")));
  });
});

describe("net log: PAC scripts and SOCKS", () => {
  const pac = (body: string) =>
    `data:application/x-ns-proxy-autoconfig;base64,${
      btoa(`function FindProxyForURL(url, host) { ${body} }`)
    }`;

  it("logs the PAC decider, the script's alert, and the SOCKS5 job and handshake", async () => {
    const ses = makeSession();
    const path = `${dir}/socks-${counter}.json`;
    await ses.netLog.startLogging(path);
    const script = pac(`alert("asked for " + host); return "SOCKS5 127.0.0.1:${dante.port}";`);
    await ses.setProxy({ mode: "pac_script", pacScript: script });
    const url = `${lanOrigin.url}/socks`;
    assert.equal((await (await ses.fetch(url)).json()).path, "/socks");
    await ses.netLog.stopLogging();
    const file = NetLogFile.read(path);

    const [decider] = file.named("PAC_FILE_DECIDER");
    assert.equal(decider.sourceType, "PAC_FILE_DECIDER");
    const deciderTrail = file.trail(decider.source.id);
    assert.deepEqual(deciderTrail, [
      "PAC_FILE_DECIDER:1",
      "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT:1",
      "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT:2",
      "PAC_FILE_DECIDER:2",
    ]);
    assert.equal(
      file.one(decider.source.id, "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT", 1).params.source,
      script,
    );
    const [change] = file.named("PROXY_CONFIG_CHANGED");
    assert.deepEqual(change.params.new_config, { pac_url: script });
    assert.deepEqual(file.named("PAC_JAVASCRIPT_ALERT").map((e) => e.params.message), [
      `asked for ${lanAddress()}`,
    ]);

    const controller = file.controller(file.request(url));
    const resolved = file.one(controller, "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST");
    assert.equal(resolved.params.pac_string, `SOCKS5 127.0.0.1:${dante.port}`);
    const jobRef =
      file.one(controller, "SOCKET_POOL_BOUND_TO_CONNECT_JOB").params.source_dependency;
    assert.equal(file.dependency(jobRef)[0].sourceType, "SOCKS_CONNECT_JOB");
    seen(file.trail(jobRef.id), [
      "CONNECT_JOB:1",
      "SOCKS_CONNECT_JOB_CONNECT:1",
      "CONNECT_JOB_SET_SOCKET:0",
      "SOCKS_CONNECT_JOB_CONNECT:2",
      "CONNECT_JOB:2",
    ]);
    const socketRef = file.one(controller, "SOCKET_POOL_BOUND_TO_SOCKET").params.source_dependency;
    const socketTrail = file.trail(socketRef.id);
    seen(socketTrail, [
      "SOCKET_ALIVE:1",
      "TCP_CONNECT:1",
      "TCP_CONNECT:2",
      "SOCKS5_CONNECT:1",
      "SOCKS5_CONNECT:2",
      "SOCKET_IN_USE:1",
    ]);
    assert.equal(
      file.one(socketRef.id, "SOCKS5_CONNECT", 1).params.host,
      `${lanAddress()}:${lanOrigin.port}`,
    );
    assert.equal(file.one(socketRef.id, "SOCKS5_CONNECT", 2).params, undefined);
  });

  it("logs a script error, and a dead proxy's fallback and report", async () => {
    const ses = makeSession();
    const path = `${dir}/fallback-${counter}.json`;
    const dead = await freePort();
    await ses.setProxy({
      mode: "pac_script",
      pacScript: pac(
        `if (url.indexOf("/boom") >= 0) throw new Error("boom"); return "PROXY 127.0.0.1:${dead}; DIRECT";`,
      ),
    });
    await ses.netLog.startLogging(path);
    const url = `${lanOrigin.url}/fallback`;
    assert.equal((await (await ses.fetch(url)).json()).path, "/fallback");
    assert.equal((await (await ses.fetch(`${lanOrigin.url}/boom`)).json()).path, "/boom");
    await ses.netLog.stopLogging();
    const file = NetLogFile.read(path);

    const request = file.request(url);
    const resolved = file.one(
      file.controller(request),
      "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST",
    );
    assert.equal(resolved.params.pac_string, `PROXY 127.0.0.1:${dead};DIRECT`);
    assert.equal(
      file.one(request, "PROXY_LIST_FALLBACK").params.bad_proxy,
      `127.0.0.1:${dead}`,
    );
    assert.deepEqual(file.named("BAD_PROXY_LIST_REPORTED").map((e) => e.params.bad_proxy_list), [
      [`127.0.0.1:${dead}`],
    ]);
    const [error] = file.named("PAC_JAVASCRIPT_ERROR");
    assert.match(error.params.message, /boom/);
    assert.equal(typeof error.params.line_number, "number");
    // The script failed: Chromium goes DIRECT.
    const boom = file.controller(file.request(`${lanOrigin.url}/boom`));
    assert.equal(
      file.one(boom, "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST").params.pac_string,
      "DIRECT",
    );
  });

  it("logs nothing of the proxy once logging stopped", async () => {
    const ses = makeSession();
    const path = `${dir}/stopped-${counter}.json`;
    await ses.netLog.startLogging(path);
    await ses.netLog.stopLogging();
    await ses.setProxy({ proxyRules: `127.0.0.1:${tiny.port}`, proxyBypassRules: "<-loopback>" });
    await (await ses.fetch(`${origin.url}/after-stop`)).json();
    assert.deepEqual(NetLogFile.read(path).events, []);
  });
});
