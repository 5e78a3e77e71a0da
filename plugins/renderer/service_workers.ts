/**
 * `ses.serviceWorkers`: Electron's `ServiceWorkers`. Service workers run in a renderer, so outside
 * a page every member throws a `NotSupportedError`; in the browser bundle `getAllRunning()` reports
 * the page's registrations that have an active worker (refreshed when the page's controller
 * changes, as Electron's is a snapshot).
 *
 * @module
 */
import { Emitter } from "../../kernel/events.ts";
import { notSupported } from "./not_supported.ts";

/** The part of a page's `navigator.serviceWorker` that is read. */
export interface ServiceWorkerContainerLike {
  /** The page's registrations. */
  getRegistrations(): Promise<
    readonly { scope: string; active: { scriptURL: string } | null }[]
  >;
  /** Listens to `controllerchange`. */
  addEventListener?(type: "controllerchange", listener: () => void): void;
}

/** One running service worker, as Electron's `ServiceWorkerInfo`. */
export interface ServiceWorkerInfo {
  /** The script URL. */
  scriptUrl: string;
  /** The scope URL. */
  scope: string;
  /** The renderer process id (0 in a page: not known there). */
  renderProcessId: number;
  /** The version id. */
  versionId: number;
}

/** Electron's `ses.serviceWorkers`. */
export interface ServiceWorkersApi {
  /** The running service workers, keyed by version id. */
  getAllRunning(): Record<number, ServiceWorkerInfo>;
  /** One running worker's info. */
  getInfoFromVersionID(versionId: number): ServiceWorkerInfo;
}

/**
 * The service workers of a page (browser bundle).
 *
 * @example
 * ```ts ignore
 * const workers = new PageServiceWorkers(navigator.serviceWorker);
 * workers.getAllRunning();
 * ```
 */
export class PageServiceWorkers extends Emitter implements ServiceWorkersApi {
  #running: Record<number, ServiceWorkerInfo> = {};

  /** Watches `container` (the page's `navigator.serviceWorker`). */
  constructor(container: ServiceWorkerContainerLike | undefined) {
    super();
    if (!container) return;
    const refresh = async () => {
      const registrations = await container.getRegistrations();
      const running: Record<number, ServiceWorkerInfo> = {};
      registrations.forEach((registration, i) => {
        const worker = registration.active;
        if (worker) {
          running[i] = {
            scriptUrl: worker.scriptURL,
            scope: registration.scope,
            renderProcessId: 0,
            versionId: i,
          };
        }
      });
      this.#running = running;
    };
    void refresh().catch(() => {});
    container.addEventListener?.("controllerchange", () => void refresh().catch(() => {}));
  }

  /** The running service workers, keyed by version id. */
  getAllRunning(): Record<number, ServiceWorkerInfo> {
    return { ...this.#running };
  }

  /** One running worker's info; throws for an unknown version id. */
  getInfoFromVersionID(versionId: number): ServiceWorkerInfo {
    const info = this.#running[versionId];
    if (!info) throw new Error(`Could not find service worker with that version_id`);
    return { ...info };
  }
}

/**
 * `ses.serviceWorkers` where there is no renderer: every member throws a `NotSupportedError`.
 *
 * @example
 * ```ts
 * const workers = unsupportedServiceWorkers("deno");
 * ```
 */
export function unsupportedServiceWorkers(runtime: string): ServiceWorkersApi {
  const fail = (member: string) => () => {
    throw notSupported(`serviceWorkers.${member}`, runtime, "the browser bundle and Electron");
  };
  return {
    getAllRunning: fail("getAllRunning"),
    getInfoFromVersionID: fail("getInfoFromVersionID"),
    on: fail("on"),
    once: fail("once"),
    addListener: fail("addListener"),
  } as ServiceWorkersApi;
}
