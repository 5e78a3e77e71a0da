/**
 * The net log's formatting Worker: each message is a buffer of events ({@linkcode FormatRequest},
 * `event_buffer.ts`); it answers with their JSON as UTF-8 bytes (`event_json.ts`; the
 * buffers transferred), or `{ error }` when one cannot be formatted, in the order the batches came. The JSON is made here, on another thread than the
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

/** The answer to a {@linkcode FormatRequest}: its JSON, and its events' buffer given back. */
export interface FormatAnswer {
  /** The events as the file's JSON bytes. */
  json: Uint8Array;
  /** The request's bytes, to be written over. */
  events: Uint8Array;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<FormatRequest>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};
scope.onmessage = ({ data }) => {
  let json: Uint8Array;
  try {
    json = eventsJson(data.bytes, data.mode, data.lead);
  } catch (error) {
    // Answered in its turn all the same, so that later batches keep their order.
    scope.postMessage({ error: String(error) });
    return;
  }
  // The JSON (a view of a buffer of its own) and the events' buffer, both transferred whole: the
  // writer fills the events' buffer again.
  const answer: FormatAnswer = { json, events: data.bytes };
  scope.postMessage(answer, [json.buffer as ArrayBuffer, data.bytes.buffer as ArrayBuffer]);
};
scope.postMessage("ready");
