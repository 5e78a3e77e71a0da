/**
 * The plugins of one session: setting them up in dependency order, tearing them down, and adding
 * or removing one later (third-party loading builds on `add` and `remove`).
 *
 * @module
 */
import { HookError } from "./errors.ts";
import type { Stage } from "./manifest.ts";
import {
  type AnyPlugin,
  KERNEL_CAPABILITIES,
  type Plugin,
  type PluginContext,
  resolvePlugins,
} from "./plugin.ts";
import type { StageHandlers, Tap, TapGroup, TapOptions } from "./pipeline_types.ts";
import type { PipelineRequest } from "./request.ts";
import type { Store } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import type { Session } from "./session.ts";
import type { LoadOptions, PluginLoader } from "./plugin_loading.ts";
import type { StorageClearing } from "./storage_clearing.ts";

/** What the host needs from its session. */
export interface PluginHostDeps {
  /** The runtime name, to check manifests (null: do not check). */
  runtime: string | null;
  /** A store view under a prefix. */
  store(prefix: string): Store;
  /** The transport. */
  transport(): HttpTransport;
  /** Sets a session member for a plugin (a TypeError when another plugin has it). */
  provide(member: string, value: unknown, plugin: string): void;
  /** Removes a session member. */
  withdraw(member: string): void;
  /** Session-wide defaults of `load()` (trusted keys, signature policy, isolation). */
  loadDefaults?: LoadOptions;
  /** Reads third-party plugins (`ses.plugins.load()`); null refuses loading. */
  loader: PluginLoader | null;
}

/** A plugin as the session runs it. */
export interface PluginInfo {
  /** Name. */
  name: string;
  /** Version. */
  version: string;
  /** `inline` or `worker`. */
  isolation: "inline" | "worker";
  /** What it provides. */
  provides: string[];
  /** Whether its setup succeeded. */
  active: boolean;
}

interface Running {
  plugin: AnyPlugin;
  active: boolean;
  cleanups: Array<() => void | Promise<void>>;
  flushers: Array<() => void | Promise<void>>;
  clearers: Array<(clearing: StorageClearing) => void | Promise<void>>;
  storages: string[];
  members: string[];
}

/**
 * The plugins of a session (`ses.plugins`).
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("plugins-example");
 * await ses.ready;
 * ses.plugins.list().map((p) => p.name);
 * ```
 */
export class PluginHost {
  #session: Session;
  #deps: PluginHostDeps;
  #running = new Map<string, Running>();

  /** Made by the session. */
  constructor(session: Session, deps: PluginHostDeps) {
    this.#session = session;
    this.#deps = deps;
  }

  /**
   * Sets up the session's initial plugins in dependency order. Every setup is called before this
   * returns, so the members they provide synchronously exist at once; the promise settles when
   * their asynchronous parts have run.
   */
  start(plugins: readonly AnyPlugin[]): Promise<void> {
    return Promise.all(resolvePlugins(plugins).map((plugin) => this.#setup(plugin))).then(() => {});
  }

  /** The plugins of this session, in setup order. */
  list(): PluginInfo[] {
    return [...this.#running.values()].map(({ plugin, active }) => ({
      name: plugin.name,
      version: plugin.manifest.version,
      isolation: plugin.manifest.isolation,
      provides: [...plugin.manifest.provides],
      active,
    }));
  }

  /** Whether a plugin of that name is set up and active. */
  has(name: string): boolean {
    return this.#running.get(name)?.active === true;
  }

  /** The capabilities available now (kernel ones and those of active plugins). */
  capabilities(): string[] {
    const caps = new Set(KERNEL_CAPABILITIES);
    for (const { plugin, active } of this.#running.values()) {
      if (active) { for (const c of plugin.manifest.provides) caps.add(c); }
    }
    return [...caps];
  }

  /**
   * Adds one plugin to the running session and resolves to the session, typed with the plugin's
   * members; rejects with a TypeError when its name is taken or what it requires is missing.
   */
  async add<M extends object>(plugin: Plugin<M>): Promise<Session & M> {
    if (this.#running.has(plugin.name)) {
      throw new TypeError(`Plugin ${plugin.name} is already loaded in this session`);
    }
    resolvePlugins([plugin], this.capabilities());
    await this.#setup(plugin);
    const running = this.#running.get(plugin.name)!;
    if (!running.active) {
      throw new TypeError(`Plugin ${plugin.name} failed to set up (see the hook-error event)`);
    }
    return this.#session as Session & M;
  }

  /** Tears one plugin down and removes it; throws a TypeError when it is not loaded. */
  async remove(name: string): Promise<void> {
    const running = this.#running.get(name);
    if (!running) throw new TypeError(`No plugin named ${name} is loaded in this session`);
    await this.#teardown(running);
    this.#running.delete(name);
  }

  /**
   * Loads a third-party plugin from a path or URL through its `manifest.json` (validated, runtime
   * checked, signature checked against the session's trusted keys, isolated when it asks) and adds
   * it. Options override the session's defaults.
   */
  async load(source: string | URL, options: LoadOptions = {}): Promise<PluginInfo> {
    const loader = this.#deps.loader;
    if (loader === null) {
      throw new TypeError(
        "plugins.load: no plugin loader is configured; import websession's mod.ts (or web/mod.ts) or call configure({ loader })",
      );
    }
    const plugin = await loader(source, {
      runtime: this.#deps.runtime,
      ...this.#deps.loadDefaults,
      ...options,
    });
    try {
      await this.add(plugin);
    } catch (error) {
      const running = this.#running.get(plugin.name);
      if (running && running.plugin === plugin) this.#running.delete(plugin.name);
      throw error;
    }
    return this.list().find((p) => p.name === plugin.name)!;
  }

  /** Tears a plugin down and removes it (same as {@link PluginHost.remove}). */
  unload(name: string): Promise<void> {
    return this.remove(name);
  }

  /** Runs every plugin's flush hooks (for `ses.flushStorageData()`). */
  async flush(): Promise<void> {
    for (const running of this.#running.values()) {
      for (const flush of running.flushers) await flush();
    }
  }

  /** Runs every plugin's clear-storage hooks (for `ses.clearStorageData()`). */
  async clear(clearing: StorageClearing): Promise<void> {
    for (const running of this.#running.values()) {
      for (const clear of running.clearers) await clear(clearing);
    }
  }

  /** The storage names the plugins registered (`ctx.onClearStorage(fn, name)`). */
  storageNames(): string[] {
    return [...this.#running.values()].flatMap((running) => running.storages);
  }

  /** Tears every plugin down, in reverse setup order. */
  async stopAll(): Promise<void> {
    for (const running of [...this.#running.values()].reverse()) await this.#teardown(running);
    this.#running.clear();
  }

  async #setup(plugin: AnyPlugin): Promise<void> {
    const { runtime } = this.#deps;
    if (runtime !== null && !plugin.manifest.runtimes.includes(runtime as "deno")) {
      throw new TypeError(
        `Plugin ${plugin.name} does not run on ${runtime} (its manifest lists ${
          plugin.manifest.runtimes.join(", ")
        })`,
      );
    }
    const running: Running = {
      plugin,
      active: false,
      cleanups: [],
      flushers: [],
      clearers: [],
      storages: [],
      members: [],
    };
    this.#running.set(plugin.name, running);
    const ctx = this.#context(running);
    try {
      // Called synchronously: what the setup provides before its first await is there at once.
      const pending = plugin.setup(ctx);
      running.active = true;
      const teardown = await pending;
      if (typeof teardown === "function") running.cleanups.unshift(teardown);
    } catch (error) {
      // Reported after the caller of fromPartition() could listen for hook-error.
      await null;
      this.#session.reportError(new HookError(plugin.name, "setup", error));
      await this.#teardown(running);
    }
  }

  async #teardown(running: Running): Promise<void> {
    running.active = false;
    for (const member of running.members) this.#deps.withdraw(member);
    running.members = [];
    const cleanups = running.cleanups.splice(0);
    for (const cleanup of cleanups) {
      try {
        await cleanup();
      } catch (error) {
        this.#session.reportError(new HookError(running.plugin.name, "teardown", error));
      }
    }
  }

  #context(running: Running): PluginContext {
    const { plugin } = running;
    const deps = this.#deps;
    const session = this.#session;
    let store: Store | null = null;
    return {
      session,
      manifest: plugin.manifest,
      get store() {
        store ??= deps.store(`${plugin.name}/`);
        return store;
      },
      get transport() {
        return deps.transport();
      },
      tap<S extends Stage>(stage: S, fn: StageHandlers[S], options: TapOptions = {}) {
        if (!plugin.manifest.hooks.includes(stage)) {
          throw new TypeError(
            `Plugin ${plugin.name} taps "${stage}", which its manifest does not list in hooks`,
          );
        }
        const untap = session.pipeline.tap(stage, fn, { ...options, plugin: plugin.name });
        running.cleanups.push(untap);
        return untap;
      },
      tapGroup<S extends Stage>(
        stage: S,
        select: (request: PipelineRequest) => readonly Tap<S>[],
        options: TapOptions = {},
      ): TapGroup<S> {
        if (!plugin.manifest.hooks.includes(stage)) {
          throw new TypeError(
            `Plugin ${plugin.name} taps "${stage}", which its manifest does not list in hooks`,
          );
        }
        const group = session.pipeline.tapGroup(stage, select, { ...options, plugin: plugin.name });
        running.cleanups.push(group.remove);
        return group;
      },
      provide(members: Record<string, unknown>) {
        for (const [member, value] of Object.entries(members)) {
          if (!plugin.manifest.api.includes(member)) {
            throw new TypeError(
              `Plugin ${plugin.name} provides ses.${member}, which its manifest does not list in api`,
            );
          }
          deps.provide(member, value, plugin.name);
          running.members.push(member);
        }
      },
      report(error: unknown, hook = "plugin") {
        session.reportError(new HookError(plugin.name, hook, error));
      },
      onTeardown(fn: () => void | Promise<void>) {
        running.cleanups.push(fn);
      },
      onFlush(fn: () => void | Promise<void>) {
        running.flushers.push(fn);
      },
      onClearStorage(fn: (clearing: StorageClearing) => void | Promise<void>, storage?: string) {
        running.clearers.push(fn);
        if (typeof storage === "string") running.storages.push(storage.toLowerCase());
      },
    };
  }
}
