/**
 * The pipeline's events as one stream for the live view (`GET /api/events`): request start,
 * each stage, completion or error, with timings, and tunnels.
 *
 * @module
 */
import { type PipelineRequest, type Session, STAGE_KINDS, STAGES } from "../../mod.ts";

/** One event of the live view. */
export interface LiveEvent {
  /**
   * `request`, a stage name, `tunnel`, `tunnel-closed`, `tls-failed` (a client's handshake), or
   * `plugin-error` (an add-on's hook threw, hung or crashed).
   */
  type: string;
  /** The request id (tunnels get ids of their own, prefixed `t`). */
  id: number | string;
  /** The URL. */
  url: string;
  /** Method, for requests. */
  method?: string;
  /** Status, once known. */
  status?: number;
  /** The error code, for `errorOccurred`. */
  error?: string;
  /** Milliseconds since the request started. */
  elapsed: number;
  /** Extra figures (bytes of a tunnel). */
  bytes?: { up: number; down: number };
  /** A tunnel the server decrypts. */
  intercepted?: boolean;
  /** The host whose handshake failed, for `tls-failed`. */
  host?: string;
  /** How many handshakes with that host failed so far, for `tls-failed`. */
  count?: number;
  /** The request log's entry, for `entry` (a request of the dashboard started or changed). */
  entry?: unknown;
  /** The add-on, for `plugin-error`. */
  plugin?: string;
  /** The stage or hook it failed in, for `plugin-error`. */
  stage?: string;
}

type Subscriber = (event: LiveEvent) => void;

// Every stage but the ones whose first answer wins (transport, authRequired): tapping those would
// take a place in their order; and but the body stages: tapping those would end their fast path.
const WATCHED = STAGES.filter((stage) =>
  STAGE_KINDS[stage] !== "first" && STAGE_KINDS[stage] !== "transform"
);

/**
 * Fans the pipeline's events out to subscribers; taps the pipeline only while someone listens.
 *
 * @example
 * ```ts
 * // const stream = new EventStream(ses);
 * // const stop = stream.subscribe((event) => console.log(event.type, event.url));
 * ```
 */
export class EventStream {
  #session: Session;
  #subscribers = new Set<Subscriber>();
  #untaps: Array<() => void> = [];

  /** Watches the pipeline of `session`. */
  constructor(session: Session) {
    this.#session = session;
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(subscriber: Subscriber): () => void {
    this.#subscribers.add(subscriber);
    if (this.#subscribers.size === 1) this.#tapAll();
    return () => {
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0) this.#untapAll();
    };
  }

  /** Sends an event that does not come from the pipeline (tunnels). */
  publish(event: LiveEvent): void {
    for (const subscriber of this.#subscribers) subscriber(event);
  }

  #tapAll(): void {
    const pipeline = this.#session.pipeline;
    for (const stage of WATCHED) {
      const tap = (request: PipelineRequest, arg?: unknown) => {
        const event: LiveEvent = {
          type: stage === "beforeRequest" && request.redirectCount === 0 ? "request" : stage,
          id: request.id,
          url: request.url,
          method: request.method,
          elapsed: Math.round((this.#session.now() - request.timestamp) * 1000) / 1000,
        };
        if (arg instanceof Response) event.status = arg.status;
        if (stage === "errorOccurred") event.error = (arg as { code?: string })?.code;
        this.publish(event);
      };
      this.#untaps.push(
        pipeline.tap(stage, tap as never, { plugin: "session-server", order: "post" }),
      );
    }
  }

  #untapAll(): void {
    for (const untap of this.#untaps.splice(0)) untap();
  }
}
