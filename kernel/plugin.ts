/**
 * Plugins: `definePlugin({ manifest, setup })`, the context its setup receives, and the order that
 * `requires`/`provides` give a session's plugins.
 * @module
 */
import { type Manifest, parseManifest, type Stage } from "./manifest.ts";
import type { PipelineRequest, StageHandlers, Tap, TapGroup, TapOptions } from "./request.ts";
import type { Store } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import type { Session } from "./session.ts";
import { registerApiMember } from "./plugin_host.ts";

/** What `ses.clearStorageData()`/`clearData()` ask to clear (`kernel/storage` reads it). */
export interface StorageClearing {
  /** The storage names to clear, or null for all. */ readonly storages: ReadonlySet<string> | null;
  /** Only these origins, or null for all. */ readonly origins: readonly string[] | null;
  /** Every origin but these, or null. */ readonly excludeOrigins: readonly string[] | null;
  /** True for `clearData`: cookies are matched by registrable domain (Electron's note). */
  readonly siteLevel: boolean;
  /** Whether everything is cleared (no storage or origin filter). */ readonly everything: boolean;
  /** Whether the storage `name` is to be cleared. */ includes(name: string): boolean;
  /** Whether data of `origin` (`scheme://host:port`) is to be cleared. */
  matchesOrigin(origin: string): boolean;
}

/** Reads Electron's clearing options (a TypeError names a bad one): `kernel/storage`'s. */
export interface StorageClearingParser {
  /** `clearStorageData`'s options; `known` are the storage names the session's plugins add. */
  fromStorageOptions(options: unknown, known: readonly string[]): StorageClearing;
  /** `clearData`'s options. */ fromDataOptions(options: unknown): StorageClearing;
}

/** What a plugin's setup may return: nothing, or a teardown function. */
export type Teardown = void | (() => void | Promise<void>);

/** What `setup` receives; what it installs is removed at teardown. */
export interface PluginContext {
  /** The session the plugin is set up for. */ readonly session: Session;
  /** The plugin's validated manifest. */ readonly manifest: Manifest;
  /** A store namespaced to this plugin in this partition. */ readonly store: Store;
  /** The session's HTTP transport (sends without the pipeline). */
  readonly transport: HttpTransport;
  /** Taps a stage listed in the manifest's `hooks`; returns the function that removes the tap. */
  tap<S extends Stage>(stage: S, fn: StageHandlers[S], options?: TapOptions): () => void;
  /** Taps a stage listed in `hooks` with a group: per request `select` says which taps run. */
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
  /** Runs `fn` on `ses.flushStorageData()`. */ onFlush(fn: () => void | Promise<void>): void;
  /** Runs `fn` on `clearStorageData()`/`clearData()`; `storage` names a storage it clears. */
  onClearStorage(fn: (clearing: StorageClearing) => void | Promise<void>, storage?: string): void;
}

/** The members of a plugin that adds none. */
export type NoMembers = Record<never, never>;

/** A plugin: a manifest and its setup; `M` types the members it adds to the sessions it is in. */
export interface Plugin<M extends object = NoMembers> {
  /** The plugin's name (from its manifest). */ readonly name: string;
  /** The validated manifest. */ readonly manifest: Manifest;
  /** Sets the plugin up for one session. */
  setup(ctx: PluginContext): Teardown | Promise<Teardown>;
  /** The members' types (never set at run time). */ readonly "~members"?: M;
}

/** Any plugin, whatever members it adds. */
// deno-lint-ignore no-explicit-any
export type AnyPlugin = Plugin<any>;

/** The session members a list of plugins adds, as one type. */
export type MembersOf<P extends readonly AnyPlugin[]> = {
  [K in keyof P]: P[K] extends Plugin<infer M> ? (members: M) => void : never;
}[number] extends (members: infer I) => void ? I : never;

/** What `definePlugin` takes. */
export interface PluginDefinition {
  /** The manifest (e.g. `import manifest from "./manifest.json" with { type: "json" }`). */
  manifest: unknown;
  /** Sets the plugin up for one session. */
  setup(ctx: PluginContext): Teardown | Promise<Teardown>;
}

/**
 * Validates the manifest (a TypeError names the plugin and the key) and returns the plugin; the
 * type argument types the members it adds.
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
 * Orders plugins so that each comes after those providing what it requires; a TypeError for a
 * plugin listed twice, a requirement nothing provides, or a cycle.
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
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (!plugin || typeof plugin !== "object" || !plugin.manifest) {
      throw new TypeError("Every plugin must come from definePlugin()");
    }
    if (names.has(plugin.name)) throw new TypeError(`Plugin ${plugin.name} is listed twice`);
    names.add(plugin.name);
  }
  const order: AnyPlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (plugin: AnyPlugin, path: string[]) => {
    if (state.get(plugin.name) === "done") return;
    if (state.get(plugin.name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(plugin.name)), plugin.name].join(" -> ");
      throw new TypeError(`Plugins require each other in a cycle: ${cycle}`);
    }
    state.set(plugin.name, "visiting");
    for (const provider of providersOf(plugin, plugins, base)) {
      visit(provider, [...path, plugin.name]);
    }
    state.set(plugin.name, "done");
    order.push(plugin);
  };
  for (const plugin of plugins) providersOf(plugin, plugins, base); // missing ones throw first
  for (const plugin of plugins) visit(plugin, []);
  return order;
}

/** The other plugins providing what `plugin` requires; a TypeError if `base` lacks one too. */
function providersOf(plugin: AnyPlugin, plugins: readonly AnyPlugin[], base: readonly string[]) {
  return plugin.manifest.requires.flatMap((need) => {
    const from = plugins.filter((p) => p !== plugin && p.manifest.provides.includes(need));
    if (from.length === 0 && !base.includes(need)) {
      throw new TypeError(
        `Plugin ${plugin.name} requires "${need}", which no plugin of this session provides`,
      );
    }
    return from;
  });
}
