/**
 * Add-ons of the running server: third-party plugins loaded into its session with
 * `ses.plugins.load` (`--plugin PATH` at start, `POST /api/plugins` later), signatures required
 * unless `--allow-unsigned`. A plugin's hook that throws is reported on the event stream as a
 * `plugin-error` event and the request goes on without it; an isolated (`"isolation": "worker"`)
 * plugin that hangs past its hook timeout or crashes is cut off (unloaded) by the kernel and
 * reported the same way. The server keeps serving in every case.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import process from "node:process";
import type { PluginInfo, Session } from "../../mod.ts";

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
  /** How long an isolated plugin's hook may take (ms, kernel default 5000). */
  hookTimeout?: number;
}

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
  #stop: () => void;

  /** Watches `session`'s hook errors and publishes them on `events`. */
  constructor(session: Session, events: EventStream, policy: AddonPolicy = {}) {
    this.#session = session;
    this.#policy = policy;
    const onHookError = (...args: unknown[]) => {
      const error = args.find((arg) => arg instanceof Error) as
        | (Error & { plugin?: string; hook?: string })
        | undefined;
      if (!error) return;
      const requestId = args.find((arg) => typeof arg === "number") as number | undefined;
      events.publish({
        type: "plugin-error",
        id: requestId ?? "-",
        url: "",
        plugin: error.plugin,
        stage: error.hook,
        error: error.message,
        elapsed: 0,
      });
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
    const info = await this.#session.plugins.load(where, options);
    this.#loaded.add(info.name);
    return info;
  }

  /** Unloads an add-on; throws a TypeError when no add-on of that name is loaded. */
  async unload(name: string): Promise<void> {
    if (!this.#loaded.has(name)) {
      throw new TypeError(`No add-on named ${name} is loaded (GET /api/plugins lists them)`);
    }
    this.#loaded.delete(name);
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
