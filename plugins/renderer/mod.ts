/**
 * The renderer plugin: the members of Electron's session that belong to pages, with a clear
 * answer on each runtime.
 *
 * - Preload scripts (`setPreloads`, `getPreloads`, `registerPreloadScript`,
 *   `unregisterPreloadScript`, `getPreloadScripts`) are stored per session, for whatever drives
 *   pages for it (`Preloads.frameScripts()`).
 * - `getBlobData(identifier)` reads blobs the runtime can resolve, by `blob:` URL or UUID.
 * - `setCodeCachePaths`, `clearCodeCaches`, `setDisplayMediaRequestHandler`,
 *   `setBluetoothPairingHandler` and `registerLocalAIHandler` throw (or reject with) a `NotSupportedError` naming the member,
 *   the runtime and where it works; `serviceWorkers` does too outside the browser bundle. Given
 *   `null` (Electron's "back to the default"), the three handler setters do nothing: the default is
 *   what websession has.
 * - `setCodeCachePath(path)` (Electron's name) checks the path as Electron does and keeps it: no
 *   renderer runs here, so no code cache is ever written (Electron's code cache fails silently).
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("renderer-doc");
 * ses.registerPreloadScript({ type: "frame", id: "main", filePath: "/app/preload.js" });
 * ses.getPreloadScripts()[0].id; // "main"
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { detectRuntime } from "../../kernel/contracts.ts";
import {
  isAbsolutePath,
  Preloads,
  type PreloadScript,
  type PreloadScriptRegistration,
} from "./preloads.ts";
import { getBlobData } from "./blob_data.ts";
import { notSupported } from "./not_supported.ts";
import {
  PageServiceWorkers,
  type ServiceWorkerContainerLike,
  type ServiceWorkersApi,
  unsupportedServiceWorkers,
} from "./service_workers.ts";

export type * from "../../kernel/mod.ts";
export { Preloads } from "./preloads.ts";
export type { PreloadScript, PreloadScriptRegistration } from "./preloads.ts";
export { getBlobData } from "./blob_data.ts";
export { notSupported } from "./not_supported.ts";
export { PageServiceWorkers, unsupportedServiceWorkers } from "./service_workers.ts";
export type {
  ServiceWorkerContainerLike,
  ServiceWorkerInfo,
  ServiceWorkersApi,
} from "./service_workers.ts";

/**
 * The session members the renderer plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: RendererMembers = session.fromPartition("renderer-members");
 * ses.getPreloads(); // []
 * ```
 */
export interface RendererMembers {
  /** Electron's deprecated `setPreloads`: absolute paths of frame preload scripts. */
  setPreloads(preloads: string[]): void;
  /** The paths `setPreloads` set. */
  getPreloads(): string[];
  /** Registers a preload script; returns its id. */
  registerPreloadScript(script: PreloadScriptRegistration): string;
  /** Removes a registered preload script. */
  unregisterPreloadScript(id: string): void;
  /** The registered preload scripts. */
  getPreloadScripts(): PreloadScript[];
  /** The bytes of a blob of the runtime, by `blob:` URL or UUID (Electron resolves to a Buffer). */
  getBlobData(identifier: string): Promise<Uint8Array>;
  /**
   * Electron's `setCodeCachePath`: throws an Error for a path that is not absolute ("Absolute path
   * must be provided to store code cache."); else kept, with nothing written (no renderer here).
   */
  setCodeCachePath(path: string): void;
  /** Needs a renderer's V8 code cache: throws a `NotSupportedError`. */
  setCodeCachePaths(path: string): void;
  /** Needs a renderer's V8 code cache: rejects with a `NotSupportedError`. */
  clearCodeCaches(options: { urls?: string[] }): Promise<void>;
  /** Needs a renderer's `getDisplayMedia`: throws a `NotSupportedError` (null: does nothing). */
  setDisplayMediaRequestHandler(handler: unknown, options?: unknown): void;
  /** Needs a renderer's Web Bluetooth: throws a `NotSupportedError` (null: does nothing). */
  setBluetoothPairingHandler(handler: unknown): void;
  /**
   * Needs a renderer's Prompt API answered by a `UtilityProcess` (Electron only: CDP has no such
   * handler either): throws a `NotSupportedError` (null, which clears it in Electron: does nothing).
   */
  registerLocalAIHandler(handler: unknown): void;
  /** Electron's `ServiceWorkers` (in the browser bundle; elsewhere its members throw). */
  readonly serviceWorkers: ServiceWorkersApi;
}

const ELSEWHERE = "Electron and the Chromium-backed session";

/**
 * The renderer plugin.
 *
 * @example
 * ```ts
 * rendererPlugin.manifest.api.includes("getBlobData"); // true
 * ```
 */
export const rendererPlugin: Plugin<RendererMembers> = definePlugin<RendererMembers>({
  manifest,
  setup(ctx) {
    const runtime = detectRuntime();
    const preloads = new Preloads();
    const unsupported = (member: string) => () => {
      throw notSupported(member, runtime, ELSEWHERE);
    };
    // A handler setter given null goes back to the default, which is what websession has.
    const unsupportedHandler = (member: string, elsewhere = ELSEWHERE) => (handler: unknown) => {
      if (handler !== null) throw notSupported(member, runtime, elsewhere);
    };
    const members: RendererMembers = {
      setPreloads: (list) => preloads.setPreloads(list),
      getPreloads: () => preloads.getPreloads(),
      registerPreloadScript: (script) => preloads.register(script),
      unregisterPreloadScript: (id) => preloads.unregister(id),
      getPreloadScripts: () => preloads.list(),
      getBlobData,
      setCodeCachePath: (path) => {
        if (typeof path !== "string" || !isAbsolutePath(path)) {
          throw new Error("Absolute path must be provided to store code cache.");
        }
      },
      setCodeCachePaths: unsupported("setCodeCachePaths"),
      clearCodeCaches: () => Promise.reject(notSupported("clearCodeCaches", runtime, ELSEWHERE)),
      setDisplayMediaRequestHandler: unsupportedHandler("setDisplayMediaRequestHandler"),
      setBluetoothPairingHandler: unsupportedHandler("setBluetoothPairingHandler"),
      registerLocalAIHandler: unsupportedHandler("registerLocalAIHandler", "Electron"),
      serviceWorkers: runtime === "browser"
        ? new PageServiceWorkers(
          (globalThis as { navigator?: { serviceWorker?: ServiceWorkerContainerLike } }).navigator
            ?.serviceWorker,
        )
        : unsupportedServiceWorkers(runtime),
    };
    ctx.provide({ ...members });
  },
});
