/**
 * Plugins: `definePlugin({ manifest, setup })`, the context a plugin's setup receives, and the
 * resolution of `requires`/`provides` into a setup order.
 *
 * @module
 */
import { parseManifest } from "./manifest.ts";
import type { Manifest, Stage } from "./manifest.ts";
import type { StageHandlers, Tap, TapGroup, TapOptions } from "./pipeline_types.ts";
import type { PipelineRequest } from "./request.ts";
import type { Store } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import type { Session } from "./session.ts";
import type { StorageClearing } from "./storage_clearing.ts";
import { registerApiMember } from "./_api_registry.ts";

/** What a plugin's setup may return: nothing, or a teardown function. */
export type Teardown = void | (() => void | Promise<void>);

/** What `setup` receives. */
export interface PluginContext {
  /** The session the plugin is set up for. */
  readonly session: Session;
  /** The plugin's validated manifest. */
  readonly manifest: Manifest;
  /** A store namespaced to this plugin in this partition (persistent for `persist:`). */
  readonly store: Store;
  /** The session's HTTP transport (to send a request without the pipeline's taps). */
  readonly transport: HttpTransport;
  /**
   * Taps a pipeline stage listed in the manifest's `hooks`; returns the function that removes the
   * tap. Taps are removed at teardown.
   */
  tap<S extends Stage>(stage: S, fn: StageHandlers[S], options?: TapOptions): () => void;
  /**
   * Installs a group of taps of a stage listed in `hooks`: per request `select` says which of the
   * group's taps run (instead of a filter per tap). Removed at teardown.
   */
  tapGroup<S extends Stage>(
    stage: S,
    select: (request: PipelineRequest) => readonly Tap<S>[],
    options?: TapOptions,
  ): TapGroup<S>;
  /** Adds session members; each must be listed in the manifest's `api`. */
  provide(members: Record<string, unknown>): void;
  /** Reports an error of this plugin (the session's `hook-error` event). */
  report(error: unknown, hook?: string): void;
  /** Runs `fn` at teardown (after the returned teardown function). */
  onTeardown(fn: () => void | Promise<void>): void;
  /** Runs `fn` when the session's data is flushed (`ses.flushStorageData()`). */
  onFlush(fn: () => void | Promise<void>): void;
  /**
   * Runs `fn` when the session's data is cleared (`ses.clearStorageData()`, `ses.clearData()`),
   * with what is asked (`clearing.includes(name)`, `clearing.matchesOrigin(origin)`). `storage`
   * registers a storage name that `clearStorageData({ storages })` then accepts.
   */
  onClearStorage(fn: (clearing: StorageClearing) => void | Promise<void>, storage?: string): void;
}

/**
 * The members of a plugin that adds none (an empty object type).
 *
 * @example
 * ```ts
 * const none: NoMembers = {};
 * ```
 */
export type NoMembers = Record<never, never>;

/**
 * A plugin: a validated manifest and its setup. `M` types the session members it provides (what
 * `session.fromPartition(p, { plugins: [it] })` and `ses.plugins.add(it)` add to the session's
 * type); it exists only for the type checker.
 */
export interface Plugin<M extends object = NoMembers> {
  /** The plugin's name (from its manifest). */
  readonly name: string;
  /** The validated manifest. */
  readonly manifest: Manifest;
  /** Sets the plugin up for one session. */
  setup(ctx: PluginContext): Teardown | Promise<Teardown>;
  /** The members' types (never set at run time). */
  readonly "~members"?: M;
}

/**
 * Any plugin, whatever members it provides.
 *
 * @example
 * ```ts
 * const plugins: AnyPlugin[] = [];
 * ```
 */
// deno-lint-ignore no-explicit-any
export type AnyPlugin = Plugin<any>;

/**
 * The session members a list of plugins provides, as one type.
 *
 * @example
 * ```ts
 * type Greeter = MembersOf<[Plugin<{ greet(): string }>]>; // { greet(): string }
 * ```
 */
export type MembersOf<P extends readonly AnyPlugin[]> = {
  [K in keyof P]: P[K] extends Plugin<infer M> ? (members: M) => void : never;
}[number] extends (members: infer I) => void ? I : never;

/** What `definePlugin` takes. */
export interface PluginDefinition {
  /** The manifest (usually `import manifest from "./manifest.json" with { type: "json" }`). */
  manifest: unknown;
  /** Sets the plugin up for one session. */
  setup(ctx: PluginContext): Teardown | Promise<Teardown>;
}

/**
 * Validates a plugin's manifest and returns the plugin. Unknown manifest keys, a bad name or
 * version throw a TypeError naming the plugin and the key. The type argument types the members
 * the plugin provides, so that sessions built with it type-check them
 * (`definePlugin<{ greet(): string }>(...)`).
 *
 * @example
 * ```ts
 * const hello = definePlugin({
 *   manifest: { name: "hello", version: "1.0.0", hooks: ["beforeSendHeaders"] },
 *   setup(ctx) {
 *     ctx.tap("beforeSendHeaders", (req) => {
 *       const headers = new Headers(req.headers);
 *       headers.set("x-hello", "world");
 *       return { requestHeaders: headers };
 *     });
 *   },
 * });
 * ```
 */
export function definePlugin<M extends object = NoMembers>(
  definition: PluginDefinition,
): Plugin<M> {
  if (definition === null || typeof definition !== "object") {
    throw new TypeError("definePlugin takes an object { manifest, setup }");
  }
  const manifest = parseManifest(definition.manifest);
  if (typeof definition.setup !== "function") {
    throw new TypeError(`Plugin ${manifest.name}: setup must be a function`);
  }
  for (const member of manifest.api) registerApiMember(member, manifest.name);
  return Object.freeze({ name: manifest.name, manifest, setup: definition.setup });
}

/** Capabilities every session has without a plugin. */
export const KERNEL_CAPABILITIES: readonly string[] = ["store", "transport", "pipeline", "events"];

/**
 * Orders plugins so that each comes after the plugins providing what it requires. Throws a
 * TypeError for a plugin listed twice, a requirement nothing provides, or a cycle.
 *
 * @example
 * ```ts
 * const a = definePlugin({ manifest: { name: "a", version: "1.0.0", provides: ["x"] }, setup() {} });
 * const b = definePlugin({ manifest: { name: "b", version: "1.0.0", requires: ["x"] }, setup() {} });
 * resolvePlugins([b, a]).map((p) => p.name); // ["a", "b"]
 * ```
 */
export function resolvePlugins(
  plugins: readonly AnyPlugin[],
  base: readonly string[] = KERNEL_CAPABILITIES,
): AnyPlugin[] {
  const byName = new Map<string, AnyPlugin>();
  for (const plugin of plugins) {
    if (!plugin || typeof plugin !== "object" || !plugin.manifest) {
      throw new TypeError("Every plugin must come from definePlugin()");
    }
    if (byName.has(plugin.name)) {
      throw new TypeError(`Plugin ${plugin.name} is listed twice`);
    }
    byName.set(plugin.name, plugin);
  }
  const providers = new Map<string, string[]>();
  for (const plugin of plugins) {
    for (const capability of plugin.manifest.provides) {
      providers.set(capability, [...(providers.get(capability) ?? []), plugin.name]);
    }
  }
  const deps = new Map<string, string[]>();
  for (const plugin of plugins) {
    const list: string[] = [];
    for (const need of plugin.manifest.requires) {
      const from = (providers.get(need) ?? []).filter((name) => name !== plugin.name);
      if (from.length === 0 && !base.includes(need)) {
        throw new TypeError(
          `Plugin ${plugin.name} requires "${need}", which no plugin of this session provides`,
        );
      }
      list.push(...from);
    }
    deps.set(plugin.name, list);
  }
  const order: AnyPlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name].join(" -> ");
      throw new TypeError(`Plugins require each other in a cycle: ${cycle}`);
    }
    state.set(name, "visiting");
    for (const dep of deps.get(name) ?? []) visit(dep, [...path, name]);
    state.set(name, "done");
    order.push(byName.get(name)!);
  };
  for (const plugin of plugins) visit(plugin.name, []);
  return order;
}
