/**
 * The files `deno task new-plugin` writes: a plugin that builds and tests on its own, on Deno and
 * on Bun. An inline plugin gets one tap and one member; an isolated one (a Worker with only the
 * permissions its manifest lists) gets one tap, since an isolated plugin cannot add members.
 *
 * @module
 */

/** What to scaffold. */
export interface ScaffoldOptions {
  /** The plugin's name, kebab-case. */
  name: string;
  /** An isolated (`"isolation": "worker"`) plugin. */
  isolated: boolean;
  /**
   * Where the plugin gets websession from: a local checkout's path (linked: deno.json `links`,
   * package.json `file:`), or null for the registries (JSR for Deno, npm for Bun).
   */
  link: string | null;
  /** websession's version, for the registry ranges. */
  version: string;
  /** The `@types/node` range (node:test's types on Deno). */
  typesNode: string;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Checks a plugin name as the manifest schema does; throws a TypeError saying why.
 *
 * @example
 * ```ts
 * checkPluginName("request-logger"); // ok
 * ```
 */
export function checkPluginName(name: string): void {
  if (!KEBAB.test(name)) {
    throw new TypeError(
      `new-plugin: "${name}" is not a plugin name: use kebab-case (lower-case letters, digits and single hyphens, starting with a letter), e.g. request-logger`,
    );
  }
}

/** `request-logger` → `requestLogger`. */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `request-logger` → `RequestLogger`. */
function pascal(name: string): string {
  const c = camel(name);
  return c[0].toUpperCase() + c.slice(1);
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

function manifest(o: ScaffoldOptions): string {
  return json({
    name: o.name,
    version: "0.1.0",
    description: `${o.name}: adds an x-${o.name} header to every request`,
    entry: "./mod.ts",
    files: [],
    hooks: ["beforeSendHeaders"],
    api: o.isolated ? [] : [camel(o.name)],
    permissions: { net: [], read: [], write: [], env: [] },
    runtimes: ["deno", "bun", "browser"],
    isolation: o.isolated ? "worker" : "inline",
  });
}

function inlineModule(o: ScaffoldOptions): string {
  const member = camel(o.name);
  const type = `${pascal(o.name)}Members`;
  return `/**
 * ${o.name}: adds an \`x-${o.name}\` header to every request of the session and counts them in
 * \`ses.${member}.requestsSeen\`.
 *
 * @module
 */
import { definePlugin } from "websession";
import manifest from "./manifest.json" with { type: "json" };

/** The member this plugin adds to a session (\`ses.${member}\`). */
export interface ${type} {
  /** What the plugin has seen. */
  readonly ${member}: { readonly requestsSeen: number };
}

/** The plugin: \`session.fromPartition("x", { plugins: [plugin] })\` or \`ses.plugins.add(plugin)\`. */
const plugin = definePlugin<${type}>({
  manifest,
  setup(ctx) {
    let requestsSeen = 0;
    // A blocking stage: the answer is merged with other plugins' answers (see the guide).
    ctx.tap("beforeSendHeaders", (request) => {
      requestsSeen++;
      const headers = new Headers(request.headers);
      headers.set("x-${o.name}", ctx.manifest.version);
      return { requestHeaders: headers };
    });
    ctx.provide({
      ${member}: {
        get requestsSeen() {
          return requestsSeen;
        },
      },
    });
  },
});
export default plugin;
`;
}

function isolatedModule(o: ScaffoldOptions): string {
  return `/**
 * ${o.name}: adds an \`x-${o.name}\` header to every request of the session. It runs isolated in a
 * Worker that may read its own files and nothing else (its manifest's permissions), so it imports
 * only types from websession.
 *
 * @module
 */
import type { PipelineRequest, PluginContext } from "websession";

export default {
  setup(ctx: Pick<PluginContext, "tap" | "manifest">): void {
    ctx.tap("beforeSendHeaders", (request: PipelineRequest) => {
      const headers = new Headers(request.headers);
      headers.set("x-${o.name}", ctx.manifest.version);
      return { requestHeaders: headers };
    });
  },
};
`;
}

function inlineTest(o: ScaffoldOptions): string {
  const member = camel(o.name);
  return `import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { originServer, testSession } from "websession/testing";
import plugin from "./mod.ts";

describe("${o.name}", () => {
  it("adds its header to every request and counts them", async () => {
    const origin = await originServer();
    const { ses, log, close } = testSession([plugin]);
    try {
      await (await ses.fetch(\`\${origin.url}/a\`)).text();
      await (await ses.fetch(\`\${origin.url}/b\`)).text();
      assert.equal(origin.last().headers["x-${o.name}"], "0.1.0");
      assert.equal(ses.${member}.requestsSeen, 2);
      assert.deepEqual(
        log.decisionsOf("${o.name}").map((d) => [d.stage, d.applied]),
        [["beforeSendHeaders", true], ["beforeSendHeaders", true]],
      );
    } finally {
      await close();
      await origin.close();
    }
  });
});
`;
}

function isolatedTest(o: ScaffoldOptions): string {
  return `import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { originServer, testSession } from "websession/testing";

describe("${o.name}", () => {
  it("runs isolated and adds its header to every request", async () => {
    const origin = await originServer();
    const { ses, close } = testSession([]);
    try {
      // Bun's Workers cannot enforce the manifest's permissions: say that it is acceptable here.
      const info = await ses.plugins.load(new URL("./", import.meta.url), {
        allowUnenforcedIsolation: "Bun" in globalThis,
      });
      assert.equal(info.name, "${o.name}");
      await (await ses.fetch(origin.url)).text();
      assert.equal(origin.last().headers["x-${o.name}"], "0.1.0");
    } finally {
      await close();
      await origin.close();
    }
  });
});
`;
}

function denoJson(o: ScaffoldOptions): string {
  return json({
    imports: { websession: `jsr:@websession/websession@^${o.version}` },
    ...(o.link ? { links: [o.link] } : {}),
    nodeModulesDir: "manual",
    ...(o.isolated ? { unstable: ["worker-options"] } : {}),
    tasks: { test: "deno test -A" },
  });
}

function packageJson(o: ScaffoldOptions): string {
  return json({
    name: o.name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: { test: "bun test" },
    dependencies: { websession: o.link ? `file:${o.link}` : `^${o.version}` },
    devDependencies: { "@types/node": o.typesNode },
  });
}

function readme(o: ScaffoldOptions): string {
  return `# ${o.name}

A websession plugin${o.isolated ? " that runs isolated in a Worker" : ""}.

## Test

- Deno: \`deno install && deno task test\`
- Bun: \`bun install && bun test\`

## The manifest, field by field (JSON has no comments, so they are here)

- \`name\`: kebab-case, unique in a session; the plugin's name in errors, traces and
  \`ses.plugins.list()\`.
- \`version\`: a semantic version.
- \`description\`: one line.
- \`entry\`: the module to load, relative to the manifest; its default export is the plugin.
- \`files\`: the other files the plugin consists of; signed along with the entry and the manifest.
- \`hooks\`: the pipeline stages the plugin taps; tapping another one is refused.
- \`api\`: the session members the plugin adds (${
    o.isolated ? "none: an isolated plugin cannot add members" : `here \`ses.${camel(o.name)}\``
  }).
- \`provides\` / \`requires\`: capabilities, to order set-up between plugins (optional).
- \`permissions\`: what an isolated copy may touch: \`net\` hosts, \`read\`/\`write\` paths, \`env\`
  names. The plugin's own files are always readable.
- \`runtimes\`: where it runs (\`deno\`, \`bun\`, \`browser\`).
- \`isolation\`: \`inline\` (same thread, may add members) or \`worker\` (a Worker with only the
  permissions above; Deno enforces them, Bun and browsers cannot).

## Sign and load

From a websession checkout: \`deno task sign-plugin --generate-key key.jwk.json\` (prints the public
key), then \`deno task sign-plugin path/to/${o.name} --key key.jwk.json\`. Load it with
\`await ses.plugins.load("path/to/${o.name}", { trustedKeys: [publicKey], requireSignature: true })\`,
or into the session server with \`deno task start --plugin path/to/${o.name}\`.
The guide: websession's \`docs/plugins.md\`.
`;
}

/**
 * The files of a new plugin, by path relative to its folder.
 *
 * @example
 * ```ts
 * const files = scaffoldPlugin({
 *   name: "hello",
 *   isolated: false,
 *   link: null,
 *   version: "0.1.0",
 *   typesNode: "^26.0.0",
 * });
 * Object.keys(files).includes("manifest.json"); // true
 * ```
 */
export function scaffoldPlugin(o: ScaffoldOptions): Record<string, string> {
  checkPluginName(o.name);
  return {
    "manifest.json": manifest(o),
    "mod.ts": o.isolated ? isolatedModule(o) : inlineModule(o),
    "mod_test.ts": o.isolated ? isolatedTest(o) : inlineTest(o),
    "deno.json": denoJson(o),
    "package.json": packageJson(o),
    "README.md": readme(o),
    ".gitignore": "node_modules/\n.websession/\n",
  };
}
