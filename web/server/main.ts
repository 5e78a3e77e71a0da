/**
 * `deno task start`: parses the command line and runs the session server until SIGINT/SIGTERM.
 * `deno task start --help` prints the flags and their defaults.
 *
 * ```
 * deno task start [--port 8787] [--host 127.0.0.1] [--rules rules.json] [--token-ttl 86400]
 *                 [--net-log net-log.json] [--event-log events.jsonl] [--extension DIR ...]
 *                 [--intercept LIST] [--no-intercept [LIST]]
 *                 [--plugin PATH]... [--allow-unsigned] [--trusted-key FILE]...
 *                 [--allow-unenforced-isolation] [--hook-timeout MS] [--max-addon-faults N]
 *                 [--connect-ports LIST] [--repair] [--store redis://host:port/db]
 * ```
 *
 * Exit codes: 0 after SIGINT/SIGTERM or `--help`; 1 when the server cannot start (the port is
 * in use, the host is not this machine's, the rules file is bad, the store cannot be opened,
 * another server holds the storage folder, the `--store` is unreachable or refuses the
 * credentials); 2 for a bad command line.
 *
 * @module
 */
import process from "node:process";
import { getConfig } from "../../mod.ts";
import {
  AddonError,
  ExtensionLoadError,
  ListenError,
  RulesFileError,
  startServer,
} from "./server.ts";
import { existsSync, readFileSync, renameSync } from "node:fs";
import { storeFiles, StoreOpenError } from "../../adapters/store/sqlite.ts";
import { StorageLockError } from "./storage_lock.ts";
import { parsePatternList } from "./intercept_policy.ts";
import { redactedStore, useStore } from "./store_option.ts";
import { RedisStoreError } from "../../adapters/store/redis.ts";
import { guardStrayRejections } from "./stray_errors.ts";

/** The options the command line gives. */
export interface CliOptions {
  /** Port. */
  port: number;
  /** Host. */
  host: string;
  /** Rules file. */
  rulesFile?: string;
  /** Token lifetime in seconds. */
  tokenTtl: number;
  /** Net log file (Chromium's NetLog JSON). */
  netLog?: string;
  /** Event log file (JSON lines). */
  eventLog?: string;
  /** `--extension DIR`, in the order given. */
  extensions?: string[];
  /** `--no-intercept` without a list: decrypt nothing. */
  interceptEnabled?: boolean;
  /** `--intercept LIST`: decrypt only these hosts. */
  intercept?: string[];
  /** `--no-intercept LIST`: never decrypt these hosts. */
  noIntercept?: string[];
  /** `--plugin PATH` (repeatable): add-ons to load. */
  plugins?: string[];
  /** `--allow-unsigned`: load add-ons without a trusted signature. */
  allowUnsigned?: boolean;
  /** `--trusted-key FILE` (repeatable): public JWK files whose signatures are trusted. */
  trustedKeyFiles?: string[];
  /** `--allow-unenforced-isolation`: load worker add-ons where permissions are not enforced. */
  allowUnenforcedIsolation?: boolean;
  /** `--hook-timeout MS`: how long an add-on's hook may take. */
  hookTimeout?: number;
  /** `--max-addon-faults N`: after how many faults an add-on is unloaded. */
  maxAddonFaults?: number;
  /** `--store URL` (or `WEBSESSION_STORE`): keep persistent partitions on this Redis. */
  store?: string;
  /** `--keep-requests N`: how many requests the dashboard's log keeps. */
  keepRequests?: number;
  /** `--connect-ports LIST`: ports non-loopback clients may CONNECT to, besides 443. */
  connectPorts?: number[];
  /** `--repair`: a store that cannot be opened is moved aside and an empty one started. */
  repair?: boolean;
  /** `--help` or `-h` was given: print {@link usage} and exit. */
  help?: boolean;
}

/**
 * The `--help` text: every flag, its default and what it does.
 *
 * @example
 * ```ts
 * console.log(usage);
 * ```
 */
export const usage: string =
  `Usage: deno task start [options]      (on Bun: bun web/server/main.ts [options])

Runs the websession session server: a forward proxy in front of a persistent session
(persist:default, stored under $WEBSESSION_HOME or .websession/) and its control API under /api,
both on one port.

Options:
  --port N          Port to listen on; 0 picks a free one (default: 8787)
  --host ADDRESS    Address to bind; other than loopback prints a warning (default: 127.0.0.1)
  --rules FILE      JSON array of declarative rules, loaded as session rules and again when the
                    file changes (default: none)
  --token-ttl SECS  Lifetime of the printed API token in seconds; 0: no expiry (default: 86400)
  --net-log FILE    Write the net log to FILE as Chromium's --log-net-log JSON (default: none)
  --event-log FILE  Append the pipeline's events to FILE as JSON lines (default: none)
  --extension DIR   Load the unpacked Chrome extension in DIR; repeatable (default: none)
  --intercept LIST  Decrypt only CONNECT tunnels to these hosts (default: every host, as mitmproxy)
  --no-intercept [LIST]
                    Never decrypt tunnels to these hosts; without LIST, decrypt none. LIST:
                    host patterns separated by commas, * as a wildcard, optional :port
                    ("*.bank.example,10.0.0.*,example.com:8443")
  --plugin PATH     Load a third-party plugin (add-on) into the session; repeatable. Signed ones
                    only, unless --allow-unsigned (default: none)
  --allow-unsigned  Load add-ons without a trusted signature (default: off)
  --trusted-key FILE
                    A public JWK (JSON) whose add-on signatures are trusted; repeatable
  --allow-unenforced-isolation
                    Load "isolation": "worker" add-ons where their permissions cannot be enforced
                    (Bun) (default: off)
  --keep-requests N How many requests the dashboard's log keeps; 0 turns it off (default: 500)
  --hook-timeout MS How long an add-on's hook may take; past it the request goes on as if the
                    add-on had not answered, and the event stream reports it (default: 5000)
  --max-addon-faults N
                    Unload an add-on after N faults (throws, hooks over time) (default: 3)
  --connect-ports LIST
                    Ports that clients other than this machine may CONNECT to, besides 443
                    (comma-separated, e.g. 8443,563); loopback clients may use any port
                    (default: 443 only)
  --repair          If the store (websession.db) cannot be opened, move it aside
                    (websession.db.broken-<time>) and start with an empty one (default: off:
                    the server stops, naming the file)
  --store URL       Keep persistent partitions on the Redis (or Valkey) at URL,
                    redis://[user:password@]host:port[/db], shared with every server given the
                    same URL (default: $WEBSESSION_STORE, else SQLite under the storage root)
  -h, --help        Print this help and exit

Exit codes: 0 stopped by SIGINT/SIGTERM, or --help; 1 could not start (port in use, address not
of this machine, bad rules file, an extension, add-on or key that does not load, a store that
cannot be opened, a storage folder another server holds, a --store that cannot be reached or
refuses the credentials); 2 bad command line.

The control API reads request bodies up to 8 MiB and answers 413 to longer ones.`;

/**
 * Parses the arguments; throws a TypeError naming a bad or unknown option.
 *
 * @example
 * ```ts
 * parseArgs(["--port", "9000"]).port; // 9000
 * parseArgs(["--help"]).help; // true
 * ```
 */
/** A flag's host pattern list, which may not be empty (`--intercept ,` would decrypt nothing). */
function patterns(list: string, flag: string): string[] {
  const parsed = parsePatternList(list, flag);
  if (parsed.length === 0) {
    throw new TypeError(
      `${flag}: the list names no host pattern${
        flag === "--intercept" ? " (--no-intercept alone decrypts nothing)" : ""
      }`,
    );
  }
  return parsed;
}

export function parseArgs(args: string[]): CliOptions {
  const options: CliOptions = { port: 8787, host: "127.0.0.1", tokenTtl: 86400 };
  if (args.some((arg) => arg === "--help" || arg === "-h")) return { ...options, help: true };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new TypeError(`${flag} needs a value`);
      return v;
    };
    const number = (name: string, min: number, max: number) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new TypeError(`${name} must be an integer from ${min} to ${max}`);
      }
      return n;
    };
    if (flag === "--port") options.port = number("--port", 0, 65535);
    else if (flag === "--host") options.host = value();
    else if (flag === "--rules") options.rulesFile = value();
    else if (flag === "--net-log") options.netLog = value();
    else if (flag === "--event-log") options.eventLog = value();
    else if (flag === "--extension") (options.extensions ??= []).push(value());
    else if (flag === "--intercept") {
      options.intercept = [...(options.intercept ?? []), ...patterns(value(), flag)];
    } else if (flag === "--no-intercept") {
      const next = inline ?? (args[i + 1]?.startsWith("-") ? undefined : args[i + 1]);
      if (next === undefined) options.interceptEnabled = false;
      else {
        if (inline === undefined) i++;
        options.noIntercept = [...(options.noIntercept ?? []), ...patterns(next, flag)];
      }
    } else if (flag === "--plugin") options.plugins = [...(options.plugins ?? []), value()];
    else if (flag === "--store") options.store = value();
    else if (flag === "--allow-unsigned") options.allowUnsigned = true;
    else if (flag === "--repair") options.repair = true;
    else if (flag === "--connect-ports") {
      const ports = value().split(",").map((p) => p.trim()).filter(Boolean).map(Number);
      if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
        throw new TypeError("--connect-ports must list ports from 1 to 65535, separated by commas");
      }
      options.connectPorts = [...new Set([443, ...(options.connectPorts ?? []), ...ports])];
    } else if (flag === "--allow-unenforced-isolation") options.allowUnenforcedIsolation = true;
    else if (flag === "--keep-requests") options.keepRequests = number(flag, 0, 1_000_000);
    else if (flag === "--hook-timeout") options.hookTimeout = number(flag, 1, 600_000);
    else if (flag === "--max-addon-faults") options.maxAddonFaults = number(flag, 1, 1_000_000);
    else if (flag === "--trusted-key") {
      options.trustedKeyFiles = [...(options.trustedKeyFiles ?? []), value()];
    } else if (flag === "--token-ttl") {
      options.tokenTtl = number("--token-ttl", 0, 10 * 365 * 86400);
    } else throw new TypeError(`Unknown option ${flag} (--help lists the options)`);
  }
  return options;
}

if (import.meta.main) {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`websession: ${(error as Error).message}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage);
    process.exit(0);
  }
  options.store ??= process.env.WEBSESSION_STORE || undefined;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    if (options.store) await useStore(options.store);
    const trustedKeys = (options.trustedKeyFiles ?? []).map((file) => {
      try {
        return JSON.parse(readFileSync(file, "utf8")) as JsonWebKey;
      } catch (error) {
        throw new AddonError(`--trusted-key ${file}`, error);
      }
    });
    const start = () =>
      startServer({
        ...options,
        addonPolicy: {
          allowUnsigned: options.allowUnsigned,
          trustedKeys,
          allowUnenforcedIsolation: options.allowUnenforcedIsolation,
          hookTimeout: options.hookTimeout,
          maxFaults: options.maxAddonFaults,
        },
      });
    try {
      server = await start();
    } catch (error) {
      if (!(error instanceof StoreOpenError && options.repair)) throw error;
      const aside = `${error.path}.broken-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      for (const file of storeFiles(error.path)) {
        if (existsSync(file)) renameSync(file, file.replace(error.path, aside));
      }
      console.error(`websession: --repair: moved the damaged store ${error.path} to ${aside}`);
      server = await start();
    }
  } catch (error) {
    if (
      !(error instanceof ListenError || error instanceof RulesFileError ||
        error instanceof ExtensionLoadError || error instanceof AddonError ||
        error instanceof StoreOpenError || error instanceof StorageLockError ||
        error instanceof RedisStoreError)
    ) throw error;
    console.error(`websession: ${error.message}`);
    process.exit(1);
  }
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(options.host)) {
    console.warn(
      `websession: WARNING: listening on ${options.host}, reachable beyond this machine; proxy clients from other addresses must send the token as Proxy-Authorization`,
    );
  }
  console.log(`websession session server
  proxy:   ${server.proxyUrl}   (curl -x ${server.proxyUrl} http://example.com/)
  api:     ${server.apiUrl}   (Authorization: Bearer <token>)
  token:   ${server.token}
  storage: ${getConfig().storagePath}${
    options.store
      ? `\n  store:   ${redactedStore(options.store)}   (shared by every server on it)`
      : ""
  }
  https:   ${
    server.policy.state().enabled
      ? "CONNECT tunnels are decrypted (--no-intercept to pass them through)"
      : "CONNECT tunnels pass through (--no-intercept)"
  }
  CA:      ${server.ca.certPath}${server.ca.created ? "   (made now)" : ""}
           trust it: curl --cacert ${server.ca.certPath} ...;  Chromium:
           --ignore-certificate-errors-spki-list=${server.ca.spkiHash};  system-wide (Debian):
           cp ${server.ca.certPath} /usr/local/share/ca-certificates/websession.crt && update-ca-certificates
           or download it from ${server.proxyUrl}/api/ca.pem`);
  console.log(
    `WEBSESSION_READY ${
      JSON.stringify({
        proxy: server.proxyUrl,
        token: server.token,
        caCert: server.ca.certPath,
        caSpki: server.ca.spkiHash,
      })
    }`,
  );
  guardStrayRejections();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`websession: ${signal}, finishing requests in flight and flushing the store`);
    await server.close();
    console.log("websession: stopped");
    process.exit(0);
  };
  const deno = (globalThis as {
    Deno?: { addSignalListener(signal: string, fn: () => void): void };
  }).Deno;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    if (deno) deno.addSignalListener(signal, () => void stop(signal));
    else process.on(signal, () => void stop(signal));
  }
}
