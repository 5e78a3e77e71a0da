/**
 * HAR 1.2 (the format DevTools' "Export HAR" writes) from the request log's entries.
 *
 * @module
 */
import type { LogEntry } from "./request_log.ts";

const header = ([name, value]: [string, string]) => ({ name, value });

/**
 * A HAR log of `entries`; `bodyOf` gives the bytes kept for an entry's response (or request) body
 * (text response bodies are included as text, others in base64; a request body is `postData`).
 *
 * @example
 * ```ts
 * toHar([], () => null).log.version; // "1.2"
 * ```
 */
export function toHar(
  entries: LogEntry[],
  bodyOf: (id: number, kind?: "request" | "response") => Uint8Array | null,
): { log: Record<string, unknown> } {
  return {
    log: {
      version: "1.2",
      creator: { name: "websession", version: "0.1.0" },
      pages: [],
      entries: entries.map((entry) => {
        const url = new URL(entry.url);
        const body = bodyOf(entry.id);
        const textual = /^text\/|json|javascript|xml|svg/.test(entry.mimeType);
        const content: Record<string, unknown> = { size: entry.size, mimeType: entry.mimeType };
        if (body) {
          if (textual) content.text = new TextDecoder().decode(body);
          else {
            content.text = btoa(Array.from(body, (b) => String.fromCharCode(b)).join(""));
            content.encoding = "base64";
          }
        }
        const sent = bodyOf(entry.id, "request");
        const sentType = entry.requestHeaders.find(([n]) => n === "content-type")?.[1] ?? "";
        if (entry.body.truncated) {
          content.comment = `cut at ${entry.body.kept} of ${entry.size} bytes (the log's cap)`;
        }
        const timings = timingsOf(entry.timings);
        return {
          startedDateTime: new Date(entry.startedAt).toISOString(),
          time: round(timings.blocked + timings.wait + timings.receive),
          request: {
            method: entry.method,
            url: entry.url,
            httpVersion: "HTTP/1.1",
            cookies: entry.cookiesSent,
            headers: entry.requestHeaders.map(header),
            queryString: [...url.searchParams].map(header),
            headersSize: -1,
            bodySize: entry.requestBody?.size ?? -1,
            ...(sent
              ? { postData: { mimeType: sentType, text: new TextDecoder().decode(sent) } }
              : {}),
          },
          response: {
            status: entry.status ?? 0,
            statusText: entry.statusText,
            httpVersion: "HTTP/1.1",
            cookies: entry.cookiesSet.map((line) => {
              const [pair] = line.split(";");
              const at = pair.indexOf("=");
              return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
            }),
            headers: entry.responseHeaders.map(header),
            content,
            redirectURL: entry.responseHeaders.find(([n]) => n === "location")?.[1] ?? "",
            headersSize: -1,
            bodySize: entry.size,
            ...(entry.error ? { _error: entry.error } : {}),
          },
          cache: {},
          timings,
        };
      }),
    },
  };
}

/**
 * HAR's timings of a log entry: `send`, `wait` and `receive` are never -1 (HAR 1.2 allows -1 only
 * for `blocked`, `dns`, `connect` and `ssl`); a request that failed before its response waited
 * until it failed.
 */
function timingsOf(t: LogEntry["timings"]) {
  const blocked = round(t.sendHeaders ?? 0);
  const answered = t.responseStarted ?? t.end ?? blocked;
  const wait = round(Math.max(0, answered - blocked));
  const receive = t.responseStarted !== undefined && t.end !== undefined
    ? round(Math.max(0, t.end - t.responseStarted))
    : 0;
  return { blocked, dns: -1, connect: -1, send: 0, wait, receive, ssl: -1 };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
