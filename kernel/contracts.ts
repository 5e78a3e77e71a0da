/**
 * The contracts the entries fill with adapters for their runtime (besides the store and the HTTP
 * transport): tunnels through proxies, the host resolver of PAC scripts, the Workers of isolated
 * plugins, the loader of third-party plugins and the files of downloads and the cache; and which
 * runtime this is.
 *
 * @module
 */
import type { ProxyServer } from "./transport.ts";
import type { Plugin } from "./plugin.ts";

/** The runtimes websession knows, as plugin manifests list them. */
export const RUNTIMES = ["deno", "bun", "browser"] as const;

/** A runtime's name: `deno`, `bun` or `browser` (anything that is neither). */
export type RuntimeName = typeof RUNTIMES[number];

/**
 * The runtime this code runs on: the only detection; entries choose their adapters by it. Bun is
 * tested first: it defines some Deno-like globals, never the reverse.
 *
 * @example
 * ```ts
 * detectRuntime(); // "deno" under Deno
 * ```
 */
export function detectRuntime(): RuntimeName {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun !== undefined ? "bun" : g.Deno !== undefined ? "deno" : "browser";
}

/** Where a tunnel goes and through which proxy. */
export interface TunnelRequest {
  /** `http` opens a `CONNECT` tunnel, `socks4`/`socks5` a SOCKS connection. */ proxy: ProxyServer;
  /** The target's host (IPv6 without brackets). */ host: string;
  /** The target's port. */ port: number;
  /** Extra headers of a `CONNECT` request (e.g. `Proxy-Authorization`). */ headers?: HeadersInit;
  /** Aborts opening. */ signal?: AbortSignal;
  /** Gives up opening after this many ms (default 30000). */ timeout?: number;
  /** The `SOCKET` source of the net log while one records (TCP, tunnel and SOCKS events). */
  netLog?: NetLogSink;
}

/** Options of {@link Tunnel.fetch}. */
export interface TunnelFetchOptions {
  /** Extra CA certificates (PEM) to trust for an https:// target. */ caCerts?: readonly string[];
  /** Aborts the request. */ signal?: AbortSignal;
}

/** An open connection to a target through a proxy. */
export interface Tunnel {
  /** Sends `request` as HTTP/1.1 (over TLS for https://); the tunnel closes after the response. */
  fetch(request: Request, options?: TunnelFetchOptions): Promise<Response>;
  /** Closes the tunnel (a request in flight fails). Idempotent. */
  close(): void;
  /** Resolves once the tunnel is closed, from either side; never rejects. */
  readonly closed: Promise<void>;
}

/** A tunnel, or the proxy's refusal as a response (e.g. a 407 with its challenge). */
export type TunnelResult = { tunnel: Tunnel } | { response: Response };

/**
 * Opens connections through an HTTP (`CONNECT`) or SOCKS4/4a/5 proxy, for the proxy plugin
 * (`adapters/socks/tunnel.ts` on Deno and Bun; a page has none). Failures reject with an error
 * whose `code` is Chromium's `net::ERR_*` and whose `proxyFailed` says whether the proxy itself
 * failed (then the next proxy may be tried); a SOCKS5 proxy wanting a password rejects with
 * `net::ERR_PROXY_AUTH_REQUESTED`.
 *
 * @example
 * ```ts
 * async function get(tunnels: TunnelAdapter, url: string): Promise<Response> {
 *   const u = new URL(url);
 *   const result = await tunnels.open({
 *     proxy: { scheme: "socks5", host: "127.0.0.1", port: 1080 },
 *     host: u.hostname,
 *     port: Number(u.port || 80),
 *   });
 *   return "response" in result ? result.response : await result.tunnel.fetch(new Request(url));
 * }
 * ```
 */
export interface TunnelAdapter {
  /** The adapter's name, e.g. `node`. */ readonly name: string;
  /** Opens a tunnel to `request.host:request.port` through `request.proxy`. */
  open(request: TunnelRequest): Promise<TunnelResult>;
}

/** Which addresses to look up: IPv4 only (4) or every family (0). */
export type AddressFamily = 0 | 4;

/**
 * DNS answers and this machine's addresses, as PAC scripts ask for them (`dnsResolve`,
 * `myIpAddress`, ...); `adapters/dns/node.ts` on Deno and Bun. A failure is an empty list or a
 * throw. Synchronous answers reach every PAC call; a Promise abandons the call, which runs again
 * once the answer is known (Chromium's non-blocking mode), so a script never waits.
 *
 * @example
 * ```ts
 * const resolver: HostResolver = {
 *   resolve: (host) => (host === "intranet" ? ["10.0.0.1"] : []),
 *   localAddresses: () => ["192.168.1.7"],
 * };
 * ```
 */
export interface HostResolver {
  /** The addresses of `host` (ASCII, punycode for IDN), most preferred first. */
  resolve(host: string, family: AddressFamily): readonly string[] | Promise<readonly string[]>;
  /** This machine's own addresses (not loopback), most preferred first. */
  localAddresses(family: AddressFamily): readonly string[] | Promise<readonly string[]>;
}

/**
 * What an isolated plugin may touch; anything not listed is denied.
 *
 * @example
 * ```ts
 * const permissions: WorkerPermissions = { net: ["example.com"], read: [], write: [], env: [] };
 * ```
 */
export interface WorkerPermissions {
  /** Hosts (`host` or `host:port`) it may connect to. */ net: string[];
  /** Absolute paths it may read (its own files are added by the loader). */ read: string[];
  /** Absolute paths it may write. */ write: string[];
  /** Environment variable names it may read. */ env: string[];
}

/**
 * The part of a Worker the kernel uses.
 *
 * @example
 * ```ts
 * const worker: IsolatedWorker = denoIsolation.spawn(moduleUrl, permissions);
 * ```
 */
export interface IsolatedWorker {
  /** `Worker.postMessage`. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** `Worker.terminate`. */
  terminate(): void;
  /** `Worker.addEventListener` (`error`, `messageerror`, `close` where the runtime has it). */
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * Starts the Worker of a plugin whose manifest says `"isolation": "worker"`, limited to the
 * manifest's permissions (`adapters/isolation/`). Where the runtime cannot enforce them,
 * `plugins.load` refuses such plugins unless given `allowUnenforcedIsolation: true`.
 *
 * @example
 * ```ts
 * import { denoIsolation } from "../adapters/isolation/deno.ts";
 * const adapter: IsolationAdapter = denoIsolation;
 * ```
 */
export interface IsolationAdapter {
  /** The runtime (`deno`, `bun`, `browser`). */ readonly runtime: string;
  /** Whether the Worker is held to its permissions. */ readonly enforcesPermissions: boolean;
  /** Throws a TypeError naming what this process lacks to start such Workers (a Deno flag). */
  check?(): void;
  /** Starts `module` (a module URL) in a new Worker limited to `permissions`. */
  spawn(module: URL, permissions: WorkerPermissions): IsolatedWorker;
}

/**
 * Options of `ses.plugins.load()` (session-wide defaults come from `fromPartition`).
 *
 * @example
 * ```ts
 * const options: LoadOptions = { requireSignature: true, hookTimeout: 2000 };
 * ```
 */
export interface LoadOptions {
  /** Public JWKs whose signatures are trusted. */ trustedKeys?: readonly JsonWebKey[];
  /** Refuse unsigned plugins and those signed by other keys. */ requireSignature?: boolean;
  /** Load isolated plugins even if permissions are unenforced. */
  allowUnenforcedIsolation?: boolean;
  /** How long an isolated plugin's hook may take (ms, default 5000). */ hookTimeout?: number;
  /** The isolation adapter (default: the one of `configure()`). */ isolation?: IsolationAdapter;
  /** The runtime to check the manifest's `runtimes` against (null: none). */
  runtime?: string | null;
  /** Where a relative path is resolved from (default: the working directory or page). */
  base?: string | URL;
}

/**
 * Reads, checks and returns a third-party plugin from a path or URL (the entries hand
 * `kernel/messaging/plugin_loader.ts` to `configure()`).
 *
 * @example
 * ```ts
 * const loader: PluginLoader = (source) => Promise.reject(new TypeError(`Cannot load ${source}`));
 * ```
 */
export type PluginLoader = (source: string | URL, options: LoadOptions) => Promise<Plugin>;

/** A file opened for writing (the file contract of the cache and downloads plugins). */
export interface FileWriter {
  /** Appends bytes at the end of what was written so far. */ write(
    chunk: Uint8Array,
  ): Promise<void>;
  /** Makes what was written durable. */ sync(): Promise<void>;
  /** Closes the file. */ close(): Promise<void>;
}

/**
 * The files of the downloads and cache plugins (absolute paths with `/` separators):
 * `adapters/fs/node.ts` on Deno and Bun; a page has none (downloads reject, the cache keeps its
 * bodies in memory).
 */
export interface FileSystem {
  /** Opens for writing: truncated, or appended to (created if missing). */
  openWrite(path: string, append: boolean): Promise<FileWriter>;
  /**
   * The same as a stream the runtime copies a response body into without JavaScript per chunk
   * (Deno's `FsFile.writable`); optional.
   */
  openWritable?(path: string, append: boolean): Promise<WritableStream<Uint8Array>>;
  /** A whole file, or null when missing. */ readFile(path: string): Promise<Uint8Array | null>;
  /** Writes a whole file (replacing it). */ writeFile(
    path: string,
    bytes: Uint8Array,
  ): Promise<void>;
  /** Renames (replacing the target). */ rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing one is no error. */ remove(path: string): Promise<void>;
  /** The size in bytes, or null when missing. */ size(path: string): Promise<number | null>;
  /** Cuts a file down to `size` bytes. */ truncate(path: string, size: number): Promise<void>;
  /** Creates a folder and its parents. */ makeDirectory(path: string): Promise<void>;
  /** The user's downloads folder (`app.getPath("downloads")`). */ downloadsDirectory(): string;
}

/** A source's reference in another event's parameters (Chromium's `source_dependency`). */
export interface NetLogSourceRef {
  /** The source's id in the log. */
  id: number;
  /** Its source type's number in the log's constants. */
  type: number;
}

/**
 * Writes events of one NetLog source (Chromium's event and source type names): while `ses.netLog`
 * records, a request's sink is under `NET_LOG_SINK` of `kernel/net_log/sink.ts`.
 */
export interface NetLogSink {
  /** This source, for `source_dependency` parameters. */
  readonly ref: NetLogSourceRef;
  /** Begins an event (phase 1). */
  begin(type: string, params?: Record<string, unknown>): void;
  /** Ends an event (phase 2); `params.net_error` on failure. */
  end(type: string, params?: Record<string, unknown>): void;
  /** An event without duration (phase 0). */
  event(type: string, params?: Record<string, unknown>): void;
  /** A new source of the same log (`SOCKET`, `HTTP_PROXY_CONNECT_JOB`, ...). */
  source(type: string): NetLogSink;
  /** Header lines as the capture mode shows them (credentials stripped below includeSensitive). */
  headerLines(headers: Headers): string[];
  /**
   * A `URL_REQUEST`'s connection is ready (after proxy resolution and any tunnel): its
   * `HTTP_TRANSACTION_SEND_REQUEST` events are written now rather than at its next event.
   */
  sending(): void;
}
