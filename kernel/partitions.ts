/**
 * Partitions: `session.fromPartition()` returns one Session per partition string, `""` being the
 * default session; `persist:NAME` partitions keep their data under the storage root, any other
 * name lives in memory. `configure()` sets the storage root, the plugins every session gets, and
 * the adapters (store, transport) for the runtime.
 *
 * @module
 */
import { Session } from "./session.ts";
import type { Plugin } from "./plugin.ts";
import type { StoreFactory } from "./store.ts";
import type { HttpTransport } from "./transport.ts";
import { NetError } from "./errors.ts";
import type { JWK } from "./messaging/plugin_signature.ts";
import type { IsolationAdapter } from "./messaging/isolation.ts";

/** What `configure()` sets. */
export interface KernelConfig {
  /** The storage root; each persistent partition gets a folder under it. */
  storagePath?: string;
  /** The plugins every new session is built with (the preset). */
  plugins?: readonly Plugin[];
  /** Opens a partition's store. */
  store?: StoreFactory;
  /** The HTTP transport adapter. */
  transport?: HttpTransport;
  /** The runtime, to check plugin manifests (`deno`, `bun`, `browser`). */
  runtime?: string | null;
  /** Starts the Workers of isolated plugins (`adapters/isolation/`); null: none can load. */
  isolation?: IsolationAdapter | null;
}

/** Electron's options of `session.fromPartition`, plus the plugins to build it with. */
export interface PartitionOptions {
  /** Whether the HTTP cache is used (default true). */
  cache?: boolean;
  /** Build this session with these plugins instead of the preset. */
  plugins?: readonly Plugin[];
  /** Public JWKs whose plugin signatures `ses.plugins.load()` trusts. */
  trustedKeys?: readonly JWK[];
  /** Whether `ses.plugins.load()` refuses unsigned and untrusted plugins. */
  requireSignature?: boolean;
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
  if (options === null || typeof options !== "object") {
    throw new TypeError("configure() takes an options object");
  }
  for (const key of Object.keys(options)) {
    if (!(key in config)) throw new TypeError(`configure(): unknown option "${key}"`);
  }
  if (options.storagePath !== undefined) {
    if (typeof options.storagePath !== "string" || options.storagePath === "") {
      throw new TypeError("configure(): storagePath must be a non-empty string");
    }
    const hasPersistent = [...sessions.values()].some(({ session }) => session.isPersistent());
    if (hasPersistent && options.storagePath !== config.storagePath) {
      throw new TypeError(
        "configure(): storagePath cannot change after a persistent session was created",
      );
    }
  }
  if (options.plugins !== undefined && !Array.isArray(options.plugins)) {
    throw new TypeError("configure(): plugins must be an array of plugins");
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
export function fromPartition(partition: string, options?: PartitionOptions): Session {
  if (typeof partition !== "string") {
    throw new TypeError(
      `session.fromPartition: partition must be a string, got ${
        partition === null ? "null" : typeof partition
      }`,
    );
  }
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError("session.fromPartition: options must be an object");
  }
  for (const key of Object.keys(options ?? {})) {
    if (!["cache", "plugins", "trustedKeys", "requireSignature"].includes(key)) {
      throw new TypeError(`session.fromPartition: unknown option "${key}"`);
    }
  }
  if (options?.cache !== undefined && typeof options.cache !== "boolean") {
    throw new TypeError("session.fromPartition: options.cache must be a boolean");
  }
  if (options?.trustedKeys !== undefined && !Array.isArray(options.trustedKeys)) {
    throw new TypeError("session.fromPartition: options.trustedKeys must be an array of JWKs");
  }
  if (options?.requireSignature !== undefined && typeof options.requireSignature !== "boolean") {
    throw new TypeError("session.fromPartition: options.requireSignature must be a boolean");
  }
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
    return existing.session;
  }
  const persistent = partition === "" || partition.startsWith("persist:");
  const session = new Session({
    partition,
    persistent,
    storagePath: persistent ? folderOf(partition) : null,
    cache: options?.cache ?? true,
    plugins: options?.plugins ?? config.plugins,
    store: config.store,
    transport: config.transport,
    runtime: config.runtime,
    loadDefaults: {
      trustedKeys: options?.trustedKeys,
      requireSignature: options?.requireSignature,
      isolation: config.isolation ?? undefined,
    },
  });
  sessions.set(partition, { session, options: { ...options } });
  return session;
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
 * Electron's `session` module: `fromPartition`, `defaultSession`.
 *
 * @example
 * ```ts
 * const ses = session.defaultSession;
 * ses.isPersistent(); // true
 * ```
 */
export const session: {
  fromPartition: typeof fromPartition;
  readonly defaultSession: Session;
  closePartition: typeof closePartition;
  partitions(): string[];
} = {
  fromPartition,
  get defaultSession(): Session {
    return fromPartition("");
  },
  closePartition,
  partitions: () => [...sessions.keys()],
};
