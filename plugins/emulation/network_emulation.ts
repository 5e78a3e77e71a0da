/**
 * Network emulation for one session, as Chromium's DevTools throttling applies it: offline fails
 * new requests, latency delays each request before it is sent, and download/upload throughput
 * pace the body streams through one token bucket per direction that all the session's requests
 * share.
 *
 * - Offline and latency apply to every `http(s)`/`ws(s)` request the session sends (direct or
 *   through a proxy); requests a `protocol.handle` handler answers are not network and are left
 *   alone.
 * - Throughput applies to what the session's own transport sends and receives (direct
 *   connections). Through a proxy the proxy plugin's router holds the connection, and there
 *   bodies are not paced.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { NetError } from "../../kernel/errors.ts";
import { followedRedirects, markFollowedRedirects, withUrl } from "../../kernel/http/rules.ts";
import type { NetworkConditions } from "./conditions.ts";
import { TokenBucket } from "./token_bucket.ts";
import { bytesStream, throttleStream } from "./throttled_stream.ts";

const NETWORK_SCHEMES = new Set(["http", "https", "ws", "wss"]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function isNetwork(request: PipelineRequest): boolean {
  const url = request.url;
  return NETWORK_SCHEMES.has(url.slice(0, url.indexOf(":")));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): NetError {
  return new NetError("net::ERR_ABORTED", "The request was aborted", { cause: signal.reason });
}

/** A session's emulated network: the conditions in force and their buckets. */
export class NetworkEmulation {
  #ctx: PluginContext;
  #conditions: NetworkConditions | null = null;
  #download: TokenBucket | null = null;
  #upload: TokenBucket | null = null;
  #untap: (() => void)[] = [];

  /** Made by the emulation plugin. */
  constructor(ctx: PluginContext) {
    this.#ctx = ctx;
  }

  /** The conditions in force, or null. */
  get conditions(): NetworkConditions | null {
    return this.#conditions;
  }

  /** Applies `conditions` to new requests (and paces bodies in flight with the new rates). */
  enable(conditions: NetworkConditions): void {
    this.disable();
    this.#conditions = conditions;
    if (conditions.downloadThroughput > 0) {
      this.#download = new TokenBucket(conditions.downloadThroughput);
    }
    if (conditions.uploadThroughput > 0) {
      this.#upload = new TokenBucket(conditions.uploadThroughput);
    }
    if (conditions.offline || conditions.latency > 0) {
      this.#untap.push(this.#ctx.tap("transport", (request) => this.#gate(request), {
        order: "pre",
        label: "network emulation (offline, latency)",
        filter: isNetwork,
      }));
    }
    if (this.#download || this.#upload) {
      this.#untap.push(this.#ctx.tap("transport", (request) => this.#send(request), {
        order: "post",
        label: "network emulation (throughput)",
        filter: isNetwork,
      }));
    }
  }

  /** Back to the real network; bodies being paced go on at full speed. */
  disable(): void {
    for (const untap of this.#untap.splice(0)) untap();
    this.#download?.release();
    this.#upload?.release();
    this.#download = this.#upload = null;
    this.#conditions = null;
  }

  async #gate(request: PipelineRequest): Promise<undefined> {
    const conditions = this.#conditions;
    if (conditions === null) return undefined;
    if (conditions.offline) {
      throw new NetError("net::ERR_INTERNET_DISCONNECTED", "Network emulation is offline");
    }
    await sleep(conditions.latency, request.signal);
    return undefined;
  }

  async #send(request: PipelineRequest): Promise<Response> {
    const upload = this.#upload;
    const download = this.#download;
    const body = request.body;
    if (upload !== null && body !== null) {
      const stream = body instanceof Uint8Array ? bytesStream(body) : body;
      request.body = throttleStream(stream, upload);
    }
    let response: Response;
    try {
      response = await this.#ctx.transport.fetch(request);
    } finally {
      // Bytes stay bytes for a redirect (307/308) or an authentication retry.
      if (body instanceof Uint8Array) request.body = body;
    }
    if (download === null || response.body === null || NULL_BODY.has(response.status)) {
      return response;
    }
    const paced = new Response(throttleStream(response.body, download), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // Where a page's fetch followed redirects, the paced copy still says where it ended.
    if (!followedRedirects(response)) return paced;
    return markFollowedRedirects(withUrl(paced, response.url, true));
  }
}
