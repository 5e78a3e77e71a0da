/**
 * Partitions: one Session per partition string (`""` the default session, `persist:NAME` kept
 * under the storage root, any other in memory), and `configure()`: storage root, preset, adapters.
 * @module
 */
import * as v from "valibot";
import { Session } from "./session.ts";
import type { AnyPlugin, MembersOf, NoMembers, StorageClearingParser } from "./plugin.ts";
import type { HttpLayer } from "./request.ts";
import type { StoreFactory } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import { NetError } from "./errors.ts";
import type { IsolationAdapter, PluginLoader } from "./contracts.ts";

/** What `configure()` sets. */
export interface KernelConfig {
  /** The storage root; each persistent partition gets a folder under it. */ storagePath?: string;
  /** The plugins every new session is built with (the preset). */ plugins?: readonly AnyPlugin[];
  /** Opens a partition's store. */ store?: StoreFactory;
  /** The HTTP transport adapter. */ transport?: HttpTransport;
  /** The runtime, to check plugin manifests (`deno`, `bun`, `browser`). */ runtime?: string | null;
  /** Starts isolated plugins' Workers (null: none can load). */
  isolation?: IsolationAdapter | null;
  /** Reads plugins for `ses.plugins.load()` (null: refused). */ loader?: PluginLoader | null;
  /** Walks requests through the stages: `httpLayer` of `kernel/http/mod.ts`. */ http?: HttpLayer;
  /** Reads clearing options: `storageClearing` of `kernel/storage/clearing.ts`. */
  clearing?: StorageClearingParser;
}

/** Electron's options of `session.fromPartition`, plus the plugins of the session. */
export interface PartitionOptions<
  P extends readonly AnyPlugin[] = readonly AnyPlugin[],
  R extends readonly AnyPlugin[] | false | undefined = readonly AnyPlugin[] | false | undefined,
> {
  /** Whether the HTTP cache is used (default true). */ cache?: boolean;
  /** Plugins added to the preset (one named like a preset plugin replaces it). */ plugins?: P;
  /** The preset instead of the configured one; `false` for none. */ preset?: R;
  /** Public JWKs whose plugin signatures `ses.plugins.load()` trusts. */
  trustedKeys?: readonly JsonWebKey[];
  /** Whether `ses.plugins.load()` refuses unsigned and untrusted plugins. */
  requireSignature?: boolean;
}

/** `fromPartition`'s session: the members of the preset `D` (or option `R`) and of `P`. */
export type PartitionSession<D extends object, P extends readonly AnyPlugin[], R> =
  & Session
  & (R extends readonly AnyPlugin[] ? MembersOf<R> : R extends false ? NoMembers : D)
  & MembersOf<P>;

const PluginsSchema = v.array(
  v.custom<AnyPlugin>(
    (p) => typeof p === "object" && p !== null && "manifest" in p && "setup" in p,
    "must come from definePlugin()",
  ),
  "must be an array of plugins",
);
const ConfigSchema = v.strictObject({
  storagePath: v.optional(v.pipe(v.string(), v.minLength(1, "must be a non-empty string"))),
  plugins: v.optional(PluginsSchema),
  store: v.optional(v.function("must be a function")),
  transport: v.optional(v.looseObject({ fetch: v.function("must have a fetch method") })),
  runtime: v.optional(v.nullable(v.string())),
  isolation: v.optional(v.nullable(v.looseObject({}))),
  loader: v.optional(v.nullable(v.function("must be a function"))),
  http: v.optional(v.looseObject({ run: v.function("must have a run method") })),
  clearing: v.optional(v.looseObject({ fromDataOptions: v.function("must be a parser") })),
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

function check(schema: v.GenericSchema, input: unknown, where: string): void {
  const result = v.safeParse(schema, input);
  if (result.success) return;
  const issue = result.issues[0];
  const key = issue.path?.map((p) => String(p.key)).join(".");
  if (issue.type === "strict_object") throw new TypeError(`${where}: unknown option "${key}"`);
  throw new TypeError(
    key ? `${where}: ${key} ${issue.message}` : `${where}: options must be an object`,
  );
}

const config: Required<KernelConfig> = {
  storagePath: ".websession",
  plugins: [],
  store: () => {
    throw new TypeError("No store is configured; call configure({ store })");
  },
  transport: { name: "none", fetch: async () => missing("transport", "HTTP transport")() },
  runtime: null,
  isolation: null,
  loader: null,
  http: {
    prepare: missing("http", "HTTP layer"),
    run: async () => missing("http", "HTTP layer")(),
  },
  clearing: {
    fromStorageOptions: missing("clearing", "clearing layer"),
    fromDataOptions: missing("clearing", "clearing layer"),
  },
};

// stands in for a part `configure()` was not given (the entries give every part)
function missing(key: string, part: string): () => never {
  return () => {
    throw new NetError(
      "net::ERR_NOT_IMPLEMENTED",
      `No ${part} is configured; import websession's mod.ts or call configure({ ${key} })`,
    );
  };
}

const sessions = new Map<string, { session: Session; options: PartitionOptions }>();
const paths: typeof sessions = new Map();

/**
 * Sets the kernel's configuration; the storage root cannot change once a persistent session exists.
 * @example
 * ```ts
 * configure({ storagePath: "/tmp/websession-example" });
 * ```
 */
export function configure(options: KernelConfig): void {
  check(ConfigSchema, options, "configure()");
  const persistent = [...sessions.values()].some(({ session }) => session.isPersistent());
  if (persistent && (options.storagePath ?? config.storagePath) !== config.storagePath) {
    throw new TypeError(
      "configure(): storagePath cannot change after a persistent session was created",
    );
  }
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(config, { [key]: value });
  }
}

/**
 * The current configuration (a copy).
 * @example
 * ```ts
 * getConfig().storagePath; // ".websession" unless configured
 * ```
 */
export function getConfig(): Readonly<Required<KernelConfig>> {
  return { ...config };
}

/**
 * The session of a partition, made on first use (options only then). A TypeError refuses a string
 * over 200 characters, with a lone surrogate or a control character, `persist:`, `persist:.`,
 * `persist:..`, or a name over 255 bytes once URL-encoded (its folder's name).
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
      `session.fromPartition: partition must be a string, got ${typeOf(partition)}`,
    );
  }
  if (options !== undefined) check(OptionsSchema, options, "session.fromPartition");
  const problem = partitionNameProblem(partition);
  if (problem) {
    const shown = JSON.stringify(
      partition.length > 40 ? `${partition.slice(0, 40)}...` : partition,
    );
    throw new TypeError(`session.fromPartition: partition ${shown} ${problem}`);
  }
  const persistent = partition === "" || partition.startsWith("persist:");
  const root = config.storagePath.replace(/[\\/]+$/, "");
  const storagePath = !persistent
    ? null
    : partition === ""
    ? `${root}/Default`
    : `${root}/Partitions/${encodeURIComponent(partition.slice("persist:".length))}`;
  const where = `session.fromPartition: partition "${partition}"`;
  return made(sessions, partition, storagePath, options, where) as PartitionSession<
    NoMembers,
    P,
    R
  >;
}

/**
 * Electron's `session.fromPath`: the session whose data is kept in the folder `path` (absolute),
 * made on first use (options only then); its `partition` is that path. A TypeError for an empty
 * or relative path. Path sessions and partitions are apart: `fromPartition("/x")` is another
 * (in-memory) session.
 * @example
 * ```ts
 * const folder = `${Deno.makeTempDirSync()}/profile`; // any absolute path
 * const ses = fromPath(folder);
 * ses.getStoragePath() === folder; // true
 * ```
 */
export function fromPath<
  const P extends readonly AnyPlugin[] = [],
  const R extends readonly AnyPlugin[] | false | undefined = undefined,
>(path: string, options?: PartitionOptions<P, R>): PartitionSession<NoMembers, P, R> {
  if (typeof path !== "string") {
    throw new TypeError(`session.fromPath: path must be a string, got ${typeOf(path)}`);
  }
  if (path === "") throw new TypeError("session.fromPath: An empty path was specified");
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path)) {
    throw new TypeError(`session.fromPath: An absolute path was not provided (${path})`);
  }
  if (options !== undefined) check(OptionsSchema, options, "session.fromPath");
  const folder = path.length > 1 ? path.replace(/(?<![:\\/])[\\/]+$/, "") : path;
  const where = `session.fromPath: path "${folder}"`;
  return made(paths, folder, folder, options, where) as PartitionSession<NoMembers, P, R>;
}

/** The session of `key` in `registry`, made with `options` when there is none. */
function made(
  registry: typeof sessions,
  key: string,
  storagePath: string | null,
  options: PartitionOptions | undefined,
  where: string,
): Session {
  const existing = registry.get(key);
  if (existing) {
    const was = existing.options;
    const differs = options !== undefined && ((was.cache ?? true) !== (options.cache ?? true) ||
      (["plugins", "preset", "trustedKeys", "requireSignature"] as const).some((option) =>
        options[option] !== undefined && options[option] !== was[option]
      ));
    if (differs) {
      throw new TypeError(
        `${where} already exists; options can only be given when it is created`,
      );
    }
    return existing.session;
  }
  const preset: readonly AnyPlugin[] | false = options?.preset ?? config.plugins;
  const base = preset === false ? [] : preset;
  const added = options?.plugins ?? [];
  const session: Session = new Session({
    partition: key,
    persistent: storagePath !== null,
    storagePath,
    cache: options?.cache ?? true,
    // a plugin added under the name of a preset plugin replaces it
    plugins: [...base.filter((p) => !added.some((a) => a.name === p.name)), ...added],
    store: config.store,
    transport: config.transport,
    http: config.http,
    clearing: config.clearing,
    runtime: config.runtime,
    loadDefaults: {
      trustedKeys: options?.trustedKeys,
      requireSignature: options?.requireSignature,
      isolation: config.isolation ?? undefined,
    },
    loader: config.loader,
    // a closed session is forgotten: the next call makes a new one
    onClose: () => registry.get(key)?.session === session && registry.delete(key),
  });
  registry.set(key, { session, options: { ...options } });
  return session;
}

function typeOf(value: unknown): string {
  return value === null ? "null" : typeof value;
}

const MAX_PARTITION_LENGTH = 200;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function partitionNameProblem(partition: string): string | null {
  if (partition.length > MAX_PARTITION_LENGTH) {
    return `is longer than ${MAX_PARTITION_LENGTH} characters`;
  }
  if (LONE_SURROGATE.test(partition)) return "contains a lone surrogate (not valid Unicode)";
  for (let i = 0; i < partition.length; i++) {
    const code = partition.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return "contains a control character";
  }
  if (!partition.startsWith("persist:")) return null;
  const name = partition.slice("persist:".length);
  if (name === "") return "needs a name after the colon";
  if (name === "." || name === "..") return `cannot be "." or ".." (it names a folder)`;
  if (encodeURIComponent(name).length > 255) {
    return "is too long for a folder name (255 bytes once URL-encoded)";
  }
  return null;
}

/**
 * Closes and forgets a partition's session: the next `fromPartition` makes a new one.
 * @example
 * ```ts
 * await closePartition("persist:work");
 * ```
 */
export async function closePartition(partition: string): Promise<void> {
  const entry = sessions.get(partition);
  sessions.delete(partition);
  await entry?.session.close();
}

/** The `session` module's shape, typed with the members of the preset `D`. */
export interface SessionModule<D extends object = NoMembers> {
  /** Returns the session of a partition, creating it on first use (see {@link fromPartition}). */
  fromPartition<
    const P extends readonly AnyPlugin[] = [],
    const R extends readonly AnyPlugin[] | false | undefined = undefined,
  >(partition: string, options?: PartitionOptions<P, R>): PartitionSession<D, P, R>;
  /** The session kept in the folder `path` (absolute; see {@link fromPath}). */
  fromPath<
    const P extends readonly AnyPlugin[] = [],
    const R extends readonly AnyPlugin[] | false | undefined = undefined,
  >(path: string, options?: PartitionOptions<P, R>): PartitionSession<D, P, R>;
  /** The default session (`""`, persistent). */ readonly defaultSession: Session & D;
  /** Closes and forgets a partition's session. */ closePartition(partition: string): Promise<void>;
  /** The partitions that have a session now. */ partitions(): string[];
}

/**
 * Electron's `session` module: `fromPartition`, `defaultSession`.
 * @example
 * ```ts
 * const ses = session.defaultSession;
 * ses.isPersistent(); // true
 * ```
 */
export const session: SessionModule<NoMembers> = {
  fromPartition,
  fromPath,
  get defaultSession(): Session {
    return fromPartition("");
  },
  closePartition,
  partitions: () => [...sessions.keys()],
};
