/**
 * Runs the session server as a subprocess (on the runtime running the tests) and reads its
 * address and token from the `WEBSESSION_READY` line.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { IncomingMessage, Server } from "node:http";
import { connect as connectTcp, isIP, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { connect as connectTls, type TLSSocket } from "node:tls";
import { requireCommand } from "../_system.ts";

/**
 * How long a server process may take to start or to exit, in seconds: seconds on a quiet machine,
 * but a loaded 2-core CI (both runtimes' suites at once) has taken 17 s to start one.
 */
const SLOW_START_S = 60;

/** A server started for a test. */
export interface ServerProcess {
  /** `http://127.0.0.1:PORT` */
  proxy: string;
  /** The API token. */
  token: string;
  /** The path of the server's CA certificate. */
  caCert: string;
  /** base64 SHA-256 of the CA's SubjectPublicKeyInfo. */
  caSpki: string;
  /** Everything the server printed so far. */
  output(): string;
  /** The child process. */
  child: ChildProcess;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `web/server/main.ts` with `args`, storage under `home`.
 *
 * @example
 * ```ts
 * // const server = await startServerProcess("/tmp/home", ["--port", "0"]);
 * ```
 */
export async function startServerProcess(
  home: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawnServer(home, ["--port", "0", ...args], env);
  let text = "";
  const ready = new Promise<{ proxy: string; token: string; caCert: string; caSpki: string }>(
    (resolve, reject) => {
      const onData = (chunk: Uint8Array) => {
        text += new TextDecoder().decode(chunk);
        const line = /WEBSESSION_READY (\{.*\})/.exec(text);
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line[1]));
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (chunk: Uint8Array) => (text += new TextDecoder().decode(chunk)));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`The server exited with ${code}:\n${text}`));
      });
      const timer = setTimeout(() => {
        // Not left running behind the failed test (it would load the machine for the rest).
        child.kill("SIGKILL");
        reject(new Error(`The server did not start in ${SLOW_START_S} s:\n${text}`));
      }, SLOW_START_S * 1000);
    },
  );
  const { proxy, token, caCert, caSpki } = await ready;
  return {
    proxy,
    token,
    caCert,
    caSpki,
    child,
    output: () => text,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/**
 * Runs `web/server/main.ts` with exactly `args` until it exits (for `--help` and start-up
 * failures); resolves to its exit code and output. Fails after `SLOW_START_S` s.
 *
 * @example
 * ```ts
 * // const { code, stdout } = await runServerToExit("/tmp/home", ["--help"]);
 * ```
 */
export function runServerToExit(
  home: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnServer(home, args);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Uint8Array) => (stdout += new TextDecoder().decode(c)));
  child.stderr!.on("data", (c: Uint8Array) => (stderr += new TextDecoder().decode(c)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`The server did not exit in ${SLOW_START_S} s:\n${stdout}${stderr}`));
    }, SLOW_START_S * 1000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function spawnServer(
  home: string,
  args: string[],
  env: Record<string, string> = {},
): ChildProcess {
  const main = new URL("../../web/server/main.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const isBun = "Bun" in globalThis;
  const runtimeArgs = isBun ? [main] : ["run", "-A", "--config", config, main];
  return spawn(process.execPath, [...runtimeArgs, ...args], {
    env: { ...process.env, ...env, WEBSESSION_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * Runs curl and resolves to its exit code, stdout and stderr.
 *
 * @example
 * ```ts
 * // const { stdout } = await curl(["-s", "http://127.0.0.1:1/"]);
 * ```
 */
export function curl(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(requireCommand("curl"), args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Uint8Array) => (stdout += new TextDecoder().decode(c)));
    child.stderr.on("data", (c: Uint8Array) => (stderr += new TextDecoder().decode(c)));
    // "close", not "exit": a process can exit before its output has all been read
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Makes `server` answer every upgrade request with `101 Switching Protocols` and then echo the
 * bytes it gets (a stand-in for a WebSocket origin).
 *
 * @example
 * ```ts
 * // echoUpgrades(httpServer);
 * ```
 */
export function echoUpgrades(server: Server): void {
  server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nx-path: ${req.url}\r\n\r\n`,
    );
    socket.on("data", (chunk: Uint8Array) => socket.write(chunk));
    socket.on("end", () => socket.end());
  });
}

/**
 * Sends WebSocket's upgrade request for `url` through `proxy` (absolute-form for `http:`, inside
 * a CONNECT tunnel over TLS trusting `caPem` for `https:`), then `ping`; resolves with what came
 * back as text once `ping` is echoed or the connection closes.
 *
 * @example
 * ```ts
 * // await upgradeThrough(server.proxy, "http://127.0.0.1:8080/chat"); // "HTTP/1.1 101 ...ping"
 * ```
 */
export async function upgradeThrough(proxy: string, url: string, caPem = ""): Promise<string> {
  const { hostname, port } = new URL(proxy);
  const target = new URL(url);
  const secure = target.protocol === "https:";
  let socket: Socket | TLSSocket = connectTcp(Number(port), hostname);
  await new Promise((resolve) => socket.once("connect", resolve));
  if (secure) {
    socket.write(`CONNECT ${target.host} HTTP/1.1\r\nhost: ${target.host}\r\n\r\n`);
    await new Promise((resolve) => socket.once("data", resolve));
    const name = isIP(target.hostname) ? undefined : target.hostname;
    socket = connectTls({ socket, host: target.hostname, ca: caPem, servername: name });
    await new Promise((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", reject);
    });
  }
  const requestTarget = secure ? `${target.pathname}${target.search}` : target.href;
  socket.write(
    `GET ${requestTarget} HTTP/1.1\r\nhost: ${target.host}\r\nupgrade: websocket\r\n` +
      `connection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
      `sec-websocket-version: 13\r\n\r\n`,
  );
  let text = "";
  return await new Promise((resolve) => {
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    socket.on("data", (chunk: Uint8Array) => {
      const first = !/\r\n\r\n/.test(text);
      text += new TextDecoder().decode(chunk);
      if (first && /^HTTP\/1\.1 101[^]*\r\n\r\n/.test(text)) socket.write("ping");
      if (text.endsWith("ping")) done();
    });
    socket.once("close", done);
    socket.once("error", done);
  });
}
