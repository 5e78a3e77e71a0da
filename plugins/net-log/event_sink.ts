/**
 * What the recorder writes to: one event of the file ({@linkcode NetLogEvent}, as JSON has it)
 * and the sink events and request records go to (the file writer).
 *
 * @module
 */
import type { AddEvent, AddHeadersEvent } from "./event_buffer.ts";
import type { RequestRecord, StoredCookie } from "./request_record.ts";

/** One event as written to the file. */
export interface NetLogEvent {
  /** Parameters, when the event has any. */
  params?: Record<string, unknown>;
  /** 0 none, 1 begin, 2 end. */
  phase: number;
  /** What the event belongs to. */
  source: { id: number; start_time: string; type: number };
  /** Milliseconds on the log's clock, as a string (Chromium's TimeTicks). */
  time: string;
  /** The event type's number (see the file's `constants.logEventTypes`). */
  type: number;
}

/** Where the recorder's events go (the file writer). */
export interface NetLogEventSink {
  /** One event. */ add: AddEvent;
  /** One event whose params are header lines, made later from `headers` in the capture mode. */
  addHeaders: AddHeadersEvent;
  /**
   * A request's record (`request_record.ts`): its events made later. Without it (a log with a
   * `maxFileSize`, whose events are counted as they come) every event is added on its own.
   */
  addRecord?: (record: RequestRecord, stored: readonly StoredCookie[] | null) => void;
}
