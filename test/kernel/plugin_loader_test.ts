import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { configure, detectRuntime, session } from "../../mod.ts";
import { isolationFor } from "../../adapters/isolation/mod.ts";
import type { Session } from "../../kernel/session.ts";
import type { HookError } from "../../kernel/errors.ts";
import { PluginSignatureError } from "../../kernel/messaging/plugin_signature.ts";
import {
  type EchoServer,
  echoServer,
  isDeno,
  keyPair,
  pluginCopy,
  sign,
} from "./_plugin_helpers.ts";

const root = new URL("../../", import.meta.url).pathname;
// what mod.ts is to do once the lead adds `isolation` to its configure() call
configure({ isolation: isolationFor(detectRuntime()) });
let counter = 0;

function newSession(options: Parameters<typeof session.fromPartition>[1] = {}): Session {
  return session.fromPartition(`plugin-loader-${++counter}`, {
    preset: false,
    plugins: [],
    ...options,
  });
}

function hookErrors(ses: Session): HookError[] {
  const errors: HookError[] = [];
  ses.on("hook-error", (_event, error) => errors.push(error as HookError));
  return errors;
}

async function json(ses: Session, url: string, init?: RequestInit) {
  const response = await ses.fetch(url, init);
  assert.equal(response.status, 200);
  return await response.json() as { headers: Record<string, string>; length: number };
}

function isSignatureError(reason: string, text: RegExp) {
  return (error: unknown) =>
    error instanceof PluginSignatureError && error.reason === reason && text.test(error.message);
}

describe("plugins.load: manifest, runtime, requires", () => {
  let server: EchoServer;
  before(async () => (server = await echoServer()));
  after(() => server.close());

  it("loads an inline plugin by path, lists it, and unloads it", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => (m.isolation = "inline"));
    const ses = newSession();
    try {
      const info = await ses.plugins.load(plugin.dir);
      assert.deepEqual(
        { name: info.name, isolation: info.isolation, active: info.active },
        { name: "header-plugin", isolation: "inline", active: true },
      );
      assert.deepEqual(ses.plugins.list().map((p) => p.name), ["header-plugin"]);
      assert.equal((await json(ses, server.url)).headers["x-websession-plugin"], "header-plugin");
      await ses.plugins.unload("header-plugin");
      assert.deepEqual(ses.plugins.list(), []);
      assert.equal((await json(ses, server.url)).headers["x-websession-plugin"], undefined);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses a manifest with an unknown key, naming the plugin and the key", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => (m.colour = "blue"));
    const ses = newSession();
    try {
      await assert.rejects(
        ses.plugins.load(`${plugin.dir}/manifest.json`),
        (e: Error) =>
          e instanceof TypeError && /header-plugin/.test(e.message) && /colour/.test(e.message),
      );
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses a plugin whose manifest does not list this runtime", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => (m.runtimes = ["browser"]));
    const ses = newSession();
    try {
      await assert.rejects(ses.plugins.load(plugin.dir), /does not run on (deno|bun)/);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses a plugin whose requires nothing provides", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => {
      m.isolation = "inline";
      m.requires = ["cookies"];
    });
    const ses = newSession();
    try {
      await assert.rejects(ses.plugins.load(plugin.dir), /requires "cookies"/);
      assert.deepEqual(ses.plugins.list(), []);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });
});

describe("plugins.load: signatures", () => {
  let trusted: Awaited<ReturnType<typeof keyPair>>;
  let server: EchoServer;
  before(async () => {
    trusted = await keyPair("EdDSA");
    server = await echoServer();
  });
  after(() => server.close());

  it("signs with `deno task sign-plugin` and loads with requireSignature", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => (m.isolation = "inline"));
    const keyFile = join(plugin.dir, "signing-key.jwk.json"); // not listed, so not signed
    await writeFile(keyFile, JSON.stringify(trusted.privateJwk));
    const deno = (globalThis as { Deno?: { execPath(): string } }).Deno?.execPath() ?? "deno";
    await new Promise<void>((resolve, reject) =>
      execFile(deno, ["run", "-A", `${root}scripts/sign_plugin.ts`, plugin.dir, "--key", keyFile], {
        cwd: root,
      }, (error) => (error ? reject(error) : resolve()))
    );
    const ses = newSession({ trustedKeys: [trusted.publicJwk], requireSignature: true });
    try {
      await ses.plugins.load(plugin.dir);
      assert.equal((await json(ses, server.url)).headers["x-websession-plugin"], "header-plugin");
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("accepts ES256 signatures too", async () => {
    const es = await keyPair("ES256");
    const plugin = await pluginCopy("header_plugin", (m) => (m.isolation = "inline"));
    await sign(plugin.dir, es.privateJwk);
    const ses = newSession({
      trustedKeys: [trusted.publicJwk, es.publicJwk],
      requireSignature: true,
    });
    try {
      await ses.plugins.load(plugin.dir);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses an unsigned plugin when signatures are required", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => (m.isolation = "inline"));
    const ses = newSession({ trustedKeys: [trusted.publicJwk], requireSignature: true });
    try {
      await assert.rejects(ses.plugins.load(plugin.dir), isSignatureError("unsigned", /unsigned/));
      assert.deepEqual(ses.plugins.list(), []);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses a plugin with one byte changed in its entry, saying which file", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => (m.isolation = "inline"));
    await sign(plugin.dir, trusted.privateJwk);
    const entry = join(plugin.dir, "mod.ts");
    const bytes = await readFile(entry);
    bytes[bytes.length - 2] ^= 1;
    await writeFile(entry, bytes);
    const ses = newSession({ trustedKeys: [trusted.publicJwk], requireSignature: true });
    try {
      await assert.rejects(
        ses.plugins.load(plugin.dir),
        isSignatureError("tampered", /\.\/mod\.ts changed/),
      );
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses a plugin whose manifest changed after signing", async () => {
    const plugin = await pluginCopy("header_plugin", (m) => (m.isolation = "inline"));
    await sign(plugin.dir, trusted.privateJwk);
    const path = join(plugin.dir, "manifest.json");
    const manifest = JSON.parse(await readFile(path, "utf8"));
    manifest.permissions.net = ["example.com"];
    await writeFile(path, JSON.stringify(manifest));
    const ses = newSession({ trustedKeys: [trusted.publicJwk], requireSignature: true });
    try {
      await assert.rejects(ses.plugins.load(plugin.dir), isSignatureError("tampered", /manifest/));
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses a plugin signed by a key the session does not trust", async () => {
    const stranger = await keyPair("EdDSA");
    const plugin = await pluginCopy("header_plugin", (m) => (m.isolation = "inline"));
    await sign(plugin.dir, stranger.privateJwk);
    const ses = newSession({ trustedKeys: [trusted.publicJwk], requireSignature: true });
    try {
      await assert.rejects(
        ses.plugins.load(plugin.dir),
        isSignatureError("untrusted", /untrusted key/),
      );
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });
});

describe("plugins.load: isolation in a Worker", () => {
  let server: EchoServer;
  let other: EchoServer;
  before(async () => {
    server = await echoServer();
    other = await echoServer("from the allowed host");
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  if (!isDeno) {
    it("refuses an isolated plugin where permissions are not enforced, unless allowed", async () => {
      const plugin = await pluginCopy("header_plugin");
      const ses = newSession();
      try {
        await assert.rejects(ses.plugins.load(plugin.dir), /allowUnenforcedIsolation/);
        assert.deepEqual(ses.plugins.list(), []);
        await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true });
        assert.equal((await json(ses, server.url)).headers["x-websession-plugin"], "header-plugin");
      } finally {
        await ses.close();
        await plugin.remove();
      }
    });
  }

  it("the example plugin: signed, loaded, isolated, run", async () => {
    const key = await keyPair();
    const plugin = await pluginCopy("header_plugin");
    await sign(plugin.dir, key.privateJwk);
    const ses = newSession({ trustedKeys: [key.publicJwk], requireSignature: true });
    try {
      const info = await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true });
      assert.equal(info.isolation, "worker");
      for (let i = 0; i < 3; i++) {
        const seen = await json(ses, `${server.url}?n=${i}`);
        assert.equal(seen.headers["x-websession-plugin"], "header-plugin");
      }
      await ses.plugins.unload("header-plugin");
      assert.equal((await json(ses, server.url)).headers["x-websession-plugin"], undefined);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("a request body crosses to the isolated plugin as a stream and still reaches the server", async () => {
    const plugin = await pluginCopy("probe_plugin");
    const ses = newSession();
    try {
      await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true });
      const chunks = [new Uint8Array(70000).fill(1), new Uint8Array(30000).fill(2)];
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of chunks) controller.enqueue(c);
          controller.close();
        },
      });
      const seen = await json(ses, server.url, {
        method: "POST",
        headers: { "x-try": "body" },
        body,
        duplex: "half",
      } as RequestInit);
      assert.equal(seen.headers["x-probe"], "100000");
      assert.equal(seen.length, 100000);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  for (const how of ["hang", "spin"] as const) {
    it(`cuts off a plugin whose hook ${how === "hang" ? "never answers" : "spins"}, and goes on`, async () => {
      const plugin = await pluginCopy("probe_plugin");
      const ses = newSession();
      const errors = hookErrors(ses);
      try {
        await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true, hookTimeout: 400 });
        const started = Date.now();
        const seen = await json(ses, server.url, { headers: { "x-try": how } });
        assert.ok(Date.now() - started < 3000);
        assert.equal(seen.headers["x-probe"], undefined);
        assert.ok(
          errors.some((e) =>
            e.plugin === "probe-plugin" && /Timed out after 400 ms/.test(e.message)
          ),
        );
        await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(ses.plugins.list(), []);
        assert.equal((await json(ses, server.url)).headers["x-probe"], undefined);
      } finally {
        await ses.close();
        await plugin.remove();
      }
    });
  }

  it("reports a hook that throws with the plugin's name and keeps the plugin", async () => {
    const plugin = await pluginCopy("probe_plugin");
    const ses = newSession();
    const errors = hookErrors(ses);
    try {
      await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true });
      const seen = await json(ses, server.url, { headers: { "x-try": "throw" } });
      assert.equal(seen.headers["x-probe"], undefined);
      assert.ok(errors.some((e) => e.plugin === "probe-plugin" && /Probe failure/.test(e.message)));
      assert.equal(ses.plugins.list().length, 1);
      assert.equal((await json(ses, server.url)).headers["x-probe"], "ok");
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("refuses a plugin whose setup fails in its Worker, and can load it again once fixed", async () => {
    const plugin = await pluginCopy("probe_plugin");
    const entry = join(plugin.dir, "mod.ts");
    const good = await readFile(entry, "utf8");
    await writeFile(entry, 'throw new Error("Broken at import");\n');
    const ses = newSession();
    const errors = hookErrors(ses);
    try {
      await assert.rejects(
        ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true }),
        /probe-plugin failed to set up/,
      );
      assert.ok(
        errors.some((e) => e.plugin === "probe-plugin" && /Broken at import/.test(e.message)),
      );
      assert.deepEqual(ses.plugins.list(), []);
      await writeFile(entry, good);
      await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true });
      assert.equal((await json(ses, server.url)).headers["x-probe"], "ok");
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  it("reports and unloads a plugin that crashes its Worker; the session keeps working", async () => {
    const plugin = await pluginCopy("probe_plugin");
    const ses = newSession();
    const errors = hookErrors(ses);
    try {
      await ses.plugins.load(plugin.dir, { allowUnenforcedIsolation: true });
      await json(ses, server.url, { headers: { "x-try": "crash" } });
      for (let i = 0; i < 50 && ses.plugins.list().length > 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(ses.plugins.list(), []);
      assert.ok(errors.some((e) => e.plugin === "probe-plugin" && /crash|exited/i.test(e.message)));
      assert.equal((await json(ses, server.url)).headers["x-probe"], undefined);
    } finally {
      await ses.close();
      await plugin.remove();
    }
  });

  if (isDeno) {
    const secretDir = () => join(root, "test/fixtures/probe_plugin");
    const cases = [
      {
        what: "read a file",
        try: "read",
        arg: () => join(secretDir(), "..", "header_plugin", "header.ts"),
      },
      { what: "fetch another host", try: "net", arg: () => other.url },
      { what: "read an env var", try: "env", arg: () => "WEBSESSION_PROBE_SECRET" },
      {
        what: "write a file",
        try: "write",
        arg: () => join(tmpdir(), "websession-probe-written.txt"),
      },
      { what: "escalate its permissions", try: "escalate", arg: () => "" },
    ];
    for (const c of cases) {
      it(`an isolated plugin cannot ${c.what}: disabled, reported, the request goes on`, async () => {
        const plugin = await pluginCopy("probe_plugin", (m) => {
          m.permissions = { net: [server.host], read: [], write: [], env: ["HOME"] };
        });
        const ses = newSession();
        const errors = hookErrors(ses);
        try {
          await ses.plugins.load(plugin.dir);
          const seen = await json(ses, server.url, {
            headers: { "x-try": c.try, "x-arg": c.arg() },
          });
          assert.equal(seen.headers["x-probe"], undefined);
          assert.equal(seen.headers["x-try"], c.try, "the request went on with its own headers");
          const error = errors.find((e) => e.plugin === "probe-plugin");
          assert.ok(error, "a hook-error names the plugin");
          assert.match(String((error!.cause as Error)?.name ?? error!.message), /NotCapable/);
          await new Promise((r) => setTimeout(r, 20));
          assert.deepEqual(ses.plugins.list(), []);
          assert.equal((await json(ses, server.url)).headers["x-probe"], undefined);
        } finally {
          await ses.close();
          await plugin.remove();
        }
      });
    }

    it("an isolated plugin can do exactly what its manifest declares", async () => {
      const file = join(root, "test/fixtures/header_plugin/header.ts");
      const plugin = await pluginCopy("probe_plugin", (m) => {
        m.permissions = {
          net: [other.host],
          read: [file],
          write: [],
          env: ["WEBSESSION_PROBE_OK"],
        };
      });
      const process =
        (globalThis as unknown as { process: { env: Record<string, string> } }).process;
      process.env.WEBSESSION_PROBE_OK = "allowed value";
      const ses = newSession();
      const errors = hookErrors(ses);
      try {
        await ses.plugins.load(plugin.dir);
        const probe = async (t: string, arg: string) =>
          decodeURIComponent(
            (await json(ses, server.url, { headers: { "x-try": t, "x-arg": arg } }))
              .headers["x-probe"],
          );
        assert.match(await probe("read", file), /x-websession-plugin/);
        assert.match(await probe("net", other.url), /from the allowed host/);
        assert.equal(await probe("env", "WEBSESSION_PROBE_OK"), "allowed value");
        assert.deepEqual(errors, []);
        assert.equal(ses.plugins.list().length, 1);
      } finally {
        delete process.env.WEBSESSION_PROBE_OK;
        await ses.close();
        await plugin.remove();
      }
    });
  }
});
