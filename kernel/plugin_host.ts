/**
 * The plugins of one session (`ses.plugins`): set-up in dependency order, teardown, adding and
 * removing one later, and the members they add, own properties of that session only. A member
 * some plugin adds but the session lacks throws a `MissingPluginError` naming the plugin.
 * @module
 */
import { HookError, MissingPluginError } from "./errors.ts";
import type { Stage } from "./manifest.ts";
import {
  type AnyPlugin,
  KERNEL_CAPABILITIES,
  type Plugin,
  type PluginContext,
  resolvePlugins,
  type StorageClearing,
} from "./plugin.ts";
import { namespacedStore, type Store } from "./store.ts";
import type { Session, SessionInit } from "./session.ts";
import type { LoadOptions } from "./contracts.ts";

// Which plugins add which session member, over every plugin defined in this process.
const apiProviders = new Map<string, string[]>();

/** Records that `plugin` adds `ses[member]` (for the error of sessions built without it). */
export function registerApiMember(member: string, plugin: string): void {
  const list = apiProviders.get(member) ?? [];
  if (!list.includes(plugin)) apiProviders.set(member, [...list, plugin]);
}

/** A plugin as the session runs it. */
export interface PluginInfo {
  /** Its name. */ name: string;
  /** Its version. */ version: string;
  /** `inline` or `worker`. */ isolation: "inline" | "worker";
  /** What it provides. */ provides: string[];
  /** Whether its setup succeeded. */ active: boolean;
}

type Hook = () => void | Promise<void>;
interface Running {
  plugin: AnyPlugin;
  active: boolean;
  hooks: { teardown: Hook[]; flush: Hook[]; clear: Array<(c: StorageClearing) => unknown> };
  members: string[];
  storages: string[];
}

/**
 * The plugins of a session (`ses.plugins`).
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("plugins-example");
 * ses.plugins.list().map((p) => p.name);
 * ```
 */
export class PluginHost {
  #session: Session;
  #init: SessionInit;
  #reserved: ReadonlySet<string>;
  #running = new Map<string, Running>();

  /** Made by the session; `reserved` are the session's own members. */
  constructor(session: Session, init: SessionInit, reserved: ReadonlySet<string>) {
    this.#session = session;
    this.#init = init;
    this.#reserved = reserved;
    for (const member of apiProviders.keys()) if (!reserved.has(member)) this.#absent(member);
  }

  /**
   * Sets up the session's first plugins. Every setup is called before this returns, so what they
   * provide synchronously exists at once; the promise settles when their asynchronous parts ran.
   */
  start(plugins: readonly AnyPlugin[]): Promise<void> {
    return Promise.all(resolvePlugins(plugins).map((plugin) => this.#setup(plugin))).then(() => {});
  }

  /** The plugins of this session, in setup order. */
  list(): PluginInfo[] {
    return [...this.#running.values()].map(({ plugin: { name, manifest }, active }) => ({
      name,
      version: manifest.version,
      isolation: manifest.isolation,
      provides: [...manifest.provides],
      active,
    }));
  }

  /** Whether a plugin of that name is set up and active. */
  has(name: string): boolean {
    return this.#running.get(name)?.active === true;
  }

  /** The capabilities available now (the kernel's and those of active plugins). */
  capabilities(): string[] {
    const active = [...this.#running.values()].filter((r) => r.active);
    return [
      ...new Set([...KERNEL_CAPABILITIES, ...active.flatMap((r) => r.plugin.manifest.provides)]),
    ];
  }

  /**
   * Adds a plugin and resolves to the session, typed with the plugin's members; rejects with a
   * TypeError when its name is taken, what it requires is missing, or its setup fails.
   */
  async add<M extends object>(plugin: Plugin<M>): Promise<Session & M> {
    if (this.#running.has(plugin.name)) {
      throw new TypeError(`Plugin ${plugin.name} is already loaded in this session`);
    }
    resolvePlugins([plugin], this.capabilities());
    await this.#setup(plugin);
    if (!this.has(plugin.name)) {
      throw new TypeError(`Plugin ${plugin.name} failed to set up (see the hook-error event)`);
    }
    return this.#session as Session & M;
  }

  /** Tears one plugin down and removes it; a TypeError when it is not loaded. */
  async remove(name: string): Promise<void> {
    const running = this.#running.get(name);
    if (!running) throw new TypeError(`No plugin named ${name} is loaded in this session`);
    await this.#teardown(running);
    this.#running.delete(name);
  }

  /**
   * Loads a third-party plugin from a path or URL through its `manifest.json` (validated, runtime
   * and signature checked, isolated when it asks) and adds it; `options` override the session's.
   */
  async load(source: string | URL, options: LoadOptions = {}): Promise<PluginInfo> {
    const { loader, runtime, loadDefaults } = this.#init;
    if (!loader) {
      throw new TypeError(
        "plugins.load: no plugin loader is configured; import websession's mod.ts (or web/mod.ts) or call configure({ loader })",
      );
    }
    const plugin = await loader(source, { runtime, ...loadDefaults, ...options });
    try {
      await this.add(plugin);
    } catch (error) {
      if (this.#running.get(plugin.name)?.plugin === plugin) this.#running.delete(plugin.name);
      throw error;
    }
    return this.list().find((p) => p.name === plugin.name)!;
  }

  /** Same as {@link PluginHost.remove}. */
  unload(name: string): Promise<void> {
    return this.remove(name);
  }

  /** Runs every plugin's flush hooks (for `ses.flushStorageData()`). */
  async flush(): Promise<void> {
    for (const { hooks } of this.#running.values()) for (const fn of hooks.flush) await fn();
  }

  /** Runs every plugin's clear-storage hooks (for `ses.clearStorageData()`). */
  async clear(clearing: StorageClearing): Promise<void> {
    for (const { hooks } of this.#running.values()) {
      for (const fn of hooks.clear) await fn(clearing);
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
    const runtimes: readonly string[] = plugin.manifest.runtimes;
    const { runtime } = this.#init;
    if (runtime !== null && !runtimes.includes(runtime)) {
      throw new TypeError(
        `Plugin ${plugin.name} does not run on ${runtime} (its manifest lists ${
          runtimes.join(", ")
        })`,
      );
    }
    const running: Running = {
      plugin,
      active: false,
      hooks: { teardown: [], flush: [], clear: [] },
      members: [],
      storages: [],
    };
    this.#running.set(plugin.name, running);
    try {
      // called synchronously: what setup provides before its first await is there at once
      const pending = plugin.setup(this.#context(running));
      running.active = true;
      const teardown = await pending;
      if (typeof teardown === "function") running.hooks.teardown.unshift(teardown);
    } catch (error) {
      await null; // reported once the caller of fromPartition() could listen for hook-error
      this.#session.reportError(new HookError(plugin.name, "setup", error));
      await this.#teardown(running);
    }
  }

  async #teardown(running: Running): Promise<void> {
    running.active = false;
    for (const member of running.members.splice(0)) this.#absent(member);
    for (const cleanup of running.hooks.teardown.splice(0)) {
      try {
        await cleanup();
      } catch (error) {
        this.#session.reportError(new HookError(running.plugin.name, "teardown", error));
      }
    }
  }

  #context({ plugin, hooks, members, storages }: Running): PluginContext {
    const session = this.#session;
    const checkHook = (stage: Stage) => {
      if (plugin.manifest.hooks.includes(stage)) return { plugin: plugin.name };
      throw new TypeError(
        `Plugin ${plugin.name} taps "${stage}", which its manifest does not list in hooks`,
      );
    };
    let store: Store | undefined;
    return {
      session,
      manifest: plugin.manifest,
      get store() {
        return store ??= namespacedStore(session.store, `${plugin.name}/`);
      },
      get transport() {
        return session.transport;
      },
      tap(stage, fn, options) {
        const untap = session.pipeline.tap(stage, fn, { ...options, ...checkHook(stage) });
        hooks.teardown.push(untap);
        return untap;
      },
      tapGroup(stage, select, options) {
        const group = session.pipeline.tapGroup(stage, select, { ...options, ...checkHook(stage) });
        hooks.teardown.push(group.remove);
        return group;
      },
      provide: (added) => {
        for (const [member, value] of Object.entries(added)) {
          this.#provide(plugin, member, value);
          if (!members.includes(member)) members.push(member);
        }
      },
      report: (error, hook = "plugin") =>
        session.reportError(new HookError(plugin.name, hook, error)),
      onTeardown: (fn) => hooks.teardown.push(fn),
      onFlush: (fn) => hooks.flush.push(fn),
      onClearStorage: (fn, storage) => {
        hooks.clear.push(fn);
        if (typeof storage === "string") storages.push(storage.toLowerCase());
      },
    };
  }

  #provide({ name: plugin, manifest }: AnyPlugin, member: string, value: unknown): void {
    const owner = [...this.#running.values()].find((r) => r.members.includes(member));
    if (!manifest.api.includes(member)) {
      throw new TypeError(
        `Plugin ${plugin} provides ses.${member}, which its manifest does not list in api`,
      );
    } else if (this.#reserved.has(member)) {
      throw new TypeError(`Plugin ${plugin} cannot add ses.${member}: the kernel has it`);
    } else if (owner && owner.plugin.name !== plugin) {
      throw new TypeError(
        `Plugins ${owner.plugin.name} and ${plugin} both add ses.${member} to session "${this.#session.partition}"`,
      );
    }
    Object.defineProperty(this.#session, member, { value, configurable: true, enumerable: true });
  }

  #absent(member: string): void {
    const { partition } = this.#session;
    Object.defineProperty(this.#session, member, {
      configurable: true,
      enumerable: false,
      get: () => {
        throw new MissingPluginError(apiProviders.get(member) ?? [], member, partition);
      },
    });
  }
}
