// The two example plugins of examples/plugins, as a user ships them: copied out of the checkout,
// signed with `deno task sign-plugin`, loaded into one running session server with --plugin and
// --trusted-key. The isolated header-signer signs the next proxied request to its API host; the
// inline request-logger is listed as a signed add-on and can be unloaded through the API.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bun, denoExecutable, ok, root, runScript } from "../_process.ts";
import { copyLinked, onBun } from "../_plugin_project.ts";
import { serve, type TestServer } from "../_serve.ts";
import { curl, type ServerProcess, startServerProcess } from "./_server_process.ts";
import { needs } from "../_system.ts";
import { importKey, sign, signedText } from "../../examples/plugins/header-signer/sign.ts";

needs("curl");

const KEY = crypto.getRandomValues(new Uint8Array(32));

let dir = "";
let deno = "";
let api: TestServer;
let server: ServerProcess | undefined;

/** Runs one of the repository's scripts with Deno in `cwd`, as `deno task` would. */
async function script(name: string, args: string[], cwd: string) {
  const result = await runScript(deno, name, args, cwd);
  assert.equal(result.code, 0, result.output);
  return result.stdout;
}

/** An API call to the running server. */
async function call(path: string, init: RequestInit = {}) {
  const headers = { authorization: `Bearer ${server!.token}`, ...init.headers };
  return await fetch(`${server!.proxy}${path}`, { ...init, headers });
}

describe("the example plugins, signed and loaded into the session server", () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "websession-example-addons-"));
    deno = await denoExecutable();
    api = await serve((request) => {
      if (new URL(request.url).pathname === "/signing-key") return new Response(KEY);
      return Response.json({
        date: request.headers.get("x-signature-date"),
        signature: request.headers.get("x-signature"),
      });
    });
  });
  after(async () => {
    await server?.stop();
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("header-signer signs the next proxied request; request-logger is a signed add-on", async () => {
    const signer = join(dir, "header-signer");
    const logger = join(dir, "request-logger");
    await copyLinked(join(root, "examples/plugins/header-signer"), signer);
    await copyLinked(join(root, "examples/plugins/request-logger"), logger);
    // Installed as their author would before shipping (request-logger imports websession).
    for (const project of [signer, logger]) {
      await ok(onBun ? bun : deno, onBun ? ["install", "--prefer-offline"] : ["install"], project);
    }
    // The signer's config names its API host; it is one of the signed files.
    await writeFile(
      join(signer, "config.json"),
      JSON.stringify({ keyUrl: `${api.url}/signing-key` }),
    );

    const publicJwk = (await script("sign_plugin.ts", ["--generate-key", "key.jwk.json"], dir))
      .trim().split("\n").at(-1)!;
    await writeFile(join(dir, "trusted.jwk.json"), publicJwk);
    for (const project of [signer, logger]) {
      await script("sign_plugin.ts", [project, "--key", "key.jwk.json"], dir);
    }
    server = await startServerProcess(join(dir, "home"), [
      "--plugin",
      signer,
      "--plugin",
      logger,
      "--trusted-key",
      join(dir, "trusted.jwk.json"),
      "--allow-unenforced-isolation",
    ]);

    const answer = await curl([
      "-s",
      "-x",
      server.proxy,
      "-X",
      "POST",
      "-d",
      "x",
      `${api.url}/orders?id=7`,
    ]);
    const { date, signature } = JSON.parse(answer.stdout);
    assert.equal(typeof date, "string", answer.stdout);
    const expected = await sign(await importKey(KEY), signedText("POST", "/orders?id=7", date));
    assert.equal(signature, expected);

    const listed = await (await call("/api/plugins")).json() as Array<
      { name: string; addon: boolean; signed?: unknown; version: string }
    >;
    const addons = listed.filter((p) => p.addon).map((p) => `${p.name}@${p.version}`).sort();
    assert.deepEqual(addons, ["header-signer@1.0.0", "request-logger@1.0.0"]);

    const unloaded = await call("/api/plugins", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "request-logger" }),
    });
    assert.ok(unloaded.ok, `${unloaded.status} ${await unloaded.text()}`);
    const after = await (await call("/api/plugins")).json() as Array<{ name: string }>;
    assert.equal(after.some((p) => p.name === "request-logger"), false);
  });
});
