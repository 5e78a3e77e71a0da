/**
 * The request pipeline: every request walks Chrome's webRequest lifecycle, and plugins tap its
 * stages. `beforeRequest` -> `beforeSendHeaders` -> `sendHeaders` -> transport ->
 * `headersReceived` -> (`authRequired`) -> (`beforeRedirect`, back to the start) ->
 * `responseStarted` -> `completed` | `errorOccurred`; exactly one of the last two ends every
 * request.
 *
 * @module
 */
import { type NetError, toNetError } from "./errors.ts";
import { HopRequest, type PipelineRequest } from "./request.ts";
import type { Decision } from "./pipeline_types.ts";
import { deliverResponse, withUrl } from "./_response.ts";
import { TapRegistry } from "./taps.ts";
export { TapRegistry } from "./taps.ts";
import { Trace } from "./trace.ts";
import { StageRunner } from "./runners.ts";
import { passed, walk } from "./_walk.ts";
import { tapResponseBody } from "./_body_taps.ts";
import type { PipelineHost, PipelineInput } from "./pipeline_input.ts";
export type { PipelineHost, PipelineInput, RedirectMode } from "./pipeline_input.ts";

export { NEVER_ABORTED } from "./request.ts";

/**
 * The pipeline of one session.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("example", { plugins: [] });
 * ses.pipeline.tap("beforeSendHeaders", (req) => {
 *   const headers = new Headers(req.headers);
 *   headers.set("x-hello", "1");
 *   return { requestHeaders: headers };
 * }, { plugin: "example" });
 * ```
 */
export class Pipeline extends TapRegistry {
  #host: PipelineHost;
  #trace: Trace;
  #run: StageRunner;

  /** Made by the session. */
  constructor(host: PipelineHost) {
    super();
    this.#host = host;
    this.#trace = new Trace((error) => host.reportHookError(error, null));
    this.#run = new StageRunner(this, this.#trace, host);
  }

  /**
   * Subscribes to every decision taps make (what each answered, what was applied); returns the
   * unsubscribe function. Costs nothing while nobody listens.
   */
  onDecision(listener: (decision: Decision) => void): () => void {
    return this.#trace.subscribe(listener);
  }

  /** Runs one request through the pipeline and resolves to its response. */
  async run(input: PipelineInput): Promise<Response> {
    const request = this.#createRequest(input);
    input.onStart?.(request);
    let response: Response;
    try {
      response = await walk(this.#run, request, input);
      if (this.tapCount("responseBody") > 0) {
        response = await tapResponseBody(this.#run, request, response);
      }
    } catch (error) {
      const netError = toNetError(error, request.signal);
      this.#ender(request, input.onEnd)(netError, null);
      throw netError;
    }
    this.#run.observe("responseStarted", request, response);
    const watch = input.onEnd !== undefined || this.tapCount("completed") > 0 ||
      this.tapCount("errorOccurred") > 0;
    return deliverResponse(request, response, watch ? this.#ender(request, input.onEnd) : null);
  }

  /** The function that ends a request once: `completed` or `errorOccurred`, then `onEnd`. */
  #ender(request: PipelineRequest, onEnd: PipelineInput["onEnd"]) {
    let ended = false;
    return (error: NetError | null, response: Response | null) => {
      if (ended) return;
      ended = true;
      if (error) this.#run.observe("errorOccurred", request, error);
      else this.#run.observe("completed", request, response!);
      onEnd?.(request, error);
    };
  }

  /**
   * Runs only `beforeRequest` for something the session does not send itself (a CONNECT tunnel:
   * `https://host:port/` passes the rules at host level). Rejects with
   * `net::ERR_BLOCKED_BY_CLIENT` when a tap cancels; otherwise resolves to the request and the
   * function that ends it (`completed` with a 200, or `errorOccurred`).
   */
  async admit(input: PipelineInput): Promise<{
    request: PipelineRequest;
    end(error: NetError | null): void;
  }> {
    const request = this.#createRequest(input);
    const ender = this.#ender(request, undefined);
    const end = (error: NetError | null) =>
      ender(error, error ? null : withUrl(new Response(null), request.url));
    try {
      const outcome = this.#run.blocking("beforeRequest", request, null);
      passed(outcome instanceof Promise ? await outcome : outcome);
    } catch (error) {
      const netError = toNetError(error, request.signal);
      end(netError);
      throw netError;
    }
    return { request, end };
  }

  #createRequest(input: PipelineInput): PipelineRequest {
    return new HopRequest(this.#host.nextId(), this.#host.now(), input);
  }
}
