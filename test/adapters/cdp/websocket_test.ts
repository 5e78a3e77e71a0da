import { transportCase } from "../../_cdp_transport_case.ts";
import { WebSocketTransport } from "../../../adapters/cdp/websocket.ts";
import { startChromium } from "../../../adapters/cdp/chromium.ts";
import { it } from "node:test";
import assert from "node:assert/strict";

transportCase("WebSocket", async () => {
  const chromium = await startChromium();
  return { chromium, transport: await WebSocketTransport.connect(chromium.wsEndpoint!) };
});

it("WebSocketTransport.connect rejects a URL that is not ws:// and an unreachable one", async () => {
  await assert.rejects(WebSocketTransport.connect("http://127.0.0.1:1/"), TypeError);
  await assert.rejects(
    WebSocketTransport.connect("ws://127.0.0.1:1/devtools/browser/x"),
    /Cannot connect/,
  );
});
