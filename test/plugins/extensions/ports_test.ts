import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DefaultSession } from "../../../mod.ts";
import { cleanUp, loadWritten, until } from "./_helpers.ts";

after(cleanUp);

// A background that echoes on every port opened to it, disconnects on "bye", opens ports to the
// session when asked, and keeps a log of what its ports saw.
const PORTS_WORKER = `
const log = [];
const lastError = () => chrome.runtime.lastError?.message ?? null;
chrome.runtime.onConnect.addListener((port) => {
  log.push({ connected: port.name, sender: port.sender });
  port.onMessage.addListener((message, same) => {
    if (message === "bye") {
      port.disconnect();
      try {
        port.postMessage("after");
      } catch (error) {
        log.push({ thrown: error.message });
      }
      return;
    }
    port.postMessage({ echo: message, same: same === port });
  });
  port.onDisconnect.addListener((p) => log.push({ disconnected: p.name, lastError: lastError() }));
});
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (message === "log") respond(log.slice());
  if (message && typeof message.open === "string") {
    const port = chrome.runtime.connect({ name: message.open });
    port.onMessage.addListener((m) => log.push({ fromSession: m }));
    port.onDisconnect.addListener(() =>
      log.push({ openedEnded: port.name, lastError: lastError() })
    );
    port.postMessage({ hi: "session" });
    respond(port.name);
  }
});
`;

function withPorts(
  source = PORTS_WORKER,
): Promise<{ ses: DefaultSession; id: string; errors: Error[] }> {
  return loadWritten({
    manifest_version: 3,
    name: "Ports",
    version: "1.0",
    background: { service_worker: "worker.js" },
  }, { "worker.js": source });
}

const log = (ses: DefaultSession, id: string) =>
  ses.extensions.sendMessage(id, "log") as Promise<unknown[]>;

/** The next message a port hears. */
function nextMessage(port: { onMessage: { addListener(fn: (m: unknown) => void): void } }) {
  return new Promise<unknown>((resolve) => port.onMessage.addListener(resolve));
}

describe("ses.extensions.connect and chrome.runtime.onConnect", () => {
  it("carry JSON messages both ways on a named port, with the session as its sender", async () => {
    const { ses, id } = await withPorts();
    const port = ses.extensions.connect(id, { name: "chat" });
    assert.equal(port.name, "chat");
    const answer = nextMessage(port);
    port.postMessage({ a: 1, when: new Date(0), gone: undefined });
    // JSON, as Chrome sends it: a Date becomes its string, an undefined property is left out
    assert.deepEqual(await answer, {
      echo: { a: 1, when: "1970-01-01T00:00:00.000Z" },
      same: true,
    });
    assert.deepEqual((await log(ses, id))[0], {
      connected: "chat",
      sender: { origin: "websession" },
    });
  });

  it("fires onDisconnect on the other end only, and refuses a disconnected port", async () => {
    const { ses, id } = await withPorts();
    const port = ses.extensions.connect(id, { name: "mine" });
    let ownDisconnect = 0;
    port.onDisconnect.addListener(() => ownDisconnect++);
    const first = nextMessage(port);
    port.postMessage("ping");
    await first;
    port.disconnect();
    port.disconnect(); // again: nothing
    assert.throws(() => port.postMessage("late"), {
      message: "Attempting to use a disconnected port object",
    });
    await until(async () =>
      (await log(ses, id)).some((e) => (e as { disconnected?: string }).disconnected)
    );
    assert.deepEqual((await log(ses, id)).at(-1), { disconnected: "mine", lastError: null });
    assert.equal(ownDisconnect, 0);
  });

  it("tells the session when the background disconnects, and the background's port then throws", async () => {
    const { ses, id } = await withPorts();
    const port = ses.extensions.connect(id, { name: "short" });
    const ended = new Promise((resolve) => port.onDisconnect.addListener(resolve));
    port.postMessage("bye");
    assert.equal(await ended, port);
    assert.equal(port.error, undefined);
    assert.throws(() => port.postMessage("more"), /disconnected port object/);
    assert.deepEqual((await log(ses, id)).at(-1), {
      thrown: "Attempting to use a disconnected port object",
    });
  });

  it("disconnects with Chrome's error when the background has no onConnect listener", async () => {
    const { ses, id } = await withPorts("globalThis.started = true;\n");
    const port = ses.extensions.connect(id, { name: "nobody" });
    await new Promise((resolve) => port.onDisconnect.addListener(resolve));
    assert.equal(port.error, "Could not establish connection. Receiving end does not exist.");
    const unknown = ses.extensions.connect("c".repeat(32));
    await new Promise((resolve) => unknown.onDisconnect.addListener(resolve));
    assert.equal(unknown.error, "Could not establish connection. Receiving end does not exist.");
  });

  it("disconnects the session's ports when the background goes away", async () => {
    const { ses, id } = await withPorts();
    const port = ses.extensions.connect(id, { name: "long" });
    const first = nextMessage(port);
    port.postMessage(1);
    await first;
    const ended = new Promise((resolve) => port.onDisconnect.addListener(resolve));
    ses.removeExtension(id);
    assert.equal(await ended, port);
    assert.throws(() => port.postMessage(2), /disconnected port object/);
  });

  it("refuses what JSON cannot hold, where postMessage is called", async () => {
    const { ses, id } = await withPorts();
    const port = ses.extensions.connect(id, { name: "json" });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => port.postMessage(cyclic), { message: "Could not serialize message." });
    assert.throws(() => port.postMessage(10n), { message: "Could not serialize message." });
    assert.throws(() => ses.extensions.connect(id, { name: 7 as unknown as string }), TypeError);
  });
});

describe("chrome.runtime.connect from the background", () => {
  it("hands the session a port (runtime-connect) that talks both ways", async () => {
    const { ses, id } = await withPorts();
    type SessionPort = {
      name: string;
      sender?: unknown;
      postMessage(m: unknown): void;
      disconnect(): void;
      onMessage: { addListener(fn: (m: unknown) => void): void };
    };
    // as in Chrome, the listener that takes the port listens to it at once
    const opened = new Promise<{ port: SessionPort; first: Promise<unknown> }>((resolve) =>
      ses.extensions.on("runtime-connect", (_event, port) => {
        resolve({ port: port as SessionPort, first: nextMessage(port as SessionPort) });
      })
    );
    assert.equal(await ses.extensions.sendMessage(id, { open: "up" }), "up");
    const { port, first } = await opened;
    assert.equal(port.name, "up");
    assert.deepEqual(port.sender, { id, url: `chrome-extension://${id}/` });
    assert.deepEqual(await first, { hi: "session" });
    port.postMessage({ back: true });
    port.disconnect();
    await until(async () =>
      (await log(ses, id)).some((e) => (e as { openedEnded?: string }).openedEnded)
    );
    assert.deepEqual((await log(ses, id)).slice(-2), [
      { fromSession: { back: true } },
      { openedEnded: "up", lastError: null },
    ]);
  });

  it("ends with Chrome's lastError when the session does not listen", async () => {
    const { ses, id } = await withPorts();
    await ses.extensions.sendMessage(id, { open: "unheard" });
    await until(async () =>
      (await log(ses, id)).some((e) => (e as { openedEnded?: string }).openedEnded)
    );
    assert.deepEqual((await log(ses, id)).at(-1), {
      openedEnded: "unheard",
      lastError: "Could not establish connection. Receiving end does not exist.",
    });
  });
});
