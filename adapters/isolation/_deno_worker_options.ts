/**
 * Whether this Deno process may give a Worker permissions of its own: `--unstable-worker-options`
 * on the command line, or `"unstable": ["worker-options"]` in the deno.json Deno read. Deno has
 * no API that says so, and `new Worker` with `deno.permissions` without it ends the whole process
 * (exit code 70, not an exception), so this reads what Deno read: the command line
 * (`/proc/self/cmdline`) and the config file.
 *
 * @module
 */

/** The flag, as an error message names it. */
export const WORKER_OPTIONS_FLAG = "--unstable-worker-options";

/** The few members of Deno's API this reads (typed here so Bun's and tsc's checks need no Deno types). */
interface DenoApi {
  execPath(): string;
  args: string[];
  mainModule: string;
  cwd(): string;
  readTextFileSync(path: string): string;
  permissions: { querySync(descriptor: { name: "read"; path: string }): { state: string } };
  errors: { NotFound: new (...args: never[]) => Error };
}

let cached: boolean | null | undefined;

/**
 * True when worker options are enabled, false when they are not, null when this process cannot
 * tell (no read access to the command line or the config, another OS than Linux, a compiled
 * binary).
 *
 * @example
 * ```ts
 * if (workerOptionsEnabled() === false) throw new TypeError("Needs --unstable-worker-options");
 * ```
 */
export function workerOptionsEnabled(): boolean | null {
  if (cached === undefined) cached = probe();
  return cached;
}

function probe(): boolean | null {
  const deno = (globalThis as { Deno?: DenoApi }).Deno;
  if (!deno) return null;
  if (!/^deno(\.exe)?$/.test(basename(deno.execPath()))) return null; // `deno compile`d
  const cmdline = readText(deno, "/proc/self/cmdline");
  let flags: string[] | null = null;
  if (typeof cmdline === "string") {
    // What follows the script is the script's own arguments (Deno.args).
    const all = cmdline.split("\0").filter((arg) => arg !== "");
    flags = all.slice(0, all.length - deno.args.length);
    if (flags.includes(WORKER_OPTIONS_FLAG) || flags.includes("--unstable")) return true;
  }
  if (!flags?.includes("--no-config")) {
    const configs = configFiles(deno, flags ?? []);
    if (configs === null) return null;
    for (const path of configs) {
      const text = readText(deno, path);
      if (text === null) return null;
      if (typeof text === "string" && listsWorkerOptions(text)) return true;
    }
  }
  // Without the command line (no read access to it, not Linux) the flag may still be there.
  return flags === null ? null : false;
}

/** The config files Deno may have read (null when a folder cannot be looked at). */
function configFiles(deno: DenoApi, flags: string[]): string[] | null {
  const cwd = tryCwd(deno);
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    const given = flag === "--config" || flag === "-c"
      ? flags[i + 1]
      : flag.startsWith("--config=")
      ? flag.slice(9)
      : undefined;
    if (given !== undefined) {
      return [given.startsWith("/") || cwd === null ? given : `${cwd}/${given}`];
    }
  }
  // `deno run` looks from the script's folder, `deno test` and others from the working directory.
  const starts: string[] = [];
  if (deno.mainModule.startsWith("file:")) {
    starts.push(new URL(".", deno.mainModule).pathname.replace(/\/$/, ""));
  }
  if (cwd !== null) starts.push(cwd);
  const out: string[] = [];
  for (const start of starts) {
    // The nearest config, and above it a workspace root whose settings apply to its members.
    let nearest = true;
    for (let dir = start; dir !== ""; dir = dir.slice(0, dir.lastIndexOf("/"))) {
      for (const name of ["deno.json", "deno.jsonc"]) {
        const text = readText(deno, `${dir}/${name}`);
        if (text === null) return null;
        if (text === false) continue;
        if (nearest || /"workspace"\s*:/.test(text)) out.push(`${dir}/${name}`);
        nearest = false;
      }
    }
  }
  return out;
}

function listsWorkerOptions(config: string): boolean {
  const list = /"unstable"\s*:\s*\[([^\]]*)\]/.exec(config);
  return list !== null && /"worker-options"/.test(list[1]);
}

/** The file's text, false when it does not exist, null when it may not be read. */
function readText(deno: DenoApi, path: string): string | false | null {
  try {
    if (deno.permissions.querySync({ name: "read", path }).state !== "granted") return null;
    return deno.readTextFileSync(path);
  } catch (error) {
    return error instanceof deno.errors.NotFound ? false : null;
  }
}

function tryCwd(deno: DenoApi): string | null {
  try {
    return deno.cwd();
  } catch {
    return null;
  }
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}
