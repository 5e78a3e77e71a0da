/**
 * The net log's formatting Worker: each message is a buffer of events ({@linkcode FormatRequest},
 * `event_buffer.ts`); it answers with their JSON as UTF-8 bytes (`event_json.ts`; the
 * buffer transferred), or `{ error }` when one cannot be formatted, in the order the batches came. The JSON is made here, on another thread than the
 * requests' (`file_sink.ts` starts it), and the first message after loading is `"ready"`.
 *
 * @module
 */
import { eventsJson } from "./event_json.ts";
import type { NetLogCaptureMode } from "./constants.ts";

/** One buffer to format: its events, the capture mode, and whether `,\n` goes before them. */
export interface FormatRequest {
  /** Events as `EventBuffer` writes them (the buffer transferred). */
  bytes: Uint8Array;
  /** The capture mode header lines are written in. */
  mode: NetLogCaptureMode;
  /** Whether events precede the batch in the file (then it starts with `,\n`). */
  lead: boolean;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<FormatRequest>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};
scope.onmessage = ({ data }) => {
  let bytes: Uint8Array;
  try {
    // A view of the writer's buffer, which is transferred back whole.
    bytes = eventsJson(data.bytes, data.mode, data.lead);
  } catch (error) {
    // Answered in its turn all the same, so that later batches keep their order.
    scope.postMessage({ error: String(error) });
    return;
  }
  scope.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
};
scope.postMessage("ready");
