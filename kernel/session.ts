/**
 * `Session`: one per partition, with Electron's shape (events, storage path) and the pipeline every
 * request of the session walks. Its plugins add the rest (`ses.cookies`, `ses.setProxy`, ...).
 * @module
 */
import { Emitter, Listeners } from "./events.ts";
import { HookError } from "./errors.ts";
import { Pipeline } from "./pipeline.ts";
import type { HttpLayer, PipelineInput, PipelineRequest, SessionFetchInit } from "./request.ts";
import type { Store, StoreFactory } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import { PluginHost } from "./plugin_host.ts";
import type { AnyPlugin, StorageClearing, StorageClearingParser } from "./plugin.ts";
import type { LoadOptions, PluginLoader } from "./contracts.ts";

/** Electron's `ses.clearStorageData` options. */
export interface ClearStorageDataOptions {
  /** `scheme://host:port`: only this origin's data. */ origin?: string;
  /** The storages to clear (all when left out): `cookies`, `cache`, those plugins add, ... */
  storages?: string[];
  /** Electron's quota types (`temporary`, `syncable`): websession has no quota-managed storage. */
  quotas?: string[];
}

/** Electron's `ses.clearData` options. */
export interface ClearDataOptions {
  /** The data types (all when left out): `cookies`, `cache`, `downloads`, `localStorage`, ... */
  dataTypes?: string[];
  /** Only these origins (cannot be combined with `excludeOrigins`). */ origins?: string[];
  /** Every origin but these. */ excludeOrigins?: string[];
  /** Keep cookies that would close current connections (accepted; websession closes none). */
  avoidClosingConnections?: boolean;
  /** `third-parties-included` (default) or `origin-in-all-contexts`. */
  originMatchingMode?: "third-parties-included" | "origin-in-all-contexts";
}

/** How `session.fromPartition` makes a session. */
export interface SessionInit {
  /** The partition string. */ partition: string;
  /** Whether it is persistent. */ persistent: boolean;
  /** Its folder (null in memory). */ storagePath: string | null;
  /** Electron's `cache` option. */ cache: boolean;
  /** The plugins to set up, in any order. */ plugins: readonly AnyPlugin[];
  /** Opens the partition's store. */ store: StoreFactory;
  /** The HTTP transport. */ transport: HttpTransport;
  /** Walks requests through the stages (`kernel/http`). */ http: HttpLayer;
  /** Reads clearing options (`kernel/storage`). */ clearing: StorageClearingParser;
  /** The runtime, to check plugin manifests (null: no check). */ runtime: string | null;
  /** Defaults of `ses.plugins.load()`. */ loadDefaults?: LoadOptions;
  /** Reads plugins for `ses.plugins.load()` (null: refused). */ loader?: PluginLoader | null;
  /** Told when the session closes (its partition forgets it). */ onClose?: () => void;
}

/**
 * A session: a partition's state and the pipeline of its requests.
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("persist:work");
 * ses.isPersistent(); // true
 * const response = await ses.fetch("data:text/plain,hello");
 * await response.text(); // "hello"
 * ```
 */
export class Session extends Emitter {
  /** The partition string (`""` for the default session). */ readonly partition: string;
  /** Electron's `cache` option. */ readonly cache: boolean;
  /** The request pipeline. */ readonly pipeline: Pipeline;
  /** The plugins of this session. */ readonly plugins: PluginHost;
  /** Settles when every plugin's asynchronous set-up ran (requests wait for it; you need not). */
  readonly ready: Promise<void>;
  #init: SessionInit;
  #store: Store | null = null;
  #storeError: unknown = null;
  #nextId = 0;
  #lastTime = 0;
  #isReady = false;
  #closed = false;

  /** Use `session.fromPartition()`; this constructor is for the kernel. */
  constructor(init: SessionInit) {
    super();
    this.#init = init;
    this.partition = init.partition;
    this.cache = init.cache;
    this.pipeline = new Pipeline({
      nextId: () => ++this.#nextId,
      now: () => this.now(),
      transport: () => init.transport,
      http: init.http,
      reportHookError: (error, request) => this.reportError(error, request),
      reportIgnored: (request, stage, action) =>
        this.emit("action-ignored", { requestId: request.id, stage, ...action }),
    });
    this.plugins = new PluginHost(this, init, KERNEL_MEMBERS);
    // A persistent store that cannot be opened fails the session closed: `ready` and every
    // request reject with the store's error instead of running without the plugins' data.
    this.ready = this.plugins.start(init.plugins).then(() => {
      if (this.#storeError !== null) throw this.#storeError;
      this.#isReady = true;
    });
    this.ready.catch(() => {});
  }

  /**
   * Whether the session keeps its data on disk (`persist:` partitions and the default one), and
   * its store can (false when it fell back to memory, e.g. a browser refusing IndexedDB).
   */
  isPersistent(): boolean {
    if (!this.#init.persistent) return false;
    let store = this.#store;
    try {
      store ??= this.#closed ? null : this.store;
    } catch {
      // No store can be opened here (an isolated plugin's Worker): the partition's kind decides.
    }
    return store?.persistent !== false;
  }

  /** The folder of the session's data, or null for an in-memory session. */
  getStoragePath(): string | null {
    return this.#init.storagePath;
  }

  /** Same as {@link Session.getStoragePath}. */
  get storagePath(): string | null {
    return this.#init.storagePath;
  }

  /** The partition's store (opened on first use). */
  get store(): Store {
    if (this.#closed) throw new TypeError(`Session "${this.partition}" is closed`);
    if (this.#storeError !== null) throw this.#storeError;
    try {
      return this.#store ??= this.#init.store({
        partition: this.partition,
        storagePath: this.storagePath,
      });
    } catch (error) {
      if (this.isPersistent()) this.#storeError = error;
      throw error;
    }
  }

  /** The session's HTTP transport adapter. */
  get transport(): HttpTransport {
    return this.#init.transport;
  }

  /** The session's clock: ms since the epoch, never going back within the session. */
  now(): number {
    return this.#lastTime = Math.max(this.#lastTime, performance.timeOrigin + performance.now());
  }

  /**
   * Web fetch through the session's pipeline (cookies, webRequest, proxy, protocol handlers...).
   * Failures reject with a `NetError` whose `code` is Chromium's (`net::ERR_*`).
   */
  fetch(input: string | URL | Request, init?: SessionFetchInit): Promise<Response> {
    if (!this.#isReady) return this.ready.then(() => this.fetch(input, init));
    let prepared;
    try {
      prepared = this.#init.http.prepare(input, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = (input: PipelineInput) => {
      input.initiator = init?.initiator ?? null;
      input.topLevelSite = init?.topLevelSite ?? null;
      input.options = init ? optionsOf(init) : NO_OPTIONS;
      return this.pipeline.run(input);
    };
    return prepared instanceof Promise ? prepared.then(run) : run(prepared);
  }

  /** Writes everything the session's store holds to disk. */
  async flushStorageData(): Promise<void> {
    await this.plugins.flush();
    await this.#store?.flush();
  }

  /** Electron's `ses.clearStorageData([options])`; no options: every plugin's state and the store. */
  async clearStorageData(options?: ClearStorageDataOptions): Promise<void> {
    await this.ready;
    const { clearing } = this.#init;
    await this.#clear(clearing.fromStorageOptions(options, this.plugins.storageNames()));
  }

  /** Electron's `ses.clearData([options])`: `dataTypes`, `origins` or `excludeOrigins`. */
  async clearData(options?: ClearDataOptions): Promise<void> {
    await this.ready;
    await this.#clear(this.#init.clearing.fromDataOptions(options));
  }

  async #clear(clearing: StorageClearing): Promise<void> {
    await this.plugins.clear(clearing);
    if (clearing.everything && (this.#store || this.isPersistent())) {
      const entries = await this.store.list("");
      await this.store.batch(entries.map(([key]) => ({ op: "delete" as const, key })));
    }
  }

  /** Tears down every plugin and closes the store; the session is unusable afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#init.onClose?.();
    await this.ready.catch(() => {});
    await this.plugins.stopAll();
    this.#closed = true;
    await this.#store?.flush().catch(() => {});
    await this.#store?.close();
  }

  /**
   * Reports a plugin's or listener's error: the `hook-error` event (`error`, the request's id and
   * URL, or null), or the console without one.
   */
  reportError(error: unknown, request: PipelineRequest | null = null): void {
    if (this.listenerCount("hook-error") > 0) {
      this.emit("hook-error", error, request?.id ?? null, request?.url ?? null);
    } else if (!this.#storeFailed(error)) {
      // (a plugin failing on a store that cannot be opened: `ready` and every request say it once)
      console.error(error);
    }
  }

  #storeFailed(error: unknown): boolean {
    return this.#storeError !== null && (error as { cause?: unknown })?.cause === this.#storeError;
  }

  /** A listener's error becomes a `hook-error` event (the console's, if from `hook-error`). */
  protected override listenerFailed(error: unknown, eventName: string): void {
    if (eventName === "hook-error") console.error(error);
    else this.reportError(new HookError("listener", eventName, error));
  }
}

const NO_OPTIONS: Record<string, unknown> = Object.freeze({});
const FETCH_ONLY = new Set([
  "method",
  "headers",
  "body",
  "redirect",
  "signal",
  "referrer",
  "referrerPolicy",
]);

/** The options of `init` that are not fetch's (for the pipeline's taps). */
function optionsOf(init: SessionFetchInit): Record<string, unknown> {
  // No entries array and no object when every option is fetch's own (a proxied request's init).
  let options: Record<string, unknown> | null = null;
  for (const key of Object.keys(init)) {
    if (!FETCH_ONLY.has(key)) (options ??= {})[key] = (init as Record<string, unknown>)[key];
  }
  return options ?? NO_OPTIONS;
}

// The session's own members, which no plugin may add.
const KERNEL_MEMBERS: ReadonlySet<string> = new Set(
  [Session, Emitter, Listeners].flatMap((c) => Object.getOwnPropertyNames(c.prototype))
    .concat("partition", "cache", "pipeline", "plugins", "ready"),
);
