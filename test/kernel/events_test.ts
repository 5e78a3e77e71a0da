import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Emitter, session } from "../../mod.ts";

describe("Emitter", () => {
  it("calls listeners with an event object first, then the arguments", () => {
    const emitter = new Emitter();
    const seen: unknown[] = [];
    emitter.on("x", (event, a, b) => seen.push(typeof event.preventDefault, a, b));
    emitter.emit("x", 1, 2);
    assert.deepEqual(seen, ["function", 1, 2]);
  });

  it("reports preventDefault through defaultPrevented", () => {
    const emitter = new Emitter();
    assert.equal(emitter.emit("x").defaultPrevented, false);
    emitter.on("x", (event) => event.preventDefault());
    assert.equal(emitter.emit("x").defaultPrevented, true);
  });

  it("supports once, off and removeAllListeners", () => {
    const emitter = new Emitter();
    let count = 0;
    const listener = () => count++;
    emitter.once("x", listener);
    emitter.emit("x");
    emitter.emit("x");
    assert.equal(count, 1);
    emitter.on("x", listener);
    emitter.off("x", listener);
    emitter.emit("x");
    assert.equal(count, 1);
    emitter.once("y", listener);
    emitter.off("y", listener);
    emitter.emit("y");
    assert.equal(count, 1);
    emitter.on("z", listener).on("z", listener);
    assert.equal(emitter.listenerCount("z"), 2);
    emitter.removeAllListeners("z");
    assert.equal(emitter.listenerCount("z"), 0);
  });

  it("keeps calling the other listeners when one throws, and reports the error", () => {
    const reported: unknown[] = [];
    const emitter = new Emitter((error, name) => reported.push([name, (error as Error).message]));
    const calls: string[] = [];
    emitter.on("x", () => {
      calls.push("first");
      throw new Error("boom");
    });
    emitter.on("x", () => calls.push("second"));
    emitter.emit("x");
    assert.deepEqual(calls, ["first", "second"]);
    assert.deepEqual(reported, [["x", "boom"]]);
  });

  it("reports a rejected promise of an async listener", async () => {
    const reported: unknown[] = [];
    const emitter = new Emitter((error) => reported.push((error as Error).message));
    emitter.on("x", () => Promise.reject(new Error("later")));
    emitter.emit("x");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(reported, ["later"]);
  });

  it("refuses a listener that is not a function", () => {
    assert.throws(() => new Emitter().on("x", 1 as never), TypeError);
  });

  it("reports a session listener's error as a hook-error event naming the event", () => {
    const ses = session.fromPartition("events-report", { preset: false, plugins: [] });
    const errors: Error[] = [];
    ses.on("hook-error", (_event, error) => errors.push(error as Error));
    ses.on("custom", () => {
      throw new Error("listener failed");
    });
    let second = false;
    ses.on("custom", () => (second = true));
    ses.emit("custom");
    assert.equal(second, true);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /listener failed in custom: listener failed/);
  });
});
