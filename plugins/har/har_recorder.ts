/**
 * `ses.har.record(options)`: every hop of the session's requests as a HAR 1.2 entry, with timings
 * from the pipeline's stages (`blocked`: the stages before the transport; `wait`: until the
 * response headers; `receive`: until the body's end when bodies are kept), cookies, redirects
 * (each hop an entry, `redirectURL` set) and bodies as asked: `embed` (in the HAR), `attach`
 * (files beside it, Playwright's `_file`) or `omit`. Bodies are read from a clone of the response,
 * so the caller's body is untouched.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { Har, HarCookie, HarEntry, HarFiles, HarNameValue } from "./har_types.ts";
import { encodeBody } from "./body_text.ts";
import { urlMatcher, type UrlPattern } from "./url_pattern.ts";

/** Options of `ses.har.record`, in the spirit of Playwright's `recordHar`. */
export interface HarRecordOptions {
  /** Where `stop()` writes the HAR (optional: `stop()` also returns it). */
  path?: string;
  /** Bodies: `embed` (default), `attach` (files beside `path`) or `omit`. */
  content?: "embed" | "attach" | "omit";
  /** Only requests whose URL matches (a glob or a RegExp). */
  urlFilter?: UrlPattern;
}

const HOP = Symbol("har: the current hop");

interface Hop {
  started: number;
  startedAt: number;
  sent: number;
  entry: HarEntry | null;
  body: Promise<void> | null;
}

function pairs(headers: Headers): HarNameValue[] {
  const out: HarNameValue[] = [];
  headers.forEach((value, name) => {
    if (name !== "set-cookie") out.push({ name, value });
  });
  for (const line of headers.getSetCookie()) out.push({ name: "set-cookie", value: line });
  return out;
}

function requestCookies(header: string | null): HarCookie[] {
  if (!header) return [];
  return header.split(";").map((pair) => pair.trim()).filter(Boolean).map((pair) => {
    const eq = pair.indexOf("=");
    return eq < 0
      ? { name: "", value: pair }
      : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}

function responseCookie(line: string): HarCookie {
  const [first, ...attributes] = line.split(";");
  const eq = first.indexOf("=");
  const cookie: HarCookie = {
    name: eq < 0 ? "" : first.slice(0, eq).trim(),
    value: eq < 0 ? first.trim() : first.slice(eq + 1).trim(),
  };
  for (const attribute of attributes) {
    const [key, ...rest] = attribute.split("=");
    const value = rest.join("=").trim();
    switch (key.trim().toLowerCase()) {
      case "path":
        cookie.path = value;
        break;
      case "domain":
        cookie.domain = value;
        break;
      case "expires": {
        const date = new Date(value);
        if (!Number.isNaN(date.getTime())) cookie.expires = date.toISOString();
        break;
      }
      case "httponly":
        cookie.httpOnly = true;
        break;
      case "secure":
        cookie.secure = true;
        break;
    }
  }
  return cookie;
}

function queryString(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

const round = (ms: number) => Math.max(0, Math.round(ms * 1000) / 1000);

/** A recording in progress: `stop()` ends it and returns (and writes) the HAR. */
export class HarRecorder {
  #entries: HarEntry[] = [];
  #pending = new Set<Promise<void>>();
  #untap: (() => void)[] = [];
  #options: HarRecordOptions;
  #files: HarFiles | null;
  #stopped: Promise<Har> | null = null;
  #attachments = new Map<HarEntry, Uint8Array>();
  #complete = new Map<HarEntry, () => void>();

  /** Starts recording `ctx`'s session. Throws a TypeError for bad options. */
  constructor(ctx: PluginContext, options: HarRecordOptions, files: HarFiles | null) {
    const content = options.content ?? "embed";
    if (!["embed", "attach", "omit"].includes(content)) {
      throw new TypeError(`har.record: content must be "embed", "attach" or "omit"`);
    }
    if (options.path !== undefined && typeof options.path !== "string") {
      throw new TypeError("har.record: path must be a string");
    }
    if (content === "attach" && !options.path) {
      throw new TypeError('har.record: content "attach" needs a path to put the files beside');
    }
    if (options.path && files === null) {
      throw new Error("har.record: this runtime has no file system to write the HAR to");
    }
    this.#options = { ...options, content };
    this.#files = files;
    const wanted = urlMatcher(options.urlFilter);
    const hopOf = (request: PipelineRequest): Hop => {
      let hop = request.data.get(HOP) as Hop | undefined;
      if (!hop) {
        hop = {
          started: performance.now(),
          startedAt: Date.now(),
          sent: 0,
          entry: null,
          body: null,
        };
        request.data.set(HOP, hop);
      }
      return hop;
    };
    this.#untap.push(
      ctx.tap("beforeRequest", (request) => {
        request.data.set(HOP, {
          started: performance.now(),
          startedAt: Date.now(),
          sent: 0,
          entry: null,
          body: null,
        });
      }, { order: "pre", label: "har" }),
      ctx.tap("sendHeaders", (request) => {
        hopOf(request).sent = performance.now();
      }),
      ctx.tap("headersReceived", (request, response) => {
        if (!wanted(request.url)) return;
        const hop = hopOf(request);
        const now = performance.now();
        const entry = this.#entry(request, response, hop, now);
        this.#entries.push(entry);
        if (content !== "omit" && response.body !== null) {
          const copy = response.clone();
          const mimeType = response.headers.get("content-type") ?? "x-unknown";
          const reading = copy.arrayBuffer().then((buffer) => {
            const bytes = new Uint8Array(buffer);
            entry.response.content.size = bytes.byteLength;
            entry.response.bodySize = bytes.byteLength;
            if (content === "embed") {
              Object.assign(
                entry.response.content,
                encodeBody(bytes, mimeType),
              );
            } else this.#attachments.set(entry, bytes);
            const received = performance.now() - now;
            entry.timings.receive = round(received);
            entry.time = round(entry.time + received);
          }).catch(() => {}).finally(() => this.#pending.delete(reading));
          this.#pending.add(reading);
        }
        // An auth retry or a redirect starts a new hop.
        request.data.delete(HOP);
      }, { order: "pre", label: "har" }),
    );
  }

  /**
   * The entry of a hop. Only the request's headers are read now (the pipeline changes them in
   * place on the next hop); the rest is filled in by `complete()` when the recording stops, so
   * that recording costs little per request.
   */
  #entry(request: PipelineRequest, response: Response, hop: Hop, now: number): HarEntry {
    const sent = hop.sent || now;
    const headers = pairs(request.headers);
    const body = request.body instanceof Uint8Array ? request.body : null;
    const url = request.url;
    const entry = {
      startedDateTime: "",
      time: round(now - hop.started),
      request: {
        method: request.method,
        url,
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers,
        queryString: [],
        headersSize: -1,
        bodySize: body ? body.byteLength : request.body === null ? 0 : -1,
      },
      response: {
        status: response.status,
        statusText: response.statusText,
        httpVersion: "HTTP/1.1",
        cookies: [],
        headers: [],
        content: { size: -1, mimeType: "" },
        redirectURL: "",
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: {
        blocked: round(sent - hop.started),
        dns: -1,
        connect: -1,
        send: 0,
        wait: round(now - sent),
        receive: 0,
        ssl: -1,
      },
      _resourceType: request.resourceType,
    } as HarEntry;
    const responseHeaders = response.headers;
    const startedAt = hop.startedAt;
    this.#complete.set(entry, () => {
      entry.startedDateTime = new Date(startedAt).toISOString();
      entry.request.cookies = requestCookies(
        headers.find((h) => h.name === "cookie")?.value ?? null,
      );
      entry.request.queryString = queryString(url);
      if (body) {
        entry.request.postData = {
          mimeType: headers.find((h) => h.name === "content-type")?.value ??
            "application/octet-stream",
          text: new TextDecoder().decode(body),
        };
      }
      const length = responseHeaders.get("content-length");
      const r = entry.response;
      r.cookies = responseHeaders.getSetCookie().map(responseCookie);
      r.headers = pairs(responseHeaders);
      r.redirectURL = responseHeaders.get("location") ?? "";
      r.content.mimeType = responseHeaders.get("content-type") ?? "x-unknown";
      if (r.content.size === -1 && length !== null) r.content.size = Number(length);
      if (r.bodySize === -1 && length !== null) r.bodySize = Number(length);
    });
    return entry;
  }

  /** Ends the recording: waits for the bodies being read, writes the HAR (when a path was given). */
  stop(): Promise<Har> {
    return this.#stopped ??= this.#finish();
  }

  /** The HAR of what was recorded so far; recording goes on (bodies still being read are left out). */
  snapshot(): Har {
    for (const complete of this.#complete.values()) complete();
    return {
      log: {
        version: "1.2",
        creator: { name: "websession", version: "0.1.0" },
        pages: [],
        entries: [...this.#entries],
      },
    };
  }

  async #finish(): Promise<Har> {
    for (const untap of this.#untap.splice(0)) untap();
    await Promise.all([...this.#pending]);
    for (const complete of this.#complete.values()) complete();
    this.#complete.clear();
    const har: Har = {
      log: {
        version: "1.2",
        creator: { name: "websession", version: "0.1.0" },
        pages: [],
        entries: this.#entries,
      },
    };
    const path = this.#options.path;
    if (path && this.#files) {
      const dir = path.replace(/[\\/][^\\/]*$/, "");
      for (const [entry, bytes] of this.#attachments) {
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes as BufferSource));
        const name = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
        const extension = entry.response.content.mimeType.split(";")[0].split("/")[1] ?? "bin";
        const file = `${name}.${extension.replace(/[^\w]/g, "") || "bin"}`;
        await this.#files.writeBytes(dir === path ? file : `${dir}/${file}`, bytes);
        entry.response.content._file = file;
      }
      await this.#files.writeText(path, JSON.stringify(har, null, 2));
    }
    return har;
  }
}
