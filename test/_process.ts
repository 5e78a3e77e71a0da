/**
 * Running other programs from tests (deno, bun, scripts of this repository): to their end, with
 * their output kept for the assertion message.
 *
 * @module
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import process from "node:process";

/** The repository's root folder (no trailing slash). */
export const root: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The bun executable of the npm dependencies. */
export const bun: string = `${root}/node_modules/.bin/bun`;

/** How a program ended. */
export interface Run {
  /** Exit code (1 when it could not start or was killed). */
  code: number;
  /** Its stdout. */
  stdout: string;
  /** stdout then stderr. */
  output: string;
}

/** Runs a command to its end; never rejects. */
export function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeout = 120_000,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        timeout,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: "1", ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** Runs a command that must succeed; answers its stdout. */
export async function ok(
  cmd: string,
  args: string[],
  cwd: string,
  env?: Record<string, string>,
): Promise<string> {
  const result = await run(cmd, args, cwd, env);
  assert.equal(result.code, 0, `${[cmd, ...args].join(" ")} failed in ${cwd}:\n${result.output}`);
  return result.stdout;
}

/** The deno executable: this process under Deno, the npm package's otherwise. */
export async function denoExecutable(): Promise<string> {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  if (deno) return deno.execPath();
  return (await ok("npx", ["-y", "deno", "eval", "console.log(Deno.execPath())"], root)).trim();
}

/**
 * `deno task` for one of the repository's scripts as a user starts it in `cwd`: `scripts/<name>`
 * run by `deno` with `INIT_CWD` set to `cwd` (where the scripts resolve relative paths).
 */
export function runScript(deno: string, name: string, args: string[], cwd: string): Promise<Run> {
  return run(deno, ["run", "-A", `${root}/scripts/${name}`, ...args], cwd, { INIT_CWD: cwd });
}

/** How {@link runChild} ended. */
export interface ChildRun {
  /** Everything the child printed on stdout. */
  out: string;
  /** Its exit code (null when killed). */
  code: number | null;
  /** The signal that ended it (`SIGKILL` when `killWhen` fired or after 60 s), or null. */
  signal: string | null;
}

/**
 * Runs `script` with `args` on the runtime running the tests (Deno: `run -A --no-check`), stderr
 * inherited. Once `killWhen(stdout so far)` answers true, the child is killed with SIGKILL after
 * `killDelay` ms (a crash at a chosen moment); after 60 s it is killed anyway.
 */
export function runChild(
  script: string,
  args: string[],
  killWhen: (out: string) => boolean = () => false,
  killDelay = 0,
): Promise<ChildRun> {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [cmd, full] = deno
    ? [deno.execPath(), ["run", "-A", "--no-check", script, ...args]]
    : [process.execPath, [script, ...args]];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, full, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let killing = false;
    const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
    proc.stdout!.on("data", (chunk) => {
      out += chunk;
      if (killing || !killWhen(out)) return;
      killing = true;
      if (killDelay > 0) setTimeout(() => proc.kill("SIGKILL"), killDelay);
      else proc.kill("SIGKILL");
    });
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ out, code, signal });
    });
  });
}
