/**
 * `ses.webRequest.events.onRequestBody` and `onResponseBody`: websession's additions to Chrome's
 * webRequest events (Chrome has no event that changes a body; `declarativeNetRequest` cannot
 * either). A listener gets the request's details and returns a `TransformStream` the body streams
 * through (or null to leave it alone), chosen per request; listeners chain in the order they were
 * added. Each listener is a tap of the `requestBody`/`responseBody` stage while it is registered,
 * so with none the body is not wrapped at all.
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import { chromeFilter, filterAccepts } from "./listener_filter.ts";
import { hrefParts } from "./_url_parts.ts";

/** What a body listener gets. */
export interface BodyDetails {
  /** The request id (as the other events give it). */
  requestId: string;
  /** The URL of the hop. */
  url: string;
  /** The method. */
  method: string;
  /** Chrome's resource type. */
  type: string;
  /** Milliseconds since the epoch. */
  timeStamp: number;
  /** The response status (onResponseBody only). */
  statusCode?: number;
  /** The response headers as Chrome lists them (onResponseBody only). */
  responseHeaders?: Array<{ name: string; value: string }>;
}

/** A body listener: a TransformStream for this request's body, or null. */
export type BodyListener = (
  details: BodyDetails,
) =>
  | TransformStream<Uint8Array, Uint8Array>
  | null
  | undefined
  | Promise<TransformStream<Uint8Array, Uint8Array> | null | undefined>;

/**
 * One body event (`onRequestBody` or `onResponseBody`).
 *
 * @example
 * ```ts
 * // ses.webRequest.events.onResponseBody.addListener(() => new TransformStream(), {
 * //   urls: ["https://example.com/*"],
 * // });
 * ```
 */
export class BodyEvent {
  readonly #ctx: PluginContext;
  readonly #stage: "requestBody" | "responseBody";
  readonly #untaps = new Map<BodyListener, () => void>();

  /** Made by the web-request plugin. */
  constructor(ctx: PluginContext, stage: "requestBody" | "responseBody") {
    this.#ctx = ctx;
    this.#stage = stage;
  }

  /**
   * Adds a listener for the requests `filter` matches (Chrome's `{ urls, types }`); throws a
   * TypeError for a bad filter or a listener that is not a function. Adding it again does nothing.
   */
  addListener(listener: BodyListener, filter: { urls: string[]; types?: string[] }): void {
    if (typeof listener !== "function") throw new TypeError("The listener must be a function");
    const compiled = chromeFilter(filter);
    if (this.#untaps.has(listener)) return;
    const name = this.#stage === "requestBody" ? "onRequestBody" : "onResponseBody";
    const tap = (request: PipelineRequest, response?: Response) => {
      const parts = hrefParts(request.url, request.urlParts);
      if (!parts || !filterAccepts(compiled, parts, request.resourceType)) return null;
      const details: BodyDetails = {
        requestId: String(request.id),
        url: request.url,
        method: request.method,
        type: request.resourceType,
        timeStamp: Date.now(),
      };
      if (response) {
        details.statusCode = response.status;
        details.responseHeaders = [...response.headers].map(([name, value]) => ({ name, value }));
      }
      return listener(details) ?? null;
    };
    this.#untaps.set(
      listener,
      this.#ctx.tap(this.#stage, tap as never, { label: `webRequest.${name}` }),
    );
  }

  /** Removes a listener. */
  removeListener(listener: BodyListener): void {
    this.#untaps.get(listener)?.();
    this.#untaps.delete(listener);
  }

  /** Whether a listener is registered. */
  hasListener(listener: BodyListener): boolean {
    return this.#untaps.has(listener);
  }
}
