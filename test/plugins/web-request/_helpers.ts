/**
 * A local server for the web-request tests and a recorder of webRequest events on both surfaces.
 *
 * @module
 */
import { type Session, session } from "../../../mod.ts";
import type { WebRequestMembers } from "../../../plugins/web-request/mod.ts";

/** A session built with the web-request plugin. */
export type WebRequestSession = Session & WebRequestMembers;
import { serve, type TestServer } from "../../_serve.ts";
import { type WebRequest, webRequestPlugin } from "../../../plugins/web-request/mod.ts";

/** Starts the server the lifecycle tests talk to. */
export function startServer(): Promise<TestServer> {
  return serve(async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/ok") return new Response("ok", { headers: { "x-server": "1" } });
    if (path === "/echo") {
      return Response.json({
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      });
    }
    const hop = /^\/redirect\/(\d+)$/.exec(path);
    if (hop) {
      const left = Number(hop[1]);
      const location = left > 1 ? `/redirect/${left - 1}` : "/echo";
      return new Response(null, { status: 302, headers: { location } });
    }
    if (path === "/auth") {
      if (request.headers.get("authorization") === `Basic ${btoa("user:pass")}`) {
        return new Response("welcome");
      }
      return new Response("no", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="test"' },
      });
    }
    if (path === "/stream") {
      let n = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((r) => setTimeout(r, 20));
          if (n++ > 200) controller.close();
          else controller.enqueue(new TextEncoder().encode("x".repeat(100)));
        },
      });
      return new Response(body);
    }
    return new Response("not found", { status: 404 });
  });
}

/** One recorded event. */
export interface Seen {
  /** The event name. */
  event: string;
  /** Its details. */
  details: Record<string, unknown>;
}

const ALL = [
  "onBeforeRequest",
  "onBeforeSendHeaders",
  "onSendHeaders",
  "onHeadersReceived",
  "onAuthRequired",
  "onBeforeRedirect",
  "onResponseStarted",
  "onCompleted",
  "onErrorOccurred",
] as const;

/** Records every Electron-style event (observing; blocking ones answer `{}`). */
export function recordElectron(web: WebRequest): Seen[] {
  const seen: Seen[] = [];
  for (const event of ALL) {
    if (event === "onAuthRequired") continue;
    const method = web[event] as (
      l: (d: Record<string, unknown>, cb?: (a: object) => void) => void,
    ) => void;
    method((details, callback) => {
      seen.push({ event, details });
      callback?.({});
    });
  }
  return seen;
}

/** Records every Chrome-style event (non-blocking listeners, all extra info). */
export function recordChrome(web: WebRequest): Seen[] {
  const seen: Seen[] = [];
  for (const event of ALL) {
    const extra = event === "onBeforeSendHeaders" || event === "onSendHeaders"
      ? ["requestHeaders"]
      : event === "onErrorOccurred" || event === "onBeforeRequest"
      ? []
      : ["responseHeaders"];
    web.events[event].addListener(
      (details: Record<string, unknown>) => void seen.push({ event, details }),
      { urls: ["<all_urls>"] },
      extra,
    );
  }
  return seen;
}

/** Waits until `check` holds (bounded). */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("Timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The names of the events seen. */
export function names(seen: Seen[]): string[] {
  return seen.map((s) => s.event);
}

/** Collects `hook-error` reports of a session. */
export function hookErrors(ses: Session): unknown[] {
  const errors: unknown[] = [];
  ses.on("hook-error", (_event, error) => void errors.push(error));
  return errors;
}

/**
 * Sessions with the web-request plugin, each in a partition of its own, all closed by `closeAll`.
 *
 * @example
 * ```ts
 * const sessions = webRequestSessions("example");
 * const ses = await sessions.fresh();
 * await sessions.closeAll();
 * ```
 */
export function webRequestSessions(prefix: string): {
  fresh(): Promise<WebRequestSession>;
  closeAll(): Promise<void>;
} {
  let count = 0;
  const open: Session[] = [];
  return {
    async fresh() {
      const ses = session.fromPartition(`${prefix}-${++count}`, {
        preset: false,
        plugins: [webRequestPlugin],
      });
      await ses.ready;
      open.push(ses);
      return ses;
    },
    async closeAll() {
      for (const ses of open.splice(0)) await session.closePartition(ses.partition);
    },
  };
}
