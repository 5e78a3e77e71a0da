/**
 * Finds and starts a local Chromium for CDP with a fresh profile, over `--remote-debugging-port=0`
 * (the WebSocket URL is read from stderr) or `--remote-debugging-pipe`; and stops it and removes
 * the profile. `node:` APIs only, so it works in Deno and Bun.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { builtin } from "../_builtin.ts";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { PipeTransport } from "./pipe.ts";
import type { BrowserProcess, BrowserStartOptions } from "../../kernel/cdp/browser.ts";

export { PipeTransport } from "./pipe.ts";
export type { CdpTransport } from "../../kernel/cdp/transport.ts";

/**
 * The flags every launched Chromium gets (the profile, port or pipe, headless come on top).
 *
 * @example
 * ```ts
 * import { CHROMIUM_FLAGS } from "./chromium.ts";
 * console.log(CHROMIUM_FLAGS.includes("--no-first-run")); // true
 * ```
 */
export const CHROMIUM_FLAGS: readonly string[] = Object.freeze([
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
]);

/** Where Chromium is looked for, after `CHROME_PATH`. */
const CANDIDATES = ["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"];

/**
 * The path of a Chromium executable: `CHROME_PATH`, `/usr/bin/chromium`, or `chromium`,
 * `chromium-browser`, `google-chrome` on the PATH; null when there is none.
 *
 * @example
 * ```ts
 * import { findChromium } from "./chromium.ts";
 * console.log(findChromium() ?? "no Chromium");
 * ```
 */
export function findChromium(): string | null {
  const env = process.env.CHROME_PATH;
  if (env) return executable(env) ? env : null;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of CANDIDATES) {
    if (name.includes("/")) {
      if (executable(name)) return name;
      continue;
    }
    for (const dir of dirs) {
      if (executable(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

function executable(path: string): boolean {
  try {
    builtin("node:fs").accessSync(path, builtin("node:fs").constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How to start Chromium (the kernel's {@linkcode BrowserStartOptions}). */
export type StartChromiumOptions = BrowserStartOptions;

/** A running Chromium: the kernel's {@linkcode BrowserProcess} with its pipe transport. */
export interface ChromiumProcess extends BrowserProcess {
  /** The pipe transport, when started with `pipe`. */
  readonly pipe: PipeTransport | null;
  /** Sends a signal to the process (SIGKILL by default). */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts Chromium with a fresh profile in a temporary directory.
 *
 * @example
 * ```ts ignore
 * import { startChromium } from "./chromium.ts";
 * const chromium = await startChromium({ pipe: true });
 * await chromium.dispose();
 * ```
 */
export async function startChromium(options: StartChromiumOptions = {}): Promise<ChromiumProcess> {
  const executablePath = options.executablePath ?? findChromium();
  if (!executablePath) {
    throw new Error(
      "No Chromium found: install one (Debian: apt-get install -y chromium) or set CHROME_PATH",
    );
  }
  if (!executable(executablePath)) {
    throw new Error(`Chromium did not start: ${executablePath} is not an executable file`);
  }
  const kept = options.userDataDir;
  if (kept) builtin("node:fs").mkdirSync(kept, { recursive: true, mode: 0o700 });
  const userDataDir = kept ??
    builtin("node:fs").mkdtempSync(join(tmpdir(), "websession-chromium-"));
  const removeProfile = () => {
    if (!kept) builtin("node:fs").rmSync(userDataDir, { recursive: true, force: true });
  };
  const pipe = options.pipe ?? false;
  const extra = options.args ?? [];
  const wantsPort = !pipe || extra.some((a) => a.startsWith("--remote-debugging-port"));
  const args = [
    ...CHROMIUM_FLAGS,
    `--user-data-dir=${userDataDir}`,
    ...(options.headless === false ? [] : ["--headless"]),
    ...(pipe ? ["--remote-debugging-pipe"] : []),
    ...(!pipe && !extra.some((a) => a.startsWith("--remote-debugging-port"))
      ? ["--remote-debugging-port=0"]
      : []),
    ...extra,
    "about:blank",
  ];
  let child: ChildProcess;
  try {
    child = spawn(executablePath, args, {
      stdio: pipe ? ["ignore", "ignore", "pipe", "pipe", "pipe"] : ["ignore", "ignore", "pipe"],
    });
  } catch (error) {
    removeProfile();
    throw error;
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
    child.once("error", () => resolve(-1));
  });
  let stderrTail = "";
  let resolveWs: (url: string | null) => void;
  const wsFound = new Promise<string | null>((resolve) => resolveWs = resolve);
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (text: string) => {
    stderrTail = (stderrTail + text).slice(-4000);
    const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderrTail);
    if (match) resolveWs(match[1]);
  });
  exited.then(() => resolveWs(null));
  let transport: PipeTransport | null = null;
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    transport?.close();
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        removeProfile();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  if (pipe) {
    try {
      transport = PipeTransport.fromChild(child);
    } catch (error) {
      await dispose();
      throw new Error(`Chromium did not start: ${(error as Error).message}`);
    }
  }
  let wsEndpoint: string | null = null;
  if (wantsPort) {
    const timeout = options.timeout ?? 30000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    wsEndpoint = await Promise.race([
      wsFound,
      new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), timeout)),
    ]);
    clearTimeout(timer);
    if (wsEndpoint === null) {
      await dispose();
      throw new Error(`Chromium did not start: ${stderrTail.trim().slice(-600) || "no output"}`);
    }
  }
  return {
    pid: child.pid!,
    wsEndpoint,
    pipe: transport,
    userDataDir,
    exited,
    kill: (signal = "SIGKILL") => {
      child.kill(signal);
    },
    dispose,
  };
}
