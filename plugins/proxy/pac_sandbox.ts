/**
 * Runs an untrusted PAC script in a QuickJS (WebAssembly) sandbox: the script sees only
 * ECMAScript built-ins and the PAC helpers, never the runtime, files or network. Each call has
 * a time limit and the VM a memory limit; DNS goes through a {@link HostResolver}. Asynchronous
 * DNS answers abandon the call and run it again once known (Chromium's non-blocking mode).
 *
 * @module
 */

import { type JSValueHandle, QuickJS } from "quickjs-wasi";
import { PAC_LIBRARY_SOURCE } from "./_pac_library.ts";
import type { HostResolver } from "./host_resolver.ts";
import { parseIPv6 } from "./ip.ts";
import { isInNetEx, sortIpAddressList, toAsciiHost } from "./_pac_helpers.ts";
import { withMemoryMaximum } from "./_bounded_wasm.ts";

export { isInNetEx, sortIpAddressList } from "./_pac_helpers.ts";

/** An error the script reported (Chromium's `OnError(message, line)`); line -1 when unknown. */
export interface PacScriptError {
  /** What went wrong, e.g. `Uncaught ReferenceError: x is not defined`. */
  message: string;
  /** The script's line, or -1. */
  line: number;
}

/** Options of {@link PacSandbox.create}. */
export interface PacSandboxOptions {
  /** Where DNS questions go. */
  resolver: HostResolver;
  /** Time limit per call (and for loading the script), in ms (default 1000). */
  timeout?: number;
  /** Memory limit of the VM in bytes (default 32 MiB). */
  memoryLimit?: number;
  /** Receives `alert()` messages of completed calls. */
  onAlert?: (message: string) => void;
  /** Receives the script's errors. */
  onError?: (error: PacScriptError) => void;
  /** The sandbox's clock in ms since the epoch (default the host's). */
  now?: () => number;
  /** The sandbox's time zone: minutes west of UTC, or a function of seconds since the epoch. */
  timezoneOffset?: number | ((timeSecs: number) => number);
  /** How many asynchronous DNS answers one call may wait for before failing the rest (32). */
  maxRestarts?: number;
  /** The file name used in error positions (default `proxy.pac`). */
  filename?: string;
}

/** The outcome of one `FindProxyForURL` call: the string it returned, or why it failed. */
export type PacOutcome =
  | { ok: true; result: string }
  | { ok: false; error: string; errors: PacScriptError[] };

/** Thrown by {@link PacSandbox.create} when the script cannot be loaded. */
export class PacLoadError extends Error {
  /** What the script reported. */
  readonly errors: PacScriptError[];
  /** Makes the error. */
  constructor(errors: PacScriptError[]) {
    super(`PAC script failed to load: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "PacLoadError";
    this.errors = errors;
  }
}

interface RunState {
  cache: Map<string, string>;
  asked: Set<string>;
  pending: Promise<void>[];
  abandoned: boolean;
  allowAsync: boolean;
  alerts: string[];
  errors: PacScriptError[];
  signal: AbortSignal | undefined;
}

/** A fresh run's state; `cache` (DNS answers) carries over between the runs of one call. */
function runState(
  cache: Map<string, string>,
  allowAsync: boolean,
  signal: AbortSignal | undefined,
): RunState {
  return {
    cache,
    asked: new Set(),
    pending: [],
    abandoned: false,
    allowAsync,
    alerts: [],
    errors: [],
    signal,
  };
}

/** The default memory limit of a sandbox: 32 MiB. */
export const PAC_MEMORY_LIMIT = 32 * 1024 * 1024;

const modules = new Map<number, Promise<WebAssembly.Module>>();

/**
 * QuickJS compiled with its linear memory bounded to `memoryLimit`: QuickJS's own limit counts
 * allocations, not bytes, on WASI, so the bound is the memory itself. When the module's file
 * cannot be read (a package served from a non-file URL), the package's own module is used.
 */
function quickjsModule(memoryLimit: number): Promise<WebAssembly.Module> {
  return prepareQuickJs(memoryLimit);
}

/**
 * Compiles QuickJS with its memory bounded to `memoryLimit` bytes (once per limit), so that the
 * first {@link PacSandbox.create} with that limit spends its time on the script only.
 *
 * @example
 * ```ts
 * await prepareQuickJs(PAC_MEMORY_LIMIT);
 * ```
 */
export function prepareQuickJs(memoryLimit: number): Promise<WebAssembly.Module> {
  let module = modules.get(memoryLimit);
  if (module === undefined) {
    module = (async () => {
      try {
        const url = new URL("../quickjs.wasm", import.meta.resolve("quickjs-wasi"));
        if (url.protocol === "file:") {
          const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
          return await WebAssembly.compile(withMemoryMaximum(bytes, memoryLimit));
        }
      } catch {
        // the package's own loader below
      }
      return await (QuickJS as unknown as {
        resolveModule(input: undefined): Promise<WebAssembly.Module>;
      }).resolveModule(undefined);
    })();
    module.catch(() => modules.delete(memoryLimit));
    modules.set(memoryLimit, module);
  }
  return module;
}

const NOT_A_STRING = "FindProxyForURL() did not return a string.";
const NOT_A_FUNCTION = "FindProxyForURL is undefined or not a function.";
const ACCESS_THREW = "Accessing FindProxyForURL threw an exception.";

/**
 * A loaded PAC script in its own QuickJS VM. Globals persist across calls (as in browsers);
 * a new sandbox starts fresh.
 *
 * @example
 * ```ts
 * import { staticHostResolver } from "./host_resolver.ts";
 * const pac = await PacSandbox.create(
 *   'function FindProxyForURL(url, host) { return "PROXY p:8080; DIRECT"; }',
 *   { resolver: staticHostResolver({}) },
 * );
 * await pac.findProxyForURL("http://example.com/", "example.com");
 * // { ok: true, result: "PROXY p:8080; DIRECT" }
 * pac.dispose();
 * ```
 */
export class PacSandbox {
  #vm: QuickJS;
  #options: PacSandboxOptions;
  #timeout: number;
  #deadline = Infinity;
  #state: RunState | null = null;
  #garbage: JSValueHandle[] = [];
  #entry: JSValueHandle | null = null;
  #timedOut = false;
  #broken = false;
  #disposed = false;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(vm: QuickJS, options: PacSandboxOptions) {
    this.#vm = vm;
    this.#options = options;
    this.#timeout = options.timeout ?? 1000;
  }

  /**
   * Loads a PAC script. Throws {@link PacLoadError} when it does not parse, throws while
   * loading, or defines no `FindProxyForURL`/`FindProxyForURLEx` function.
   */
  static async create(script: string, options: PacSandboxOptions): Promise<PacSandbox> {
    const memoryLimit = options.memoryLimit ?? PAC_MEMORY_LIMIT;
    const module = await quickjsModule(memoryLimit);
    const cache = new Map<string, string>();
    const maxRestarts = options.maxRestarts ?? 32;
    for (let attempt = 0;; attempt++) {
      let sandbox: PacSandbox | null = null;
      const holder: { s: PacSandbox | null } = { s: null };
      const now = options.now;
      const vm = await QuickJS.create(
        {
          wasm: module,
          memoryLimit,
          interruptHandler: () => holder.s !== null && holder.s.#shouldInterrupt(),
          timezoneOffset: options.timezoneOffset ?? "host",
          wasi: now
            ? (memory: WebAssembly.Memory) => ({
              clock_time_get(_id: number, _precision: bigint, resultPtr: number): number {
                new DataView(memory.buffer).setBigUint64(
                  resultPtr,
                  BigInt(Math.round(now() * 1000)) * 1000n,
                  true,
                );
                return 0;
              },
            })
            : undefined,
        } as Parameters<typeof QuickJS.create>[0],
      );
      sandbox = new PacSandbox(vm, options);
      holder.s = sandbox;
      const state = runState(cache, attempt < maxRestarts, undefined);
      const ok = sandbox.#load(script, state);
      if (state.abandoned) {
        sandbox.dispose();
        await Promise.all(state.pending);
        continue;
      }
      for (const a of state.alerts) options.onAlert?.(a);
      for (const e of state.errors) options.onError?.(e);
      if (!ok) {
        sandbox.dispose();
        throw new PacLoadError(state.errors);
      }
      return sandbox;
    }
  }

  #shouldInterrupt(): boolean {
    const s = this.#state;
    if (s === null) return false;
    if (s.abandoned || s.signal?.aborted) return true;
    if (performance.now() > this.#deadline) {
      this.#timedOut = true;
      return true;
    }
    return false;
  }

  #keep(h: JSValueHandle): JSValueHandle {
    this.#garbage.push(h);
    return h;
  }

  #str(h: JSValueHandle | undefined): string {
    return h === undefined ? "undefined" : h.toString();
  }

  #dns(host: string | null, ex: boolean): string {
    const s = this.#state!;
    // Names and "this machine" live in separate key spaces: `h4:`/`hx:` and `me4`/`mex`.
    const key = host === null ? (ex ? "mex" : "me4") : `${ex ? "hx" : "h4"}:${host}`;
    const hit = s.cache.get(key);
    if (hit !== undefined) return hit;
    if (s.asked.has(key)) return ""; // already on its way; this run is abandoned anyway
    const join = (list: readonly string[]) => ex ? list.join(";") : (list[0] ?? "");
    let answer: readonly string[] | Promise<readonly string[]>;
    try {
      answer = host === null
        ? this.#options.resolver.localAddresses(ex ? 0 : 4)
        : this.#options.resolver.resolve(host, ex ? 0 : 4);
    } catch {
      answer = [];
    }
    if (!(answer instanceof Promise)) return join(answer);
    if (!s.allowAsync) return "";
    s.abandoned = true;
    s.asked.add(key);
    s.pending.push(answer.then((list) => {
      s.cache.set(key, join(list));
    }, () => {
      s.cache.set(key, "");
    }));
    return "";
  }

  #installLibrary(): void {
    const vm = this.#vm;
    const b = vm.newObject();
    const fn = (name: string, f: (...args: JSValueHandle[]) => JSValueHandle) => {
      const h = vm.newFunction(name, function (this: JSValueHandle, ...args) {
        return f(...args);
      });
      b.setProp(name.slice(3), h);
      h.dispose();
    };
    fn("ws_dns", (host, ex) => {
      const ascii = toAsciiHost(this.#str(host));
      const answer = this.#dns(ascii, vm.typeof(ex) === "boolean" && ex.toString() === "true");
      return this.#keep(vm.newString(answer));
    });
    fn("ws_myIp", (ex) => {
      const isEx = vm.typeof(ex) === "boolean" && ex.toString() === "true";
      return this.#keep(vm.newString(this.#dns(null, isEx)));
    });
    fn("ws_alert", (message) => {
      this.#state?.alerts.push(this.#str(message));
      return vm.undefined;
    });
    fn("ws_sortIps", (list) => {
      const sorted = sortIpAddressList(this.#str(list));
      return sorted === false ? vm.false : this.#keep(vm.newString(sorted));
    });
    fn(
      "ws_inNetEx",
      (ip, prefix) => isInNetEx(this.#str(ip), this.#str(prefix)) ? vm.true : vm.false,
    );
    fn("ws_isIPv6", (text) => (parseIPv6(this.#str(text)) ? vm.true : vm.false));
    const install = vm.evalCode(PAC_LIBRARY_SOURCE, "pac_library.js");
    vm.callFunction(install, vm.undefined, b).dispose();
    install.dispose();
    b.dispose();
    this.#entry = vm.evalCode(
      "(function () { var f = globalThis.FindProxyForURLEx;" +
        ' if (typeof f === "function") return f; return globalThis.FindProxyForURL; })',
      "pac_entry.js",
    );
  }

  #describe(error: unknown): PacScriptError {
    // Out of memory, or a trap (the VM's own stack overflowed): the VM is full or in an unknown
    // state, and is best replaced.
    if (
      error instanceof WebAssembly.RuntimeError ||
      /out of memory/.test((error as { message?: string })?.message ?? "") || this.#nearlyFull()
    ) this.#broken = true;
    if (this.#timedOut) {
      return { message: `PAC script timed out after ${this.#timeout} ms`, line: -1 };
    }
    if (this.#state?.signal?.aborted) return { message: "PAC script was aborted", line: -1 };
    const e = error as { handle?: JSValueHandle; name?: string; message?: string; stack?: string };
    let text: string;
    if (e.handle && this.#vm.typeof(e.handle) !== "object") {
      text = this.#str(e.handle);
    } else if (e.name !== undefined || e.message !== undefined) {
      text = e.message ? `${e.name ?? "Error"}: ${e.message}` : String(e.name);
    } else text = String(error);
    const file = (this.#options.filename ?? "proxy.pac").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const m = new RegExp(`${file}:(\\d+)`).exec(e.stack ?? "");
    return { message: `Uncaught ${text}`, line: m ? Number(m[1]) : -1 };
  }

  /** Whether the VM's memory has grown to within 1 MiB of its limit. */
  #nearlyFull(): boolean {
    const memory = (this.#vm as unknown as { exports?: { memory?: WebAssembly.Memory } }).exports
      ?.memory;
    const limit = this.#options.memoryLimit ?? PAC_MEMORY_LIMIT;
    return memory !== undefined && memory.buffer.byteLength > limit - 1024 * 1024;
  }

  #dispose(e: unknown): void {
    (e as { dispose?: () => void })?.dispose?.();
  }

  #begin(state: RunState): void {
    this.#state = state;
    this.#timedOut = false;
    this.#deadline = performance.now() + this.#timeout;
  }

  #end(): void {
    this.#state = null;
    this.#deadline = Infinity;
    for (const h of this.#garbage.splice(0)) h.dispose();
  }

  #load(script: string, state: RunState): boolean {
    this.#begin(state);
    try {
      this.#installLibrary();
      try {
        this.#vm.evalCode(script, this.#options.filename ?? "proxy.pac").dispose();
      } catch (e) {
        state.errors.push(this.#describe(e));
        this.#dispose(e);
        return false;
      }
      let fn: JSValueHandle;
      try {
        fn = this.#vm.callFunction(this.#entry!, this.#vm.undefined);
      } catch (e) {
        state.errors.push(this.#describe(e), { message: ACCESS_THREW, line: -1 });
        this.#dispose(e);
        return false;
      }
      const isFunction = this.#vm.typeof(fn) === "function";
      fn.dispose();
      if (!isFunction) state.errors.push({ message: NOT_A_FUNCTION, line: -1 });
      return isFunction;
    } finally {
      this.#end();
    }
  }

  #runOnce(url: string, host: string, state: RunState): PacOutcome {
    const vm = this.#vm;
    this.#begin(state);
    const fail = (): PacOutcome => ({
      ok: false,
      error: state.errors.map((e) => e.message).join("; ") || "PAC script failed",
      errors: state.errors,
    });
    try {
      let fn: JSValueHandle;
      try {
        fn = vm.callFunction(this.#entry!, vm.undefined);
      } catch (e) {
        state.errors.push(this.#describe(e), { message: ACCESS_THREW, line: -1 });
        this.#dispose(e);
        return fail();
      }
      if (vm.typeof(fn) !== "function") {
        fn.dispose();
        state.errors.push({ message: NOT_A_FUNCTION, line: -1 });
        return fail();
      }
      const u = vm.newString(url);
      const h = vm.newString(host);
      let result: JSValueHandle;
      try {
        result = vm.callFunction(fn, vm.undefined, u, h);
      } catch (e) {
        state.errors.push(this.#describe(e));
        this.#dispose(e);
        return fail();
      } finally {
        fn.dispose();
        u.dispose();
        h.dispose();
      }
      const type = vm.typeof(result);
      const text = type === "string" ? result.toString() : null;
      result.dispose();
      if (text === null) {
        state.errors.push({ message: NOT_A_STRING, line: -1 });
        return fail();
      }
      // deno-lint-ignore no-control-regex
      if (!/^[\x00-\x7f]*$/.test(text)) {
        state.errors.push({ message: "FindProxyForURL() returned a non-ASCII string.", line: -1 });
        return fail();
      }
      return { ok: true, result: text };
    } finally {
      this.#end();
    }
  }

  /**
   * Calls `FindProxyForURLEx` (when the script defines it) or `FindProxyForURL` with `url` and
   * `host`, and returns the string it returned, or why it failed. Calls run one at a time.
   */
  findProxyForURL(
    url: string,
    host: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<PacOutcome> {
    const run = this.#queue.then(() => this.#find(url, host, options.signal));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #find(url: string, host: string, signal: AbortSignal | undefined): Promise<PacOutcome> {
    if (this.#disposed) throw new Error("PAC sandbox is disposed");
    const cache = new Map<string, string>();
    const maxRestarts = this.#options.maxRestarts ?? 32;
    for (let attempt = 0;; attempt++) {
      const state = runState(cache, attempt < maxRestarts, signal);
      const outcome = this.#runOnce(url, host, state);
      if (state.abandoned && !signal?.aborted) {
        await Promise.all(state.pending);
        continue;
      }
      for (const a of state.alerts) this.#options.onAlert?.(a);
      for (const e of state.errors) this.#options.onError?.(e);
      return outcome;
    }
  }

  /**
   * True once a call ran out of memory or trapped: the VM should be replaced by a new sandbox
   * (that frees its memory), as Chromium restarts its proxy resolver.
   */
  get broken(): boolean {
    return this.#broken;
  }

  /** Frees the VM. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#entry?.dispose();
    this.#vm.dispose();
  }
}
