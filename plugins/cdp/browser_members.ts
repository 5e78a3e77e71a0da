/**
 * The members of a Chromium-backed session that are settings of its targets: the user agent
 * (`Network.setUserAgentOverride`), network emulation (`Network.emulateNetworkConditions`) and
 * preload scripts (`Page.addScriptToEvaluateOnNewDocument` on every page and frame target, so an
 * out-of-process iframe runs them too). Each applies to the targets attached now and to every
 * target that attaches later, before it runs.
 *
 * @module
 */
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import type { StorageClearing } from "../../kernel/plugin.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import type { TargetNode } from "./target_tree.ts";
import { wrapPreload } from "./preloads.ts";

/** Electron's `enableNetworkEmulation` options. */
export interface BrowserNetworkEmulation {
  /** Emulate a network outage (default false). */
  offline?: boolean;
  /** Round-trip time in ms (default 0). */
  latency?: number;
  /** Download rate in bytes per second (default: no limit). */
  downloadThroughput?: number;
  /** Upload rate in bytes per second (default: no limit). */
  uploadThroughput?: number;
}

/** Electron's registered preload script. */
export interface BrowserPreloadScript {
  /** `frame` (every frame of every page); `service-worker` is not supported by CDP injection. */
  type: "frame" | "service-worker";
  /** Its id (made when not given). */
  id: string;
  /** The absolute path of the script. */
  filePath: string;
}

/** The members themselves. */
export interface BrowserMembersApi {
  /** Overrides the user agent (and `Accept-Language`) of every target of the context. */
  setUserAgent(userAgent: string, acceptLanguages?: string): void;
  /** The user agent: the override, else the browser's own. */
  getUserAgent(): string;
  /** Emulates network conditions on every target of the context. */
  enableNetworkEmulation(options: BrowserNetworkEmulation): void;
  /** Stops emulating network conditions. */
  disableNetworkEmulation(): void;
  /** Electron's legacy preloads: these files run in every frame before its own scripts. */
  setPreloads(preloads: string[]): void;
  /** The paths given to `setPreloads`. */
  getPreloads(): string[];
  /** Registers a preload script; returns its id. */
  registerPreloadScript(
    script: { type: "frame" | "service-worker"; id?: string; filePath: string },
  ): string;
  /** Unregisters a preload script by id. */
  unregisterPreloadScript(id: string): void;
  /** The registered preload scripts (those of `setPreloads` included). */
  getPreloadScripts(): BrowserPreloadScript[];
  /** Clears Chromium's HTTP cache. */
  clearCache(): Promise<void>;
}

interface Attached {
  cdp: CdpSession;
  node: TargetNode;
  /** Preload id -> the target's script identifier. */
  scripts: Map<string, string>;
}

const FRAMES = new Set(["page", "iframe"]);
let preloadSeq = 0;

/**
 * Keeps the context's target settings and applies them to each target.
 *
 * @example
 * ```ts ignore
 * const members = new BrowserMembers(readText);
 * tree.addHook(async (cdp, node) => { members.attach(cdp, node); await members.apply(cdp, node); });
 * ```
 */
export class BrowserMembers {
  /** The member names this class provides. */
  static readonly names: readonly string[] = [
    "setUserAgent",
    "getUserAgent",
    "enableNetworkEmulation",
    "disableNetworkEmulation",
    "setPreloads",
    "getPreloads",
    "registerPreloadScript",
    "unregisterPreloadScript",
    "getPreloadScripts",
    "clearCache",
  ];

  readonly #readText: (path: string) => Promise<string>;
  readonly #targets = new Map<string, Attached>();
  #userAgent: { userAgent: string; acceptLanguage?: string } | null = null;
  #browserAgent = "";
  #emulation: BrowserNetworkEmulation | null = null;
  #legacy: string[] = [];
  #scripts: BrowserPreloadScript[] = [];
  /** Preload changes still being sent to attached targets (reading the file, then CDP). */
  #sending = new Set<Promise<unknown>>();

  /** `readText` reads preload files. */
  constructor(readText: (path: string) => Promise<string>) {
    this.#readText = readText;
  }

  /**
   * Learns the browser's own user agent (what `getUserAgent` answers before any `setUserAgent`,
   * as Electron's answers the default one).
   */
  async learnUserAgent(connection: CdpConnection): Promise<void> {
    const { userAgent } = await connection.send("Browser.getVersion");
    this.#browserAgent ||= userAgent;
  }

  /** Records an attached target of the context. */
  attach(cdp: CdpSession, node: TargetNode): void {
    this.#targets.set(node.sessionId, { cdp, node, scripts: new Map() });
    this.saw(node.info.url);
  }

  /** Every origin a target of the context has shown: what clearing all storage clears. */
  readonly #origins = new Set<string>();

  /** Records the origin of a URL a target of the context showed. */
  saw(url: string): void {
    const origin = URL.parse(url)?.origin;
    if (origin && origin !== "null") this.#origins.add(origin);
  }

  /** Whether `frameId` is the frame of one of the context's targets (a page or an iframe). */
  hasFrame(frameId: string): boolean {
    for (const { node } of this.#targets.values()) if (node.targetId === frameId) return true;
    return false;
  }

  /**
   * Resolves when the preload changes made so far have reached every attached target: a
   * navigation started after `registerPreloadScript()` or `setPreloads()` then runs them (Electron
   * applies them to the next page load; here a file is read before CDP is told).
   */
  async preloadsSent(): Promise<void> {
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  #send(change: Promise<unknown>): void {
    const sent: Promise<unknown> = change.catch(() => {}).finally(() => this.#sending.delete(sent));
    this.#sending.add(sent);
  }

  /** Forgets a detached target. */
  detach(sessionId: string): void {
    this.#targets.delete(sessionId);
  }

  /** Applies every setting to a target (an attach hook: it waits). */
  async apply(cdp: CdpSession, node: TargetNode): Promise<void> {
    const target = this.#targets.get(node.sessionId);
    if (!target) return;
    await Promise.all([
      this.#userAgent && cdp.send("Network.setUserAgentOverride", this.#userAgent),
      this.#emulation && this.#emulate(cdp, conditions(this.#emulation)),
      ...this.#all().map((script) => this.#inject(target, script)),
    ]);
  }

  async #inject(target: Attached, script: BrowserPreloadScript): Promise<void> {
    if (script.type !== "frame" || !FRAMES.has(target.node.info.type)) return;
    const source = await this.#readText(script.filePath);
    // the page agent runs scripts on new documents only while it is enabled
    await target.cdp.send("Page.enable");
    const { identifier } = await target.cdp.send("Page.addScriptToEvaluateOnNewDocument", {
      source: wrapPreload(script.filePath, source),
      // an out-of-process iframe attaches with its document already made (paused before its own
      // scripts): run there at once too
      runImmediately: true,
    });
    target.scripts.set(script.id, identifier);
  }

  async #remove(id: string): Promise<void> {
    for (const target of this.#targets.values()) {
      const identifier = target.scripts.get(id);
      if (!identifier) continue;
      target.scripts.delete(id);
      await target.cdp.send("Page.removeScriptToEvaluateOnNewDocument", { identifier })
        .catch(() => {});
    }
  }

  #all(): BrowserPreloadScript[] {
    const legacy = this.#legacy.map((filePath, i) => ({
      type: "frame" as const,
      id: `preload-${i}:${filePath}`,
      filePath,
    }));
    return [...legacy, ...this.#scripts];
  }

  /**
   * Network conditions apply only where the Network domain is enabled (the Fetch bridge enables
   * it only for listeners that want the ends of requests), so emulating enables it first. Both are
   * sent at once (a target runs its commands in order): a command sent after them, such as a
   * page's script that fetches, finds the conditions applied, also where no request is paused.
   */
  #emulate(cdp: CdpSession, params: unknown): Promise<unknown> {
    return Promise.all([
      cdp.sendRaw("Network.enable", {}),
      cdp.sendRaw("Network.emulateNetworkConditions", params),
    ]);
  }

  /** Sends `method` to every attached target, ignoring targets that lack the domain. */
  #broadcast(method: string, params: unknown): void {
    for (const { cdp } of this.#targets.values()) {
      cdp.sendRaw(method, params).catch(() => {});
    }
  }

  /**
   * Clears what `clearing` asks for besides cookies, through `page` (one of the context's):
   * Chromium's HTTP cache (`cache`, browser-wide in Chromium) and the named storages of the
   * origins asked for, else of every origin the context's targets have shown
   * (`Storage.clearDataForOrigin`).
   */
  async clearData(clearing: StorageClearing, page: CdpSession): Promise<void> {
    if (clearing.includes("cache")) await page.send("Network.clearBrowserCache").catch(() => {});
    const storageTypes = clearing.storages === null
      ? "all"
      : [...clearing.storages].map((name) => STORAGE_TYPES[name]).filter(Boolean).join(",");
    if (storageTypes === "") return;
    const origins = clearing.origins ??
      [...this.#origins].filter((origin) => clearing.matchesOrigin(origin));
    for (const origin of origins) {
      await page.send("Storage.clearDataForOrigin", { origin, storageTypes }).catch(() => {});
    }
  }

  /** The members, bound to the session's connection. */
  api(connection: () => CdpConnection | null): BrowserMembersApi {
    const replaceAll = () => {
      for (const target of this.#targets.values()) {
        for (const id of [...target.scripts.keys()]) this.#send(this.#remove(id));
        for (const script of this.#all()) this.#send(this.#inject(target, script));
      }
    };
    return {
      setUserAgent: (userAgent, acceptLanguages) => {
        if (typeof userAgent !== "string") {
          throw new TypeError("setUserAgent: userAgent must be a string");
        }
        this.#userAgent = { userAgent, acceptLanguage: acceptLanguages };
        this.#broadcast("Network.setUserAgentOverride", this.#userAgent);
      },
      getUserAgent: () => {
        if (this.#userAgent) return this.#userAgent.userAgent;
        const conn = connection();
        if (!this.#browserAgent && conn) {
          conn.send("Browser.getVersion").then((v) => this.#browserAgent = v.userAgent, () => {});
        }
        return this.#browserAgent;
      },
      enableNetworkEmulation: (options) => {
        if (options === null || typeof options !== "object") {
          throw new TypeError("enableNetworkEmulation: options must be an object");
        }
        this.#emulation = { ...options };
        const params = conditions(this.#emulation);
        for (const { cdp } of this.#targets.values()) this.#emulate(cdp, params).catch(() => {});
      },
      disableNetworkEmulation: () => {
        this.#emulation = null;
        this.#broadcast("Network.emulateNetworkConditions", conditions({}));
      },
      setPreloads: (preloads) => {
        if (!Array.isArray(preloads) || preloads.some((p) => typeof p !== "string")) {
          throw new TypeError("setPreloads: preloads must be an array of absolute paths");
        }
        this.#legacy = [...preloads];
        replaceAll();
      },
      getPreloads: () => [...this.#legacy],
      registerPreloadScript: (script) => {
        if (!script || typeof script.filePath !== "string") {
          throw new TypeError("registerPreloadScript: script.filePath must be a string");
        }
        if (script.type !== "frame" && script.type !== "service-worker") {
          throw new TypeError(`registerPreloadScript: unknown type "${script.type}"`);
        }
        if (script.type === "service-worker") {
          throw new TypeError(
            "registerPreloadScript: service-worker preloads are not supported on a Chromium-backed session (CDP cannot run a script before a service worker's own)",
          );
        }
        const id = script.id ?? `preload-script-${++preloadSeq}`;
        if (this.#scripts.some((s) => s.id === id)) {
          throw new TypeError(`registerPreloadScript: a preload script with id "${id}" exists`);
        }
        const entry: BrowserPreloadScript = { type: script.type, id, filePath: script.filePath };
        this.#scripts.push(entry);
        for (const target of this.#targets.values()) this.#send(this.#inject(target, entry));
        return id;
      },
      unregisterPreloadScript: (id) => {
        this.#scripts = this.#scripts.filter((s) => s.id !== id);
        this.#send(this.#remove(id));
      },
      getPreloadScripts: () => this.#all().map((s) => ({ ...s })),
      clearCache: async () => {
        for (const { cdp, node } of this.#targets.values()) {
          if (node.info.type !== "page") continue;
          await cdp.send("Network.clearBrowserCache");
          return;
        }
      },
    };
  }
}

/** CDP's storage type of each of Electron's storage names (cookies are `ses.cookies`'). */
const STORAGE_TYPES: Readonly<Record<string, string>> = {
  filesystem: "file_systems",
  indexdb: "indexeddb",
  localstorage: "local_storage",
  shadercache: "shader_cache",
  websql: "websql",
  serviceworkers: "service_workers",
  cachestorage: "cache_storage",
};

function conditions(options: BrowserNetworkEmulation) {
  return {
    offline: options.offline ?? false,
    latency: options.latency ?? 0,
    downloadThroughput: options.downloadThroughput ?? -1,
    uploadThroughput: options.uploadThroughput ?? -1,
  };
}
