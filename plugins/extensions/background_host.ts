/**
 * The session side of an extension's background: starts it in its own Worker through the
 * isolation adapter (on Deno with exactly the permissions its manifest implies: network to the
 * hosts of its host permissions, reading its own folder, nothing else), answers the `chrome.*`
 * calls the Worker makes, and sends it events. A background that throws while starting, throws in
 * a listener, or crashes is reported; the session keeps serving.
 *
 * @module
 */
import type { IsolatedWorker, IsolationAdapter } from "../../kernel/contracts.ts";
import {
  type BackgroundInit,
  errorFromWire,
  errorToWire,
  type FromBackground,
  type ToBackground,
} from "./_wire.ts";
import type { PortWire } from "./_port.ts";

const WORKER_MODULE = new URL("./_background_worker.ts", import.meta.url);
/** Starting a Worker and compiling TypeScript can take seconds on a busy machine. */
const START_TIMEOUT = 20_000;
/** A running Worker is asked every PING_MS whether it still answers (Deno reports no exit). */
const PING_MS = 2_000;
/** Pings it may leave unanswered before it counts as gone (crashed, exited or hung). */
const MISSED_PINGS = 3;

/** What the background host needs from the extension and the session. */
export interface BackgroundOptions {
  /** The extension's folder (absolute). */
  dir: string;
  /** The module of an MV3 `"type": "module"` service worker (absolute path), if it is one. */
  module: string | null;
  /** What the Worker is started with. */
  init: BackgroundInit;
  /** Hosts the Worker may connect to (Deno); `all` for every host. */
  net: string[] | "all";
  /** Starts the Worker. */
  isolation: IsolationAdapter;
  /** Answers a `chrome.*` call. */
  call(method: string, args: unknown[]): unknown;
  /** A webRequest listener was added in the Worker. */
  listen(lid: number, event: string, filter: unknown, spec: string[]): void;
  /** A webRequest listener was removed in the Worker. */
  unlisten(lid: number): void;
  /** A `chrome.*` event got its first listener in the Worker. */
  on(name: string): void;
  /** Something went to or came from the Worker (for idle termination). */
  activity(): void;
  /** Reports an error of the extension. */
  report(error: Error, where: string): void;
  /** A port message from the Worker (`runtime.connect`, `Port.postMessage`, ...). */
  port(message: PortWire): void;
  /** The Worker stopped (its ports are gone with it). */
  stopped(): void;
}

/**
 * One running background.
 *
 * @example
 * ```ts ignore
 * const background = new BackgroundHost(options);
 * await background.start();
 * await background.dispatch("runtime.onStartup", []);
 * background.stop();
 * ```
 */
export class BackgroundHost {
  readonly #options: BackgroundOptions;
  #worker: IsolatedWorker | null = null;
  readonly #replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #seq = 0;
  #alive = false;
  /** Called when the Worker is gone for a reason other than `stop()`. */
  onCrash: ((error: Error) => void) | null = null;

  /** Made by the extensions plugin for each loaded extension with a background. */
  constructor(options: BackgroundOptions) {
    this.#options = options;
  }

  /** Whether the Worker is running. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Starts the Worker; resolves once the background's top level has run. */
  start(): Promise<void> {
    const o = this.#options;
    const bootstrap = dataModule(
      `import { install } from ${JSON.stringify(WORKER_MODULE.href)};\n` +
        `install(${JSON.stringify(o.init)});\n`,
    );
    const main = dataModule(
      `import ${JSON.stringify(bootstrap)};\n` +
        (o.module ? `import ${JSON.stringify(fileUrl(o.module))};\n` : "") +
        `globalThis.postMessage({ t: "ready" });\n`,
    );
    const pluginDir = decodeURIComponent(new URL(".", WORKER_MODULE).pathname);
    const worker = o.isolation.spawn(new URL(main), {
      // "*": every host (the Deno adapter grants the whole network for it)
      net: o.net === "all" ? ["*"] : o.net,
      read: [o.dir, pluginDir],
      write: [],
      env: [],
    });
    this.#worker = worker;
    this.#alive = true;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => {
        if (started) return;
        started = true;
        reject(new Error(`The background did not start within ${START_TIMEOUT} ms`));
        this.stop();
      }, START_TIMEOUT);
      worker.addEventListener("error", (event: Event) => {
        event.preventDefault();
        const e = event as ErrorEvent;
        const error = e.error instanceof Error ? e.error : new Error(e.message ?? "Worker error");
        if (!started) {
          started = true;
          clearTimeout(timer);
          this.stop();
          reject(error);
          return;
        }
        // an uncaught error after start: Chrome logs it and the worker goes on
        o.report(error, "background");
      });
      worker.addEventListener("close", () => {
        if (!this.#alive) return;
        this.#gone(new Error("The background's Worker exited"));
      });
      worker.addEventListener("message", (event: Event) => {
        const message = (event as MessageEvent).data as FromBackground;
        if (message.t === "pong") {
          this.#missed = 0;
          return;
        }
        if (message.t === "ready") {
          if (started) return;
          started = true;
          clearTimeout(timer);
          this.#watch();
          resolve();
          return;
        }
        this.#onMessage(message);
      });
    });
  }

  #missed = 0;
  #pinger: ReturnType<typeof setInterval> | null = null;

  /** Pings the Worker; one that stops answering is gone (and the extension unloaded). */
  #watch(): void {
    this.#pinger = setInterval(() => {
      if (++this.#missed > MISSED_PINGS) {
        this.#gone(new Error(`The background's Worker stopped answering (${MISSED_PINGS} pings)`));
        return;
      }
      this.#worker?.postMessage({ t: "ping" } satisfies ToBackground, []);
    }, PING_MS);
  }

  #gone(error: Error): void {
    this.stop();
    this.onCrash?.(error);
  }

  #onMessage(message: FromBackground): void {
    const o = this.#options;
    o.activity();
    switch (message.t) {
      case "on":
        o.on(message.name);
        return;
      case "port":
        o.port(message);
        return;
      case "call": {
        let result: Promise<unknown>;
        try {
          result = Promise.resolve(o.call(message.method, message.args));
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(
          (value) => this.#post({ t: "result", id: message.id, value }),
          (error) => this.#post({ t: "result", id: message.id, error: errorToWire(error) }),
        );
        return;
      }
      case "listen":
        try {
          o.listen(message.lid, message.event, message.filter, message.spec);
        } catch (error) {
          o.report(error as Error, `webRequest.${message.event}`);
        }
        return;
      case "unlisten":
        o.unlisten(message.lid);
        return;
      case "answer": {
        const waiting = this.#replies.get(message.reply);
        if (!waiting) return;
        this.#replies.delete(message.reply);
        if (message.error) waiting.reject(errorFromWire(message.error));
        else waiting.resolve(message.value);
        return;
      }
      case "error":
      case "failed":
        o.report(errorFromWire(message.error), message.t === "error" ? message.where : "start");
        return;
    }
  }

  #post(message: ToBackground): void {
    if (!this.#alive) return;
    this.#options.activity();
    this.#worker?.postMessage(message, []);
  }

  /** Whether the Worker owes answers (events in flight keep it alive, as in Chrome). */
  get busy(): boolean {
    return this.#replies.size > 0;
  }

  #ask(make: (reply: number) => ToBackground): Promise<unknown> {
    if (!this.#alive) return Promise.reject(new Error("The extension's background is not running"));
    const reply = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#replies.set(reply, { resolve, reject });
      this.#post(make(reply));
    });
  }

  /** Calls the listeners of a `chrome.*` event; resolves when they ran (with `onMessage`'s answer). */
  dispatch(name: string, args: unknown[]): Promise<unknown> {
    return this.#ask((reply) => ({ t: "event", name, args, reply }));
  }

  /** Sends an event without waiting. */
  notify(name: string, args: unknown[]): void {
    this.#post({ t: "event", name, args });
  }

  /** Sends a port message to the Worker. */
  postPort(message: PortWire): void {
    this.#post(message);
  }

  /** Calls a webRequest listener; with `wait` resolves with its answer. */
  webRequest(lid: number, details: unknown, wait: boolean): Promise<unknown> | undefined {
    if (!wait) {
      this.#post({ t: "webRequest", lid, details });
      return undefined;
    }
    return this.#ask((reply) => ({ t: "webRequest", lid, details, reply }));
  }

  /** Terminates the Worker; pending answers reject. */
  stop(): void {
    if (!this.#alive) return;
    this.#alive = false;
    if (this.#pinger) clearInterval(this.#pinger);
    this.#worker?.terminate();
    const gone = new Error("The extension's background stopped");
    for (const waiting of this.#replies.values()) waiting.reject(gone);
    this.#replies.clear();
    this.#options.stopped();
  }
}

function dataModule(source: string): string {
  const bytes = new TextEncoder().encode(source);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:text/javascript;base64,${btoa(binary)}`;
}

function fileUrl(path: string): string {
  return new URL(`file://${path.split("/").map(encodeURIComponent).join("/")}`).href;
}
