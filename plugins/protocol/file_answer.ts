/**
 * The file kind of Electron's deprecated callback protocols (`registerFileProtocol`,
 * `interceptFileProtocol`), read as `electron_url_loader_factory.cc`'s `StartLoadingFile` reads
 * the callback's answer: a path, or `{ path, headers }` (without a path, the request's own URL is
 * read, which serves an intercepted `file:` URL). The file is read through the session's transport
 * (the project's `file:` handling: its failures as Chromium's codes, a missing file
 * `net::ERR_FILE_NOT_FOUND`, the type from the extension), and sent with the answer's headers and
 * `access-control-allow-origin: *`, as Electron's does; like Chromium's file loader, it answers 200
 * whatever `statusCode` says (a 3xx with a `Location` still redirects). A path must be absolute, as
 * Electron's docs ask: a relative one fails with `net::ERR_FILE_NOT_FOUND`; an answer that is
 * neither a string nor an object with `net::ERR_FAILED`.
 *
 * @module
 */
import { HopRequest } from "../../kernel/http/hop_request.ts";
import type { HttpTransport } from "../../kernel/transport.ts";
import {
  type AnswerReader,
  failAnswer,
  isDict,
  loadingAnswerReader,
} from "./callback_protocols.ts";

/**
 * The `file:` URL of an absolute path (POSIX `/a/b`, Windows `C:\a\b` or `\\host\share\b`), as
 * Chromium's `FilePathToFileURL` makes it: `%`, `?` and `#` escaped so they stay part of the
 * name; null for a relative path.
 *
 * @example
 * ```ts
 * fileUrlOf("/srv/my app/#1.html"); // "file:///srv/my%20app/%231.html"
 * fileUrlOf("C:\\app\\index.html"); // "file:///C:/app/index.html"
 * fileUrlOf("index.html"); // null
 * ```
 */
export function fileUrlOf(path: string): string | null {
  const escaped = path.replace(/%/g, "%25").replace(/\?/g, "%3F").replace(/#/g, "%23");
  // A backslash is part of a POSIX name, and a separator on Windows.
  if (path.startsWith("/")) return new URL(`file://${escaped.replace(/\\/g, "%5C")}`).href;
  if (path.startsWith("\\\\")) return new URL(`file:${escaped.replace(/\\/g, "/")}`).href;
  if (/^[A-Za-z]:[\\/]/.test(path)) return new URL(`file:///${escaped.replace(/\\/g, "/")}`).href;
  return null;
}

function fileUrlOfAnswer(answer: unknown, dict: Record<string, unknown>, request: Request): string {
  const path = typeof answer === "string" ? answer : dict.path;
  if (typeof answer !== "string" && !isDict(answer)) {
    failAnswer("net::ERR_FAILED", "a file protocol's answer is neither a path nor an object");
  }
  if (typeof path === "string") {
    return fileUrlOf(path) ??
      failAnswer("net::ERR_FILE_NOT_FOUND", `the path "${path}" is not absolute`);
  }
  if (request.url.startsWith("file:")) return request.url;
  return failAnswer("net::ERR_FILE_NOT_FOUND", `no path was given for ${request.url}`);
}

/**
 * The reader of a file protocol's answers: the file read with `transport` (the session's).
 *
 * @example
 * ```ts
 * const files = { name: "files", fetch: async (hop: { url: string }) => new Response(hop.url) };
 * const read = fileAnswerReader(() => files);
 * await (await read("/srv/app/index.html", new Request("app://x/"))).text();
 * // "file:///srv/app/index.html"
 * ```
 */
export function fileAnswerReader(transport: () => HttpTransport): AnswerReader {
  return loadingAnswerReader("file", false, async ({ dict, headers }, answer, request) => {
    const url = fileUrlOfAnswer(answer, dict, request);
    const method = request.method === "HEAD" ? "HEAD" : "GET";
    const hop = new HopRequest(0, Date.now(), {
      url,
      method,
      headers: new Headers(),
      body: null,
      signal: request.signal,
    });
    const file = await transport().fetch(hop);
    const sent = new Headers(file.headers);
    for (const [name, value] of headers) {
      if (name === "content-type") sent.set(name, value);
      else sent.append(name, value);
    }
    // Electron's StartLoadingFile lets any origin read the file.
    sent.append("access-control-allow-origin", "*");
    return new Response(file.body, { status: file.status, headers: sent });
  });
}
