/**
 * `--net-log FILE`: the pipeline's events (request start, each stage, completion or error, with
 * timings, and tunnels) appended to a file as JSON lines, as Chrome's `--log-net-log=FILE` records
 * a session's network events. Writes are batched; the file is flushed when the server stops.
 *
 * @module
 */
import { appendFileSync, mkdirSync } from "node:fs";
import type { EventStream, LiveEvent } from "./event_stream.ts";

/**
 * Records every event of `events` into `path` until the returned function is called (which
 * writes what is pending).
 *
 * @example
 * ```ts
 * // const stop = recordNetLog(events, ".websession/net-log.jsonl");
 * // stop();
 * ```
 */
export function recordNetLog(events: EventStream, path: string): () => void {
  const dir = path.replace(/[\\/][^\\/]*$/, "");
  if (dir && dir !== path) mkdirSync(dir, { recursive: true });
  let pending: string[] = [];
  const write = () => {
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    appendFileSync(path, text);
  };
  const timer = setInterval(write, 250);
  const unsubscribe = events.subscribe((event: LiveEvent) => {
    // The dashboard's request-log entries repeat what the pipeline's events say.
    if (event.type === "entry") return;
    pending.push(`${JSON.stringify({ time: Date.now(), ...event })}\n`);
    if (pending.length >= 1000) write();
  });
  return () => {
    unsubscribe();
    clearInterval(timer);
    write();
  };
}
