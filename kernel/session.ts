/**
 * `Session`: one per partition, with Electron's shape (events, storage path) and the request
 * pipeline that every request of the session walks. Plugins add the rest (`ses.cookies`,
 * `ses.setProxy`, ...): a member of a plugin the session was built without throws an error that
 * names the plugin.
 *
 * @module
 */
import { Emitter } from "./events.ts";
import { HookError } from "./errors.ts";
import { Pipeline, type PipelineInput } from "./pipeline.ts";
import type { PipelineRequest } from "./request.ts";
import type { Stage } from "./manifest.ts";
import type { IgnoredAction } from "./_merge.ts";
import { namespacedStore, type Store, type StoreFactory } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import { prepareFetch, type SessionFetchInit } from "./_fetch_input.ts";
import { SessionMembers } from "./_session_members.ts";
import { PluginHost } from "./plugin_host.ts";
import type { Plugin } from "./plugin.ts";
import type { LoadOptions, PluginLoader } from "./plugin_loading.ts";
import {
  type ClearDataOptions,
  type ClearStorageDataOptions,
  StorageClearing,
} from "./storage_clearing.ts";

/** How a session is made (by `session.fromPartition`). */
export interface SessionInit {
  /** The partition string. */
  partition: string;
  /** Whether it is persistent. */
  persistent: boolean;
  /** Its folder (null in memory). */
  storagePath: string | null;
  /** Electron's `cache` option. */
  cache: boolean;
  /** The plugins to set up, in any order (requires/provides decide). */
  plugins: readonly Plugin[];
  /** Opens the partition's store. */
  store: StoreFactory;
  /** The HTTP transport. */
  transport: HttpTransport;
  /** The runtime (`deno`, `bun`, `browser`), to check plugin manifests. */
  runtime: string | null;
  /** Defaults of `ses.plugins.load()` (trusted keys, signature policy). */
  loadDefaults?: LoadOptions;
  /** Reads third-party plugins for `ses.plugins.load()` (null: loading is refused). */
  loader?: PluginLoader | null;
}

/**
 * A session: a partition's state and the pipeline of its requests.
 *
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
  /** The partition string (`""` for the default session). */
  readonly partition: string;
  /** Electron's `cache` option. */
  readonly cache: boolean;
  /** The request pipeline. */
  readonly pipeline: Pipeline;
  /** The plugins of this session. */
  readonly plugins: PluginHost;
  /**
   * Resolves when the asynchronous part of every plugin's set-up (opening its store, loading its
   * rules) has run. Optional: plugin members are usable at once, and requests wait for it.
   */
  readonly ready: Promise<void>;
  #persistent: boolean;
  #storagePath: string | null;
  #storeFactory: StoreFactory;
  #store: Store | null = null;
  #transport: HttpTransport;
  #nextId = 0;
  #lastTime = 0;
  #isReady = false;
  #closed = false;

  /** Use `session.fromPartition()`; this constructor is for the kernel. */
  constructor(init: SessionInit) {
    super((error, eventName) => this.#listenerFailed(error, eventName));
    const members = new SessionMembers(this, init.partition, KERNEL_MEMBERS);
    this.partition = init.partition;
    this.cache = init.cache;
    this.#persistent = init.persistent;
    this.#storagePath = init.storagePath;
    this.#storeFactory = init.store;
    this.#transport = init.transport;
    this.pipeline = new Pipeline({
      nextId: () => ++this.#nextId,
      now: () => this.now(),
      transport: () => this.#transport,
      reportHookError: (error, request) => this.reportError(error, request),
      reportIgnored: (request, stage, action) => this.#reportIgnored(request, stage, action),
    });
    this.plugins = new PluginHost(this, {
      runtime: init.runtime,
      store: (prefix) => namespacedStore(this.store, prefix),
      transport: () => this.#transport,
      provide: (member, value, plugin) => members.provide(member, value, plugin),
      withdraw: (member) => members.withdraw(member),
      loadDefaults: init.loadDefaults,
      loader: init.loader ?? null,
    });
    this.ready = this.plugins.start(init.plugins).then(() => {
      this.#isReady = true;
    });
  }

  /** Whether the session keeps its data on disk (`persist:` partitions and the default one). */
  isPersistent(): boolean {
    return this.#persistent;
  }

  /** The folder of the session's data, or null for an in-memory session. */
  getStoragePath(): string | null {
    return this.#storagePath;
  }

  /** Same as {@link Session.getStoragePath}. */
  get storagePath(): string | null {
    return this.#storagePath;
  }

  /** The partition's store (opened on first use). */
  get store(): Store {
    if (this.#closed) throw new TypeError(`Session "${this.partition}" is closed`);
    this.#store ??= this.#storeFactory({
      partition: this.partition,
      storagePath: this.#storagePath,
    });
    return this.#store;
  }

  /** The session's HTTP transport adapter. */
  get transport(): HttpTransport {
    return this.#transport;
  }

  /** The session's clock: ms since the epoch, never going back within the session. */
  now(): number {
    const t = performance.timeOrigin + performance.now();
    this.#lastTime = t > this.#lastTime ? t : this.#lastTime;
    return this.#lastTime;
  }

  /**
   * Web fetch through the session's pipeline (cookies, webRequest, proxy, protocol handlers...).
   * Failures reject with a `NetError` whose `code` is Chromium's (`net::ERR_*`).
   */
  fetch(input: string | URL | Request, init?: SessionFetchInit): Promise<Response> {
    if (!this.#isReady) return this.ready.then(() => this.fetch(input, init));
    let prepared;
    try {
      prepared = prepareFetch(input, init);
    } catch (error) {
      return Promise.reject(error);
    }
    return prepared instanceof Promise
      ? prepared.then((p) => this.#run(p, init))
      : this.#run(prepared, init);
  }

  #run(prepared: PipelineInput, init: SessionFetchInit | undefined): Promise<Response> {
    prepared.initiator = init?.initiator ?? null;
    prepared.topLevelSite = init?.topLevelSite ?? null;
    prepared.options = init ? optionsOf(init) : NO_OPTIONS;
    return this.pipeline.run(prepared);
  }

  /** Writes everything the session's store holds to disk. */
  async flushStorageData(): Promise<void> {
    await this.plugins.flush();
    if (this.#store) await this.#store.flush();
  }

  /**
   * Electron's `ses.clearStorageData([options])`: clears what is asked, and only that: the named
   * `storages` (all when left out; `cookies`, `cache` and the names plugins register), of one
   * `origin` when given. `quotas` are accepted and checked (websession has no quota-managed
   * storage). With no options every plugin's state and the whole store are cleared.
   */
  async clearStorageData(options?: ClearStorageDataOptions): Promise<void> {
    await this.ready;
    await this.#clear(StorageClearing.fromStorageOptions(options, this.plugins.storageNames()));
  }

  /**
   * Electron's `ses.clearData([options])`: `dataTypes` (all when left out), `origins` or
   * `excludeOrigins` (cookies are matched by registrable domain, as Electron notes).
   */
  async clearData(options?: ClearDataOptions): Promise<void> {
    await this.ready;
    await this.#clear(StorageClearing.fromDataOptions(options));
  }

  async #clear(clearing: StorageClearing): Promise<void> {
    await this.plugins.clear(clearing);
    if (clearing.everything && (this.#store || this.#persistent)) {
      const entries = await this.store.list("");
      await this.store.batch(entries.map(([key]) => ({ op: "delete" as const, key })));
    }
  }

  /** Tears down every plugin and closes the store; the session is unusable afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.ready.catch(() => {});
    await this.plugins.stopAll();
    this.#closed = true;
    if (this.#store) {
      await this.#store.flush().catch(() => {});
      await this.#store.close();
    }
  }

  /**
   * Reports an error a plugin or listener raised: the `hook-error` event, or the console when
   * nobody listens.
   */
  reportError(error: unknown, request: PipelineRequest | null = null): void {
    if (this.listenerCount("hook-error") > 0) this.emit("hook-error", error, request?.id ?? null);
    else console.error(error);
  }

  #listenerFailed(error: unknown, eventName: string): void {
    if (eventName === "hook-error") console.error(error);
    else this.reportError(new HookError("listener", eventName, error));
  }

  #reportIgnored(request: PipelineRequest, stage: Stage, action: IgnoredAction): void {
    this.emit("action-ignored", { requestId: request.id, stage, ...action });
  }
}

const NO_OPTIONS: Record<string, unknown> = Object.freeze({});
const FETCH_ONLY = new Set(["method", "headers", "body", "redirect", "signal", "referrer"]);

function optionsOf(init: SessionFetchInit): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in init) {
    if (!FETCH_ONLY.has(key)) out[key] = (init as Record<string, unknown>)[key];
  }
  return out;
}

const KERNEL_MEMBERS: ReadonlySet<string> = new Set(
  ["partition", "cache", "pipeline", "plugins", "ready"]
    .concat(Object.getOwnPropertyNames(Session.prototype))
    .concat(Object.getOwnPropertyNames(Emitter.prototype)),
);
