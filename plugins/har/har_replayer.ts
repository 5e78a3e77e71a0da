/**
 * `ses.har.replay(har | path, options)`: answers the session's matching requests from a HAR, in
 * the spirit of Playwright's `routeFromHAR`: an entry answers a request as Playwright picks one
 * (`har_match.ts`: method, URL, a POST's body, then the most shared headers); `url` limits which
 * requests are looked up; `notFound: "abort"` (default) fails the others with `net::ERR_FAILED`,
 * `"fallback"` sends them to the network; `update: true` records the network into `path` instead
 * of replaying.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { NetError } from "../../kernel/errors.ts";
import type { Har, HarFiles } from "./har_types.ts";
import { decodeBody } from "./body_text.ts";
import { urlMatcher, type UrlPattern } from "./url_pattern.ts";
import { HarRecorder } from "./har_recorder.ts";
import { findHarEntry } from "./har_match.ts";

/** Options of `ses.har.replay`. */
export interface HarReplayOptions {
  /** Only requests whose URL matches are answered from the HAR (a glob or a RegExp). */
  url?: UrlPattern;
  /** What happens to a request the HAR has no entry for (default `abort`). */
  notFound?: "abort" | "fallback";
  /** Record the network into the HAR file (the `path` given) instead of replaying it. */
  update?: boolean;
}

/** A replay (or update) in progress. */
export interface HarReplay {
  /** Stops answering from the HAR (with `update`, writes the HAR file). */
  stop(): Promise<void>;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
// The HAR holds decoded bodies: headers describing the encoding on the wire no longer apply.
const DROPPED = new Set(["content-encoding", "content-length", "transfer-encoding"]);

function bodyText(request: PipelineRequest): string | null {
  return request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : null;
}

/**
 * Starts replaying (or updating) a HAR for a session. Rejects with a TypeError for bad options or
 * a file that is not a HAR.
 *
 * @example
 * ```ts ignore
 * const replay = await replayHar(ctx, "/tmp/site.har", { notFound: "fallback" }, files);
 * await replay.stop();
 * ```
 */
export async function replayHar(
  ctx: PluginContext,
  source: Har | string,
  options: HarReplayOptions,
  files: HarFiles | null,
): Promise<HarReplay> {
  if (options === null || typeof options !== "object") {
    throw new TypeError("har.replay: options must be an object");
  }
  const notFound = options.notFound ?? "abort";
  if (notFound !== "abort" && notFound !== "fallback") {
    throw new TypeError('har.replay: notFound must be "abort" or "fallback"');
  }
  const inScope = urlMatcher(options.url, "url");
  if (options.update) {
    if (typeof source !== "string") {
      throw new TypeError("har.replay: update needs the HAR's path");
    }
    const recorder = new HarRecorder(ctx, { path: source, urlFilter: options.url }, files);
    return { stop: async () => void await recorder.stop() };
  }
  let har: Har;
  let dir = "";
  if (typeof source === "string") {
    if (files === null) throw new Error("har.replay: this runtime has no file system to read from");
    har = JSON.parse(await files.readText(source));
    dir = source.replace(/[\\/][^\\/]*$/, "");
    if (dir === source) dir = ".";
  } else har = source;
  if (!har || typeof har !== "object" || !Array.isArray(har.log?.entries)) {
    throw new TypeError("har.replay: not a HAR (log.entries is missing)");
  }
  const entries = har.log.entries;

  const untap = ctx.tap("transport", async (request) => {
    if (!inScope(request.url)) return undefined;
    const entry = findHarEntry(entries, {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: bodyText(request),
    });
    if (!entry) {
      if (notFound === "fallback") return undefined;
      throw new NetError(
        "net::ERR_FAILED",
        `har.replay: the HAR has no entry for ${request.method} ${request.url}`,
      );
    }
    const { response } = entry;
    const headers = new Headers();
    for (const { name, value } of response.headers) {
      if (!DROPPED.has(name.toLowerCase()) && !name.startsWith(":")) headers.append(name, value);
    }
    let body: Uint8Array | null = null;
    if (!NULL_BODY.has(response.status) && request.method !== "HEAD") {
      body = response.content._file && files
        ? await files.readBytes(`${dir}/${response.content._file}`)
        : decodeBody(response.content);
    }
    return new Response(body as BodyInit | null, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }, { order: "pre", label: "har replay" });
  return { stop: () => Promise.resolve(untap()) };
}
