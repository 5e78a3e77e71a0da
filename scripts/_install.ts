/**
 * Makes sure `node_modules` matches `package.json`, so that `deno task test` and friends work on a
 * fresh machine that has only Node and npm.
 *
 * @module
 */

/** The project root (the folder holding deno.json). */
export const root: string = new URL("..", import.meta.url).pathname;

/**
 * Installs the npm dependencies when `node_modules` is missing or older than `package.json`.
 *
 * @example
 * ```ts
 * await ensureInstalled();
 * ```
 */
export async function ensureInstalled(): Promise<void> {
  // A node_modules that is a link to another checkout's (a git worktree) is that checkout's to
  // install.
  if ((await Deno.lstat(`${root}node_modules`).catch(() => null))?.isSymlink) return;
  const stamp = await mtime(`${root}node_modules/.package-lock.json`);
  const manifest = await mtime(`${root}package.json`);
  if (stamp !== null && manifest !== null && stamp >= manifest) return;
  const npm = await which("npm");
  const cmd = npm
    ? new Deno.Command(npm, { args: ["install", "--no-audit", "--no-fund"], cwd: root })
    : new Deno.Command(Deno.execPath(), { args: ["install", "--allow-scripts"], cwd: root });
  const { code } = await cmd.spawn().status;
  if (code !== 0) throw new Error(`Installing the npm dependencies failed (exit ${code})`);
}

async function mtime(path: string): Promise<number | null> {
  try {
    return (await Deno.stat(path)).mtime?.getTime() ?? null;
  } catch {
    return null;
  }
}

async function which(name: string): Promise<string | null> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && (await mtime(`${dir}/${name}`)) !== null) return `${dir}/${name}`;
  }
  return null;
}
