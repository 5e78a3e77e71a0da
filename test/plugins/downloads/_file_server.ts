/**
 * A local server of deterministic files for the download tests: `/file/NAME?size=N` (ETag,
 * Last-Modified, Range with If-Range), `/drop/NAME?size=N&at=M` (drops the connection after M
 * bytes of a full answer, serves ranges whole), `/ignore-range/NAME?size=N` (always the whole
 * file), `/slow/NAME?size=N` (16 KiB every 20 ms), `/redirect?to=PATH`, `/cd?value=...`
 * (Content-Disposition), `/missing` (404). Every request's headers are recorded.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { serve, type TestServer } from "../../_serve.ts";

const BLOCK = 64 * 1024;
const BASE = new Uint8Array(BLOCK).map((_, i) => (i * 7 + (i >> 8)) & 255);

/** Block `k` of every file: the base block with `k` in its first four bytes. */
function block(k: number): Uint8Array {
  const out = BASE.slice();
  new DataView(out.buffer).setUint32(0, k);
  return out;
}

/** The bytes [start, end) of a file. */
export function bytesOf(start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  let offset = 0;
  for (let k = Math.floor(start / BLOCK); k * BLOCK < end; k++) {
    const b = block(k);
    const from = Math.max(start, k * BLOCK) - k * BLOCK;
    const to = Math.min(end, (k + 1) * BLOCK) - k * BLOCK;
    out.set(b.subarray(from, to), offset);
    offset += to - from;
  }
  return out;
}

/** The sha256 (hex) of a file of `size` bytes. */
export function sha256Of(size: number): string {
  const hash = createHash("sha256");
  for (let k = 0; k * BLOCK < size; k++) {
    const b = block(k);
    hash.update(b.subarray(0, Math.min(BLOCK, size - k * BLOCK)));
  }
  return hash.digest("hex");
}

/** A stream of the bytes [start, end), one block at a time, pulled on demand. */
function streamOf(start: number, end: number, options: { dropAt?: number; delay?: number } = {}) {
  let position = start;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (options.delay) await new Promise((r) => setTimeout(r, options.delay));
      if (options.dropAt !== undefined && position >= options.dropAt) {
        // What was sent reaches the client first; then the connection breaks.
        await new Promise((r) => setTimeout(r, 100));
        return controller.error(new Error("connection dropped on purpose"));
      }
      if (position >= end) return controller.close();
      const step = options.delay ? 16 * 1024 : BLOCK;
      let next = Math.min(end, position + step);
      if (options.dropAt !== undefined && next > options.dropAt) next = options.dropAt;
      if (next > position) controller.enqueue(bytesOf(position, next));
      position = next;
    },
  }, { highWaterMark: 0 });
}

/** The file server. */
export interface FileServer extends TestServer {
  /** The headers of every request to `path` so far. */
  requests(path: string): Headers[];
}

const LAST_MODIFIED = new Date(Date.UTC(2026, 0, 2, 3, 4, 5)).toUTCString();

/**
 * Starts the file server.
 *
 * @example
 * ```ts
 * const server = await fileServer();
 * await server.close();
 * ```
 */
export async function fileServer(): Promise<FileServer> {
  const seen = new Map<string, Headers[]>();
  const server = await serve((request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    seen.set(path, [...(seen.get(path) ?? []), new Headers(request.headers)]);
    const [, kind] = path.split("/");
    const size = Number(url.searchParams.get("size") ?? "1000");
    const etag = `"size-${size}"`;
    const base = {
      "content-type": "application/octet-stream",
      etag,
      "last-modified": LAST_MODIFIED,
      "accept-ranges": "bytes",
    };
    if (kind === "redirect") {
      return new Response(null, {
        status: 302,
        headers: { location: url.searchParams.get("to")! },
      });
    }
    if (kind === "missing") return new Response("no such file", { status: 404 });
    if (kind === "cd") {
      return new Response("disposition", {
        headers: { "content-disposition": url.searchParams.get("value") ?? "" },
      });
    }
    if (kind === "echo") {
      return new Response(request.headers.get("cookie") ?? "", {
        headers: { "content-type": "text/plain" },
      });
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.get("range") ?? "");
    const ifRange = request.headers.get("if-range");
    const honoursRange = kind !== "ignore-range" && range !== null &&
      (ifRange === null || ifRange === etag || ifRange === LAST_MODIFIED);
    const options = {
      dropAt: kind === "drop" && !range ? Number(url.searchParams.get("at")) : undefined,
      delay: kind === "slow" ? 20 : undefined,
    };
    if (honoursRange) {
      const start = Number(range![1]);
      return new Response(streamOf(start, size, options), {
        status: 206,
        headers: {
          ...base,
          "content-range": `bytes ${start}-${size - 1}/${size}`,
          "content-length": String(size - start),
        },
      });
    }
    return new Response(streamOf(0, size, options), {
      headers: { ...base, "content-length": String(size) },
    });
  });
  return { ...server, requests: (path) => seen.get(path) ?? [] };
}
