/**
 * websession used from another project, as its users get it: a Deno project that imports the JSR
 * package (`@websession/websession`, linked to this checkout with deno.json's `links`) and a Bun
 * project that depends on it by path (`"websession": "file:..."`). Both live in a temporary
 * folder outside the repository, type-check (`deno check`, `tsc --noEmit`) and run
 * `fixtures/consumer/consumer.ts`, and import every entry point of the exports maps.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bun, denoExecutable, ok, root } from "./_process.ts";

const denoJson = JSON.parse(await readFile(join(root, "deno.json"), "utf8")) as {
  name: string;
  version: string;
  exports: Record<string, string>;
};
const packageJson = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, string>;
  devDependencies: Record<string, string>;
};
const script = await readFile(new URL("./fixtures/consumer/consumer.ts", import.meta.url), "utf8");

/** What the consumer script prints when everything works. */
const EXPECTED = {
  cookie: "sid=consumer-1",
  header: "websession",
  blocked: "net::ERR_BLOCKED_BY_CLIENT",
  viaNet: "sid=consumer-1",
  stored: ["sid=consumer-1"],
  matches: true,
  cdp: "function",
};

/** The last line of a script's stdout, as JSON. */
function lastLine(stdout: string): unknown {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** A script importing every entry point of `exports` under `name`, printing how many names each has. */
function everyExport(name: string): string {
  const keys = Object.keys(denoJson.exports);
  const imports = keys.map((key, i) => `import * as e${i} from "${name}${key.slice(1)}";`);
  const counts = keys.map((key, i) => `  ${JSON.stringify(key)}: Object.keys(e${i}).length,`);
  return `${imports.join("\n")}\nconsole.log(JSON.stringify({\n${counts.join("\n")}\n}));\n`;
}

/** Checks the output of `everyExport`: every entry point loaded and has exports. */
function assertEveryExport(stdout: string): void {
  const counts = lastLine(stdout) as Record<string, number>;
  assert.deepEqual(Object.keys(counts), Object.keys(denoJson.exports));
  for (const [key, count] of Object.entries(counts)) {
    assert.ok(count > 0, `The entry point ${key} has no exports`);
  }
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe("websession used from another project", () => {
  let dir: string;
  let deno: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "websession-consumer-"));
    deno = await denoExecutable();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("package.json exports the entry points deno.json exports", () => {
    assert.deepEqual(packageJson.exports, denoJson.exports);
  });

  // Each runtime's test run builds the consumer project of its own runtime (the other one's is the
  // same subprocesses, which that runtime's run builds): `deno task test` runs both.
  const underBun = "Bun" in globalThis;
  // an install, a type-check of the whole library and two runs: on a loaded CI more than the
  // runner's 120 s per test
  const slow = { timeout: 600_000 };

  if (!underBun) {
    it(
      "Deno: a project importing the JSR package type-checks and runs the script",
      slow,
      async () => {
        const project = join(dir, "deno");
        const name = denoJson.name;
        await writeFiles(project, {
          // What `deno add jsr:@websession/websession` writes, with the package linked to this
          // checkout (jsr.io is not needed). A linked package's npm dependencies resolve from its
          // node_modules, which needs "manual"; node: types come from @types/node in ours.
          "deno.json": json({
            imports: { [name]: `jsr:${name}@^${denoJson.version}` },
            links: [root],
            nodeModulesDir: "manual",
          }),
          "package.json": json({
            private: true,
            devDependencies: { "@types/node": packageJson.devDependencies["@types/node"] },
          }),
          "main.ts": script,
          "exports.ts": everyExport(name),
        });
        await ok(deno, ["install"], project);
        await ok(deno, ["check", "main.ts", "exports.ts"], project);
        const env = { WEBSESSION_HOME: join(project, ".websession") };
        assert.deepEqual(
          lastLine(await ok(deno, ["run", "-A", "main.ts"], project, env)),
          EXPECTED,
        );
        assertEveryExport(await ok(deno, ["run", "-A", "exports.ts"], project, env));
      },
    );
  }

  if (underBun) {
    it(
      "Bun: a project depending on the package by path type-checks with tsc and runs the script",
      slow,
      async () => {
        const project = join(dir, "bun");
        const name = packageJson.name;
        await writeFiles(project, {
          "package.json": json({
            name: "consumer",
            private: true,
            type: "module",
            dependencies: { [name]: `file:${root}` },
            devDependencies: {
              typescript: packageJson.devDependencies.typescript,
              "@types/node": packageJson.devDependencies["@types/node"],
            },
          }),
          "tsconfig.json": json({
            compilerOptions: {
              target: "esnext",
              module: "preserve",
              moduleResolution: "bundler",
              allowImportingTsExtensions: true,
              resolveJsonModule: true,
              noEmit: true,
              strict: true,
              types: ["node"],
            },
            include: ["main.ts", "exports.ts"],
          }),
          // The same script, importing the npm name.
          "main.ts": script.replaceAll(`"${denoJson.name}`, `"${name}`),
          "exports.ts": everyExport(name),
        });
        await ok(bun, ["install", "--prefer-offline"], project);
        await ok(bun, ["node_modules/typescript/bin/tsc", "-p", "."], project);
        const env = { WEBSESSION_HOME: join(project, ".websession") };
        assert.deepEqual(lastLine(await ok(bun, ["main.ts"], project, env)), EXPECTED);
        assertEveryExport(await ok(bun, ["exports.ts"], project, env));
      },
    );
  }
});
