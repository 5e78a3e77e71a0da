/**
 * One loaded extension: its manifest, id and host access, its declarative rules, its storage, its
 * background Worker, and the `chrome.*` calls that Worker makes, answered with the session's
 * plugins (webRequest listeners through `ses.webRequest`, cookies through `ses.cookies`, the proxy
 * through `ses.setProxy`).
 *
 * @module
 */
import type { IsolationAdapter } from "../../kernel/contracts.ts";
import type { PluginContext } from "../../kernel/plugin.ts";
import { namespacedStore } from "../../kernel/store.ts";
import type { Listener, WebRequest } from "../web-request/web_request.ts";
import { Alarms } from "./alarms.ts";
import { BackgroundHost, type BackgroundOptions } from "./background_host.ts";
import { ProxySettings } from "./chrome_proxy.ts";
import { cookiesCall, type SessionCookies, watchCookieChanges } from "./cookie_calls.ts";
import { declarativeNetRequestCall } from "./dnr_calls.ts";
import { managementCall, type ManagementHost } from "./management_calls.ts";
import { grantedPermissions, permissionsCall } from "./permission_calls.ts";
import { PortHub } from "./extension_ports.ts";
import { WEB_REQUEST_EVENTS } from "./_wire.ts";
import { asJson, type ExtensionPort, NO_RECEIVER } from "./_port.ts";
import type { DescribedExtension } from "./_management_info.ts";
import { extensionId } from "./extension_id.ts";
import { type ExtensionManifest, parseExtensionManifest } from "./extension_manifest.ts";
import {
  LOCAL_QUOTA,
  managedArea,
  persistentArea,
  SESSION_QUOTA,
  type StorageArea,
  storageArea,
  type StorageAreaName,
  storageCall,
  type StorageChanges,
  SYNC_QUOTA,
} from "./extension_storage.ts";
import { ExtensionRules } from "./extension_rules.ts";
import { watchIgnoredActions } from "./ignored_actions.ts";
import { HostAccess, isHostPattern } from "./host_access.ts";
import { CHROME_ENUMS } from "./_chrome_enums.ts";
import { localizeManifest, readMessageCatalog, uiLanguage } from "./extension_locales.ts";
import type { MessageCatalog } from "./_i18n_messages.ts";

/** How the plugin reads an unpacked extension's folder (`adapters/fs/node.ts` on Deno and Bun). */
export interface ExtensionFiles {
  /** The absolute path with links resolved (a TypeError naming it when it does not exist). */
  realPath(path: string): Promise<string>;
  /** A file's text. */
  readText(path: string): Promise<string>;
  /** Whether paths are Windows paths. */
  readonly windows?: boolean;
}

/**
 * Electron's `Extension`.
 *
 * @example
 * ```ts ignore
 * const extension: Extension = await ses.loadExtension("/path/to/extension");
 * extension.url; // "chrome-extension://<id>/"
 * ```
 */
export interface Extension {
  /** The id, derived as Chromium does (from `key`, else from the path). */
  id: string;
  /** The manifest as written (checked). */
  manifest: ExtensionManifest;
  /** `manifest.name`. */
  name: string;
  /** The extension's folder (absolute). */
  path: string;
  /** `manifest.version`. */
  version: string;
  /** `chrome-extension://<id>/`. */
  url: string;
}

/** Electron's `loadExtension` options. */
export interface LoadExtensionOptions {
  /** Whether host permissions may cover `file://` URLs (Chrome's "Allow access to file URLs"). */
  allowFileAccess?: boolean;
}

/** What the plugin hands every loaded extension. */
export interface ExtensionDeps {
  ctx: PluginContext;
  files: ExtensionFiles;
  isolation: IsolationAdapter | null;
  /** Background messages to the session (`runtime.sendMessage`). */
  onMessage(extension: Extension, message: unknown): Promise<unknown>;
  /** Called when the background crashed and the extension must be unloaded. */
  onCrash(extension: Extension, error: Error): void;
  /** Reloads the extension (`runtime.reload`). */
  reload(extension: Extension): void;
  /** How long an MV3 service worker may idle before it is stopped (ms; 0 or Infinity: never). */
  idleTimeout(): number;
  /** The background started (again) or stopped. */
  onBackground(extension: Extension, running: boolean): void;
  /** The session's extensions, for `chrome.management`. */
  management: ManagementHost;
  /** A port the background opened (`runtime.connect`); false when nobody takes it. */
  onConnect(extension: Extension, port: ExtensionPort): boolean;
}

/** The permissions a namespace's calls need (any one of them). */
const NAMESPACE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  storage: ["storage"],
  cookies: ["cookies"],
  proxy: ["proxy"],
  webRequest: ["webRequest"],
  declarativeNetRequest: ["declarativeNetRequest", "declarativeNetRequestWithHostAccess"],
  alarms: ["alarms"],
};

type Members = {
  webRequest?: WebRequest;
  cookies?: SessionCookies;
  setProxy?(config: Record<string, unknown>): Promise<void>;
};

/**
 * An extension while it is loaded.
 *
 * @example
 * ```ts ignore
 * const loaded = await LoadedExtension.load(deps, "/path/to/extension", {});
 * await loaded.start();
 * ```
 */
export class LoadedExtension {
  /** Electron's view. */
  readonly extension: Extension;
  /** API permissions. */
  readonly permissions: string[];
  /** Host permissions. */
  readonly access: HostAccess;
  readonly #deps: ExtensionDeps;
  readonly #rules: ExtensionRules | null;
  /** `chrome.storage`'s areas by name. */
  readonly #areas: Record<StorageAreaName, StorageArea>;
  #background: BackgroundHost | null = null;
  /** `chrome.i18n`'s catalog and UI language, read with the manifest. */
  #i18n: { messages: MessageCatalog; uiLanguage: string } = { messages: {}, uiLanguage: "en-US" };
  readonly #listeners = new Map<number, { event: string; fn: Listener; key: string }>();
  readonly #alarms = new Alarms((alarm) => this.#notify("alarms.onAlarm", [alarm]));
  readonly #untaps: Array<() => void> = [];
  readonly #proxy = new ProxySettings((config) => {
    const setProxy = this.#members().setProxy;
    if (!setProxy) throw new Error("This session has no proxy plugin");
    return setProxy.call(this.#deps.ctx.session, config);
  }, (details) => this.#notify("proxy.settings.onChange", [details]));

  readonly #ports: PortHub = new PortHub({
    sender: () => ({ id: this.extension.id, url: this.extension.url }),
    background: () => this.#wake(),
    accept: (port) => this.#deps.onConnect(this.extension, port),
    report: (error) => this.#deps.ctx.report(this.#named(error as Error), "extension runtime.Port"),
  });

  private constructor(
    deps: ExtensionDeps,
    extension: Extension,
    access: HostAccess,
    rules: ExtensionRules | null,
    stored: { local: StorageArea; sync: StorageArea },
  ) {
    this.#deps = deps;
    this.extension = extension;
    this.access = access;
    this.permissions = (extension.manifest.permissions ?? []).filter((p) => !isHostPattern(p));
    this.#rules = rules;
    this.#areas = {
      ...stored,
      session: storageArea(new Map(), async () => {}, SESSION_QUOTA),
      managed: managedArea(),
    };
  }

  /** Reads and checks the folder's manifest (and static rulesets); does not start anything. */
  static async load(
    deps: ExtensionDeps,
    path: string,
    options: LoadExtensionOptions,
  ): Promise<LoadedExtension> {
    if (typeof path !== "string" || path === "") {
      throw new TypeError("loadExtension: path must be a non-empty string");
    }
    const dir = await deps.files.realPath(path);
    const file = `${dir}/manifest.json`;
    let raw: unknown;
    try {
      raw = JSON.parse(await deps.files.readText(file));
    } catch (error) {
      throw new TypeError(`${file}: ${(error as Error).message}`);
    }
    const checked = parseExtensionManifest(raw, file);
    const id = extensionId({ key: checked.key, path: dir, windows: deps.files.windows });
    const access = HostAccess.of(checked, file, options.allowFileAccess === true);
    const language = uiLanguage();
    const locale = checked.default_locale;
    const messages = await readMessageCatalog(deps.files.readText, dir, locale, language);
    const manifest = localizeManifest(
      checked,
      messages,
      { extensionId: id, uiLanguage: language },
      file,
    );
    const extension: Extension = {
      id,
      manifest,
      name: manifest.name,
      path: dir,
      version: manifest.version,
      url: `chrome-extension://${id}/`,
    };
    const store = namespacedStore(deps.ctx.store, `${id}/`);
    const resources = manifest.declarative_net_request?.rule_resources ?? [];
    const permissions = manifest.permissions ?? [];
    const dnr = permissions.includes("declarativeNetRequest") ||
      permissions.includes("declarativeNetRequestWithHostAccess");
    const rules = dnr
      ? new ExtensionRules(deps.ctx, id, access, resources, async (p) => {
        const path = `${dir}/${p.replace(/^\/+/, "")}`;
        try {
          return JSON.parse(await deps.files.readText(path));
        } catch (error) {
          throw new TypeError(`${path}: ${(error as Error).message}`);
        }
      }, namespacedStore(store, "dnr/"))
      : null;
    const local = await persistentArea(
      namespacedStore(store, "local/"),
      permissions.includes("unlimitedStorage") ? null : LOCAL_QUOTA,
    );
    const sync = await persistentArea(namespacedStore(store, "sync/"), SYNC_QUOTA);
    const loaded = new LoadedExtension(deps, extension, access, rules, { local, sync });
    loaded.#i18n = { messages, uiLanguage: language };
    await rules?.start();
    return loaded;
  }

  /** What `chrome.management` describes it by. */
  get described(): DescribedExtension {
    const { id, manifest } = this.extension;
    return { id, manifest, permissions: this.permissions, origins: [...this.access.origins] };
  }

  /** Whether the extension holds an API permission. */
  has(permission: string): boolean {
    return this.permissions.includes(permission);
  }

  /** Starts the background (if the manifest has one) and fires `onInstalled`/`onStartup`. */
  async start(): Promise<void> {
    const { ctx, isolation, files } = this.#deps;
    const manifest = this.extension.manifest;
    const bg = manifest.background as
      | { service_worker?: string; type?: string; scripts?: string[]; page?: string }
      | undefined;
    if (this.#rules && this.has("declarativeNetRequestFeedback")) {
      this.#rules.onMatch = (info) =>
        this.#notify("declarativeNetRequest.onRuleMatchedDebug", [info]);
    }
    if (!bg || bg.page !== undefined) return; // a background page needs a DOM, which websession has not
    if (!isolation) {
      throw new Error(
        "Extensions need an isolation adapter to run their background (createExtensionsPlugin({ isolation }))",
      );
    }
    const dir = this.extension.path;
    const worker = bg.service_worker;
    this.#serviceWorker = worker !== undefined;
    const classicFiles: string[] = bg.scripts ?? (bg.type === "module" ? [] : [worker!]);
    const classic = [];
    for (const f of classicFiles) {
      const path = `${dir}/${f.replace(/^\/+/, "")}`;
      try {
        classic.push({ file: path, source: await files.readText(path) });
      } catch (error) {
        throw new TypeError(`${path}: ${(error as Error).message}`);
      }
    }
    this.#options = {
      dir,
      module: worker !== undefined && bg.type === "module"
        ? `${dir}/${worker.replace(/^\/+/, "")}`
        : null,
      init: {
        id: this.extension.id,
        manifest,
        permissions: this.permissions,
        origins: [...this.access.origins],
        classic,
        enums: CHROME_ENUMS,
        ...this.#i18n,
      },
      net: this.access.coversEveryHost ? "all" : this.access.netHosts(),
      isolation,
      call: (method, args) => this.#call(method, args),
      listen: (lid, event, filter, spec) => this.#listen(lid, event, filter, spec),
      unlisten: (lid) => this.#unlisten(lid),
      on: (name) => this.#eventNames.add(name),
      activity: () => this.#lastActivity = performance.now(),
      report: (error, where) => ctx.report(this.#named(error), `extension ${where}`),
      port: (message) => this.#ports.receive(message),
      stopped: () => this.#ports.backgroundGone(),
    };
    const background = await this.#wake();
    const cookies = this.has("cookies") ? this.#members().cookies : undefined;
    if (cookies) {
      this.#untaps.push(watchCookieChanges(cookies, this.access, (details) => {
        this.#notify("cookies.onChanged", [details]);
      }));
    }
    const webRequest = this.has("webRequest") ? this.#members().webRequest : undefined;
    if (webRequest) {
      this.#untaps.push(watchIgnoredActions(webRequest, this.extension.id, (details) => {
        this.#notify("webRequest.onActionIgnored", [details]);
      }));
    }
    // onInstalled the first time (or after a version change), onStartup afterwards
    const store = namespacedStore(ctx.store, `${this.extension.id}/`);
    const previous = await store.get("installedVersion");
    if (previous === undefined) {
      background.notify("runtime.onInstalled", [{ reason: "install" }]);
    } else if (previous !== this.extension.version) {
      background.notify("runtime.onInstalled", [{ reason: "update", previousVersion: previous }]);
    } else background.notify("runtime.onStartup", []);
    await store.set("installedVersion", this.extension.version);
  }

  #options: BackgroundOptions | null = null;
  #serviceWorker = false;
  #starting: Promise<BackgroundHost> | null = null;
  #stopped = false;
  #lastActivity = 0;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** The `chrome.*` events the background listens to (they wake a stopped service worker). */
  readonly #eventNames = new Set<string>();
  /** webRequest listeners the running Worker registered (the others are from an older run). */
  #confirmed = new Set<number>();

  /** Whether the background's Worker is running. */
  get running(): boolean {
    return this.#background?.alive === true;
  }

  /** The running background, started (again) if it is not: events that wake it are not lost. */
  #wake(): Promise<BackgroundHost> {
    if (this.#background?.alive) return Promise.resolve(this.#background);
    if (this.#starting) return this.#starting;
    if (this.#stopped || !this.#options) {
      return Promise.reject(new Error("The extension's background is not running"));
    }
    const background = new BackgroundHost(this.#options);
    background.onCrash = (error) => {
      if (this.#background === background) this.#deps.onCrash(this.extension, this.#named(error));
    };
    this.#confirmed = new Set();
    const first = this.#background === null;
    this.#background = background;
    this.#starting = background.start().then(
      () => {
        this.#starting = null;
        if (this.#stopped) {
          background.stop();
          throw new Error("The extension was unloaded");
        }
        // listeners the earlier run had and this one did not register again are gone
        for (const lid of [...this.#listeners.keys()]) {
          if (!this.#confirmed.has(lid)) this.#unlisten(lid);
        }
        this.#lastActivity = performance.now();
        this.#armIdle();
        this.#deps.onBackground(this.extension, true);
        return background;
      },
      (error) => {
        this.#starting = null;
        const named = this.#named(error as Error);
        if (!first) this.#deps.onCrash(this.extension, named);
        throw named;
      },
    );
    return this.#starting;
  }

  /** MV3 service workers stop after `idleTimeout()` ms without events, as Chrome's do. */
  #armIdle(): void {
    const timeout = this.#deps.idleTimeout();
    if (!this.#serviceWorker || !(timeout > 0) || !Number.isFinite(timeout)) return;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    const wait = Math.max(1, this.#lastActivity + timeout - performance.now());
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      const background = this.#background;
      if (!background?.alive || this.#stopped) return;
      const idle = performance.now() - this.#lastActivity >= this.#deps.idleTimeout();
      if (!idle || background.busy) return this.#armIdle();
      background.stop();
      this.#deps.onBackground(this.extension, false);
    }, wait);
  }

  /** Sends an event to the background, waking it when it listens to that event. */
  /**
   * Hands the background a `chrome.*` event (`name` as `"management.onEnabled"`), starting a
   * stopped service worker that listens to it.
   */
  notify(name: string, args: unknown[]): void {
    this.#notify(name, args);
  }

  #notify(name: string, args: unknown[]): void {
    const background = this.#background;
    if (background?.alive) return background.notify(name, args);
    if (!this.#eventNames.has(name) || this.#stopped) return;
    this.#wake().then(
      (b) => b.notify(name, args),
      (error) => this.#deps.ctx.report(error, name),
    );
  }

  #named(error: Error): Error {
    if (!error.message.includes(this.extension.id)) {
      error.message = `Extension ${this.extension.id} (${this.extension.name}): ${error.message}`;
    }
    return error;
  }

  /** Stops the background and removes its listeners and rules. */
  stop(): void {
    this.#stopped = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#alarms.clearAll();
    this.#background?.stop();
    this.#rules?.stop();
    for (const lid of [...this.#listeners.keys()]) this.#unlisten(lid);
    for (const untap of this.#untaps.splice(0)) untap();
  }

  /** Sends a message to the background (`runtime.onMessage`); resolves with its response. */
  async sendMessage(message: unknown): Promise<unknown> {
    if (!this.#options || this.#stopped) {
      throw new Error(NO_RECEIVER);
    }
    const json = asJson(message); // it crosses as JSON, as Chrome's messages do
    const background = await this.#wake();
    return await background.dispatch("runtime.onMessage", [json, { origin: "websession" }]);
  }

  /** A port to the background's `chrome.runtime.onConnect`. */
  connect(name: string): ExtensionPort {
    return this.#ports.connect(name);
  }

  /** The session's members; one whose plugin the session lacks reads as undefined. */
  #members(): Members {
    const session = this.#deps.ctx.session as unknown as Record<string, unknown>;
    const read = (name: string) => {
      try {
        return session[name];
      } catch {
        return undefined; // MissingPluginError: the session was built without that plugin
      }
    };
    return {
      webRequest: read("webRequest") as WebRequest | undefined,
      cookies: read("cookies") as SessionCookies | undefined,
      setProxy: read("setProxy") as Members["setProxy"],
    };
  }

  #webRequest(): WebRequest {
    return this.#members().webRequest!.scope(`extension:${this.extension.id}`);
  }

  #listen(lid: number, event: string, filter: unknown, spec: string[]): void {
    if (!WEB_REQUEST_EVENTS.includes(event)) {
      throw new TypeError(`Unknown webRequest event ${event}`);
    }
    this.#confirmed.add(lid);
    const known = this.#listeners.get(lid);
    // a restarted service worker registers its listeners again, in the same order
    if (known && known.event === event && known.key === JSON.stringify([filter, spec])) return;
    if (known) this.#unlisten(lid);
    const blocking = spec.includes("blocking") || spec.includes("asyncBlocking");
    const access = this.access;
    const send = (details: unknown, wait: boolean): Promise<unknown> | undefined => {
      const background = this.#background;
      if (background?.alive) return background.webRequest(lid, details, wait);
      const woken = this.#wake().then((b) => b.webRequest(lid, details, wait));
      if (wait) return woken;
      woken.catch((error) => this.#deps.ctx.report(error, `webRequest.${event}`));
      return undefined;
    };
    // The extension hears only requests its host permissions cover (URL and initiator).
    const visible = (details: { url: string; initiator?: string }) =>
      access.covers(details.url) &&
      (details.initiator === undefined || details.initiator === "null" ||
        access.covers(details.initiator + "/"));
    const fn: Listener = spec.includes("asyncBlocking")
      ? (details, callback: (answer?: unknown) => void) => {
        if (!visible(details)) return callback();
        send(details, true)!.then(callback, (error) => {
          this.#deps.ctx.report(this.#named(error), `webRequest.${event}`);
          callback();
        });
      }
      : (details) => {
        if (!visible(details)) return undefined;
        // a rejection (the Worker gone) is reported by web-request and the request goes on
        return send(details, blocking);
      };
    const events = this.#webRequest().events as unknown as Record<
      string,
      { addListener(fn: Listener, filter: unknown, spec: string[]): void }
    >;
    events[event].addListener(fn, filter, spec);
    this.#listeners.set(lid, { event, fn, key: JSON.stringify([filter, spec]) });
  }

  #unlisten(lid: number): void {
    const entry = this.#listeners.get(lid);
    if (!entry) return;
    this.#listeners.delete(lid);
    const events = this.#webRequest().events as unknown as Record<
      string,
      { removeListener(fn: Listener): void }
    >;
    events[entry.event].removeListener(entry.fn);
  }

  #storageChanged(area: StorageAreaName, changes: StorageChanges): void {
    if (Object.keys(changes).length === 0) return;
    this.#notify("storage.onChanged", [changes, area]);
    this.#notify(`storage.${area}.onChanged`, [changes]);
  }

  /** Answers one `chrome.*` call of the background. */
  async #call(method: string, args: unknown[]): Promise<unknown> {
    const [namespace] = method.split(".");
    const needs = NAMESPACE_PERMISSIONS[namespace];
    if (needs && !needs.some((p) => this.has(p))) {
      throw new Error(`'${namespace}' requires a permission the extension does not have`);
    }
    if (method.startsWith("storage.")) {
      const [, area, op] = method.split(".") as [string, StorageAreaName, string];
      const { answer, changes } = await storageCall(this.#areas[area], op, args);
      if (changes) this.#storageChanged(area, changes);
      return answer;
    }
    if (method.startsWith("alarms.")) {
      const op = method.slice(7) as "create" | "get" | "getAll" | "clear" | "clearAll";
      return (this.#alarms[op] as (...a: unknown[]) => unknown).apply(this.#alarms, args);
    }
    if (method.startsWith("declarativeNetRequest.")) {
      return declarativeNetRequestCall(
        this.#rules!,
        (p) => this.has(p),
        method.slice(22),
        args,
      );
    }
    if (method.startsWith("cookies.")) {
      return cookiesCall(this.#members().cookies, this.access, method.slice(8), args);
    }
    if (method.startsWith("proxy.settings.")) return this.#proxy.call(method.slice(15), args);
    if (method.startsWith("permissions.")) {
      const granted = grantedPermissions(this.extension.manifest, this.permissions, this.access);
      return permissionsCall(method.slice(12), args, granted);
    }
    if (method.startsWith("management.")) {
      return managementCall(method.slice(11), args, this.described, this.#deps.management);
    }
    switch (method) {
      case "runtime.sendMessage":
        return this.#deps.onMessage(this.extension, args[0]); // the Worker read Chrome's forms
      case "runtime.reload":
        this.#deps.reload(this.extension);
        return undefined;
      case "webRequest.handlerBehaviorChanged":
        return this.#members().webRequest!.events.handlerBehaviorChanged();
    }
    throw new Error(`${method} is not supported by websession`);
  }

  /** Undoes the extension's proxy setting (when it is unloaded), as Chrome does. */
  releaseProxy(): Promise<void> {
    return this.#proxy.release();
  }
}
