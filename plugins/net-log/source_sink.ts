/**
 * A source's sink: what other parts of websession (the proxy plugin, tunnels, the server) write a
 * source's events through while the net log records (`kernel/net_log/sink.ts`), handed to the
 * recorder with the source they belong to.
 *
 * @module
 */
import type { NetLogSink, NetLogSourceRef } from "../../kernel/net_log/sink.ts";

/** The phases a sink's calls give. */
export type SinkPhase = "PHASE_BEGIN" | "PHASE_END" | "PHASE_NONE";

/** What a source's sink calls on the recorder (`S`: the recorder's source). */
export interface SinkOwner<S> {
  /** An event of the source. */
  sinkEvent(source: S, type: string, phase: SinkPhase, params?: Record<string, unknown>): void;
  /** A new source, asked for through the sink of `from`. */
  sinkSource(type: string, from: S): NetLogSink;
  /** Header lines in the log's capture mode. */
  sinkHeaderLines(headers: Headers): string[];
  /** The source's request has its connection. */
  sinkSending(source: S): void;
}

/**
 * The sink of one source (methods on the prototype: one object per source, no closures).
 *
 * @example
 * ```ts ignore
 * const sink = new SourceSink(source, { id: 1, type: 1 }, recorder);
 * sink.event("DELEGATE_INFO", { delegate_info: "x" });
 * ```
 */
export class SourceSink<S> implements NetLogSink {
  readonly ref: NetLogSourceRef;
  #source: S;
  #recorder: SinkOwner<S>;
  constructor(source: S, ref: NetLogSourceRef, recorder: SinkOwner<S>) {
    this.ref = ref;
    this.#source = source;
    this.#recorder = recorder;
  }
  /** See {@linkcode NetLogSink}. */
  begin(type: string, params?: Record<string, unknown>): void {
    this.#recorder.sinkEvent(this.#source, type, "PHASE_BEGIN", params);
  }
  /** See {@linkcode NetLogSink}. */
  end(type: string, params?: Record<string, unknown>): void {
    this.#recorder.sinkEvent(this.#source, type, "PHASE_END", params);
  }
  /** See {@linkcode NetLogSink}. */
  event(type: string, params?: Record<string, unknown>): void {
    this.#recorder.sinkEvent(this.#source, type, "PHASE_NONE", params);
  }
  /** See {@linkcode NetLogSink}. */
  source(type: string): NetLogSink {
    return this.#recorder.sinkSource(type, this.#source);
  }
  /** See {@linkcode NetLogSink}. */
  headerLines(headers: Headers): string[] {
    return this.#recorder.sinkHeaderLines(headers);
  }
  /** See {@linkcode NetLogSink}. */
  sending(): void {
    this.#recorder.sinkSending(this.#source);
  }
}
