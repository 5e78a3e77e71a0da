import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cleanUp, loadWritten } from "./_helpers.ts";

after(cleanUp);

const manifest = {
  manifest_version: 3,
  name: "Sender",
  version: "1.0",
  background: { service_worker: "worker.js" },
};

describe("chrome.runtime.sendMessage's arguments, read as Chrome reads them", () => {
  it("takes (message, options), (extensionId, message) and (extensionId, message, options)", async () => {
    const { ses, id } = await loadWritten(manifest);
    const heard: unknown[] = [];
    ses.extensions.on("runtime-message", (_event, message, _sender, respond) => {
      heard.push(message);
      (respond as (v: unknown) => void)("ok");
    });
    const send = (...args: unknown[]) =>
      ses.extensions.sendMessage(id, { call: "runtime.sendMessage", args });
    assert.deepEqual(await send({ ping: 1 }, {}), { value: "ok" });
    assert.deepEqual(await send(id, { ping: 2 }), { value: "ok" });
    assert.deepEqual(await send(id, { ping: 3 }, {}), { value: "ok" });
    assert.deepEqual(await send(null, { ping: 4 }), { value: "ok" });
    assert.deepEqual(heard, [{ ping: 1 }, { ping: 2 }, { ping: 3 }, { ping: 4 }]);
  });

  it("finds no receiver for another extension's id (no other extension listens)", async () => {
    const { ses, id } = await loadWritten(manifest);
    const heard: unknown[] = [];
    ses.extensions.on("runtime-message", (_event, message) => void heard.push(message));
    assert.deepEqual(
      await ses.extensions.sendMessage(id, {
        call: "runtime.sendMessage",
        args: ["d".repeat(32), "hello"],
      }),
      { error: "Could not establish connection. Receiving end does not exist." },
    );
    assert.deepEqual(heard, []);
  });

  it("sends the message as JSON, and throws at the call for what JSON cannot hold", async () => {
    const { ses, id } = await loadWritten(manifest, {
      "worker.js": `
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (message === "date") chrome.runtime.sendMessage({ when: new Date(0), gone: undefined });
  if (message === "bigint") {
    try {
      chrome.runtime.sendMessage(1n);
    } catch (error) {
      respond(error.message);
    }
  }
});
`,
    });
    const heard = new Promise((resolve) =>
      ses.extensions.on("runtime-message", (_event, message) => resolve(message))
    );
    await ses.extensions.sendMessage(id, "date");
    assert.deepEqual(await heard, { when: "1970-01-01T00:00:00.000Z" });
    assert.equal(await ses.extensions.sendMessage(id, "bigint"), "Could not serialize message.");
  });
});

describe("messages between the session and a background cross as JSON, both ways", () => {
  it("turns Dates into strings in messages and in responses", async () => {
    const { ses, id } = await loadWritten(manifest, {
      "worker.js": `
chrome.runtime.onMessage.addListener((message, _sender, respond) => {
  if (message.echo) respond({ kind: typeof message.echo.when, at: new Date(0) });
  if (message === "ask") {
    chrome.runtime.sendMessage("date?").then((answer) => respond(typeof answer.at));
    return true;
  }
});
`,
    });
    ses.extensions.on("runtime-message", (_event, _message, _sender, respond) => {
      (respond as (v: unknown) => void)({ at: new Date(0) });
    });
    assert.deepEqual(await ses.extensions.sendMessage(id, { echo: { when: new Date(0) } }), {
      kind: "string",
      at: "1970-01-01T00:00:00.000Z",
    });
    assert.equal(await ses.extensions.sendMessage(id, "ask"), "string");
    await assert.rejects(ses.extensions.sendMessage(id, 1n), {
      message: "Could not serialize message.",
    });
  });
});
