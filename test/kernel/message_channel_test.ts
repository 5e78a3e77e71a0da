import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MessageChannelMain,
  MessagePortMain,
  type MessagePortMainCloseEvent,
  type MessagePortMainEvent,
} from "../../kernel/messaging/message_channel.ts";
import { postToWorker, watchWorker } from "../../kernel/messaging/worker_ports.ts";

const fixture = new URL("./fixtures/port_worker.ts", import.meta.url);

function nextMessage(port: MessagePortMain): Promise<MessagePortMainEvent> {
  return new Promise((resolve) => port.once("message", resolve));
}

function nextClose(port: MessagePortMain, ms = 5000): Promise<MessagePortMainCloseEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("No close event")), ms);
    port.once("close", (e: MessagePortMainCloseEvent) => {
      clearTimeout(timer);
      resolve(e);
    });
  });
}

function workerMessage(worker: Worker, test: (data: unknown) => boolean): Promise<MessageEvent> {
  return new Promise((resolve) => {
    const on = (e: MessageEvent) => {
      if (!test(e.data)) return;
      worker.removeEventListener("message", on);
      resolve(e);
    };
    worker.addEventListener("message", on);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("MessagePortMain", () => {
  it("queues messages until start() and keeps their order", async () => {
    const { port1, port2 } = new MessageChannelMain();
    const got: unknown[] = [];
    port2.on("message", (e: MessagePortMainEvent) => got.push(e.data));
    for (let i = 0; i < 5; i++) port1.postMessage(i);
    await sleep(30);
    assert.deepEqual(got, []);
    port2.start();
    await sleep(30);
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
    port1.close();
  });

  it("emits close on the other end after the messages in flight", async () => {
    const { port1, port2 } = new MessageChannelMain();
    const seen: string[] = [];
    port2.on("message", (e: MessagePortMainEvent) => seen.push(String(e.data)));
    const closed = nextClose(port2);
    port2.start();
    port1.postMessage("a");
    port1.postMessage("b");
    port1.close();
    port1.postMessage("dropped");
    const event = await closed;
    assert.equal(event.reason, "closed");
    assert.equal(event.target, port2);
    assert.deepEqual(seen, ["a", "b"]);
    assert.equal(port2.closed, true);
    port2.postMessage("to nobody"); // a no-op, not an error
  });

  it("does not emit close on the port that was closed", async () => {
    const { port1, port2 } = new MessageChannelMain();
    let count = 0;
    port1.on("close", () => count++);
    port1.start();
    port2.start();
    port1.close();
    await sleep(30);
    assert.equal(count, 0);
  });

  it("passes data that looks like a control message through unchanged", async () => {
    const { port1, port2 } = new MessageChannelMain();
    port2.start();
    const data = { "\u0000websession.port": "close", n: 1 };
    const got = nextMessage(port2);
    port1.postMessage(data);
    assert.deepEqual((await got).data, data);
    assert.equal(port2.closed, false);
    port1.close();
  });

  it("transfers ports: they arrive wrapped in a frozen event.ports", async () => {
    const a = new MessageChannelMain();
    const b = new MessageChannelMain();
    a.port2.start();
    const got = nextMessage(a.port2);
    a.port1.postMessage("here", [b.port2]);
    const event = await got;
    assert.equal(event.ports.length, 1);
    assert.ok(event.ports[0] instanceof MessagePortMain);
    assert.ok(Object.isFrozen(event.ports));
    assert.equal(b.port2.closed, true, "the transferred wrapper is detached");
    const inner = event.ports[0];
    inner.start();
    const reply = nextMessage(inner);
    b.port1.start();
    b.port1.postMessage("through");
    assert.equal((await reply).data, "through");
    const closed = nextClose(b.port1);
    inner.close();
    assert.equal((await closed).reason, "closed");
    a.port1.close();
  });

  it("names the index of a port transferred already or not a port, as Electron does", () => {
    const a = new MessageChannelMain();
    const b = new MessageChannelMain();
    a.port1.postMessage(null, [b.port1]);
    assert.throws(() => a.port1.postMessage(null, [b.port2, b.port1]), {
      name: "DataCloneError",
      message: "Port at index 1 was transferred already",
    });
    for (const bad of [null, "1", 42]) {
      assert.throws(() => a.port1.postMessage(null, [b.port2, bad as unknown as Transferable]), {
        name: "TypeError",
        message: "Port at index 1 is not a valid port or transferable",
      });
    }
    assert.equal(b.port2.closed, false, "a refused message transfers nothing");
    a.port1.close();
    b.port2.close();
  });

  it("refuses a transfer argument that is no list (Electron: 'transferables must be an array')", async () => {
    const { port1, port2 } = new MessageChannelMain();
    for (const bad of ["abc", 5, true, { transfer: 5 }, { transfer: "ab" }]) {
      assert.throws(
        () => port1.postMessage("x", bad as unknown as MessagePortMain[]),
        { name: "TypeError", message: /^postMessage: the transfer list must be/ },
        JSON.stringify(bad),
      );
    }
    const { port2: moved } = new MessageChannelMain();
    const got = nextMessage(port2);
    port2.start();
    port1.postMessage("via a Set", new Set([moved]) as unknown as MessagePortMain[]);
    assert.equal((await got).ports.length, 1, "any iterable is a list, as for the Web's");
    port1.postMessage("no list", null as unknown as MessagePortMain[]);
    port1.close();
  });

  it("drops a message posted on a closed port and leaves the ports in its transfer list usable", async () => {
    const a = new MessageChannelMain();
    const b = new MessageChannelMain();
    a.port1.close();
    a.port1.postMessage("dropped", [b.port1]);
    a.port1.postMessage("dropped", [b.port1, b.port1]); // nothing is checked either
    assert.equal(b.port1.closed, false);
    b.port2.start();
    const got = nextMessage(b.port2);
    b.port1.postMessage("still mine");
    assert.equal((await got).data, "still mine");
    b.port1.close();
  });

  it("refuses to transfer itself, a closed port or a duplicate", () => {
    const a = new MessageChannelMain();
    const b = new MessageChannelMain();
    const isClone = (e: unknown) => e instanceof DOMException && e.name === "DataCloneError";
    assert.throws(() => a.port1.postMessage(1, [a.port1]), isClone);
    assert.throws(() => a.port1.postMessage(1, [b.port1, b.port1]), isClone);
    b.port1.close();
    assert.throws(() => a.port1.postMessage(1, [b.port1]), isClone);
    assert.throws(() => a.port1.postMessage(() => 1), isClone);
    a.port1.postMessage(1, [b.port2]); // its peer is still transferable
    a.port1.close();
  });

  it("tells the other end when a never-started port is garbage-collected", async () => {
    const bun = (globalThis as { Bun?: { gc(sync: boolean): void } }).Bun;
    if (bun) {
      const survivor = (() => new MessageChannelMain().port1)();
      const closed = nextClose(survivor, 8000);
      survivor.start();
      for (let i = 0; i < 20 && !survivor.closed; i++) {
        bun.gc(true);
        await sleep(50);
      }
      assert.equal((await closed).reason, "garbage-collected");
      return;
    }
    // Deno: a child process with --expose-gc (gc() is not exposed to tests)
    const script = new URL("./fixtures/gc_child.ts", import.meta.url);
    const deno = (globalThis as unknown as {
      Deno: {
        execPath(): string;
        Command: new (cmd: string, o: { args: string[] }) => {
          output(): Promise<{ code: number; stdout: Uint8Array }>;
        };
      };
    }).Deno;
    const out = await new deno.Command(deno.execPath(), {
      args: ["run", "--quiet", "--v8-flags=--expose-gc", script.pathname],
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "close garbage-collected");
  });
});

describe("MessagePortMain with Workers", () => {
  let worker: Worker;
  before(() => {
    worker = new Worker(fixture, { type: "module" });
  });
  after(() => worker.terminate());

  it("a worker does work for a client over a channel the main side hands out", async () => {
    const { port1, port2 } = new MessageChannelMain();
    postToWorker(worker, null, [port2]);
    port1.start();
    const reply = nextMessage(port1);
    port1.postMessage({ op: "upper", text: "hello" });
    assert.equal((await reply).data, "HELLO");
    const sawClose = workerMessage(
      worker,
      (d) => (d as { sawClose?: string }).sawClose !== undefined,
    );
    port1.close();
    assert.deepEqual((await sawClose).data, { sawClose: "closed" });
  });

  it("a reply stream: one request, many messages, then close as end of stream", async () => {
    const { port1, port2 } = new MessageChannelMain();
    postToWorker(worker, null, [port2]);
    port1.start();
    const stream = new MessageChannelMain();
    const chunks: number[] = [];
    stream.port1.on(
      "message",
      (e: MessagePortMainEvent) => chunks.push((e.data as { chunk: number }).chunk),
    );
    const end = nextClose(stream.port1);
    stream.port1.start();
    port1.postMessage({ op: "stream", n: 50 }, [stream.port2]);
    assert.equal((await end).reason, "closed");
    assert.deepEqual(chunks, Array.from({ length: 50 }, (_, i) => i));
    port1.close();
  });

  it("wraps a Web MessagePort received from a Worker", async () => {
    const { port1, port2 } = new MessageChannelMain();
    postToWorker(worker, null, [port2]);
    port1.start();
    const offered = workerMessage(worker, (d) => (d as { offered?: boolean }).offered === true);
    port1.postMessage({ op: "offer" });
    const web = (await offered).ports[0];
    const wrapped = new MessagePortMain(web);
    watchWorker(worker, wrapped);
    wrapped.start();
    const reply = nextMessage(wrapped);
    wrapped.postMessage({ op: "upper", text: "abc" });
    assert.equal((await reply).data, "ABC");
    wrapped.close();
    port1.close();
  });
});

describe("MessagePortMain when the partner's Worker goes away", () => {
  const names = { terminate: "terminated", exit: "exits", crash: "crashes", hang: "hangs" };
  for (const how of ["terminate", "exit", "crash", "hang"] as const) {
    it(`emits close when the partner's Worker ${names[how]}`, async () => {
      const saved = [MessagePortMain.heartbeatInterval, MessagePortMain.heartbeatTimeout];
      MessagePortMain.heartbeatInterval = 100;
      MessagePortMain.heartbeatTimeout = 800;
      const w = new Worker(fixture, { type: "module" });
      w.addEventListener("error", (e) => e.preventDefault());
      try {
        const { port1, port2 } = new MessageChannelMain();
        postToWorker(w, null, [port2]);
        port1.start();
        const reply = nextMessage(port1);
        port1.postMessage({ op: "upper", text: "x" });
        await reply;
        const closed = nextClose(port1, 6000);
        if (how === "terminate") w.terminate();
        else port1.postMessage({ op: how });
        const event = await closed;
        const expected = {
          terminate: ["worker-terminated"],
          exit: ["worker-exited", "unresponsive"],
          crash: ["worker-exited", "unresponsive"],
          hang: ["unresponsive"],
        }[how];
        assert.ok(expected.includes(event.reason), `reason ${event.reason}`);
      } finally {
        MessagePortMain.heartbeatInterval = saved[0];
        MessagePortMain.heartbeatTimeout = saved[1];
        w.terminate();
      }
    });
  }
});
