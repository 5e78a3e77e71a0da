/**
 * Add-ons of the running server: third-party plugins loaded into its session with
 * `ses.plugins.load` (`--plugin PATH` at start, `POST /api/plugins` later), signatures required
 * unless `--allow-unsigned`. A plugin's hook that throws is reported on the event stream as a
 * `plugin-error` event and the request goes on without it. A hook that does not answer within the
 * hook time budget (`--hook-timeout`, default 5000 ms) is reported the same way and the request
 * goes on as if the add-on had not answered: an inline add-on's hooks are held to it here
 * (`addon_budget.ts`), an isolated (`"isolation": "worker"`) one's by the kernel, which also cuts
 * off one that crashes. An add-on that faults `maxFaults` times (default 3) is unloaded and a
 * `plugin-cut-off` event says so. The server keeps serving in every case.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import process from "node:process";
import { getConfig, HookError, type PluginInfo, type Session } from "../../mod.ts";
import { budgetedPlugin } from "./addon_budget.ts";

type LoadOptions = NonNullable<Parameters<Session["plugins"]["load"]>[1]>;
import type { EventStream } from "./event_stream.ts";

/** How add-ons are loaded. */
export interface AddonPolicy {
  /** Load plugins without a valid signature (default false). */
  allowUnsigned?: boolean;
  /** Public JWKs whose signatures are trusted. */
  trustedKeys?: JsonWebKey[];
  /** Load worker plugins where permissions are not enforced (Bun). */
  allowUnenforcedIsolation?: boolean;
  /** How long an add-on's hook (or setup) may take, in ms (default 5000). */
  hookTimeout?: number;
  /** After how many faults (throws, time-outs) an add-on is unloaded (default 3). */
  maxFaults?: number;
}

const DEFAULT_HOOK_TIMEOUT = 5000;
const DEFAULT_MAX_FAULTS = 3;

/**
 * Loads, lists and unloads the add-ons of the server's session, and reports their failures.
 *
 * @example
 * ```ts
 * // const addons = new Addons(ses, events, { allowUnsigned: true });
 * // await addons.load("./my-addon");
 * ```
 */
export class Addons {
  #session: Session;
  #policy: AddonPolicy;
  #loaded = new Set<string>();
  #faults = new Map<string, number>();
  #events: EventStream;
  #stop: () => void;

  /** Watches `session`'s hook errors and publishes them on `events`. */
  constructor(session: Session, events: EventStream, policy: AddonPolicy = {}) {
    this.#session = session;
    this.#policy = policy;
    this.#events = events;
    const onHookError = (...args: unknown[]) => {
      const error = args.find((arg) => arg instanceof Error) as
        | (Error & { plugin?: string; hook?: string })
        | undefined;
      if (!error) return;
      const requestId = args.find((arg) => typeof arg === "number") as number | undefined;
      const url = args.find((arg) => typeof arg === "string") as string | undefined;
      events.publish({
        type: "plugin-error",
        id: requestId ?? "-",
        url: url ?? "",
        plugin: error.plugin,
        stage: error.hook,
        error: error.message,
        elapsed: 0,
      });
      if (error.plugin !== undefined) this.#fault(error.plugin);
    };
    session.on("hook-error", onHookError);
    this.#stop = () => session.off("hook-error", onHookError);
  }

  /** Loads a plugin from a path (relative to the working directory) or URL. */
  async load(source: string): Promise<PluginInfo> {
    const where = /^[a-z][a-z0-9+.-]*:/i.test(source) || isAbsolute(source)
      ? source
      : resolve(process.cwd(), source);
    const options: LoadOptions = {
      requireSignature: !this.#policy.allowUnsigned,
      trustedKeys: this.#policy.trustedKeys,
      allowUnenforcedIsolation: this.#policy.allowUnenforcedIsolation,
      hookTimeout: this.#policy.hookTimeout,
    };
    const config = getConfig();
    if (!config.loader) throw new TypeError("No plugin loader is configured");
    const plugin = await config.loader(where, {
      runtime: config.runtime,
      isolation: config.isolation ?? undefined,
      ...options,
    });
    const timeout = this.#policy.hookTimeout ?? DEFAULT_HOOK_TIMEOUT;
    const session = this.#session;
    const held = plugin.manifest.isolation === "inline"
      ? budgetedPlugin(plugin, timeout, (stage, error, request) =>
        session.reportError(
          new HookError(plugin.name, stage, error),
          (request ?? null) as Parameters<Session["reportError"]>[1],
        ))
      : plugin;
    try {
      await session.plugins.add(held);
    } catch (error) {
      if (session.plugins.list().some((p) => p.name === plugin.name && !p.active)) {
        await session.plugins.remove(plugin.name);
      }
      throw error;
    }
    this.#loaded.add(plugin.name);
    this.#faults.delete(plugin.name);
    return session.plugins.list().find((p) => p.name === plugin.name)!;
  }

  /** Counts a fault of `name`; at the policy's maximum the add-on is unloaded and reported. */
  #fault(name: string): void {
    if (!this.#loaded.has(name)) return;
    const faults = (this.#faults.get(name) ?? 0) + 1;
    this.#faults.set(name, faults);
    const max = this.#policy.maxFaults ?? DEFAULT_MAX_FAULTS;
    if (faults < max) return;
    this.unload(name).then(() =>
      this.#events.publish({
        type: "plugin-cut-off",
        id: "-",
        url: "",
        plugin: name,
        error: `Unloaded after ${faults} faults (throws or hooks over their time budget)`,
        elapsed: 0,
      })
    ).catch(() => {});
  }

  /** Unloads an add-on; throws a TypeError when no add-on of that name is loaded. */
  async unload(name: string): Promise<void> {
    if (!this.#loaded.has(name)) {
      throw new TypeError(`No add-on named ${name} is loaded (GET /api/plugins lists them)`);
    }
    this.#loaded.delete(name);
    this.#faults.delete(name);
    if (this.#session.plugins.list().some((p) => p.name === name)) {
      await this.#session.plugins.unload(name);
    }
  }

  /** The session's plugins, each marked as an add-on or built in. */
  list(): Array<PluginInfo & { addon: boolean }> {
    return this.#session.plugins.list().map((info) => ({
      ...info,
      addon: this.#loaded.has(info.name),
    }));
  }

  /** Stops reporting. */
  close(): void {
    this.#stop();
  }
}
