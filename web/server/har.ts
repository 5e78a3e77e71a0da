/**
 * HAR 1.2 (the format DevTools' "Export HAR" writes) from the request log's entries.
 *
 * @module
 */
import type { LogEntry } from "./request_log.ts";

const header = ([name, value]: [string, string]) => ({ name, value });

/**
 * A HAR log of `entries`; `bodyOf` gives the bytes kept for an entry (text bodies are included as
 * text, others in base64).
 *
 * @example
 * ```ts
 * toHar([], () => null).log.version; // "1.2"
 * ```
 */
export function toHar(
  entries: LogEntry[],
  bodyOf: (id: number) => Uint8Array | null,
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
        const t = entry.timings;
        const blocked = t.sendHeaders ?? 0;
        const wait = t.responseStarted !== undefined ? t.responseStarted - blocked : -1;
        const receive = t.end !== undefined && t.responseStarted !== undefined
          ? t.end - t.responseStarted
          : -1;
        return {
          startedDateTime: new Date(entry.startedAt).toISOString(),
          time: t.end ?? 0,
          request: {
            method: entry.method,
            url: entry.url,
            httpVersion: "HTTP/1.1",
            cookies: entry.cookiesSent,
            headers: entry.requestHeaders.map(header),
            queryString: [...url.searchParams].map(header),
            headersSize: -1,
            bodySize: -1,
          },
          response: {
            status: entry.status ?? 0,
            statusText: "",
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
          timings: { blocked, dns: -1, connect: -1, send: 0, wait, receive, ssl: -1 },
        };
      }),
    },
  };
}
