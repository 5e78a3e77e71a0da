import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { definePlugin, type NetError, type Session, session, type TapOptions } from "../../mod.ts";
import { closedPort, serve, type TestServer } from "../_serve.ts";

let server: TestServer;

before(async () => {
  server = await serve(() => new Response("hello"));
});

after(() => server.close());

let counter = 0;

/** A session whose plugin taps `completed` and `errorOccurred` with the given options. */
function sessionWithEnds(options: TapOptions): { ses: Session; ends: string[] } {
  const ends: string[] = [];
  const plugin = definePlugin({
    manifest: { name: "ends", version: "1.0.0", hooks: ["completed", "errorOccurred"] },
    setup(ctx) {
      ctx.tap("completed", (request) => void ends.push(`completed ${request.url}`), options);
      ctx.tap("errorOccurred", (_request, error) => void ends.push(error.code), options);
    },
  });
  const ses = session.fromPartition(`watch-body-${++counter}`, {
    preset: false,
    plugins: [plugin],
  });
  return { ses, ends };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("taps with watchBody: false", () => {
  it("hear failures before the response, and no body end", async () => {
    const { ses, ends } = sessionWithEnds({ watchBody: false });
    assert.equal(await (await ses.fetch(`${server.url}/`)).text(), "hello");
    const port = await closedPort();
    await assert.rejects(
      () => ses.fetch(`http://127.0.0.1:${port}/`),
      (error: NetError) => error.code === "net::ERR_CONNECTION_REFUSED",
    );
    await settle();
    assert.deepEqual(ends, ["net::ERR_CONNECTION_REFUSED"]);
  });

  it("hear the body's end as soon as another tap watches bodies, and not after it is removed", async () => {
    const { ses, ends } = sessionWithEnds({ watchBody: false });
    const removeWatcher = ses.pipeline.tap("completed", () => {}, { plugin: "watcher" });
    await (await ses.fetch(`${server.url}/a`)).text();
    await settle();
    assert.deepEqual(ends, [`completed ${server.url}/a`]);
    removeWatcher();
    await (await ses.fetch(`${server.url}/b`)).text();
    await settle();
    assert.deepEqual(ends, [`completed ${server.url}/a`], "no watcher left: no body end");
  });

  it("leave responseBody transforms working, and the default watches the transformed body", async () => {
    const { ses, ends } = sessionWithEnds({ watchBody: false });
    ses.pipeline.tap("responseBody", () =>
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) =>
          controller.enqueue(
            new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()),
          ),
      }), { plugin: "upper" });
    assert.equal(await (await ses.fetch(`${server.url}/c`)).text(), "HELLO");
    await settle();
    assert.deepEqual(ends, []);

    const watched = sessionWithEnds({});
    watched.ses.pipeline.tap("responseBody", () =>
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) =>
          controller.enqueue(
            new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()),
          ),
      }), { plugin: "upper" });
    const response = await watched.ses.fetch(`${server.url}/d`);
    await settle();
    assert.deepEqual(watched.ends, [], "not completed before the body is read");
    assert.equal(await response.text(), "HELLO");
    await settle();
    assert.deepEqual(watched.ends, [`completed ${server.url}/d`]);
  });
});
