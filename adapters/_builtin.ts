/**
 * Node's built-in modules for the adapters of Deno and Bun, each read from
 * `process.getBuiltinModule` on its first use instead of imported: a static import of `node:fs`,
 * `node:net`, `node:tls` or `node:http` makes Deno load its Node compatibility layer when
 * websession is imported (tens of milliseconds of cold start, issue #24), whether or not a session
 * ever uses the adapter.
 *
 * @module
 */
import type * as Buffer from "node:buffer";
import type * as ChildProcess from "node:child_process";
import type * as Crypto from "node:crypto";
import type * as DnsPromises from "node:dns/promises";
import type * as Fs from "node:fs";
import type * as FsPromises from "node:fs/promises";
import type * as Http from "node:http";
import type * as Module from "node:module";
import type * as Net from "node:net";
import type * as Os from "node:os";
import type * as Path from "node:path";
import type * as Sqlite from "node:sqlite";
import type * as Stream from "node:stream";
import type * as Timers from "node:timers";
import type * as Tls from "node:tls";

/** The built-in modules {@linkcode builtin} hands out, by id. */
export interface Builtins {
  /** `node:buffer`. */ "node:buffer": typeof Buffer;
  /** `node:child_process`. */ "node:child_process": typeof ChildProcess;
  /** `node:crypto`. */ "node:crypto": typeof Crypto;
  /** `node:dns/promises`. */ "node:dns/promises": typeof DnsPromises;
  /** `node:fs`. */ "node:fs": typeof Fs;
  /** `node:fs/promises`. */ "node:fs/promises": typeof FsPromises;
  /** `node:http`. */ "node:http": typeof Http;
  /** `node:module`. */ "node:module": typeof Module;
  /** `node:net`. */ "node:net": typeof Net;
  /** `node:os`. */ "node:os": typeof Os;
  /** `node:path`. */ "node:path": typeof Path;
  /** `node:sqlite`. */ "node:sqlite": typeof Sqlite;
  /** `node:stream`. */ "node:stream": typeof Stream;
  /** `node:timers`. */ "node:timers": typeof Timers;
  /** `node:tls`. */ "node:tls": typeof Tls;
}

const loaded = new Map<keyof Builtins, unknown>();

/**
 * The built-in module `id`, loaded on the first call (`process.getBuiltinModule`).
 *
 * @example
 * ```ts
 * builtin("node:net").isIPv4("127.0.0.1"); // true
 * ```
 */
export function builtin<K extends keyof Builtins>(id: K): Builtins[K] {
  let module = loaded.get(id);
  if (module === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    if (typeof proc?.getBuiltinModule !== "function") {
      throw new Error(`${id} is not available in this runtime`);
    }
    module = proc.getBuiltinModule(id);
    loaded.set(id, module);
  }
  return module as Builtins[K];
}
