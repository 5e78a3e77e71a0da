/**
 * What the cookie conformance tests share: a local server that answers any host (reached through
 * host resolver rules) with the `Set-Cookie` headers a test queued for that URL and echoes the
 * `Cookie` header it received, and fresh sessions with the cookies plugin on a transport that maps
 * the corpora's host names to it.
 *
 * @module
 */
import { serve } from "../test/_serve.ts";
import { conformanceJson } from "./_data.ts";
import { configure, getConfig, session } from "../mod.ts";
import type { Session } from "../mod.ts";
import { detectRuntime, transportFor } from "../adapters/runtime.ts";
import { cookiesPlugin } from "../plugins/cookies/mod.ts";

/** A corpus of the conformance data's `cookies/` folder. */
export function corpus<T>(name: string): T {
  return conformanceJson<T>(`cookies/${name}`);
}

/** Text as the bytes of its UTF-8 encoding, one character per byte (what HTTP headers carry). */
export function utf8Bytes(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join("");
}

/** A running cookie server. */
export interface CookieServer {
  /** Queues the Set-Cookie lines (text) answered for `url`, and optionally a redirect. */
  queue(url: string, lines: string[], redirectTo?: string): void;
  /** A fresh in-memory session with the cookies plugin reaching the server by the mapped names. */
  session(): Session;
  /** Sends a GET through the session and returns the Cookie header the server saw ("" for none). */
  cookieSeen(ses: Session, url: string): Promise<string>;
  /** Stops the server and restores the transport. */
  close(): Promise<void>;
}

let partitions = 0;

/**
 * Starts the server on 127.0.0.1 and maps `hosts` (Chromium rule patterns) to it.
 */
export async function startCookieServer(hosts: string[]): Promise<CookieServer> {
  const queued = new Map<string, { lines: string[]; redirectTo?: string }>();
  const server = await serve((request) => {
    const u = new URL(request.url);
    const key = `${u.host}${u.pathname}${u.search}`;
    const entry = queued.get(key);
    queued.delete(key);
    const cookie = request.headers.get("cookie");
    const headers = new Headers({ "content-type": "application/json" });
    let status = 200;
    if (entry) {
      for (const line of entry.lines) headers.append("set-cookie", utf8Bytes(line));
      if (entry.redirectTo) {
        status = 302;
        headers.set("location", entry.redirectTo);
      }
    }
    const body = JSON.stringify({
      cookie: cookie === null
        ? null
        : new TextDecoder().decode(Uint8Array.from(cookie, (c) => c.charCodeAt(0))),
    });
    return new Response(body, { status, headers });
  });
  const port = server.port;
  const rules = hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(", ");
  const original = getConfig().transport;
  const transport = transportFor(detectRuntime(), { hostResolverRules: rules });
  configure({ transport });
  const open: Session[] = [];
  return {
    queue(url, lines, redirectTo) {
      const u = new URL(url);
      queued.set(`${u.host}${u.pathname}${u.search}`, { lines, redirectTo });
    },
    session() {
      const ses = session.fromPartition(`cookies-conformance-${++partitions}`, {
        preset: false,
        plugins: [cookiesPlugin],
      });
      open.push(ses);
      return ses;
    },
    async cookieSeen(ses, url) {
      const response = await ses.fetch(url);
      const body = await response.json() as { cookie: string | null };
      return body.cookie ?? "";
    },
    async close() {
      for (const ses of open.splice(0)) await session.closePartition(ses.partition);
      configure({ transport: original });
      await transport.closeAllConnections?.();
      await server.close();
    },
  };
}
