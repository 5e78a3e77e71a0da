/**
 * A real redis-server for tests: its own port and folder, AOF with `appendfsync always` (so what
 * it acknowledged survives its own restart), stopped and restarted at will.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { freePort, waitForPort } from "./plugins/proxy/_servers.ts";
import { requireCommand } from "./_system.ts";

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** The port. */
  port: number;
  /** Stops it (SIGTERM: AOF is fsynced per write already). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/**
 * Starts redis-server on a free port of 127.0.0.1, with `requirepass` when a password is given.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * await redis.close();
 * ```
 */
export async function startRedis(password?: string): Promise<RedisServer> {
  const command = requireCommand("redis-server");
  const dir = mkdtempSync(`${tmpdir()}/websession-redis-`);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--daemonize",
      "no",
      ...(password ? ["--requirepass", password] : []),
    ]; // deno-fmt-ignore
    child = spawn(command, args, { stdio: "ignore" });
    await waitForPort(port);
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
