/**
 * {@linkcode TargetTree}: every target a connection is attached to, as a tree of
 * sessionId -> targetId -> TargetInfo kept current from `Target.attachedToTarget`,
 * `Target.detachedFromTarget` (with children) and `Target.targetInfoChanged`, with queries by type
 * and URL. Started with {@linkcode TargetTree.start}, it also auto-attaches recursively (see
 * `auto_attach.ts`) so that no target and no event is missed.
 *
 * @module
 */
import type {
  CdpAttachedToTargetEvent,
  CdpTargetInfo,
  CdpTargetInfoChangedEvent,
} from "../../kernel/cdp/types.ts";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import { AutoAttach, type AutoAttachOptions } from "./auto_attach.ts";

/** One attached target. */
export interface TargetNode {
  /** The flat session id. */
  readonly sessionId: string;
  /** The target id. */
  readonly targetId: string;
  /** The session it was attached through (`""` = browser). */
  readonly parentSessionId: string;
  /** The sessions attached through this one. */
  readonly children: Set<string>;
  /** The latest TargetInfo (`targetInfoChanged` updates it; an iframe's URL arrives there). */
  info: CdpTargetInfo;
  /** True once its attach hooks have settled and it runs. */
  ready: boolean;
}

/** What {@linkcode TargetTree.query} matches. */
export interface TargetQuery {
  /** A type (`page`, `iframe`, `worker`, `shared_worker`, `service_worker`...) or several. */
  type?: string | string[];
  /** The exact URL, a pattern, or a predicate. */
  url?: string | RegExp | ((url: string) => boolean);
}

/** A listener of {@linkcode TargetTree.on}. */
export type TargetNodeListener = (node: TargetNode) => void;

/**
 * The tree of attached targets.
 *
 * @example
 * ```ts ignore
 * import { TargetTree } from "./target_tree.ts";
 *
 * const tree = await TargetTree.start(connection, {
 *   hooks: [(session) => session.send("Runtime.enable")],
 * });
 * connection.on("Runtime.consoleAPICalled", (event, sessionId) => {
 *   console.log(tree.label(sessionId), event.args[0]?.value);
 * });
 * await tree.newPage("http://127.0.0.1:8000/");
 * ```
 */
export class TargetTree {
  /** The connection the tree follows. */
  readonly connection: CdpConnection;
  #nodes = new Map<string, TargetNode>();
  #attached = new Set<TargetNodeListener>();
  #ready = new Set<TargetNodeListener>();
  #detached = new Set<TargetNodeListener>();
  #changed = new Set<TargetNodeListener>();
  #offs: (() => void)[] = [];
  #auto: AutoAttach | null = null;

  /** Follows a connection's sessions; use {@linkcode TargetTree.start} to also auto-attach. */
  constructor(connection: CdpConnection) {
    this.connection = connection;
    this.#offs.push(
      connection.onSessionAttached((session, event) => this.#add(session, event)),
      connection.onSessionDetached((session) => this.#remove(session.id)),
      connection.observe((method, params) => {
        if (method === "Target.targetInfoChanged") {
          this.#update((params as CdpTargetInfoChangedEvent).targetInfo);
        }
      }),
    );
  }

  /**
   * Makes a tree and starts recursive auto-attach on the browser session: every page, iframe,
   * worker, shared worker and service worker is attached paused, the hooks run, then it resumes.
   *
   * @example
   * ```ts ignore
   * const tree = await TargetTree.start(connection, { hooks: [(s) => s.send("Runtime.enable")] });
   * ```
   */
  static async start(
    connection: CdpConnection,
    options: AutoAttachOptions = {},
  ): Promise<TargetTree> {
    const tree = new TargetTree(connection);
    tree.#auto = new AutoAttach(connection, tree, options);
    await tree.#auto.start();
    return tree;
  }

  /**
   * Adds an attach hook for targets attached from now on; returns a function that removes it.
   *
   * @example
   * ```ts ignore
   * tree.addHook((session, node) => session.send("Network.enable"));
   * ```
   */
  addHook(hook: (session: CdpSession, node: TargetNode) => unknown): () => void {
    if (!this.#auto) {
      throw new TypeError("TargetTree.addHook needs a tree made by TargetTree.start");
    }
    return this.#auto.addHook(hook);
  }

  /** The node of a session, or undefined. */
  get(sessionId: string): TargetNode | undefined {
    return this.#nodes.get(sessionId);
  }

  /** Every attached node, in attach order. */
  get nodes(): TargetNode[] {
    return [...this.#nodes.values()];
  }

  /**
   * The nodes of one target id (usually one).
   *
   * @example
   * ```ts ignore
   * const [node] = tree.byTargetId(targetId);
   * ```
   */
  byTargetId(targetId: string): TargetNode[] {
    return this.nodes.filter((node) => node.targetId === targetId);
  }

  /**
   * The nodes matching a type and/or URL.
   *
   * @example
   * ```ts ignore
   * const frames = tree.query({ type: "iframe", url: /localhost/ });
   * ```
   */
  query(query: TargetQuery = {}): TargetNode[] {
    const types = query.type === undefined
      ? null
      : Array.isArray(query.type)
      ? query.type
      : [query.type];
    const url = query.url;
    return this.nodes.filter((node) => {
      if (types && !types.includes(node.info.type)) return false;
      if (url === undefined) return true;
      if (typeof url === "string") return node.info.url === url;
      if (url instanceof RegExp) return url.test(node.info.url);
      return url(node.info.url);
    });
  }

  /**
   * The label `"<type>,<url>"` of a session's target (`"browser,"` for the browser session,
   * `"unknown,"` for a session the tree does not know).
   *
   * @example
   * ```ts ignore
   * tree.label(sessionId); // "iframe,http://localhost:8001/frame.html"
   * ```
   */
  label(sessionId: string): string {
    if (sessionId === "") return "browser,";
    const node = this.#nodes.get(sessionId);
    return node ? `${node.info.type},${node.info.url}` : "unknown,";
  }

  /**
   * The page a session belongs to (itself for a page; the page above an iframe or a dedicated
   * worker), or undefined for browser-level targets such as shared workers.
   *
   * @example
   * ```ts ignore
   * const page = tree.pageOf(frameSessionId);
   * ```
   */
  pageOf(sessionId: string): TargetNode | undefined {
    let node = this.#nodes.get(sessionId);
    while (node && node.info.type !== "page") node = this.#nodes.get(node.parentSessionId);
    return node;
  }

  /**
   * Calls `listener` for every node when it attaches (`"attached"`, before its hooks), when its
   * hooks have settled (`"ready"`), detaches (`"detached"`, children first) or changes
   * (`"changed"`). Returns a function that removes it.
   *
   * @example
   * ```ts ignore
   * tree.on("ready", (node) => console.log("attached", node.info.type, node.info.url));
   * ```
   */
  on(
    event: "attached" | "ready" | "detached" | "changed",
    listener: TargetNodeListener,
  ): () => void {
    const set = event === "attached"
      ? this.#attached
      : event === "ready"
      ? this.#ready
      : event === "detached"
      ? this.#detached
      : this.#changed;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /**
   * Resolves with the first ready node matching the query (now or later), or rejects after
   * `timeout` ms (default 10000).
   *
   * @example
   * ```ts ignore
   * const frame = await tree.waitFor({ type: "iframe" });
   * ```
   */
  waitFor(query: TargetQuery, timeout = 10000): Promise<TargetNode> {
    const found = this.query(query).find((node) => node.ready);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const node = this.query(query).find((n) => n.ready);
        if (!node) return;
        done();
        resolve(node);
      };
      const offs = [this.on("ready", check), this.on("changed", check)];
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No target matching ${describe(query)} within ${timeout} ms`));
      }, timeout);
      const done = () => {
        clearTimeout(timer);
        for (const off of offs) off();
      };
    });
  }

  /**
   * Opens a page at `url` and resolves with its node once its hooks have settled (so its first
   * events are not lost). The page opens on `about:blank` and navigates once its hooks have
   * settled, as Puppeteer and Playwright open pages, so that scripts a hook adds for new documents
   * (`Page.addScriptToEvaluateOnNewDocument`, the session's preloads) run in the first one too.
   *
   * @example
   * ```ts ignore
   * const page = await tree.newPage("http://127.0.0.1:8000/");
   * ```
   */
  async newPage(url: string, timeout = 10000): Promise<TargetNode> {
    const { targetId } = await this.connection.send("Target.createTarget", { url: "about:blank" });
    const node = await this.#waitTarget(targetId, timeout);
    if (url !== "about:blank") {
      // A failed navigation shows Chromium's error page, as a target created at the URL would.
      await this.connection.send("Page.navigate", { url }, { sessionId: node.sessionId });
    }
    return node;
  }

  /** Stops following the connection (and auto-attaching). */
  stop(): void {
    this.#auto?.stop();
    for (const off of this.#offs.splice(0)) off();
  }

  /** Marks a node ready and tells listeners. @internal */
  _ready(sessionId: string): void {
    const node = this.#nodes.get(sessionId);
    if (!node || node.ready) return;
    node.ready = true;
    this.#emit(this.#ready, node);
  }

  #waitTarget(targetId: string, timeout: number): Promise<TargetNode> {
    const node = this.byTargetId(targetId).find((n) => n.ready);
    if (node) return Promise.resolve(node);
    return new Promise((resolve, reject) => {
      const off = this.on("ready", (n) => {
        if (n.targetId !== targetId) return;
        clearTimeout(timer);
        off();
        resolve(n);
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`Target ${targetId} was not attached within ${timeout} ms`));
      }, timeout);
    });
  }

  #add(session: CdpSession, event: CdpAttachedToTargetEvent): void {
    if (this.#auto?.ignores(event.targetInfo)) return;
    const parentSessionId = session.parent?.id ?? "";
    const node: TargetNode = {
      sessionId: session.id,
      targetId: event.targetInfo.targetId,
      parentSessionId,
      children: new Set(),
      info: event.targetInfo,
      ready: false,
    };
    this.#nodes.set(session.id, node);
    this.#nodes.get(parentSessionId)?.children.add(session.id);
    this.#emit(this.#attached, node);
  }

  #remove(sessionId: string): void {
    const node = this.#nodes.get(sessionId);
    if (!node) return;
    for (const child of [...node.children]) this.#remove(child);
    this.#nodes.delete(sessionId);
    this.#nodes.get(node.parentSessionId)?.children.delete(sessionId);
    this.#emit(this.#detached, node);
  }

  #update(info: CdpTargetInfo): void {
    for (const node of this.#nodes.values()) {
      if (node.targetId !== info.targetId) continue;
      node.info = info;
      this.#emit(this.#changed, node);
    }
  }

  #emit(set: Set<TargetNodeListener>, node: TargetNode): void {
    for (const listener of set) {
      try {
        listener(node);
      } catch (error) {
        console.error(error);
      }
    }
  }
}

function describe(query: TargetQuery): string {
  return JSON.stringify({ type: query.type, url: String(query.url ?? "") });
}
