/**
 * Electron's `ses.extensions` (and the session's `loadExtension` & co): loads unpacked extensions
 * into a session, keeps them by id, and emits `extension-loaded`, `extension-ready` and
 * `extension-unloaded` on both `ses.extensions` and the session, as Electron does.
 *
 * @module
 */
import { Emitter } from "../../kernel/events.ts";
import type { Extension, ExtensionDeps, LoadExtensionOptions } from "./loaded_extension.ts";
import type { LoadedExtension } from "./loaded_extension.ts";
import { asJson, ExtensionPort, NO_RECEIVER } from "./_port.ts";
import { type DescribedExtension, extensionInfo } from "./_management_info.ts";
import type { ManagementHost } from "./management_calls.ts";

/** The dependencies of a loaded extension that `Extensions` itself provides. */
type ManagedByExtensions =
  | "onMessage"
  | "onCrash"
  | "reload"
  | "idleTimeout"
  | "onBackground"
  | "management"
  | "onConnect";

/** An extension `chrome.management.setEnabled` disabled: unloaded, still listed, loaded again on enable. */
interface DisabledExtension {
  path: string;
  options: LoadExtensionOptions;
  described: DescribedExtension;
}

/**
 * `ses.extensions`: Electron's `Extensions` class, plus `sendMessage` (the session messaging an
 * extension's background) and the `runtime-message` event (the background messaging the session).
 *
 * @example
 * ```ts ignore
 * const extension = await ses.extensions.loadExtension("./my-extension");
 * ses.extensions.getAllExtensions().length; // 1
 * ses.extensions.removeExtension(extension.id);
 * ```
 */
export class Extensions extends Emitter {
  readonly #loaded = new Map<string, LoadedExtension>();
  readonly #disabled = new Map<string, DisabledExtension>();
  readonly #loadOptions = new Map<string, LoadExtensionOptions>();
  /** What `chrome.management` acts on (see management_calls.ts). */
  readonly #management: ManagementHost = {
    all: () => [
      ...[...this.#loaded.values()].map((l) => l.described),
      ...[...this.#disabled.values()].map((d) => d.described),
    ],
    setEnabled: (id, enabled) => enabled ? this.#enable(id) : this.#disable(id),
    uninstall: (id) => this.removeExtension(id),
  };
  readonly #deps: Omit<
    ExtensionDeps,
    ManagedByExtensions
  >;
  readonly #emitSession: (name: string, ...args: unknown[]) => void;
  #queue: Promise<unknown> = Promise.resolve();
  #idleTimeout: number;

  /** Made by the extensions plugin. */
  constructor(
    deps: Omit<
      ExtensionDeps,
      ManagedByExtensions
    >,
    emitSession: (name: string, ...args: unknown[]) => void,
    idleTimeout = 30_000,
  ) {
    super((error) => deps.ctx.report(error, "extensions"));
    this.#deps = deps;
    this.#idleTimeout = idleTimeout;
    this.#emitSession = emitSession;
  }

  #emit(name: string, ...args: unknown[]): void {
    this.emit(name, ...args);
    this.#emitSession(name, ...args);
  }

  /**
   * Loads the unpacked extension in `path`: checks its manifest, loads its enabled static
   * rulesets, starts its background and resolves once the background's top level has run. The
   * same extension loaded again replaces the loaded one (as Chrome's reload).
   */
  loadExtension(path: string, options: LoadExtensionOptions = {}): Promise<Extension> {
    if (options === null || typeof options !== "object") {
      return Promise.reject(new TypeError("loadExtension: options must be an object"));
    }
    const next = this.#queue.then(() => this.#load(path, options));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #load(path: string, options: LoadExtensionOptions): Promise<Extension> {
    // Loaded with the first extension: not needed to make a session (issue #24's cold start).
    const { LoadedExtension } = await import("./loaded_extension.ts");
    const loaded = await LoadedExtension.load(
      {
        ...this.#deps,
        onMessage: (extension, message) => this.#fromBackground(extension, message),
        onCrash: (extension, error) => {
          this.#deps.ctx.report(error, "extension background");
          if (this.#loaded.get(extension.id)?.extension === extension) this.#unload(extension.id);
        },
        idleTimeout: () => this.#idleTimeout,
        management: this.#management,
        onConnect: (_extension, port) => this.#accept(port),
        onBackground: (extension, running) => {
          if (this.#loaded.get(extension.id)?.extension !== extension) return;
          this.emit(running ? "background-started" : "background-stopped", extension);
        },
        reload: (extension) => {
          this.loadExtension(extension.path).catch((error) =>
            this.#deps.ctx.report(error, "runtime.reload")
          );
        },
      },
      path,
      options,
    );
    const id = loaded.extension.id;
    const installed = !this.#loaded.has(id) && !this.#disabled.has(id);
    if (this.#loaded.has(id)) await this.#unload(id);
    this.#disabled.delete(id);
    this.#loaded.set(id, loaded);
    this.#loadOptions.set(id, options);
    this.#emit("extension-loaded", loaded.extension);
    this.#emit("extension-ready", loaded.extension);
    try {
      await loaded.start();
    } catch (error) {
      await this.#unload(id);
      throw error;
    }
    if (installed) this.#broadcast("management.onInstalled", [extensionInfo(loaded.described)], id);
    return loaded.extension;
  }

  /** Hands `chrome.management`'s event to every other loaded extension that may hear it. */
  #broadcast(name: string, args: unknown[], about: string): void {
    for (const loaded of this.#loaded.values()) {
      if (loaded.extension.id !== about && loaded.has("management")) loaded.notify(name, args);
    }
  }

  /** `management.setEnabled(id, false)`: unloaded (`extension-unloaded`), still listed. */
  #disable(id: string): Promise<void> {
    const next = this.#queue.then(async () => {
      const loaded = this.#loaded.get(id);
      if (!loaded) return;
      this.#loaded.delete(id);
      const described = { ...loaded.described, disabled: true };
      const options = this.#loadOptions.get(id) ?? {};
      this.#disabled.set(id, { path: loaded.extension.path, options, described });
      await this.#release(loaded);
      this.#broadcast("management.onDisabled", [extensionInfo(described)], id);
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  /** `management.setEnabled(id, true)`: loaded again from its folder, with its options. */
  async #enable(id: string): Promise<void> {
    const disabled = this.#disabled.get(id);
    if (!disabled) return;
    await this.loadExtension(disabled.path, disabled.options);
    const loaded = this.#loaded.get(id);
    if (loaded) this.#broadcast("management.onEnabled", [extensionInfo(loaded.described)], id);
  }

  async #unload(id: string): Promise<void> {
    const loaded = this.#loaded.get(id);
    if (!loaded) return;
    this.#loaded.delete(id);
    await this.#release(loaded);
  }

  /** Stops an extension taken out of the map; `extension-unloaded` once its proxy is undone. */
  async #release(loaded: LoadedExtension): Promise<void> {
    loaded.stop();
    try {
      await loaded.releaseProxy();
    } catch (error) {
      this.#deps.ctx.report(error, "extension proxy");
    }
    this.#emit("extension-unloaded", loaded.extension);
  }

  /**
   * Unloads an extension (an unknown id is ignored, as in Electron): it is gone from `get*` and
   * its listeners and rules stop at once; `extension-unloaded` follows.
   */
  removeExtension(extensionId: string): void {
    if (typeof extensionId !== "string") {
      throw new TypeError("removeExtension: extensionId must be a string");
    }
    this.#loadOptions.delete(extensionId);
    if (this.#disabled.delete(extensionId)) {
      this.#broadcast("management.onUninstalled", [extensionId], extensionId);
    }
    const loaded = this.#loaded.get(extensionId);
    if (!loaded) return;
    this.#loaded.delete(extensionId);
    loaded.stop();
    const next = this.#queue.then(() => this.#release(loaded));
    this.#queue = next.catch(() => {});
    this.#broadcast("management.onUninstalled", [extensionId], extensionId);
  }

  /** The loaded extension with this id, or null. */
  getExtension(extensionId: string): Extension | null {
    return this.#loaded.get(extensionId)?.extension ?? null;
  }

  /**
   * How long an MV3 service worker may go without events before it is stopped (ms; Chrome's 30 s
   * by default; 0 or Infinity: never). The next event starts it again, and events that arrive
   * meanwhile wait for it. MV2 background scripts are persistent and never stopped.
   */
  setServiceWorkerIdleTimeout(ms: number): void {
    if (typeof ms !== "number" || Number.isNaN(ms) || ms < 0) {
      throw new TypeError("setServiceWorkerIdleTimeout: ms must be a number >= 0");
    }
    this.#idleTimeout = ms;
  }

  /** The idle timeout of MV3 service workers in ms. */
  getServiceWorkerIdleTimeout(): number {
    return this.#idleTimeout;
  }

  /** Whether an extension's background Worker is running now. */
  isBackgroundRunning(extensionId: string): boolean {
    return this.#loaded.get(extensionId)?.running ?? false;
  }

  /** Every loaded extension. */
  getAllExtensions(): Extension[] {
    return [...this.#loaded.values()].map((l) => l.extension);
  }

  /**
   * Sends `message` to an extension's background (`chrome.runtime.onMessage`, with the sender
   * `{ origin: "websession" }`); resolves with its response.
   */
  sendMessage(extensionId: string, message: unknown): Promise<unknown> {
    const loaded = this.#loaded.get(extensionId);
    if (!loaded) return Promise.reject(new Error(`No extension with id ${extensionId}`));
    return loaded.sendMessage(message);
  }

  /**
   * Opens a long-lived connection to an extension's background, as Chrome's `runtime.connect`:
   * its `chrome.runtime.onConnect` listeners get the other end (with the sender
   * `{ origin: "websession" }`). The port is Chrome's `runtime.Port` (`postMessage`,
   * `onMessage`, `onDisconnect`, `disconnect`); it disconnects with `error` "Could not establish
   * connection. Receiving end does not exist." when the background has no `onConnect` listener,
   * and without one when the background's Worker stops.
   */
  connect(extensionId: string, connectInfo: { name?: string } = {}): ExtensionPort {
    if (connectInfo === null || typeof connectInfo !== "object") {
      throw new TypeError("connect: connectInfo must be an object");
    }
    const name = connectInfo.name ?? "";
    if (typeof name !== "string") throw new TypeError("connect: connectInfo.name must be a string");
    const loaded = this.#loaded.get(extensionId);
    if (loaded) return loaded.connect(name);
    const port = new ExtensionPort(name, undefined, { post() {}, close() {} });
    queueMicrotask(() => port.end(NO_RECEIVER));
    return port;
  }

  /**
   * A port a background opened with `chrome.runtime.connect`: emitted as `runtime-connect` with
   * `(event, port)`; false when nobody listens (the background's port then disconnects with
   * Chrome's "Receiving end does not exist").
   */
  #accept(port: ExtensionPort): boolean {
    if (this.listenersFor("runtime-connect").length === 0) return false;
    this.emit("runtime-connect", port);
    return true;
  }

  /**
   * `runtime.sendMessage` from a background: emitted as `runtime-message` with `(event, message,
   * sender, sendResponse)`. As Chrome's `runtime.onMessage`: the background's promise resolves
   * with what `sendResponse` is given first; a listener that answers later returns `true` (or a
   * promise: its value is the answer, its rejection the background's error); when no listener did
   * either, it resolves with `undefined` once they have run. It rejects as Chrome's does when nobody listens.
   */
  #fromBackground(extension: Extension, message: unknown): Promise<unknown> {
    const listeners = this.listenersFor("runtime-message");
    if (listeners.length === 0) {
      return Promise.reject(
        new Error(NO_RECEIVER),
      );
    }
    return new Promise((resolve, reject) => {
      let answered = false;
      const sendResponse = (value?: unknown) => {
        if (answered) return;
        const json = asJson(value); // it crosses as JSON, as Chrome's responses do
        answered = true;
        resolve(json);
      };
      const sender = { id: extension.id, url: extension.url };
      const event = { defaultPrevented: false, preventDefault() {} };
      let later = false;
      for (const { fn, once } of listeners) {
        if (once) this.off("runtime-message", fn);
        let result: unknown;
        try {
          result = fn.call(this, event, message, sender, sendResponse);
        } catch (error) {
          this.listenerFailed(error, "runtime-message");
          continue;
        }
        if (result === true) later = true;
        else if (result instanceof Promise) {
          later = true;
          result.then(sendResponse).catch((error) => {
            if (answered) return;
            answered = true;
            reject(error);
          });
        }
      }
      if (!later) sendResponse(undefined);
    });
  }

  /** Stops every background (the plugin's teardown). */
  close(): void {
    for (const loaded of this.#loaded.values()) loaded.stop();
    this.#loaded.clear();
    this.#disabled.clear();
  }
}
