/**
 * The origin server of the HTTP caching test suite (http-tests/cache-tests), as its README in
 * `../shared/conformance/http-cache` describes it: each case's requests are registered under a
 * token, and a request to `/test/<token>...` is answered as the case's entry says (relative
 * dates, magic locations, validated statuses, interim responses, disconnects), recording what it
 * received. `node:http`, because it can send 1xx responses, the status 999 and drop a socket, on
 * Deno and Bun alike.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request of a case, as the data gives it (the fields the origin and the client read). */
export interface CaseRequest {
  request_method?: string;
  request_headers?: Array<[string, string | number]>;
  request_body?: string;
  filename?: string;
  query_arg?: string;
  mode?: string;
  credentials?: string;
  cache?: string;
  redirect?: string;
  magic_ims?: boolean;
  rfc850date?: string[];
  pause_after?: boolean;
  response_status?: [number, string];
  response_headers?: Array<[string, string | number] | [string, string | number, boolean]>;
  response_body?: string | null;
  response_pause?: number;
  interim_responses?: Array<[number] | [number, Array<[string, string]>]>;
  disconnect?: boolean;
  magic_locations?: boolean;
  expected_type?: string;
  expected_status?: number | null;
  expected_response_headers?: Array<string | [string, string | number] | [string, string, string]>;
  expected_response_headers_missing?: Array<string | [string, string]>;
  expected_response_text?: string | null;
  check_body?: boolean;
  expected_interim_responses?: unknown[];
  expected_method?: string;
  expected_request_headers?: Array<string | [string, string]>;
  expected_request_headers_missing?: Array<string | [string, string]>;
  setup?: boolean;
  setup_tests?: string[];
}

/** What the origin recorded of one request. */
export interface OriginRecord {
  request_num: number;
  request_method: string;
  request_headers: Record<string, string>;
  response_headers: Array<[string, string]>;
}

const DATE_HEADERS = new Set([
  "date",
  "expires",
  "last-modified",
  "if-modified-since",
  "if-unmodified-since",
]);
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** An HTTP-date `seconds` after `base` (ms), IMF-fixdate or RFC 850. */
export function httpDate(base: number, seconds: number, rfc850 = false): string {
  const date = new Date(Math.floor(base / 1000) * 1000 + seconds * 1000);
  if (!rfc850) return date.toUTCString();
  const [, day, month, year, time] = date.toUTCString().split(" ");
  return `${DAYS[date.getUTCDay()]}, ${day}-${month}-${year.slice(2)} ${time} GMT`;
}

/** A header value of the data, a whole number in a date header being a relative date. */
export function resolveValue(name: string, value: string | number, base: number): string {
  if (typeof value === "number" && DATE_HEADERS.has(name.toLowerCase())) {
    return httpDate(base, value);
  }
  return String(value);
}

interface Registered {
  requests: CaseRequest[];
  records: OriginRecord[];
  numbers: number[];
  /** The Server-Now of the last response (the base of the previous entry's dates). */
  previousNow?: number;
}

/** The running origin. */
export interface Origin {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Registers a case's requests under `token`. */
  register(token: string, requests: CaseRequest[]): void;
  /** What the origin received for `token`. */
  records(token: string): OriginRecord[];
  /** Stops the server. */
  close(): Promise<void>;
}

function answer(cases: Map<string, Registered>, req: IncomingMessage, res: ServerResponse) {
  const target = req.url ?? "/";
  const token = target.split("/")[2]?.split("?")[0] ?? "";
  const entry = cases.get(token);
  if (!target.startsWith("/test/") || !entry) {
    res.writeHead(404);
    res.end("unknown token");
    return;
  }
  const count = entry.records.length + 1;
  const reqNum = Number(req.headers["req-num"] ?? count);
  entry.numbers.push(reqNum);
  const config = entry.requests[reqNum - 1] ?? {};
  const now = Date.now();
  const base = target.split("?")[0].split("/").slice(0, 3).join("/");
  let [status, reason] = config.response_status ?? [200, "OK"];
  if (config.expected_type?.endsWith("validated")) {
    const previous = entry.requests[reqNum - 2] ?? {};
    const prior = new Map<string, string>();
    for (const [name, value] of previous.response_headers ?? []) {
      prior.set(name.toLowerCase(), resolveValue(name, value, entry.previousNow ?? now));
    }
    const ims = req.headers["if-modified-since"];
    const inm = req.headers["if-none-match"];
    if (
      (ims !== undefined && ims === prior.get("last-modified")) ||
      (inm !== undefined && inm === prior.get("etag"))
    ) {
      [status, reason] = [304, "Not Modified"];
    } else [status, reason] = [999, "304 Not Generated"];
  }
  const headers: Array<[string, string]> = [
    ["Server-Base-Url", base],
    ["Server-Request-Count", String(count)],
    ["Client-Request-Count", String(reqNum)],
    ["Server-Now", String(now)],
  ];
  const echoed: Array<[string, string]> = [];
  let hasType = false;
  for (
    const [name, raw, checked] of (config.response_headers ?? []) as Array<
      [string, string | number, boolean?]
    >
  ) {
    let value = resolveValue(name, raw, now);
    if (
      config.magic_locations &&
      (name.toLowerCase() === "location" || name.toLowerCase() === "content-location")
    ) {
      value = value === "" ? base : `${base}/${value}`;
    }
    if (name.toLowerCase() === "content-type") hasType = true;
    headers.push([name, value]);
    if (checked !== false) {
      const lower = name.toLowerCase();
      const seen = echoed.find(([n]) => n === lower);
      if (seen) seen[1] = `${seen[1]}, ${value}`;
      else echoed.push([lower, value]);
    }
  }
  if (!hasType) headers.push(["Content-Type", "text/plain"]);
  headers.push(["Request-Numbers", entry.numbers.join(" ")]);
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    requestHeaders[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  entry.records.push({
    request_num: reqNum,
    request_method: req.method ?? "GET",
    request_headers: requestHeaders,
    response_headers: echoed,
  });
  entry.previousNow = now;
  const send = () => {
    if (config.disconnect) {
      req.socket.destroy();
      return;
    }
    for (const [code, hints] of config.interim_responses ?? []) {
      if (code === 103) res.writeEarlyHints(Object.fromEntries(hints ?? []));
      else if (code === 102) res.writeProcessing();
    }
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) {
      res.setHeader(name, values.length === 1 ? values[0] : values);
    }
    res.writeHead(status, reason);
    if (status === 204 || status === 304) res.end();
    else res.end(config.response_body ?? token);
  };
  if (config.response_pause) setTimeout(send, config.response_pause * 1000);
  else send();
}

/**
 * Starts the origin on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const origin = await startOrigin();
 * await origin.close();
 * ```
 */
export async function startOrigin(): Promise<Origin> {
  const cases = new Map<string, Registered>();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => answer(cases, req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    register: (token, requests) => cases.set(token, { requests, records: [], numbers: [] }),
    records: (token) => cases.get(token)?.records ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
