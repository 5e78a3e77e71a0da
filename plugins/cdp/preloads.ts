/**
 * The session's preload scripts in the pages the cdp plugin drives: an attach hook that, on each
 * page and iframe target attached through auto-attach ({@linkcode TargetTree.start}) while it is
 * still paused, adds every frame preload with `Page.addScriptToEvaluateOnNewDocument`, so that it
 * runs in each new document before the page's own scripts. As Electron's default
 * `contextIsolation`, the scripts run in an isolated world (`websession preload`): they share the
 * page's DOM, not its globals. Each runs inside a function of its own (two preloads may declare
 * the same names) and is named by its path in DevTools (`//# sourceURL`).
 *
 * The scripts are the `frame` scripts of the renderer plugin's `getPreloadScripts()` (which holds
 * `setPreloads`' too, as in Electron), read from disk when a target is attached; `service-worker`
 * scripts are not run (CDP cannot run a script before a service worker's own).
 *
 * @module
 */
import type { CdpSession } from "../../kernel/cdp/session.ts";
import type { AttachHook } from "./auto_attach.ts";
import type { TargetNode } from "./target_tree.ts";

/** The isolated world the preloads run in. */
export const PRELOAD_WORLD = "websession preload";

/** Reads a preload script's source. */
export type ReadPreload = (path: string) => Promise<string>;

interface PreloadMembers {
  getPreloads?: () => string[];
  getPreloadScripts?: () => { type: string; filePath: string }[];
}

/**
 * The frame preload paths of a session (none when the session has no renderer plugin).
 *
 * @example
 * ```ts
 * framePreloads({ getPreloadScripts: () => [{ type: "frame", filePath: "/a.js" }] }); // ["/a.js"]
 * ```
 */
export function framePreloads(session: object): string[] {
  const members = session as PreloadMembers;
  // As in Electron, getPreloadScripts() holds setPreloads' scripts too (getPreloads() is its
  // frame scripts' paths): the one list, when the session has it.
  if (typeof members.getPreloadScripts === "function") {
    return members.getPreloadScripts().filter((s) => s.type === "frame").map((s) => s.filePath);
  }
  return typeof members.getPreloads === "function" ? members.getPreloads() : [];
}

/**
 * The source given to `Page.addScriptToEvaluateOnNewDocument` for one preload.
 *
 * @example
 * ```ts
 * wrapPreload("/app/a.js", "let x = 1;").endsWith("//# sourceURL=file:///app/a.js"); // true
 * ```
 */
export function wrapPreload(path: string, source: string): string {
  const url = path.startsWith("/") ? `file://${encodeURI(path)}` : encodeURI(path);
  return `(function () {\n${source}\n})();\n//# sourceURL=${url}`;
}

/**
 * The attach hook that adds a session's frame preloads to each page and iframe target.
 *
 * @example
 * ```ts ignore
 * addConnectionHook(connection, preloadHook(() => framePreloads(ses), (p) => readFile(p, "utf8")));
 * ```
 */
export function preloadHook(paths: () => string[], read: ReadPreload): AttachHook {
  return async (session: CdpSession, node: TargetNode) => {
    const type = node.info.type;
    if (type !== "page" && type !== "iframe") return;
    const list = paths();
    if (list.length === 0) return;
    // Scripts for new documents run only once the Page domain is enabled.
    await session.send("Page.enable");
    // A script that cannot be read is reported (the hook rejects); the others still run.
    const results = await Promise.allSettled(list.map((path) => read(path)));
    const failures: string[] = [];
    for (const [i, result] of results.entries()) {
      if (result.status === "rejected") {
        failures.push(`preload ${list[i]}: ${(result.reason as Error)?.message ?? result.reason}`);
        continue;
      }
      await session.send("Page.addScriptToEvaluateOnNewDocument", {
        source: wrapPreload(list[i], result.value),
        worldName: PRELOAD_WORLD,
      });
    }
    if (failures.length > 0) throw new Error(failures.join("; "));
  };
}
