/**
 * `ses.serviceWorkers` of a Chromium-backed session: Electron's ServiceWorkers over the
 * `ServiceWorker` domain of the context's pages (`workerVersionUpdated`,
 * `workerRegistrationUpdated`), with `getAllRunning()`, `getInfoFromVersionID()` and the events
 * `running-status-changed` (as in Electron, its one argument is an Event that carries `versionId`
 * and `runningStatus`) and `registration-completed` (an Event, then the details).
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";
import { Emitter } from "../../kernel/events.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";

/** Electron's ServiceWorkerInfo. */
export interface BrowserServiceWorkerInfo {
  /** The script's URL. */
  scriptUrl: string;
  /** The registration's scope. */
  scope: string;
  /** The renderer's process id (not known through CDP: -1). */
  renderProcessId: number;
  /** The version id. */
  versionId: number;
}

const RUNNING: Record<string, string> = {
  starting: "starting",
  running: "running",
  stopping: "stopping",
  stopped: "stopped",
};

/**
 * Electron's ServiceWorkers for one browser context.
 *
 * @example
 * ```ts ignore
 * ses.serviceWorkers.on("running-status-changed", (details) => console.log(details.runningStatus));
 * Object.values(ses.serviceWorkers.getAllRunning()).map((info) => info.scope);
 * ```
 */
export class BrowserServiceWorkers extends Emitter {
  readonly #versions = new Map<number, Protocol.ServiceWorker.ServiceWorkerVersion>();
  readonly #scopes = new Map<string, string>();
  readonly #completed = new Set<string>();

  /** Listens to a page target's ServiceWorker domain (an attach hook). */
  async attach(cdp: CdpSession): Promise<void> {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      for (const r of registrations) {
        if (r.isDeleted) this.#scopes.delete(r.registrationId);
        else this.#scopes.set(r.registrationId, r.scopeURL);
      }
    });
    cdp.on("ServiceWorker.workerVersionUpdated", ({ versions }) => {
      for (const v of versions) this.#update(v);
    });
    await cdp.send("ServiceWorker.enable");
  }

  #update(v: Protocol.ServiceWorker.ServiceWorkerVersion): void {
    const versionId = Number(v.versionId);
    const before = this.#versions.get(versionId);
    this.#versions.set(versionId, v);
    if (before?.runningStatus !== v.runningStatus) {
      // Electron's one argument: an Event carrying the details
      const event = {
        versionId,
        runningStatus: RUNNING[v.runningStatus] ?? v.runningStatus,
        defaultPrevented: false,
        preventDefault() {
          event.defaultPrevented = true;
        },
      };
      this.call("running-status-changed", [event]);
    }
    const scope = this.#scopes.get(v.registrationId);
    if (v.status === "activated" && scope && !this.#completed.has(v.registrationId)) {
      this.#completed.add(v.registrationId);
      this.emit("registration-completed", { scope });
    }
  }

  #info(v: Protocol.ServiceWorker.ServiceWorkerVersion): BrowserServiceWorkerInfo {
    return {
      scriptUrl: v.scriptURL,
      scope: this.#scopes.get(v.registrationId) ?? "",
      renderProcessId: -1,
      versionId: Number(v.versionId),
    };
  }

  /** The running service workers, by version id. */
  getAllRunning(): Record<number, BrowserServiceWorkerInfo> {
    const out: Record<number, BrowserServiceWorkerInfo> = {};
    for (const [id, v] of this.#versions) {
      if (v.runningStatus === "running") out[id] = this.#info(v);
    }
    return out;
  }

  /** The info of one version; throws when it is unknown, as Electron does. */
  getInfoFromVersionID(versionId: number): BrowserServiceWorkerInfo {
    const v = this.#versions.get(versionId);
    if (!v) throw new Error(`Could not find service worker with that version_id`);
    return this.#info(v);
  }
}
