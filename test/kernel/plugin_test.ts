import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  definePlugin,
  HookError,
  MissingPluginError,
  parseManifest,
  resolvePlugins,
  type Session,
  session,
} from "../../mod.ts";
import { serve } from "../_serve.ts";

declare module "../../kernel/session.ts" {
  interface Session {
    greeter: { greet(name: string): string };
  }
}

const greeter = definePlugin({
  manifest: {
    name: "greeter",
    version: "1.0.0",
    description: "adds ses.greeter and an x-greeting header",
    provides: ["greeting"],
    api: ["greeter"],
    hooks: ["beforeSendHeaders"],
  },
  setup(ctx) {
    ctx.provide({ greeter: { greet: (name: string) => `hello ${name}` } });
    ctx.tap("beforeSendHeaders", (request) => {
      const headers = new Headers(request.headers);
      headers.set("x-greeting", "hello");
      return { requestHeaders: headers };
    });
  },
});

function plugin(name: string, extra: Record<string, unknown> = {}, setup = () => {}) {
  return definePlugin({ manifest: { name, version: "1.0.0", ...extra }, setup });
}

describe("manifest", () => {
  it("fills defaults", () => {
    const manifest = parseManifest({ name: "tiny", version: "0.1.0" });
    assert.deepEqual(manifest.requires, []);
    assert.equal(manifest.isolation, "inline");
    assert.deepEqual(manifest.permissions, { net: [], read: [], write: [], env: [], devices: [] });
  });

  it("rejects unknown keys naming the plugin and the key", () => {
    assert.throws(
      () => parseManifest({ name: "tiny", version: "1.0.0", colour: "red" }),
      /Plugin tiny \(manifest\): unknown key "colour"/,
    );
    assert.throws(
      () => parseManifest({ name: "tiny", version: "1.0.0", permissions: { disk: [] } }),
      /Plugin tiny \(manifest\): unknown key "permissions.disk"/,
    );
  });

  it("rejects a bad name, version, hook or isolation, saying which field", () => {
    assert.throws(
      () => parseManifest({ name: "Not Kebab", version: "1.0.0" }),
      /"name" must be kebab-case/,
    );
    assert.throws(
      () => parseManifest({ name: "a", version: "one" }),
      /"version" must be a semantic version/,
    );
    assert.throws(
      () => parseManifest({ name: "a", version: "1.0.0", hooks: ["onFire"] }),
      /"hooks.0"/,
    );
    assert.throws(
      () => parseManifest({ name: "a", version: "1.0.0", isolation: "vm" }),
      /"isolation"/,
    );
    assert.throws(() => parseManifest("nope"), TypeError);
  });
});

describe("resolvePlugins", () => {
  it("orders plugins after what they require", () => {
    const a = plugin("order-a", { provides: ["x"] });
    const b = plugin("order-b", { requires: ["x"], provides: ["y"] });
    const c = plugin("order-c", { requires: ["y", "store"] });
    assert.deepEqual(resolvePlugins([c, b, a]).map((p) => p.name), [
      "order-a",
      "order-b",
      "order-c",
    ]);
  });

  it("names a missing requirement", () => {
    const a = plugin("needs-z", { requires: ["z"] });
    assert.throws(() => resolvePlugins([a]), /Plugin needs-z requires "z", which no plugin/);
  });

  it("refuses a plugin listed twice", () => {
    const a = plugin("twice");
    assert.throws(() => resolvePlugins([a, a]), /Plugin twice is listed twice/);
  });

  it("names a cycle", () => {
    const a = plugin("cycle-a", { provides: ["a"], requires: ["b"] });
    const b = plugin("cycle-b", { provides: ["b"], requires: ["a"] });
    assert.throws(() => resolvePlugins([a, b]), /cycle: cycle-a -> cycle-b -> cycle-a/);
  });

  it("lets two plugins add the same member to different sessions, not to one", async () => {
    const provider = (name: string, value: number) =>
      definePlugin<{ sharedMember: number }>({
        manifest: { name, version: "1.0.0", api: ["sharedMember"] },
        setup(ctx) {
          ctx.provide({ sharedMember: value });
        },
      });
    const one = provider("member-one", 1);
    const two = provider("member-two", 2);
    const a = session.fromPartition("member-a", { preset: false, plugins: [one] });
    const b = session.fromPartition("member-b", { preset: false, plugins: [two] });
    assert.equal(a.sharedMember, 1);
    assert.equal(b.sharedMember, 2);
    const both = session.fromPartition("member-both", { preset: false, plugins: [one, two] });
    const errors: HookError[] = [];
    both.on("hook-error", (_e, error) => errors.push(error as HookError));
    await both.ready;
    assert.equal(both.sharedMember, 1);
    assert.match(errors[0].message, /both add ses.sharedMember/);
  });

  it("refuses a member the kernel already has", async () => {
    const thief = plugin("fetch-thief", { api: ["fetch"] });
    const ses = session.fromPartition("fetch-thief", { preset: false, plugins: [thief] });
    const errors: HookError[] = [];
    ses.on("hook-error", (_e, error) => errors.push(error as HookError));
    await ses.ready;
    assert.equal(errors.length, 0, "declaring is fine; providing is refused");
    const second = definePlugin({
      manifest: { name: "fetch-thief-2", version: "1.0.0", api: ["fetch"] },
      setup(ctx) {
        ctx.provide({ fetch: () => null });
      },
    });
    await assert.rejects(ses.plugins.add(second), /failed to set up/);
    assert.equal(typeof ses.fetch, "function");
    assert.match(errors[0].message, /cannot add ses.fetch: the kernel has it/);
  });
});

describe("plugins in a session", () => {
  it("adds the API and taps the pipeline", async () => {
    const server = await serve((request) => new Response(request.headers.get("x-greeting")));
    try {
      const ses = session.fromPartition("plugin-greeter", { preset: false, plugins: [greeter] });
      await ses.ready;
      assert.equal(ses.greeter.greet("you"), "hello you");
      assert.deepEqual(ses.plugins.list().map((p) => [p.name, p.active]), [["greeter", true]]);
      assert.equal(await (await ses.fetch(server.url)).text(), "hello");
    } finally {
      await server.close();
    }
  });

  it("answers a member of a missing plugin with an error naming the plugin", () => {
    const ses: Session = session.fromPartition("plugin-missing", { preset: false, plugins: [] });
    assert.throws(
      () => ses.greeter,
      (error: Error) =>
        error instanceof MissingPluginError && /without the greeter plugin/.test(error.message) &&
        /ses\.greeter/.test(error.message),
    );
  });

  it("refuses a tap the manifest does not declare and a member it does not list", async () => {
    const errors: HookError[] = [];
    const sneaky = plugin("sneaky", { hooks: [] });
    const tapper = definePlugin({
      manifest: { name: "tapper", version: "1.0.0" },
      setup(ctx) {
        ctx.tap("beforeRequest", () => {});
      },
    });
    const provider = definePlugin({
      manifest: { name: "provider", version: "1.0.0" },
      setup(ctx) {
        ctx.provide({ somethingElse: 1 });
      },
    });
    const ses = session.fromPartition("plugin-undeclared", {
      preset: false,
      plugins: [sneaky, tapper, provider],
    });
    ses.on("hook-error", (_e, error) => errors.push(error as HookError));
    await ses.ready;
    assert.equal(errors.length, 2);
    assert.equal(errors[0].plugin, "tapper");
    assert.equal(errors[0].hook, "setup");
    assert.match(errors[0].message, /taps "beforeRequest", which its manifest does not list/);
    assert.match(errors[1].message, /provides ses.somethingElse, which its manifest does not list/);
    assert.deepEqual(ses.plugins.list().map((p) => [p.name, p.active]), [
      ["sneaky", true],
      ["tapper", false],
      ["provider", false],
    ]);
  });

  it("wraps a tap's error with the plugin and hook names and goes on", async () => {
    const server = await serve(() => new Response("fine"));
    try {
      const faulty = definePlugin({
        manifest: { name: "faulty", version: "1.0.0", hooks: ["beforeSendHeaders"] },
        setup(ctx) {
          ctx.tap("beforeSendHeaders", () => {
            throw new Error("tap exploded");
          });
        },
      });
      const ses = session.fromPartition("plugin-faulty", { preset: false, plugins: [faulty] });
      const errors: HookError[] = [];
      ses.on("hook-error", (_e, error) => errors.push(error as HookError));
      assert.equal(await (await ses.fetch(server.url)).text(), "fine");
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof HookError);
      assert.equal(errors[0].plugin, "faulty");
      assert.equal(errors[0].hook, "beforeSendHeaders");
      assert.equal((errors[0].cause as Error).message, "tap exploded");
    } finally {
      await server.close();
    }
  });

  it("runs teardowns when a plugin is removed and withdraws its members", async () => {
    let tornDown = 0;
    const temp = definePlugin({
      manifest: { name: "temp", version: "1.0.0", api: ["tempThing"] },
      setup(ctx) {
        ctx.provide({ tempThing: 42 });
        ctx.onTeardown(() => {
          tornDown++;
        });
        return () => {
          tornDown++;
        };
      },
    });
    const ses = session.fromPartition("plugin-remove", { preset: false, plugins: [] });
    await ses.plugins.add(temp);
    assert.equal((ses as unknown as { tempThing: number }).tempThing, 42);
    await assert.rejects(() => ses.plugins.add(temp), /already loaded/);
    await ses.plugins.remove("temp");
    assert.equal(tornDown, 2);
    assert.throws(() => (ses as unknown as { tempThing: number }).tempThing, MissingPluginError);
    await assert.rejects(() => ses.plugins.remove("temp"), /No plugin named temp/);
  });

  it("gives each plugin its own namespace of the partition's store", async () => {
    const writer = (name: string) =>
      definePlugin({
        manifest: { name, version: "1.0.0", requires: ["store"] },
        async setup(ctx) {
          await ctx.store.set("key", name);
        },
      });
    const ses = session.fromPartition("plugin-store", {
      preset: false,
      plugins: [writer("w-one"), writer("w-two")],
    });
    await ses.ready;
    assert.deepEqual(await ses.store.list(""), [["w-one/key", "w-one"], ["w-two/key", "w-two"]]);
  });
});
