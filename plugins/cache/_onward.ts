/**
 * Sending a request on from inside a `transport` tap: the transport taps installed after the
 * cache's (the proxy's, a third party's) and then the session's transport, as the pipeline would.
 *
 * @module
 */
import { isNetError, NetError } from "../../kernel/errors.ts";
import { toNetError } from "../../kernel/http/to_net_error.ts";
import { markFetched } from "../../kernel/http/rules.ts";
import { HookError } from "../../kernel/errors.ts";
import type { Pipeline } from "../../kernel/pipeline.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { HttpTransport } from "../../kernel/transport.ts";

/**
 * Sends `request` through the transport taps after the one labelled `label` of `plugin`, then
 * the transport.
 *
 * @example
 * ```ts
 * // const response = await sendOnward(ses.pipeline, ses.transport, request, "cache", "http-cache");
 * ```
 */
export async function sendOnward(
  pipeline: Pipeline,
  transport: HttpTransport,
  request: PipelineRequest,
  plugin: string,
  label: string,
): Promise<Response> {
  const taps = pipeline.tapsFor("transport", request);
  let after = false;
  for (const tap of taps) {
    if (!after) {
      after = tap.plugin === plugin && tap.label === label;
      continue;
    }
    if (tap.filter && !tap.filter(request)) continue;
    let answer;
    try {
      answer = tap.fn(request);
      // awaited only when it is a promise: a tap that passes at once costs no turn of the queue
      if (answer instanceof Promise) answer = await answer;
    } catch (error) {
      if (isNetError(error)) throw error;
      throw new NetError("net::ERR_FAILED", `${tap.plugin} failed to answer the request`, {
        cause: new HookError(tap.plugin, "transport", error),
      });
    }
    if (answer instanceof Response) return answer;
  }
  try {
    // marked as the transport's: the kernel then neither ties its reads to the request's signal
    // again nor reads its URL (see kernel/http/rules.ts, deliverResponse)
    return markFetched(await transport.fetch(request));
  } catch (error) {
    throw toNetError(error, request.signal);
  }
}

/**
 * A copy of a hop with other headers, for a request the cache sends itself (a revalidation), so
 * the caller's request keeps its own headers.
 *
 * @example
 * ```ts
 * // const conditional = withHeaders(request, new Headers({ "if-none-match": '"v1"' }));
 * ```
 */
export function withHeaders(request: PipelineRequest, headers: Headers): PipelineRequest {
  return {
    id: request.id,
    url: request.url,
    urlParts: request.urlParts,
    method: request.method,
    headers,
    body: request.body,
    resourceType: request.resourceType,
    initiator: request.initiator,
    topLevelSite: request.topLevelSite,
    referrer: request.referrer,
    timestamp: request.timestamp,
    redirectCount: request.redirectCount,
    urlList: request.urlList,
    signal: request.signal,
    options: request.options,
    data: request.data,
  };
}
