/**
 * A `ReadableStream` of bytes carried over a {@linkcode MessagePortMain}: the reader asks for a
 * chunk, the writer answers with one, and closes its port at the end of the stream. Works where
 * streams are not transferable (Bun) and costs nothing while nobody reads.
 *
 * @module
 */
import { MessageChannelMain, type MessagePortMain } from "./message_channel.ts";

type Ask = "pull" | "cancel";

/**
 * Serves `stream` over a new channel and returns the port to hand to the reader (transfer it, then
 * read it with {@linkcode streamFromPort}).
 *
 * @example
 * ```ts
 * const port = portFromStream(new Response("hello").body!);
 * const text = await new Response(streamFromPort(port)).text(); // "hello"
 * ```
 */
export function portFromStream(stream: ReadableStream<Uint8Array>): MessagePortMain {
  const { port1, port2 } = new MessageChannelMain();
  const reader = stream.getReader();
  port1.on("message", async (e: { data: Ask }) => {
    if (e.data === "cancel") {
      reader.cancel().catch(() => {});
      port1.close();
      return;
    }
    try {
      const { done, value } = await reader.read();
      if (done) port1.close();
      else {
        // copied, not transferred: a teed stream hands the same chunk to its other branch
        const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
        port1.postMessage(whole ? value : value.slice());
      }
    } catch (error) {
      port1.postMessage({ error: error instanceof Error ? error.message : String(error) });
      port1.close();
    }
  });
  port1.on("close", () => reader.cancel().catch(() => {}));
  port1.start();
  return port2;
}

/**
 * The reading side of {@linkcode portFromStream}: a stream that pulls chunks over `port`.
 *
 * @example
 * ```ts
 * const port = portFromStream(new Response("hi").body!);
 * await new Response(streamFromPort(port)).text(); // "hi"
 * ```
 */
export function streamFromPort(port: MessagePortMain): ReadableStream<Uint8Array> {
  let waiting: ((chunk: Uint8Array | null | { error: string }) => void) | null = null;
  port.on("message", (e: { data: Uint8Array | { error: string } }) => {
    waiting?.(e.data);
    waiting = null;
  });
  port.on("close", () => {
    waiting?.(null);
    waiting = null;
  });
  port.start();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (port.closed) {
        controller.close();
        return;
      }
      return new Promise<void>((resolve) => {
        waiting = (chunk) => {
          if (chunk === null) controller.close();
          else if (chunk instanceof Uint8Array) controller.enqueue(chunk);
          else controller.error(new TypeError(`Stream failed on the other side: ${chunk.error}`));
          resolve();
        };
        port.postMessage("pull" satisfies Ask);
      });
    },
    cancel() {
      port.postMessage("cancel" satisfies Ask);
      port.close();
    },
  });
}
