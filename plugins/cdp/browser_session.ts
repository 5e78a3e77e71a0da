/**
 * A session backed by a real Chromium: Electron's Session API over one Chromium browser context.
 * Its pages' traffic walks the session's stages (`_fetch_bridge.ts`), so the same webRequest
 * listeners and declarative rules, with the same conflict rules, decide for page traffic as for
 * `ses.fetch`; `ses.cookies` is Chromium's own jar (`browser_cookies.ts`); the user agent,
 * network emulation and preload scripts are applied to every target of the context as it attaches
 * (`browser_members.ts`). The context's proxy is a local relay that routes by the session's own
 * proxy plugin, so `ses.setProxy` (PAC too) applies at any time (`browser_proxy.ts`);
 * `loadExtension` goes through CDP's `Extensions` domain (`browser_extensions.ts`).
 *
 * An in-memory partition gets a new browser context (`Target.createBrowserContext`) of the
 * browser it is given; a `persist:` partition needs a profile that survives a restart, so it gets
 * its own Chromium started on the folder `Chromium` under the session's storage path.
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import type { AnyPlugin } from "../../kernel/plugin.ts";
import type { Session } from "../../kernel/session.ts";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import type { CdpApi, CdpBrowser, LaunchOptions } from "./launcher.ts";
import { type TargetNode, TargetTree } from "./target_tree.ts";
import { FetchBridge } from "./_fetch_bridge.ts";
import { BrowserCookies } from "./browser_cookies.ts";
import { BrowserMembers, type BrowserMembersApi } from "./browser_members.ts";
import { type DownloadFiles, watchDownloads } from "./browser_downloads.ts";
import { BrowserServiceWorkers } from "./browser_service_workers.ts";
import { BrowserExtensions } from "./browser_extensions.ts";
import {
  type BrowserProxyRelay,
  RELAY_BYPASS,
  sessionRoute,
  type StartProxyRelay,
} from "./browser_proxy.ts";
import type { ProxyConfig } from "../proxy/proxy_config.ts";
import {
  type BrowserPermissionCheckHandler,
  type BrowserPermissionRequestHandler,
  BrowserPermissions,
} from "./browser_permissions.ts";

/** A page opened through a Chromium-backed session. */
export interface BrowserPage {
  /** The page's target id. */
  readonly targetId: string;
  /** Its flat CDP session (auto-attached; its requests are intercepted). */
  readonly session: CdpSession;
  /** Navigates and resolves once the page's `load` event fired. */
  goto(url: string, timeout?: number): Promise<void>;
  /** Evaluates an expression in the page's main world; resolves with its value (awaited). */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Closes the page. */
  close(): Promise<void>;
}

/** `ses.pages` of a Chromium-backed session. */
export interface BrowserPages {
  /** Opens a page in the session's browser context, at `url` (loaded) or blank. */
  open(url?: string, options?: { timeout?: number }): Promise<BrowserPage>;
  /** The pages open now. */
  list(): BrowserPage[];
}

/** What a Chromium-backed session adds to a session. */
export interface BrowserSessionMembers extends BrowserMembersApi {
  /** Electron's Cookies over Chromium's jar for this context. */
  readonly cookies: BrowserCookies;
  /** The session's pages. */
  readonly pages: BrowserPages;
  /** Electron's `Extensions` over CDP's `Extensions` domain (`browser_extensions.ts`). */
  readonly extensions: BrowserExtensions;
  /** Loads an unpacked extension into the session's Chromium (`Extensions.loadUnpacked`). */
  loadExtension: BrowserExtensions["loadExtension"];
  /** Uninstalls an extension the session loaded. */
  removeExtension: BrowserExtensions["removeExtension"];
  /** The loaded extension with this id, or null. */
  getExtension: BrowserExtensions["getExtension"];
  /** The extensions the session loaded. */
  getAllExtensions: BrowserExtensions["getAllExtensions"];
  /** Electron's ServiceWorkers over the context's pages. */
  readonly serviceWorkers: BrowserServiceWorkers;
  /** Electron's permission request handler, asked before each document of the context loads. */
  setPermissionRequestHandler(handler: BrowserPermissionRequestHandler | null): void;
  /** Electron's permission check handler (used when no request handler is set). */
  setPermissionCheckHandler(handler: BrowserPermissionCheckHandler | null): void;
  /** Where downloads go when their item has no save path. */
  setDownloadPath(path: string): void;
  /** The browser context: its connection and id (undefined: the default context). */
  readonly browserContext: {
    readonly connection: CdpConnection;
    readonly browserContextId: string | undefined;
  };
}

/** A Chromium-backed session. */
export type BrowserSession = Session & BrowserSessionMembers;

/** Options of {@linkcode BrowserSessionFactory}. */
export interface BrowserSessionOptions {
  /** More plugins for the session (the entry's, e.g. web-request, are always there). */
  plugins?: readonly AnyPlugin[];
  /** How to start Chromium when the session starts its own (`persist:` or no browser given). */
  launch?: LaunchOptions;
  /**
   * The session's first proxy config (Electron's `setProxy` config), applied before the context
   * is made; `ses.setProxy` changes it later.
   */
  proxy?: ProxyConfig;
}

/** What the entry hands in. */
export interface BrowserSessionDeps {
  /** Launches Chromium. */
  launch: CdpApi["launch"];
  /** Makes the partition's session with these plugins (`session.fromPartition`). */
  fromPartition(partition: string, plugins: readonly AnyPlugin[]): Session;
  /** The plugins every Chromium-backed session has (e.g. web-request). */
  plugins: readonly AnyPlugin[];
  /** Reads a preload script's file. */
  readText(path: string): Promise<string>;
  /** Moves and makes files (downloads). */
  files: DownloadFiles;
  /** The default download folder (Electron's: the user's Downloads folder). */
  downloadsDir: string;
  /**
   * Starts the local proxy relay the context points at (`browser_proxy.ts`). Without it the
   * context's proxy is `options.proxy`'s fixed rules, set once, and `setProxy` does not reach it.
   */
  relay?: StartProxyRelay;
}

/** `browserSession(browser, partition, options)`. */
export type BrowserSessionFactory = (
  browser: CdpBrowser | CdpConnection | null,
  partition: string,
  options?: BrowserSessionOptions,
) => Promise<BrowserSession>;

const trees = new WeakMap<CdpConnection, Promise<TargetTree>>();

/** One auto-attaching tree per connection, shared by the sessions of its contexts. */
function treeOf(connection: CdpConnection): Promise<TargetTree> {
  let tree = trees.get(connection);
  if (!tree) {
    tree = TargetTree.start(connection, { onError: () => {} });
    trees.set(connection, tree);
  }
  return tree;
}

function connectionOf(browser: CdpBrowser | CdpConnection): CdpConnection {
  return "connection" in browser ? browser.connection : browser;
}

/**
 * Makes `browserSession` over the entry's launcher and plugins.
 *
 * @example
 * ```ts ignore
 * import { browserSession, launch } from "websession/cdp";
 * const browser = await launch();
 * const ses = await browserSession(browser, "shop");
 * ses.webRequest.onBeforeRequest({ urls: ["*://*\/ads/*"] }, (_d, cb) => cb({ cancel: true }));
 * const page = await ses.pages.open("http://127.0.0.1:8000/");
 * await ses.cookies.get({});
 * ```
 */
export function createBrowserSession(deps: BrowserSessionDeps): BrowserSessionFactory {
  // The sessions open now, by partition: asked again, as Electron's fromPartition, the same one
  const open = new Map<string, { browser: unknown; session: Promise<BrowserSession> }>();
  const make = makeBrowserSession(deps);
  return async (browser, partition, options = {}) => {
    if (typeof partition !== "string") {
      throw new TypeError("browserSession: partition must be a string");
    }
    const which = browser === null ? null : connectionOf(browser);
    const known = open.get(partition);
    if (known) {
      if (known.browser !== which) {
        throw new TypeError(`browserSession: partition "${partition}" is open on another browser`);
      }
      if (Object.keys(options).length > 0) {
        throw new TypeError(
          `browserSession: partition "${partition}" is open; options can only be given when it is created`,
        );
      }
      return await known.session;
    }
    const made = make(browser, partition, options);
    open.set(partition, { browser: which, session: made });
    made.then((ses) => forgottenOnClose(ses, () => open.delete(partition)), () => {
      open.delete(partition);
    });
    return await made;
  };
}

/** Runs `forget` when `ses` closes (by `ses.close()` or `session.closePartition`). */
function forgottenOnClose(ses: Session, forget: () => void): void {
  const close = ses.close.bind(ses);
  Object.defineProperty(ses, "close", {
    configurable: true,
    value: (): Promise<void> => {
      forget();
      return close();
    },
  });
}

function makeBrowserSession(deps: BrowserSessionDeps): BrowserSessionFactory {
  return async (browser, partition, options = {}) => {
    const persistent = partition.startsWith("persist:");
    const holder: Holder = {};
    const plugin = browserPlugin(deps, browser, persistent, options, holder);
    const ses = deps.fromPartition(partition, [
      ...deps.plugins,
      ...(options.plugins ?? []),
      plugin,
    ]) as BrowserSession;
    await ses.ready;
    try {
      if (options.proxy !== undefined) {
        const setProxy = (ses as { setProxy?: (c: ProxyConfig) => Promise<void> }).setProxy;
        if (typeof setProxy !== "function") {
          throw new TypeError("browserSession: options.proxy needs the proxy plugin");
        }
        await setProxy.call(ses, options.proxy);
      }
      await holder.start!();
      closingRelayToo(ses, holder);
    } catch (error) {
      await ses.close().catch(() => {});
      throw error;
    }
    return ses;
  };
}

interface Holder {
  start?: () => Promise<void>;
  relay?: () => BrowserProxyRelay | null;
}

/**
 * `ses.closeAllConnections()` closes the relay's tunnels too: Chromium's pooled connections
 * through them keep their route until closed, as Electron's `setProxy` documents.
 */
function closingRelayToo(ses: Session, holder: Holder): void {
  const original = (ses as { closeAllConnections?: () => Promise<void> }).closeAllConnections;
  if (typeof original !== "function") return;
  Object.defineProperty(ses, "closeAllConnections", {
    configurable: true,
    enumerable: true,
    value: async (): Promise<void> => {
      holder.relay?.()?.closeConnections();
      await original.call(ses);
    },
  });
}

function browserPlugin(
  deps: BrowserSessionDeps,
  given: CdpBrowser | CdpConnection | null,
  persistent: boolean,
  options: BrowserSessionOptions,
  holder: Holder,
): Plugin<BrowserSessionMembers> {
  return definePlugin<BrowserSessionMembers>({
    manifest: {
      name: "browser-session",
      version: "0.1.0",
      description: "The session's traffic, cookies and settings are those of a Chromium context",
      hooks: [],
      api: [
        "cookies",
        "pages",
        "browserContext",
        "setDownloadPath",
        "serviceWorkers",
        "setPermissionRequestHandler",
        "setPermissionCheckHandler",
        "extensions",
        "loadExtension",
        "removeExtension",
        "getExtension",
        "getAllExtensions",
        ...BrowserMembers.names,
      ],
    },
    setup(ctx) {
      const ses = ctx.session;
      let connection: CdpConnection | null = null;
      let owned: CdpBrowser | null = null;
      let contextId: string | undefined;
      const cookies = new BrowserCookies(() => ({ connection: need(), contextId }));
      const bridge = new FetchBridge(ses, (error) => ctx.report(error, "browser"));
      const members = new BrowserMembers(deps.readText);
      const pages = new Map<string, BrowserPage>();
      let downloadPath = deps.downloadsDir;
      const serviceWorkers = new BrowserServiceWorkers();
      const permissions = new BrowserPermissions(() => ({ connection: need(), contextId }));
      bridge.beforeDocument = (url, isMainFrame) =>
        permissions.active ? permissions.prepare(url, isMainFrame) : undefined;
      // documents are paused only while a permission handler is set
      bridge.wantsDocuments = () => permissions.active;
      const offs: Array<() => void> = [];
      let relay: BrowserProxyRelay | null = null;
      const extensions = new BrowserExtensions(
        () => ({ connection: need(), shared: contextId !== undefined }),
        deps.readText,
        (name, ...args) => ses.emit(name, ...args),
      );
      const need = () => {
        if (!connection) throw new TypeError("The browser session is not started yet");
        return connection;
      };
      const start = async () => {
        if (deps.relay) relay = await deps.relay(sessionRoute(ses));
        const proxyServer = relay
          ? `http://127.0.0.1:${relay.port}`
          : options.proxy?.proxyRules || undefined;
        const proxyBypassList = relay ? RELAY_BYPASS : options.proxy?.proxyBypassRules;
        if (persistent || given === null) {
          const dir = ses.storagePath ? `${ses.storagePath}/Chromium` : undefined;
          const args = [
            ...(options.launch?.args ?? []),
            "--enable-unsafe-extension-debugging",
            ...(proxyServer ? [`--proxy-server=${proxyServer}`] : []),
            ...(proxyBypassList ? [`--proxy-bypass-list=${proxyBypassList}`] : []),
          ];
          owned = await deps.launch({ ...options.launch, args, userDataDir: dir });
          connection = owned.connection;
        } else {
          connection = connectionOf(given);
          const made = await connection.send("Target.createBrowserContext", {
            disposeOnDetach: true,
            proxyServer,
            proxyBypassList,
          });
          contextId = made.browserContextId;
        }
        await Promise.all([
          cookies.compare(),
          members.learnUserAgent(connection),
          permissions.start(),
        ]);
        const tree = await treeOf(connection);
        const mine = (node: TargetNode) =>
          contextId === undefined || node.info.browserContextId === contextId;
        offs.push(tree.addHook(async (cdp, node) => {
          if (!mine(node)) return;
          members.attach(cdp, node);
          const setUp = bridge.attach(cdp, node).then(() => members.apply(cdp, node));
          if (node.info.type.endsWith("worker")) {
            // A worker answers only once its script runs, and its script request is paused by
            // the interception being set up: do not hold its events for the answers.
            setUp.catch((error) => ctx.report(error, "browser"));
            return;
          }
          await setUp;
          if (node.info.type === "page") await serviceWorkers.attach(cdp);
        }));
        offs.push(tree.on("detached", (node) => members.detach(node.sessionId)));
        offs.push(tree.on("changed", (node) => {
          if (mine(node)) members.saw(node.info.url);
        }));
        bridge.onEnd = () => cookies.responseEnded();
        bridge.wantsEnds = () => cookies.listenerCount("changed") > 0;
        cookies.onWatch = () => bridge.watch();
        offs.push(
          await watchDownloads(
            connection,
            contextId,
            ses,
            deps.files,
            () => downloadPath,
            (frameId) => contextId === undefined || members.hasFrame(frameId),
          ),
        );
        tree_ = tree;
      };
      let tree_: TargetTree | null = null;
      let started: Promise<void> | null = null;
      const open = async (url?: string, { timeout = 15000 } = {}) => {
        await started;
        const made = await need().send("Target.createTarget", {
          url: "about:blank",
          browserContextId: contextId,
        });
        const node = await waitReady(tree_!, made.targetId, timeout);
        const cdp = need().session(node.sessionId)!;
        await cdp.send("Page.enable");
        const page = pageOf(
          cdp,
          node.targetId,
          need(),
          () => pages.delete(node.targetId),
          () => members.preloadsSent(),
        );
        pages.set(node.targetId, page);
        if (url) await page.goto(url, timeout);
        return page;
      };
      ctx.provide({
        pages: { open, list: () => [...pages.values()] },
        cookies,
        serviceWorkers,
        setPermissionRequestHandler: (handler: BrowserPermissionRequestHandler | null) => {
          permissions.setRequestHandler(handler);
          bridge.watch();
        },
        setPermissionCheckHandler: (handler: BrowserPermissionCheckHandler | null) => {
          permissions.setCheckHandler(handler);
          bridge.watch();
        },
        extensions,
        loadExtension: (path: string, o?: Parameters<BrowserExtensions["loadExtension"]>[1]) =>
          extensions.loadExtension(path, o),
        removeExtension: (id: string) => extensions.removeExtension(id),
        getExtension: (id: string) => extensions.getExtension(id),
        getAllExtensions: () => extensions.getAllExtensions(),
        setDownloadPath: (path: string) => {
          if (typeof path !== "string" || path === "") {
            throw new TypeError("setDownloadPath: path must be a non-empty string");
          }
          downloadPath = path;
        },
        browserContext: {
          get connection() {
            return need();
          },
          get browserContextId() {
            return contextId;
          },
        },
        ...members.api(() => connection),
      });
      holder.start = () => started ??= start();
      holder.relay = () => relay;
      ctx.onClearStorage(async (clearing) => {
        if (!connection) return;
        await cookies.clearFor(clearing);
        // Storage.clearDataForOrigin is sent to a page of the context: a blank one if none is open
        // (a page being closed no longer answers it)
        const shown = pages.values().next().value?.session ?? null;
        const storages = clearing.storages;
        const more = storages === null || storages.has("cache") ||
          [...storages].some((name) => name !== "cookies");
        if (!more) return;
        const blank = shown ? null : await open();
        try {
          await members.clearData(clearing, shown ?? blank!.session);
        } finally {
          await blank?.close();
        }
      });
      return async () => {
        for (const off of offs) off();
        if (connection) await extensions.release().catch(() => {});
        if (owned) await owned.close();
        else if (connection && contextId && !connection.isClosed) {
          await connection.send("Target.disposeBrowserContext", { browserContextId: contextId })
            .catch(() => {});
        }
        await relay?.close();
      };
    },
  });
}

function waitReady(tree: TargetTree, targetId: string, timeout: number): Promise<TargetNode> {
  const found = tree.byTargetId(targetId).find((n) => n.ready);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const off = tree.on("ready", (n) => {
      if (n.targetId !== targetId) return;
      clearTimeout(timer);
      off();
      resolve(n);
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error(`The page ${targetId} was not attached within ${timeout} ms`));
    }, timeout);
  });
}

function pageOf(
  cdp: CdpSession,
  targetId: string,
  connection: CdpConnection,
  closed: () => void,
  beforeNavigate: () => Promise<void>,
): BrowserPage {
  return {
    targetId,
    session: cdp,
    async goto(url, timeout = 15000) {
      const loaded = new Promise<void>((resolve, reject) => {
        const off = cdp.on("Page.loadEventFired", () => {
          clearTimeout(timer);
          off();
          resolve();
        });
        const timer = setTimeout(() => {
          off();
          reject(new Error(`${url} did not load within ${timeout} ms`));
        }, timeout);
      });
      await beforeNavigate();
      const { errorText } = await cdp.send("Page.navigate", { url });
      if (errorText) {
        loaded.catch(() => {});
        throw new Error(`${url}: ${errorText}`);
      }
      await loaded;
    },
    async evaluate<T>(expression: string): Promise<T> {
      const { result, exceptionDetails } = await cdp.send("Runtime.evaluate", {
        expression,
        awaitPromise: true,
        returnByValue: true,
      }) as Protocol.Runtime.EvaluateResponse;
      if (exceptionDetails) {
        throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
      }
      return result.value as T;
    },
    async close() {
      closed();
      await connection.send("Target.closeTarget", { targetId }).catch(() => {});
    },
  };
}
