// The Redis store as another project gets it: the published entry `store/redis`, imported from a
// project outside the repository that installs websession by path (Deno: the JSR name linked to
// this checkout; Bun: `"websession": "file:..."`; the runtime running this test decides which).
// One process sets a cookie through a session on the store, a second one started afterwards
// reads it from Redis, and a third hears the second's change (`cookies.on('changed')`).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { bun, denoExecutable, ok, root } from "../../_process.ts";
import { onBun } from "../../_plugin_project.ts";
import { type RedisServer, startRedis } from "../../_redis.ts";
import { needs } from "../../_system.ts";

const denoJson = JSON.parse(await readFile(join(root, "deno.json"), "utf8"));
const packageJson = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
/** The package's name as the project imports it. */
const name: string = onBun ? packageJson.name : denoJson.name;

/** `main.ts URL set|get|watch`: what one session on the shared store does, printed as JSON. */
const SCRIPT = `import process from "node:process";
import { configure, session } from "${name}";
import { RedisStore, redisStoreFactory } from "${name}/store/redis";

const [url, mode] = process.argv.slice(-2);
configure({ store: redisStoreFactory(url) });
const ses = session.fromPartition("persist:consumer");
await ses.ready;
const target = { url: "https://example.org/" };
if (mode === "watch") {
  ses.cookies.on("changed", (_event, cookie, _cause, removed) => {
    console.log(JSON.stringify({ changed: cookie.name + "=" + cookie.value, removed }));
    if (!removed) process.exit(0);
  });
  console.log(JSON.stringify({ watching: typeof RedisStore }));
} else {
  if (mode === "set") {
    await ses.cookies.set({ ...target, name: "shared", value: "1", expirationDate: 4e9 });
  }
  if (mode === "change") {
    await ses.cookies.set({ ...target, name: "shared", value: "2", expirationDate: 4e9 });
  }
  await ses.cookies.flushStore();
  const cookies = await ses.cookies.get(target);
  console.log(JSON.stringify({ cookies: cookies.map((c) => c.name + "=" + c.value) }));
  process.exit(0);
}
`;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The last line of `stdout`, as JSON. */
function lastLine(stdout: string): unknown {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

describe(`websession/store/redis from a project that installs websession by path (${onBun ? "Bun" : "Deno"})`, () => {
  needs("redis-server");
  let dir = "";
  let project = "";
  let runtime = "";
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), "websession-redis-entry-"));
    project = join(dir, "project");
    await mkdir(project);
    if (onBun) {
      runtime = bun;
      await writeFile(
        join(project, "package.json"),
        json({
          name: "consumer",
          private: true,
          type: "module",
          dependencies: { [name]: `file:${root}` },
        }),
      );
      await ok(bun, ["install", "--prefer-offline"], project);
    } else {
      runtime = await denoExecutable();
      await writeFile(
        join(project, "deno.json"),
        json({
          imports: { [name]: `jsr:${name}@^${denoJson.version}` },
          links: [root],
          nodeModulesDir: "manual",
        }),
      );
      await writeFile(
        join(project, "package.json"),
        json({
          private: true,
          devDependencies: { "@types/node": packageJson.devDependencies["@types/node"] },
        }),
      );
      await ok(runtime, ["install"], project);
    }
    await writeFile(join(project, "main.ts"), SCRIPT);
  });
  after(async () => {
    await redis?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs main.ts in its own process and storage folder; answers its last line. */
  async function main(mode: string, home: string): Promise<unknown> {
    const args = onBun ? ["main.ts", redis.url, mode] : ["run", "-A", "main.ts", redis.url, mode];
    const env = { WEBSESSION_HOME: join(dir, home) };
    return lastLine(await ok(runtime, args, project, env));
  }

  it("a cookie set in one process is read by the next and heard by a third", async () => {
    assert.deepEqual(await main("set", "a"), { cookies: ["shared=1"] });
    // Another process with its own storage folder: the cookie comes from Redis.
    assert.deepEqual(await main("get", "b"), { cookies: ["shared=1"] });

    // A watcher started before the change hears it (it prints once it is loaded).
    const args = onBun
      ? ["main.ts", redis.url, "watch"]
      : ["run", "-A", "main.ts", redis.url, "watch"];
    const watcher = spawn(runtime, args, {
      cwd: project,
      env: { ...process.env, NO_COLOR: "1", WEBSESSION_HOME: join(dir, "c") },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines: unknown[] = [];
    let pending = "";
    let watching!: () => void;
    const started = new Promise<void>((resolve) => (watching = resolve));
    // "close": its last lines are read by then, which "exit" does not wait for
    const exited = new Promise<number | null>((resolve) => watcher.on("close", resolve));
    watcher.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      let end;
      while ((end = pending.indexOf("\n")) >= 0) {
        const line = JSON.parse(pending.slice(0, end));
        pending = pending.slice(end + 1);
        lines.push(line);
        if ((line as { watching?: string }).watching) watching();
      }
    });
    // Not a timed assertion: only a guard so that a watcher that never hears ends the test.
    const guard = setTimeout(() => watcher.kill("SIGKILL"), 100_000);
    await Promise.race([started, exited]);
    assert.deepEqual(lines, [{ watching: "function" }]);
    assert.deepEqual(await main("change", "d"), { cookies: ["shared=2"] });
    assert.equal(await exited, 0, JSON.stringify(lines));
    clearTimeout(guard);
    // The overwrite fires `changed` twice, as in Electron: the old value removed, the new one set.
    assert.deepEqual(lines.slice(1).at(-1), { changed: "shared=2", removed: false });
  });
});
