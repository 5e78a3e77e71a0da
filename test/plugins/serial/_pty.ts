/**
 * Real serial-like ports for the serial tests: `socat` joins a pty (the "port", in a folder the
 * adapter lists) to a scripted device (a shell command reading what the port writes and writing
 * what the port reads), or to a second pty.
 *
 * @module
 */
import { after } from "node:test";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireCommand } from "../../_system.ts";

/** A folder of ports for one test file. */
export function portFolder(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "websession-serial-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A running socat: `path` is the port's link; `stop()` unplugs it. */
export interface FakeDevice {
  path: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts socat with a pty at `path` and the other address `device` (e.g. `SYSTEM:cat` for an
 * echo device, or `pty,raw,echo=0,link=OTHER` for a pair).
 */
export async function startDevice(path: string, device: string): Promise<FakeDevice> {
  const socat = requireCommand("socat");
  const child = spawn(socat, [`pty,raw,echo=0,link=${path}`, device], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const until = Date.now() + 10_000;
  while (!existsSync(path)) {
    if (Date.now() > until) throw new Error(`socat did not create ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Wait also for the other side of a pair.
  const other = /link=([^,]+)$/.exec(device)?.[1];
  while (other && !existsSync(other)) await new Promise((resolve) => setTimeout(resolve, 10));
  return {
    path,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The ports of one test file: a folder, and the devices started in it, all stopped and the folder
 * removed after the file's tests.
 */
export function deviceRig(): {
  dir: string;
  running: FakeDevice[];
  start(name: string, device: string): Promise<FakeDevice>;
} {
  const folder = portFolder();
  const running: FakeDevice[] = [];
  after(async () => {
    await Promise.all(running.map((d) => d.stop()));
    folder.remove();
  });
  return {
    dir: folder.dir,
    running,
    async start(name, device) {
      const started = await startDevice(join(folder.dir, name), device);
      running.push(started);
      return started;
    },
  };
}
