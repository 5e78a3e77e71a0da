/**
 * A PAC script run off the main thread: a Worker holds the QuickJS sandbox (memory bounded to
 * 32 MiB by default, each call time-limited), so a slow or hostile script never blocks the
 * thread that serves requests. A Worker that stops answering (a call stuck past its time limit
 * and a grace period) is terminated, which gives all its memory back; the pending calls go
 * DIRECT with the reason, and the next call starts a new Worker with the script loaded again.
 *
 * @module
 */
import type { HostResolver } from "./host_resolver.ts";
import { pacArguments, type PacDecision, pacDecision } from "./pac_resolver.ts";
import { PacLoadError, type PacOutcome, type PacScriptError } from "./pac_sandbox.ts";
import type { FromPacWorker, PacWorkerSettings, ToPacWorker } from "./_pac_wire.ts";

/** Options of {@link PacThread.create}. */
export interface PacThreadOptions extends PacWorkerSettings {
  /** Where the script's DNS questions go (asked on this thread). */
  resolver: HostResolver;
  /** Receives the script's errors. */
  onError?: (error: PacScriptError) => void;
  /** Receives `alert()` messages. */
  onAlert?: (message: string) => void;
  /**
   * How long a Worker may stay silent with work pending before it is terminated, in ms (default
   * `timeout` + 1000): the limit for a script stuck where the time limit cannot interrupt it
   * (inside a native builtin such as a huge `sort()`).
   */
  watchdog?: number;
}

interface Running {
  worker: Worker;
  loaded: Promise<void>;
  calls: Map<number, (outcome: PacOutcome) => void>;
  /** Whether the Worker is working on the script (loading, or calls with no DNS awaited). */
  loading: boolean;
  dnsWaits: number;
  watchdog: ReturnType<typeof setTimeout> | undefined;
  fail(reason: string): void;
  rearm(): void;
}

const workerUrl = new URL("./pac_worker.ts", import.meta.url);

/** The least time a Worker gets to load the script (a cold VM is slower than a warm call). */
const LOAD_LIMIT = 5000;

/**
 * A PAC script in a Worker, used as the session's PAC engine.
 *
 * @example
 * ```ts
 * const pac = await PacThread.create('function FindProxyForURL(u, h) { return "PROXY p:8080"; }', {
 *   resolver: { resolve: () => [], localAddresses: () => [] },
 * });
 * (await pac.resolve("http://example.com/")).result; // "PROXY p:8080"
 * pac.dispose();
 * ```
 */
export class PacThread {
  #script: string;
  #options: PacThreadOptions;
  #running: Running | null = null;
  #nextCall = 0;
  #disposed = false;
  #restarts = 0;

  private constructor(script: string, options: PacThreadOptions) {
    this.#script = script;
    this.#options = options;
  }

  /**
   * Starts a Worker and loads the script; rejects with a `PacLoadError` when the script cannot be
   * used (or times out while loading).
   */
  static async create(script: string, options: PacThreadOptions): Promise<PacThread> {
    const thread = new PacThread(script, options);
    try {
      await thread.#start().loaded;
    } catch (error) {
      thread.dispose();
      throw error;
    }
    return thread;
  }

  /** How many times a stuck Worker was terminated and replaced. */
  get restarts(): number {
    return this.#restarts;
  }

  get #limit(): number {
    return this.#options.watchdog ?? (this.#options.timeout ?? 1000) + 1000;
  }

  #start(): Running {
    const worker = new Worker(workerUrl.href, { type: "module" });
    const calls = new Map<number, (outcome: PacOutcome) => void>();
    let settle: { ok: () => void; no: (e: Error) => void } | null = null;
    const loaded = new Promise<void>((ok, no) => void (settle = { ok, no }));
    loaded.catch(() => {});
    const running: Running = {
      worker,
      loaded,
      calls,
      loading: false,
      dnsWaits: 0,
      watchdog: undefined,
      fail: (reason) => {
        if (this.#running === running) this.#running = null;
        clearTimeout(running.watchdog);
        worker.terminate();
        settle?.no(new PacLoadError([{ message: reason, line: -1 }]));
        settle = null;
        for (const done of calls.values()) done({ ok: false, error: reason, errors: [] });
        calls.clear();
      },
      // The watchdog runs while the Worker has script work to do and is not waiting for DNS;
      // any answer from it starts the period again.
      rearm: () => {
        clearTimeout(running.watchdog);
        const limit = running.loading ? Math.max(this.#limit, LOAD_LIMIT) : this.#limit;
        const working = running.loading || calls.size > 0;
        // An idle Worker does not keep the process alive where the runtime allows (Bun).
        const handle = worker as unknown as { ref?: () => void; unref?: () => void };
        if (working) handle.ref?.();
        else handle.unref?.();
        const busy = working && running.dnsWaits === 0;
        running.watchdog = busy
          ? setTimeout(() => {
            this.#restarts++;
            running.fail(
              `PAC script timed out after ${Math.min(limit, this.#options.timeout ?? 1000)} ms`,
            );
          }, limit)
          : undefined;
      },
    };
    const send = (message: ToPacWorker) => worker.postMessage(message);
    worker.onmessage = ({ data }: MessageEvent<FromPacWorker>) => {
      switch (data.t) {
        case "ready": {
          const { timeout, memoryLimit, maxRestarts, filename } = this.#options;
          send({
            t: "load",
            script: this.#script,
            settings: { timeout, memoryLimit, maxRestarts, filename },
          });
          break;
        }
        case "loading":
          running.loading = true;
          running.rearm();
          break;
        case "loaded":
          settle?.ok();
          settle = null;
          running.loading = false;
          running.rearm();
          break;
        case "loadFailed":
          settle?.no(
            new PacLoadError(
              data.errors.length ? data.errors : [{ message: data.message, line: -1 }],
            ),
          );
          settle = null;
          running.fail(data.message);
          break;
        case "outcome":
          calls.get(data.id)?.(data.outcome);
          calls.delete(data.id);
          running.rearm();
          break;
        case "dns": {
          running.dnsWaits++;
          running.rearm();
          this.#dns(data.host, data.family).then((list) => {
            if (this.#running !== running) return;
            running.dnsWaits--;
            send({ t: "dns", id: data.id, list });
            running.rearm();
          });
          break;
        }
        case "alert":
          this.#options.onAlert?.(data.message);
          break;
        case "scriptError":
          this.#options.onError?.(data.error);
          break;
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      running.fail(`PAC worker failed: ${event.message}`);
    };
    this.#running = running;
    return running;
  }

  async #dns(host: string | null, family: 0 | 4): Promise<string[]> {
    try {
      const r = this.#options.resolver;
      return [...await (host === null ? r.localAddresses(family) : r.resolve(host, family))];
    } catch {
      return [];
    }
  }

  /** Runs the script for `url` in the Worker; a failure yields DIRECT with the reason. */
  async resolve(url: string | URL): Promise<PacDecision> {
    const args = pacArguments(url);
    return pacDecision(await this.findProxyForURL(args.url, args.host));
  }

  /** Calls `FindProxyForURL` with stripped arguments in the Worker. */
  async findProxyForURL(url: string, host: string): Promise<PacOutcome> {
    if (this.#disposed) return { ok: false, error: "PAC script is disposed", errors: [] };
    const running = this.#running ?? this.#start();
    const id = ++this.#nextCall;
    const outcome = new Promise<PacOutcome>((done) => running.calls.set(id, done));
    try {
      await running.loaded;
    } catch {
      return await outcome; // failed with the reason
    }
    if (this.#running !== running) return await outcome;
    running.worker.postMessage({ t: "find", id, url, host } satisfies ToPacWorker);
    if (running.calls.size === 1) running.rearm();
    return await outcome;
  }

  /** Terminates the Worker (its memory is freed); later calls go DIRECT. */
  dispose(): void {
    this.#disposed = true;
    this.#running?.fail("PAC script is disposed");
    this.#running = null;
  }
}
