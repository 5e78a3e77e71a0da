import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { definePlugin, type PipelineRequest, session, type Tap, type TapGroup } from "../../mod.ts";

const answer = definePlugin({
  manifest: { name: "group-answer", version: "1.0.0", hooks: ["transport"] },
  setup(ctx) {
    ctx.tap("transport", (request) => new Response(request.url));
  },
});

const partitions: string[] = [];
after(async () => {
  for (const p of partitions) await session.closePartition(p);
});

describe("tap groups", () => {
  it("runs the selected taps only, each with its own install order for conflicts", async () => {
    const calls: string[] = [];
    const taps: Tap<"beforeRequest">[] = [];
    let group: TapGroup<"beforeRequest"> | null = null;
    const make = (label: string) =>
      group!.add(() => {
        calls.push(label);
        return { redirectUrl: `https://done.test/${label}` };
      }, label);
    const grouped = definePlugin({
      manifest: { name: "grouped", version: "1.0.0", hooks: ["beforeRequest"] },
      setup(ctx) {
        group = ctx.tapGroup(
          "beforeRequest",
          (request: PipelineRequest) =>
            taps.filter((t) => request.url.startsWith(`https://x.test/${t.label}`)),
        );
        taps.push(make("a"), make("b"));
      },
    });
    const plain = definePlugin({
      manifest: { name: "plain", version: "1.0.0", hooks: ["beforeRequest"] },
      setup(ctx) {
        ctx.tap(
          "beforeRequest",
          (request) =>
            request.url.includes("/late") ? { redirectUrl: "https://done.test/plain" } : undefined,
        );
      },
    });
    const ses = session.fromPartition("tap-group-1", {
      preset: false,
      plugins: [answer, grouped, plain],
    });
    partitions.push("tap-group-1");
    await ses.ready;
    const ignored: Array<{ label: string; winner: string }> = [];
    ses.on("action-ignored", (_e, d) => void ignored.push(d));
    assert.equal(await (await ses.fetch("https://x.test/a")).text(), "https://done.test/a");
    assert.deepEqual(calls, ["a"]);
    // The plain tap was installed after a and b: it wins.
    assert.equal(
      await (await ses.fetch("https://x.test/b/late")).text(),
      "https://done.test/plain",
    );
    assert.deepEqual(calls, ["a", "b"]);
    assert.deepEqual(ignored.map((i) => [i.label, i.winner]), [["b", "plain"]]);
    // A group tap made after the plain tap is more recent: it wins.
    taps.push(make("c"));
    assert.equal(await (await ses.fetch("https://x.test/c/late")).text(), "https://done.test/c");
    assert.deepEqual(ignored.map((i) => [i.label, i.winner]).at(-1), ["plain", "grouped:c"]);
    assert.equal(ses.pipeline.tapCount("beforeRequest"), 2);
  });

  it("refuses a stage the manifest does not list, and goes away at teardown", async () => {
    let error: unknown = null;
    const bad = definePlugin({
      manifest: { name: "bad-group", version: "1.0.0", hooks: ["completed"] },
      setup(ctx) {
        try {
          ctx.tapGroup("beforeRequest", () => []);
        } catch (e) {
          error = e;
        }
        ctx.tapGroup("completed", () => []);
      },
    });
    const ses = session.fromPartition("tap-group-2", { preset: false, plugins: [bad] });
    await ses.ready;
    assert.match(String(error), /does not list in hooks/);
    assert.equal(ses.pipeline.tapCount("completed"), 1);
    await session.closePartition("tap-group-2");
    assert.equal(ses.pipeline.tapCount("completed"), 0);
  });
});

describe("onTapAdded", () => {
  it("tells the stage of each tap and tap group installed after it subscribed, until unsubscribed", async () => {
    const partition = `tap-added-${Math.random().toString(36).slice(2)}`;
    partitions.push(partition);
    const ses = session.fromPartition(partition, { preset: false, plugins: [] });
    await ses.ready;
    const seen: string[] = [];
    const off = ses.pipeline.onTapAdded((stage) => seen.push(stage));
    const untap = ses.pipeline.tap("completed", () => {}, { plugin: "t" });
    const group = ses.pipeline.tapGroup("errorOccurred", () => [], { plugin: "t" });
    group.add(() => {}, "member"); // a member is not a tap of the list
    off();
    ses.pipeline.tap("responseStarted", () => {}, { plugin: "t" });
    assert.deepEqual(seen, ["completed", "errorOccurred"]);
    untap();
    group.remove();
  });
});
