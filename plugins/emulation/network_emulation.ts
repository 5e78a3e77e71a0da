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

/**
 * What the requests started under emulation pace their bodies by, as Chromium's throttling
 * interceptor: `enable` again updates it (bodies in flight take the new rates, and fail once
 * offline), `disable` detaches it (bodies in flight go on at full speed).
 */
class Interceptor {
  conditions: NetworkConditions;
  download: TokenBucket | null = null;
  upload: TokenBucket | null = null;
  detached = false;

  constructor(conditions: NetworkConditions) {
    this.conditions = conditions;
    this.update(conditions);
  }

  update(conditions: NetworkConditions): void {
    this.#release();
    this.conditions = conditions;
    const rate = (value: number) => value > 0 ? new TokenBucket(value) : null;
    this.download = rate(conditions.downloadThroughput);
    this.upload = rate(conditions.uploadThroughput);
  }

  detach(): void {
    this.#release();
    this.download = this.upload = null;
    this.detached = true;
  }

  /** Whether the requests started under it are cut off (offline, not detached). */
  offline(): boolean {
    return !this.detached && this.conditions.offline;
  }

  /** The error of a request or body cut off by going offline. */
  offlineError(cause?: unknown): NetError {
    return new NetError("net::ERR_INTERNET_DISCONNECTED", "Network emulation went offline", {
      cause,
    });
  }

  /** The bucket a body in flight paces its next piece by; throws once offline (Chromium's reads). */
  bucket(direction: "download" | "upload"): TokenBucket | null {
    if (this.detached) return null;
    if (this.conditions.offline) throw this.offlineError();
    return this[direction];
  }

  #release(): void {
    this.download?.release();
    this.upload?.release();
  }
}

/** A session's emulated network: the conditions in force and their buckets. */
export class NetworkEmulation {
  #ctx: PluginContext;
  #interceptor: Interceptor | null = null;
  #untap: (() => void)[] = [];

  /** Made by the emulation plugin. */
  constructor(ctx: PluginContext) {
    this.#ctx = ctx;
  }

  /** The conditions in force, or null. */
  get conditions(): NetworkConditions | null {
    return this.#interceptor?.conditions ?? null;
  }

  /**
   * Applies `conditions` to new requests, and to the bodies in flight of requests started under
   * emulation: they take the new rates, and fail with `net::ERR_INTERNET_DISCONNECTED` once
   * offline (Chromium's throttled transactions do).
   */
  enable(conditions: NetworkConditions): void {
    for (const untap of this.#untap.splice(0)) untap();
    if (this.#interceptor === null) this.#interceptor = new Interceptor(conditions);
    else this.#interceptor.update(conditions);
    if (conditions.offline || conditions.latency > 0) {
      this.#untap.push(this.#ctx.tap("transport", (request) => this.#gate(request), {
        order: "pre",
        label: "network emulation (offline, latency)",
        filter: isNetwork,
      }));
    }
    if (!conditions.offline) {
      this.#untap.push(this.#ctx.tap("transport", (request) => this.#send(request), {
        order: "post",
        label: "network emulation (throughput)",
        filter: isNetwork,
      }));
    }
  }

  /** Back to the real network; bodies in flight go on at full speed. */
  disable(): void {
    for (const untap of this.#untap.splice(0)) untap();
    this.#interceptor?.detach();
    this.#interceptor = null;
  }

  async #gate(request: PipelineRequest): Promise<undefined> {
    const conditions = this.#interceptor?.conditions;
    if (conditions === undefined) return undefined;
    if (conditions.offline) {
      throw new NetError("net::ERR_INTERNET_DISCONNECTED", "Network emulation is offline");
    }
    await sleep(conditions.latency, request.signal);
    return undefined;
  }

  async #send(request: PipelineRequest): Promise<Response> {
    const interceptor = this.#interceptor;
    if (interceptor === null) return this.#ctx.transport.fetch(request);
    const body = request.body;
    // Bytes stay bytes (sent with their length) unless an upload rate paces them.
    if (body !== null && interceptor.upload !== null) {
      const stream = body instanceof Uint8Array ? bytesStream(body) : body;
      request.body = throttleStream(stream, () => interceptor.bucket("upload"));
    }
    let response: Response;
    try {
      response = await this.#ctx.transport.fetch(request);
    } catch (error) {
      // An upload cut by going offline: the runtime reports its own failure, Chromium this one.
      throw interceptor.offline() ? interceptor.offlineError(error) : error;
    } finally {
      // Bytes stay bytes for a redirect (307/308) or an authentication retry.
      if (body instanceof Uint8Array) request.body = body;
    }
    if (response.body === null || NULL_BODY.has(response.status)) return response;
    const paced = new Response(
      throttleStream(response.body, () => interceptor.bucket("download")),
      {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      },
    );
    // Where a page's fetch followed redirects, the paced copy still says where it ended.
    if (!followedRedirects(response)) return paced;
    return markFollowedRedirects(withUrl(paced, response.url, true));
  }
}
