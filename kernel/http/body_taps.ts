/**
 * The body stages, `requestBody` and `responseBody`: each tap may answer a `TransformStream` the
 * body then streams through (taps chain in their order), or null to leave it alone. The pipeline
 * calls these only when a stage has taps, so with none no stream is wrapped. The response body a
 * tap sees is decoded (fetch decodes `gzip`, `br`, `deflate`, `zstd`); once a tap transforms it,
 * `content-encoding` and `content-length` are dropped from its headers (the length is no longer
 * known before the end), as they are from a request whose body a tap transforms.
 *
 * @module
 */
import { HookError } from "../errors.ts";
import type { PipelineRequest, StageHandlers } from "../request.ts";
import type { Runner as StageRunner } from "./runner.ts";
import { withUrl } from "./rules.ts";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

type BodyStage = "requestBody" | "responseBody";
type Transform = TransformStream<Uint8Array, Uint8Array>;

async function transformsFor(
  run: StageRunner,
  stage: BodyStage,
  request: PipelineRequest,
  response: Response | null,
): Promise<Transform[]> {
  const chosen: Transform[] = [];
  for (const tap of run.taps.tapsFor(stage, request)) {
    if (tap.filter && !tap.filter(request)) continue;
    try {
      const answer = await (tap.fn as StageHandlers["responseBody"])(request, response!);
      if (answer === null || answer === undefined) continue;
      if (!(answer instanceof TransformStream)) {
        throw new TypeError(`A ${stage} tap must answer a TransformStream or null`);
      }
      chosen.push(answer);
    } catch (error) {
      run.host.reportHookError(new HookError(tap.plugin, stage, error), request);
    }
  }
  return chosen;
}

/**
 * Streams the request's body through the `requestBody` taps' transforms (a body of bytes becomes
 * a stream: it can then be sent once only).
 *
 * @example
 * ```ts
 * // if (request.body !== null && run.taps.tapCount("requestBody") > 0) {
 * //   await tapRequestBody(run, request);
 * // }
 * ```
 */
export async function tapRequestBody(run: StageRunner, request: PipelineRequest): Promise<void> {
  if (request.body === null) return;
  const transforms = await transformsFor(run, "requestBody", request, null);
  if (transforms.length === 0) return;
  const bytes = request.body;
  let body: ReadableStream<Uint8Array> = bytes instanceof ReadableStream
    ? bytes
    : new ReadableStream({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
  for (const transform of transforms) body = body.pipeThrough(transform);
  request.body = body;
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  request.headers = headers;
}

/**
 * The response with its body streamed through the `responseBody` taps' transforms, or the same
 * response when no tap transforms it.
 *
 * @example
 * ```ts
 * // if (pipeline.tapCount("responseBody") > 0) response = await tapResponseBody(run, request, response);
 * ```
 */
export async function tapResponseBody(
  run: StageRunner,
  request: PipelineRequest,
  response: Response,
): Promise<Response> {
  if (NULL_BODY.has(response.status) || request.method === "HEAD") return response;
  const transforms = await transformsFor(run, "responseBody", request, response);
  // `response.body` is read only when a tap wants it: reading it wraps the runtime's native
  // stream, about 20 µs a request on Deno (bench/fetch.ts, through a tap answering null)
  if (transforms.length === 0 || response.body === null) return response;
  let body: ReadableStream<Uint8Array> = response.body;
  for (const transform of transforms) body = body.pipeThrough(transform);
  const headers = new Headers(response.headers);
  headers.delete("content-encoding");
  headers.delete("content-length");
  const { status, statusText } = response;
  return withUrl(new Response(body, { status, statusText, headers }), response.url);
}
