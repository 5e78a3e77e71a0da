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
import type { PipelineRequest, StageHandlers, Tap } from "../request.ts";
import type { Runner as StageRunner } from "./runner.ts";
import { withUrl } from "./rules.ts";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

type BodyStage = "requestBody" | "responseBody";
type Transform = TransformStream<Uint8Array, Uint8Array>;

/**
 * The transforms the stage's taps answer, in their order: synchronously while every tap answers
 * synchronously (a tap with nothing to do answers null at once: most responses), else a promise
 * from the first tap that answers one.
 */
function transformsFor(
  run: StageRunner,
  stage: BodyStage,
  request: PipelineRequest,
  response: Response | null,
): Transform[] | Promise<Transform[]> {
  const chosen: Transform[] = [];
  const taps = run.taps.tapsFor(stage, request);
  for (let i = 0; i < taps.length; i++) {
    const tap = taps[i];
    if (tap.filter && !tap.filter(request)) continue;
    let answer;
    try {
      answer = (tap.fn as StageHandlers["responseBody"])(request, response!);
    } catch (error) {
      reportFailure(run, request, stage, tap.plugin, error);
      continue;
    }
    if (answer instanceof Promise) {
      return transformsFrom(run, stage, request, response, taps, i, answer, chosen);
    }
    choose(run, request, stage, tap.plugin, answer, chosen);
  }
  return chosen;
}

/** `transformsFor` from the tap at `index`, whose answer is the promise `pending`, on. */
async function transformsFrom(
  run: StageRunner,
  stage: BodyStage,
  request: PipelineRequest,
  response: Response | null,
  taps: readonly Tap<BodyStage>[],
  index: number,
  pending: Promise<unknown>,
  chosen: Transform[],
): Promise<Transform[]> {
  for (let i = index; i < taps.length; i++) {
    const tap = taps[i];
    if (i > index && tap.filter && !tap.filter(request)) continue;
    try {
      const answer = i === index
        ? await pending
        : await (tap.fn as StageHandlers["responseBody"])(request, response!);
      choose(run, request, stage, tap.plugin, answer, chosen);
    } catch (error) {
      reportFailure(run, request, stage, tap.plugin, error);
    }
  }
  return chosen;
}

/** Adds a tap's answer to `chosen` (null: none); anything else is reported as the tap's error. */
function choose(
  run: StageRunner,
  request: PipelineRequest,
  stage: BodyStage,
  plugin: string,
  answer: unknown,
  chosen: Transform[],
): void {
  if (answer === null || answer === undefined) return;
  if (answer instanceof TransformStream) chosen.push(answer);
  else {
    const error = new TypeError(`A ${stage} tap must answer a TransformStream or null`);
    reportFailure(run, request, stage, plugin, error);
  }
}

function reportFailure(
  run: StageRunner,
  request: PipelineRequest,
  stage: BodyStage,
  plugin: string,
  error: unknown,
): void {
  run.host.reportHookError(new HookError(plugin, stage, error), request);
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
 * response when no tap transforms it; synchronous while the taps answer synchronously.
 *
 * @example
 * ```ts
 * // if (pipeline.tapCount("responseBody") > 0) response = await tapResponseBody(run, request, response);
 * ```
 */
export function tapResponseBody(
  run: StageRunner,
  request: PipelineRequest,
  response: Response,
): Response | Promise<Response> {
  if (NULL_BODY.has(response.status) || request.method === "HEAD") return response;
  const transforms = transformsFor(run, "responseBody", request, response);
  return transforms instanceof Promise
    ? transforms.then((chosen) => transformed(response, chosen))
    : transformed(response, transforms);
}

/** The response with its body streamed through `transforms`, or the same one without any. */
function transformed(response: Response, transforms: Transform[]): Response {
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
