/**
 * The HAR 1.2 shapes the request logger writes (the parts it fills).
 *
 * @module
 */

/** A header as HAR lists it. */
export interface HarHeader {
  /** The name, as sent or received. */
  name: string;
  /** The value. */
  value: string;
}

/** One request and its response. */
export interface HarEntry {
  /** When the request was sent (ISO 8601). */
  startedDateTime: string;
  /** Milliseconds from sending to the end of the body (or the error). */
  time: number;
  /** The request. */
  request: { method: string; url: string; httpVersion: string; headers: HarHeader[] };
  /** The response; status 0 when the request failed. */
  response: { status: number; statusText: string; headers: HarHeader[]; _error?: string };
  /** Where the time went (send and receive are not told apart here: -1 as HAR allows). */
  timings: { send: number; wait: number; receive: number };
}

/** A whole HAR log. */
export interface Har {
  /** The log. */
  log: { version: "1.2"; creator: { name: string; version: string }; entries: HarEntry[] };
}

/** Headers as HAR lists them. */
export function harHeaders(headers: Headers): HarHeader[] {
  return [...headers].map(([name, value]) => ({ name, value }));
}
