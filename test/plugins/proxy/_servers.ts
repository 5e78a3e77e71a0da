// Real servers for the proxy tests: an origin (http and https with a local CA), danted,
// tinyproxy and squid on 127.0.0.1, each in its own temp dir with its own log. Everything
// started here is stopped by pid.
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer, type Server } from "node:net";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { requireCommand, requireUser } from "../../_system.ts";
import { issueTestCerts, type TestCerts } from "../../_openssl_certs.ts";
import { SYSTEM_USERS } from "../../../scripts/_system_packages.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `websession-${prefix}-`));
  // squid and tinyproxy drop root for their own users and must still write their logs here.
  chmodSync(dir, 0o777);
  return dir;
}

export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function waitForPort(port: number, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Nothing listens on 127.0.0.1:${port}`);
}

/** A TLS CA and a leaf for localhost/127.0.0.1 signed by it (openssl, in a temp dir). */
export type Certs = TestCerts;

let certs: Certs | null = null;
/** The CA and leaf of the proxy tests (made once per process). */
export function makeCerts(): Certs {
  return certs ??= issueTestCerts("websession test CA", ["DNS:localhost", "IP:127.0.0.1"]);
}

/** An origin server answering `{method, path, headers, body}` as JSON. */
export interface Origin {
  port: number;
  url: string;
  hits: { method: string; path: string; headers: Record<string, string> }[];
  close(): Promise<void>;
}

/** This machine's first non-loopback IPv4 address (for targets the implicit bypass spares). */
export function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (!a.internal && (a.family === "IPv4" || (a.family as unknown) === 4)) return a.address;
    }
  }
  throw new Error("This machine has no non-loopback IPv4 address");
}

export function startOrigin(tls = false, hostname = "127.0.0.1"): Promise<Origin> {
  const hits: Origin["hits"] = [];
  const handler = async (request: Request): Promise<Response> => {
    const u = new URL(request.url);
    const headers = Object.fromEntries(request.headers);
    hits.push({ method: request.method, path: u.pathname + u.search, headers });
    if (u.pathname === "/big") return new Response("x".repeat(200_000));
    if (u.pathname === "/slow") {
      // Headers now, the body after a while: a request in flight.
      const body = new ReadableStream({
        async start(c) {
          c.enqueue(new TextEncoder().encode("first;"));
          await new Promise((r) => setTimeout(r, 1500));
          c.enqueue(new TextEncoder().encode("late"));
          c.close();
        },
      });
      return new Response(body);
    }
    if (u.pathname === "/chunked") {
      const body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode("chunk-1;"));
          c.enqueue(new TextEncoder().encode("chunk-2"));
          c.close();
        },
      });
      return new Response(body);
    }
    const body = request.body ? await request.text() : "";
    return Response.json({ method: request.method, path: u.pathname + u.search, headers, body });
  };
  const c = tls ? makeCerts() : null;
  if (g.Deno) {
    const server = g.Deno.serve(
      {
        hostname,
        port: 0,
        onListen() {},
        ...(c ? { cert: c.cert, key: c.key } : {}),
      },
      handler,
    );
    const port = server.addr.port;
    return Promise.resolve({
      port,
      url: `${tls ? "https" : "http"}://${hostname}:${port}`,
      hits,
      close: () => server.shutdown(),
    });
  }
  const server = g.Bun.serve({
    hostname,
    port: 0,
    fetch: handler,
    ...(c ? { tls: { cert: c.cert, key: c.key } } : {}),
  });
  return Promise.resolve({
    port: server.port,
    url: `${tls ? "https" : "http"}://${hostname}:${server.port}`,
    hits,
    close: () => Promise.resolve(server.stop(true)).then(() => {}),
  });
}

/** A real proxy server process with its log. */
export interface ProxyProcess {
  port: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

function spawnDaemon(cmd: string, args: string[], dir: string): ChildProcess {
  const child = spawn(cmd, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  child.on("exit", (code) => {
    if (code && code !== 0 && !(child as { stopped?: boolean }).stopped) {
      console.error(`${cmd} exited ${code}: ${out.slice(0, 2000)}`);
    }
  });
  return child;
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  (child as { stopped?: boolean }).stopped = true;
  if (child.exitCode === null && child.pid) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  rmSync(dir, { recursive: true, force: true });
}

/** The system user of danted's username method (`deno task test` creates it as root). */
export const SOCKS_USER = "wsproxy";

/** Its password, from the table of what the tests need. */
export const SOCKS_PASSWORD: string = SYSTEM_USERS.find((u) => u.name === SOCKS_USER)!.password;

export async function startDante(auth = false): Promise<ProxyProcess> {
  const danted = requireCommand("danted");
  if (auth) requireUser(SOCKS_USER);
  const dir = tempDir("danted");
  const port = await freePort();
  const logFile = join(dir, "danted.log");
  writeFileSync(
    join(dir, "danted.conf"),
    `logoutput: ${logFile}
internal: 127.0.0.1 port = ${port}
external: 127.0.0.1
clientmethod: none
socksmethod: ${auth ? "username" : "none"}
user.privileged: root
user.unprivileged: nobody
client pass {
  from: 127.0.0.0/8 to: 0.0.0.0/0
  log: connect disconnect error
}
socks pass {
  from: 127.0.0.0/8 to: 0.0.0.0/0
  log: connect disconnect error
}
`,
  );
  const child = spawnDaemon(danted, ["-f", join(dir, "danted.conf"), "-N", "1"], dir);
  await waitForPort(port);
  return {
    port,
    dir,
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    stop: () => stopChild(child, dir),
  };
}

export async function startTinyproxy(basicAuth?: [string, string]): Promise<ProxyProcess> {
  const tinyproxy = requireCommand("tinyproxy");
  const dir = tempDir("tinyproxy");
  const port = await freePort();
  const logFile = join(dir, "tinyproxy.log");
  writeFileSync(
    join(dir, "tinyproxy.conf"),
    `Port ${port}
Listen 127.0.0.1
Timeout 30
LogFile "${logFile}"
LogLevel Info
MaxClients 50
Allow 127.0.0.1
${basicAuth ? `BasicAuth ${basicAuth[0]} ${basicAuth[1]}` : ""}
DisableViaHeader No
`,
  );
  const child = spawnDaemon(tinyproxy, ["-d", "-c", join(dir, "tinyproxy.conf")], dir);
  await waitForPort(port);
  return {
    port,
    dir,
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    stop: () => stopChild(child, dir),
  };
}

export async function startSquid(): Promise<ProxyProcess> {
  const squid = requireCommand("squid");
  const dir = tempDir("squid");
  const port = await freePort();
  const conf = join(dir, "squid.conf");
  writeFileSync(
    conf,
    `http_port 127.0.0.1:${port}
acl localnet src 127.0.0.0/8
acl SSL_ports port 1-65535
acl CONNECT method CONNECT
http_access allow localnet
http_access deny all
cache deny all
cache_mem 8 MB
access_log stdio:${join(dir, "access.log")}
cache_log ${join(dir, "cache.log")}
pid_filename ${join(dir, "squid.pid")}
coredump_dir ${dir}
shutdown_lifetime 0 seconds
`,
  );
  const child = spawnDaemon(squid, ["-N", "-f", conf], dir);
  await waitForPort(port, 20000);
  return {
    port,
    dir,
    log: () => {
      const f = join(dir, "access.log");
      return existsSync(f) ? readFileSync(f, "utf8") : "";
    },
    stop: () => stopChild(child, dir),
  };
}

/** A TLS front (socat) for a plain proxy: an "HTTPS proxy" on 127.0.0.1 with the test CA's leaf. */
export async function startTlsFront(target: number): Promise<ProxyProcess> {
  const socat = requireCommand("socat");
  const c = makeCerts();
  const dir = tempDir("tls-front");
  writeFileSync(join(dir, "leaf.pem"), c.cert);
  writeFileSync(join(dir, "leaf.key"), c.key);
  const port = await freePort();
  const child = spawnDaemon(socat, [
    `openssl-listen:${port},bind=127.0.0.1,reuseaddr,fork,cert=${join(dir, "leaf.pem")},` +
    `key=${join(dir, "leaf.key")},verify=0`,
    `tcp:127.0.0.1:${target}`,
  ], dir);
  await waitForPort(port);
  return { port, dir, log: () => "", stop: () => stopChild(child, dir) };
}
