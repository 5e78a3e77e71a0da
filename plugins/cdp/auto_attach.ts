/**
 * Recursive auto-attach without losing a target or an event: on every attached session,
 * `Target.setAutoAttach { autoAttach, waitForDebuggerOnStart, flatten }`, then the user's attach
 * hooks, then `Runtime.runIfWaitingForDebugger`; the session's events are held from
 * `Target.attachedToTarget` until the hooks settle. Shared workers, which page-level auto-attach
 * does not reach, are found with `Target.setDiscoverTargets` and attached with
 * `Target.attachToTarget`. A policy per target type says whether to pause, to ignore, or to detach
 * when idle.
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";
import type { CdpAttachedToTargetEvent, CdpTargetInfo } from "../../kernel/cdp/types.ts";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import type { CdpSession } from "../../kernel/cdp/session.ts";
import type { TargetNode, TargetTree } from "./target_tree.ts";

/** What to do with targets of one type. */
export interface TargetPolicy {
  /** Do not attach (or detach at once and let it run). */
  ignore?: boolean;
  /** Keep it paused until the hooks settle (default true). */
  pause?: boolean;
  /** Auto-attach to its own children (default true). */
  recurse?: boolean;
  /**
   * When to resume a paused target: `"hooks-settled"` (default) waits for the hooks' replies;
   * `"hooks-sent"` resumes right after the hooks have sent their first commands (the target runs
   * them first, in order; its events stay held until the hooks settle). Service workers need
   * `"hooks-sent"`: they do not start, so they do not answer, until resumed.
   */
  resume?: "hooks-settled" | "hooks-sent";
  /**
   * Detach after this many milliseconds without an event (an attached client keeps service workers
   * alive; detaching lets the browser stop them). Default: never.
   */
  detachWhenIdle?: number;
}

/** An attach hook: runs while the new target is paused, before its held events are delivered. */
export type AttachHook = (session: CdpSession, node: TargetNode) => unknown;

/** Options of auto-attach. */
export interface AutoAttachOptions {
  /** Hooks run on every new target (e.g. `(s) => s.send("Runtime.enable")`). */
  hooks?: AttachHook[];
  /** Policies by target type; `browser_ui` is ignored unless a policy says otherwise. */
  policy?: Record<string, TargetPolicy>;
  /** Called with errors of hooks and of attach steps. Default: `console.error`. */
  onError?: (error: unknown, node: TargetNode | null) => void;
}

const DEFAULT_POLICY: Record<string, TargetPolicy> = {
  browser_ui: { ignore: true },
  service_worker: { resume: "hooks-sent" },
};

const connectionHooks = new WeakMap<CdpConnection, Set<AttachHook>>();

/**
 * Adds an attach hook that every auto-attach on `connection` ({@linkcode TargetTree.start}) runs
 * before its own hooks, on targets attached from now on; returns the function that removes it.
 * The cdp plugin puts the session's preload scripts into pages this way.
 *
 * @example
 * ```ts ignore
 * const remove = addConnectionHook(browser.connection, (session) => session.send("Page.enable"));
 * ```
 */
export function addConnectionHook(connection: CdpConnection, hook: AttachHook): () => void {
  let hooks = connectionHooks.get(connection);
  if (hooks === undefined) connectionHooks.set(connection, hooks = new Set());
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

/** Errors that only mean the target went away or lacks the domain. */
function ignorable(error: unknown): boolean {
  const message = (error as Error)?.message ?? "";
  return (error as Error)?.name === "CDPClosedError" ||
    /not found|wasn't found|No target|not supported|not allowed/i.test(message);
}

/**
 * The auto-attach machinery behind `TargetTree.start`.
 *
 * @example
 * ```ts ignore
 * const tree = new TargetTree(connection);
 * const auto = new AutoAttach(connection, tree, { hooks: [(s) => s.send("Runtime.enable")] });
 * await auto.start();
 * ```
 */
export class AutoAttach {
  #connection: CdpConnection;
  #tree: TargetTree;
  #hooks: Set<AttachHook>;
  #policy: Record<string, TargetPolicy>;
  #onError: (error: unknown, node: TargetNode | null) => void;
  #offs: (() => void)[] = [];
  #attaching = new Set<string>();
  #idle = new Map<string, { ms: number; timer: ReturnType<typeof setTimeout> }>();
  #stopped = false;

  /** Wires auto-attach to a connection and a tree (call `start()` next). */
  constructor(connection: CdpConnection, tree: TargetTree, options: AutoAttachOptions = {}) {
    this.#connection = connection;
    this.#tree = tree;
    this.#hooks = new Set(options.hooks ?? []);
    this.#policy = { ...DEFAULT_POLICY };
    for (const [type, policy] of Object.entries(options.policy ?? {})) {
      this.#policy[type] = { ...DEFAULT_POLICY[type], ...policy };
    }
    this.#onError = options.onError ?? ((error) => console.error(error));
  }

  /** The policy for a target type. */
  policyFor(type: string): TargetPolicy {
    return this.#policy[type] ?? {};
  }

  /** Whether a target is ignored by policy. */
  ignores(info: CdpTargetInfo): boolean {
    return this.policyFor(info.type).ignore === true;
  }

  /** Adds a hook; returns a function that removes it. */
  addHook(hook: AttachHook): () => void {
    this.#hooks.add(hook);
    return () => {
      this.#hooks.delete(hook);
    };
  }

  /**
   * Starts: target discovery and auto-attach on the browser session, and attaches to the shared
   * workers that already exist.
   */
  async start(): Promise<void> {
    const connection = this.#connection;
    this.#offs.push(
      connection.onSessionAttached((session, event) => this.#attached(session, event)),
      connection.onSessionDetached((session) => this.#clearIdle(session.id)),
      connection.observe((method, params, sessionId) => {
        if (this.#idle.has(sessionId)) this.#touch(sessionId);
        if (method === "Target.targetCreated" || method === "Target.targetInfoChanged") {
          this.#maybeAttachShared((params as Protocol.Target.TargetCreatedEvent).targetInfo);
        }
      }),
    );
    await connection.send("Target.setDiscoverTargets", { discover: true, filter: this.#filter() });
    await this.#setAutoAttach(connection.root);
    const { targetInfos } = await connection.send("Target.getTargets", { filter: this.#filter() });
    for (const info of targetInfos) this.#maybeAttachShared(info);
  }

  /** Stops attaching new targets (attached ones stay). */
  stop(): void {
    this.#stopped = true;
    for (const off of this.#offs.splice(0)) off();
    for (const id of [...this.#idle.keys()]) this.#clearIdle(id);
  }

  #filter(): Protocol.Target.TargetFilter {
    const excluded = Object.entries(this.#policy).filter(([, p]) => p.ignore).map(([t]) => t);
    return [
      ...excluded.map((type) => ({ type, exclude: true })),
      { type: "tab", exclude: true },
      {},
    ];
  }

  #setAutoAttach(session: CdpSession): Promise<unknown> {
    return session.send("Target.setAutoAttach", {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
      filter: this.#filter(),
    });
  }

  #maybeAttachShared(info: CdpTargetInfo): void {
    if (this.#stopped || info.type !== "shared_worker" || this.ignores(info)) return;
    if (info.attached || this.#attaching.has(info.targetId)) return;
    if (this.#tree.byTargetId(info.targetId).length > 0) return;
    this.#attaching.add(info.targetId);
    this.#connection.send("Target.attachToTarget", { targetId: info.targetId, flatten: true })
      .catch((error) => {
        if (!ignorable(error)) this.#onError(error, null);
      })
      .finally(() => this.#attaching.delete(info.targetId));
  }

  /** Resumes a session we do not follow (when it waits for the debugger) and detaches it. */
  #letGo(session: CdpSession, waitingForDebugger: boolean): void {
    const resume = waitingForDebugger
      ? session.send("Runtime.runIfWaitingForDebugger")
      : Promise.resolve();
    resume.catch(() => {}).finally(() =>
      this.#connection.send("Target.detachFromTarget", { sessionId: session.id }, {
        sessionId: session.parent?.id ?? "",
      }).catch(() => {})
    );
  }

  #attached(session: CdpSession, event: CdpAttachedToTargetEvent): void {
    if (this.#stopped) return;
    const info = event.targetInfo;
    const policy = this.policyFor(info.type);
    if (policy.ignore) {
      this.#letGo(session, event.waitingForDebugger);
      return;
    }
    // A second session to a worker we already follow (a shared worker both discovered and
    // auto-attached, a service worker attached from the browser and from a page): keep the first.
    const twins = this.#tree.byTargetId(info.targetId).filter((n) => n.sessionId !== session.id);
    if (twins.length > 0 && (info.type === "shared_worker" || info.type === "service_worker")) {
      this.#letGo(session, event.waitingForDebugger);
      return;
    }
    const node = this.#tree.get(session.id);
    if (!node) return;
    if (policy.pause === false) {
      if (event.waitingForDebugger) {
        session.send("Runtime.runIfWaitingForDebugger").catch(() => {});
      }
      void this.#prepare(session, node, policy, false);
      return;
    }
    session.hold();
    void this.#prepare(session, node, policy, event.waitingForDebugger);
  }

  async #prepare(
    session: CdpSession,
    node: TargetNode,
    policy: TargetPolicy,
    waiting: boolean,
  ): Promise<void> {
    const report = (error: unknown) => {
      if (!ignorable(error)) this.#onError(error, node);
    };
    const early = policy.resume === "hooks-sent";
    if (policy.recurse !== false) {
      const attaching = this.#setAutoAttach(session).catch(report);
      if (!early) await attaching;
    }
    const hooks = [...connectionHooks.get(this.#connection) ?? [], ...this.#hooks];
    const settled = Promise.allSettled(hooks.map(async (hook) => await hook(session, node)));
    // Every hook has now sent its first command; the target runs them before resuming.
    const resume = () =>
      waiting && !session.detached
        ? session.send("Runtime.runIfWaitingForDebugger").catch(report)
        : undefined;
    if (early) resume();
    for (const result of await settled) {
      if (result.status === "rejected" && !session.detached) this.#onError(result.reason, node);
    }
    session.release();
    if (!early) await resume();
    if (session.detached) return;
    if (policy.detachWhenIdle !== undefined) this.#startIdle(session.id, policy.detachWhenIdle);
    this.#tree._ready(session.id);
  }

  #startIdle(sessionId: string, ms: number): void {
    const timer = setTimeout(() => this.#detachIdle(sessionId), ms);
    this.#idle.set(sessionId, { ms, timer });
  }

  #touch(sessionId: string): void {
    const idle = this.#idle.get(sessionId)!;
    clearTimeout(idle.timer);
    idle.timer = setTimeout(() => this.#detachIdle(sessionId), idle.ms);
  }

  #clearIdle(sessionId: string): void {
    const idle = this.#idle.get(sessionId);
    if (idle) clearTimeout(idle.timer);
    this.#idle.delete(sessionId);
  }

  #detachIdle(sessionId: string): void {
    this.#idle.delete(sessionId);
    const parent = this.#connection.session(sessionId)?.parent?.id ?? "";
    this.#connection.send("Target.detachFromTarget", { sessionId }, { sessionId: parent })
      .catch(() => {});
  }
}
