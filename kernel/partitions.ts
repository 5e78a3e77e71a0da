/**
 * Partitions: `session.fromPartition()` returns one Session per partition string, `""` being the
 * default session; `persist:NAME` partitions keep their data under the storage root, any other
 * name lives in memory. `configure()` sets the storage root, the plugins every session gets, and
 * the adapters (store, transport) for the runtime.
 *
 * @module
 */
import * as v from "valibot";
import { Session } from "./session.ts";
import type { AnyPlugin, MembersOf, NoMembers } from "./plugin.ts";
import type { StoreFactory } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import { NetError } from "./errors.ts";
import type { IsolationAdapter } from "./isolation.ts";
import type { PluginLoader } from "./plugin_loading.ts";

/** What `configure()` sets. */
export interface KernelConfig {
  /** The storage root; each persistent partition gets a folder under it. */
  storagePath?: string;
  /** The plugins every new session is built with (the preset). */
  plugins?: readonly AnyPlugin[];
  /** Opens a partition's store. */
  store?: StoreFactory;
  /** The HTTP transport adapter. */
  transport?: HttpTransport;
  /** The runtime, to check plugin manifests (`deno`, `bun`, `browser`). */
  runtime?: string | null;
  /** Starts the Workers of isolated plugins (`adapters/isolation/`); null: none can load. */
  isolation?: IsolationAdapter | null;
  /** Reads third-party plugins for `ses.plugins.load()`; null: loading is refused. */
  loader?: PluginLoader | null;
}

/**
 * Electron's options of `session.fromPartition`, plus the plugins to build the session with:
 * `plugins` are added to the preset (one with the name of a preset plugin replaces it), and
 * `preset` replaces the preset (`false`: no preset, only `plugins`).
 */
export interface PartitionOptions<
  P extends readonly AnyPlugin[] = readonly AnyPlugin[],
  R extends readonly AnyPlugin[] | false | undefined = readonly AnyPlugin[] | false | undefined,
> {
  /** Whether the HTTP cache is used (default true). */
  cache?: boolean;
  /** Plugins added to the preset; one named like a preset plugin replaces it. */
  plugins?: P;
  /** The preset instead of the configured one; `false` for none. */
  preset?: R;
  /** Public JWKs whose plugin signatures `ses.plugins.load()` trusts. */
  trustedKeys?: readonly JsonWebKey[];
  /** Whether `ses.plugins.load()` refuses unsigned and untrusted plugins. */
  requireSignature?: boolean;
}

/**
 * The type of the session `fromPartition` returns: the kernel's `Session` with the members of
 * the preset `D` (or of the `preset` option `R`) and of the added plugins `P`.
 *
 * @example
 * ```ts
 * import type { Plugin } from "./plugin.ts";
 * type Greeting = PartitionSession<NoMembers, [Plugin<{ greet(): string }>], undefined>;
 * ```
 */
export type PartitionSession<D extends object, P extends readonly AnyPlugin[], R> =
  & Session
  & (R extends readonly AnyPlugin[] ? MembersOf<R> : R extends false ? NoMembers : D)
  & MembersOf<P>;

const PluginSchema = v.custom<AnyPlugin>(
  (p) => typeof p === "object" && p !== null && "manifest" in p && "setup" in p,
  "must come from definePlugin()",
);
const PluginsSchema = v.array(PluginSchema, "must be an array of plugins");
const ConfigSchema = v.strictObject({
  storagePath: v.optional(v.pipe(v.string(), v.minLength(1, "must be a non-empty string"))),
  plugins: v.optional(PluginsSchema),
  store: v.optional(v.function("must be a function")),
  transport: v.optional(v.looseObject({ fetch: v.function("must have a fetch method") })),
  runtime: v.optional(v.nullable(v.string())),
  isolation: v.optional(v.nullable(v.looseObject({}))),
  loader: v.optional(v.nullable(v.function("must be a function"))),
});
const OptionsSchema = v.strictObject({
  cache: v.optional(v.boolean("must be a boolean")),
  plugins: v.optional(PluginsSchema),
  preset: v.optional(
    v.union([v.literal(false), PluginsSchema], "must be false or an array of plugins"),
  ),
  trustedKeys: v.optional(v.array(v.looseObject({}), "must be an array of JWKs")),
  requireSignature: v.optional(v.boolean("must be a boolean")),
});

/** Checks `input` against `schema`; a TypeError naming `where`, the key and what is wrong. */
function check(schema: v.GenericSchema, input: unknown, where: string): void {
  const result = v.safeParse(schema, input);
  if (result.success) return;
  const issue = result.issues[0];
  const key = issue.path?.map((p) => String(p.key)).join(".");
  if (issue.type === "strict_object") throw new TypeError(`${where}: unknown option "${key}"`);
  if (!key) throw new TypeError(`${where}: options must be an object`);
  throw new TypeError(`${where}: ${key} ${issue.message}`);
}

const unconfiguredTransport: HttpTransport = {
  name: "none",
  fetch() {
    return Promise.reject(
      new NetError(
        "net::ERR_NOT_IMPLEMENTED",
        "No HTTP transport is configured; import websession's mod.ts or call configure({ transport })",
      ),
    );
  },
};

const config: Required<KernelConfig> = {
  storagePath: ".websession",
  plugins: [],
  store: () => {
    throw new TypeError("No store is configured; call configure({ store })");
  },
  transport: unconfiguredTransport,
  runtime: null,
  isolation: null,
  loader: null,
};

const sessions = new Map<string, { session: Session; options: PartitionOptions }>();

/**
 * Sets the kernel's configuration. The storage root cannot change once a persistent session
 * exists.
 *
 * @example
 * ```ts
 * configure({ storagePath: "/tmp/websession-example" });
 * ```
 */
export function configure(options: KernelConfig): void {
  check(ConfigSchema, options, "configure()");
  if (options.storagePath !== undefined) {
    const hasPersistent = [...sessions.values()].some(({ session }) => session.isPersistent());
    if (hasPersistent && options.storagePath !== config.storagePath) {
      throw new TypeError(
        "configure(): storagePath cannot change after a persistent session was created",
      );
    }
  }
  Object.assign(
    config,
    Object.fromEntries(
      Object.entries(options).filter(([, value]) => value !== undefined),
    ),
  );
}

/**
 * The current configuration (a copy).
 *
 * @example
 * ```ts
 * getConfig().storagePath;
 * ```
 */
export function getConfig(): Readonly<Required<KernelConfig>> {
  return { ...config };
}

function join(root: string, ...parts: string[]): string {
  return [root.replace(/[\\/]+$/, ""), ...parts].join("/");
}

function folderOf(partition: string): string {
  if (partition === "") return join(config.storagePath, "Default");
  const name = partition.slice("persist:".length);
  return join(config.storagePath, "Partitions", encodeURIComponent(name));
}

function sameOptions(a: PartitionOptions, b: PartitionOptions): boolean {
  return (a.cache ?? true) === (b.cache ?? true) &&
    (b.plugins === undefined || a.plugins === b.plugins) &&
    (b.preset === undefined || a.preset === b.preset) &&
    (b.trustedKeys === undefined || a.trustedKeys === b.trustedKeys) &&
    (b.requireSignature === undefined || a.requireSignature === b.requireSignature);
}

/**
 * Returns the session of a partition, creating it on first use. `""` is the default session;
 * `persist:NAME` is persistent; any other string is an in-memory partition.
 *
 * @example
 * ```ts
 * const a = fromPartition("persist:work");
 * a === fromPartition("persist:work"); // true
 * ```
 */
export function fromPartition<
  const P extends readonly AnyPlugin[] = [],
  const R extends readonly AnyPlugin[] | false | undefined = undefined,
>(partition: string, options?: PartitionOptions<P, R>): PartitionSession<NoMembers, P, R> {
  if (typeof partition !== "string") {
    throw new TypeError(
      `session.fromPartition: partition must be a string, got ${
        partition === null ? "null" : typeof partition
      }`,
    );
  }
  if (options !== undefined) check(OptionsSchema, options, "session.fromPartition");
  if (partition === "persist:") {
    throw new TypeError('session.fromPartition: "persist:" needs a name after the colon');
  }
  const existing = sessions.get(partition);
  if (existing) {
    if (options !== undefined && !sameOptions(existing.options, options)) {
      throw new TypeError(
        `session.fromPartition: partition "${partition}" already exists; options can only be given when it is created`,
      );
    }
    return existing.session as PartitionSession<NoMembers, P, R>;
  }
  const persistent = partition === "" || partition.startsWith("persist:");
  const session = new Session({
    partition,
    persistent,
    storagePath: persistent ? folderOf(partition) : null,
    cache: options?.cache ?? true,
    plugins: pluginsOf(options),
    store: config.store,
    transport: config.transport,
    runtime: config.runtime,
    loadDefaults: {
      trustedKeys: options?.trustedKeys,
      requireSignature: options?.requireSignature,
      isolation: config.isolation ?? undefined,
    },
    loader: config.loader,
  });
  sessions.set(partition, { session, options: { ...options } });
  return session as PartitionSession<NoMembers, P, R>;
}

/** The preset (or the `preset` option) with `plugins` added; a same-named plugin replaces. */
function pluginsOf(options: PartitionOptions | undefined): readonly AnyPlugin[] {
  const preset = options?.preset === undefined
    ? config.plugins
    : options.preset === false
    ? []
    : options.preset;
  const added = options?.plugins ?? [];
  if (added.length === 0) return preset;
  const names = new Set(added.map((p) => p.name));
  return [...preset.filter((p) => !names.has(p.name)), ...added];
}

/**
 * Forgets a partition's session after closing it, so that the next `fromPartition` makes a new
 * one (as a restart would).
 *
 * @example
 * ```ts
 * await closePartition("persist:work");
 * ```
 */
export async function closePartition(partition: string): Promise<void> {
  const entry = sessions.get(partition);
  if (!entry) return;
  sessions.delete(partition);
  await entry.session.close();
}

/**
 * The `session` module's shape, typed with the members of the preset `D`.
 *
 * @example
 * ```ts
 * * const module: SessionModule<NoMembers> = session;
 * ```
 */
export interface SessionModule<D extends object = NoMembers> {
  /** Returns the session of a partition, creating it on first use (see {@link fromPartition}). */
  fromPartition<
    const P extends readonly AnyPlugin[] = [],
    const R extends readonly AnyPlugin[] | false | undefined = undefined,
  >(partition: string, options?: PartitionOptions<P, R>): PartitionSession<D, P, R>;
  /** The default session (`""`, persistent). */
  readonly defaultSession: Session & D;
  /** Closes and forgets a partition's session. */
  closePartition(partition: string): Promise<void>;
  /** The partitions that have a session now. */
  partitions(): string[];
}

/**
 * Electron's `session` module: `fromPartition`, `defaultSession`.
 *
 * @example
 * ```ts
 * const ses = session.defaultSession;
 * ses.isPersistent(); // true
 * ```
 */
export const session: SessionModule<NoMembers> = {
  fromPartition,
  get defaultSession(): Session {
    return fromPartition("");
  },
  closePartition,
  partitions: () => [...sessions.keys()],
};
