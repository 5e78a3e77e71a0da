/**
 * The control API under `/api` (a hono app): partitions, cookies, declarative rules, proxy, and
 * the live event stream. Every route validates its input with valibot and answers 400 with the
 * failing field; every route needs a valid token (401 otherwise). The README's "Control API
 * routes" lists every route with an example body and answer (test/web/server_readme_test.ts
 * checks them against this file).
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { MissingPluginError, type Session, session } from "../../mod.ts";
import type { EventStream } from "./event_stream.ts";
import type { TokenKeys } from "./token.ts";
import type { CertificateAuthority } from "./ca.ts";
import type { Addons } from "./addons.ts";
import type { RequestLog } from "./request_log.ts";
import type { DownloadList } from "./downloads.ts";
import { requestLogRoutes } from "./api_requests.ts";
import { allowedMethods, refusedField, refusedRuleField } from "./api_errors.ts";
import { schemas } from "./api_schemas.ts";
import type { SessionBrowsers } from "./browsers.ts";
import { SIGNIN_COOKIE, tokenFromCookie } from "./origin_guard.ts";
import { type InterceptPolicy, parsePatternList } from "./intercept_policy.ts";

/** What the API needs from the server. */
export interface ApiDeps {
  /** The server's own session (the default partition of the API). */
  session: Session;
  /** Token keys. */
  keys: TokenKeys;
  /** The live event stream. */
  events: EventStream;
  /** Counters the server keeps (tunnels, proxied requests). */
  stats: () => Record<string, number>;
  /** The local CA of HTTPS interception. */
  ca: CertificateAuthority;
  /** Which CONNECT hosts are decrypted. */
  policy: InterceptPolicy;
  /** The session's add-ons. */
  addons: Addons;
  /** The request log of the dashboard. */
  log: RequestLog;
  /** The server's own `host:port` names: an upstream proxy may not be one of them (a loop). */
  ownHosts?: ReadonlySet<string>;
  /** How many events an `/api/events` subscriber may fall behind before it is dropped. */
  eventQueueLimit?: number;
  /** The downloads of the server's sessions. */
  downloads: DownloadList;
  /** The browsers the session drives (the targets view). */
  browsers: SessionBrowsers;
}

/**
 * The largest request body the API reads (8 MiB); a longer one is refused with 413 before it is
 * read, or as soon as a chunked one passes the limit.
 *
 * @example
 * ```ts
 * API_BODY_LIMIT; // 8388608
 * ```
 */
export const API_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * How many events an `/api/events` subscriber may have waiting (default): one that falls further
 * behind (it does not read) gets a last `dropped` event and is unsubscribed.
 *
 * @example
 * ```ts
 * EVENT_QUEUE_LIMIT; // 1000
 * ```
 */
export const EVENT_QUEUE_LIMIT = 1000;

class NotAvailable extends Error {}

function decodeClaims(token: string): { exp?: number } | null {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part + "=".repeat((4 - part.length % 4) % 4)));
  } catch {
    return null;
  }
}

class BadRequest extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

function check<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issue.path?.map((p) => String(p.key)).join(".") ||
    (issue.type === "strict_object" ? String(issue.input) : "body");
  // valibot reports a missing key and an unknown one as issues of the object: told apart here
  const missing = /object$/.test(issue.type) && issue.received === "undefined";
  const message = missing
    ? "is required"
    : issue.type === "strict_object"
    ? `unknown field "${field}"`
    : issue.message;
  throw new BadRequest(field, `${field}: ${message}`);
}

async function json(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest("body", "body: not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    const kind = Array.isArray(body) ? "an array" : body === null ? "null" : typeof body;
    throw new BadRequest("body", `body: must be a JSON object, not ${kind}`);
  }
  return body;
}

/** `work`, whose TypeError (a session refusing the input) is a 400 on the field it names. */
async function namingTheField<T>(work: Promise<T>, fields: readonly string[]): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new BadRequest(refusedField(error.message, fields), error.message);
  }
}

/** The session of a partition named in a request; a bad name is a 400 on `partition`. */
function partitionSession(partition: string): Session {
  try {
    return session.fromPartition(partition);
  } catch (error) {
    if (error instanceof TypeError) throw new BadRequest("partition", error.message);
    throw error;
  }
}

/** The `host:port` of each proxy in Chromium's proxy rules (`[scheme=]url;...`), lowercased. */
function proxyHostsOf(rules: string): string[] {
  return rules.split(/[;,\s]+/).filter(Boolean).map((rule) => {
    const value = rule.includes("=") ? rule.slice(rule.indexOf("=") + 1) : rule;
    const scheme = /^([a-z0-9]+):\/\//i.exec(value)?.[1]?.toLowerCase() ?? "http";
    const authority = value.replace(/^[a-z0-9]+:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
    if (/:\d+$/.test(authority)) return authority;
    const port = scheme === "https" ? 443 : scheme.startsWith("socks") ? 1080 : 80;
    return `${authority}:${port}`;
  });
}

/**
 * Makes the control API.
 *
 * @example
 * ```ts
 * // const app = createApi({ session: ses, keys, events, stats: () => ({}) });
 * // Deno.serve(app.fetch);
 * ```
 */
export function createApi(deps: ApiDeps): Hono {
  const app = new Hono();
  const sessionOf = (partition: string | undefined) =>
    partition === undefined ? deps.session : partitionSession(partition);
  // deno-lint-ignore no-explicit-any
  const plugin = (ses: Session, member: string): any =>
    (ses as unknown as Record<string, unknown>)[member];

  // The CA certificate is public (clients need it to trust the server), so it needs no token.
  app.get("/api/ca.pem", (c) =>
    c.body(deps.ca.certPem, 200, {
      "content-type": "application/x-pem-file",
      "content-disposition": 'attachment; filename="websession-ca.pem"',
    }));

  // The dashboard's sign-in: the token is exchanged once for a cookie the page cannot read and
  // other sites cannot send, so it never sits in a URL.
  app.post("/api/signin", async (c) => {
    const { token } = check(schemas.signIn, await json(c));
    const claims = await deps.keys.verify(token) ? decodeClaims(token) : null;
    if (!claims) return c.json({ error: "A valid token is needed" }, 401);
    const maxAge = claims.exp ? `; Max-Age=${Math.max(0, claims.exp - Date.now() / 1000) | 0}` : "";
    c.header(
      "set-cookie",
      `${SIGNIN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/${maxAge}`,
    );
    return c.json({ signedIn: true });
  });

  app.use("/api/*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    // ?token= only where a header cannot be sent: an EventSource on the event stream (a GET)
    const queryToken = c.req.method === "GET" && c.req.path === "/api/events"
      ? c.req.query("token")
      : undefined;
    const token = header.startsWith("Bearer ")
      ? header.slice(7)
      : queryToken ?? tokenFromCookie(c.req.header("cookie"));
    if (!token || !(await deps.keys.verify(token))) {
      return c.json({ error: "A valid token is needed (Authorization: Bearer <token>)" }, 401);
    }
    await next();
  });

  app.use(
    "/api/*",
    bodyLimit({
      maxSize: API_BODY_LIMIT,
      onError: (c) =>
        c.json({
          error: `body: larger than the API's limit of ${API_BODY_LIMIT} bytes`,
          field: "body",
        }, 413),
    }),
  );

  app.onError((error, c) => {
    if (error instanceof BadRequest) {
      return c.json({ error: error.message, field: error.field }, 400);
    }
    if (error instanceof MissingPluginError || error instanceof NotAvailable) {
      return c.json({ error: error.message }, 501);
    }
    if (error instanceof TypeError || (error as { code?: string }).code?.startsWith?.("net::")) {
      return c.json({ error: error.message }, 400);
    }
    return c.json({ error: error.message }, 500);
  });

  app.get("/api/partitions", (c) =>
    c.json(
      session.partitions().map((partition) => {
        const ses = session.fromPartition(partition);
        return { partition, persistent: ses.isPersistent(), storagePath: ses.getStoragePath() };
      }),
    ));

  app.post("/api/partitions", async (c) => {
    const body = check(schemas.createPartition, await json(c));
    let ses: Session;
    try {
      ses = session.fromPartition(
        body.partition,
        body.cache === undefined ? undefined : { cache: body.cache },
      );
    } catch (error) {
      if (error instanceof TypeError) throw new BadRequest("partition", error.message);
      throw error;
    }
    await ses.ready;
    return c.json({
      partition: body.partition,
      persistent: ses.isPersistent(),
      storagePath: ses.getStoragePath(),
    }, 201);
  });

  app.post("/api/partitions/clear", async (c) => {
    const body = check(schemas.clearPartition, await json(c));
    await partitionSession(body.partition).clearStorageData();
    return c.json({ cleared: body.partition });
  });

  app.get("/api/cookies", async (c) => {
    const query = check(schemas.cookieFilter, c.req.query());
    const { partition, ...filter } = query;
    const bools: Record<string, unknown> = { ...filter };
    for (const key of ["secure", "session", "httpOnly"] as const) {
      if (filter[key] !== undefined) bools[key] = filter[key] === "true";
    }
    return c.json(await plugin(sessionOf(partition), "cookies").get(bools));
  });

  app.post("/api/cookies", async (c) => {
    const { partition, ...details } = check(schemas.setCookie, await json(c));
    const cookies = plugin(sessionOf(partition), "cookies");
    await namingTheField(cookies.set(details), Object.keys(details));
    // acknowledged once committed: the pipeline's own cookie writes batch, the API's do not
    await cookies.flushStore();
    return c.json({ set: true }, 201);
  });

  app.delete("/api/cookies", async (c) => {
    const { partition, url, name } = check(schemas.removeCookie, await json(c));
    const cookies = plugin(sessionOf(partition), "cookies");
    // false when no cookie of that name is sent to url (Electron's remove resolves either way)
    const matching = await cookies.get({ url, name });
    await cookies.remove(url, name);
    await cookies.flushStore();
    return c.json({ removed: matching.length > 0 });
  });

  app.get("/api/cookies/export", async (c) => {
    const query = check(schemas.exportCookies, c.req.query());
    return c.json(
      await plugin(sessionOf(query.partition), "cookies").export({
        includeSessionCookies: query.includeSessionCookies === "true",
      }),
    );
  });

  app.post("/api/cookies/import", async (c) => {
    const { partition, state } = check(schemas.importCookies, await json(c));
    const cookies = plugin(sessionOf(partition), "cookies");
    await namingTheField(cookies.import(state), ["state"]);
    await cookies.flushStore();
    return c.json({ imported: state.cookies.length });
  });

  app.get("/api/rules", async (c) => {
    const { partition } = check(schemas.partitionQuery, c.req.query());
    const dnr = plugin(sessionOf(partition), "declarativeNetRequest");
    return c.json({ dynamic: await dnr.getDynamicRules(), session: await dnr.getSessionRules() });
  });

  app.post("/api/rules", async (c) => {
    const { partition, rules } = check(schemas.addRules, await json(c));
    const dnr = plugin(sessionOf(partition), "declarativeNetRequest");
    try {
      await dnr.updateDynamicRules({ addRules: rules, removeRuleIds: rules.map((r) => r.id) });
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      const { field, ruleIndex } = error as { field?: unknown; ruleIndex?: unknown };
      throw new BadRequest(
        refusedRuleField(
          rules,
          error.message,
          typeof field === "string" ? field : undefined,
          typeof ruleIndex === "number" ? ruleIndex : undefined,
        ),
        error.message,
      );
    }
    return c.json({ added: rules.map((r) => r.id) }, 201);
  });

  app.delete("/api/rules", async (c) => {
    const { partition, ids } = check(schemas.removeRules, await json(c));
    const dnr = plugin(sessionOf(partition), "declarativeNetRequest");
    // only the ids that were there (Chrome's updateDynamicRules ignores the others)
    const present = new Set((await dnr.getDynamicRules()).map((rule: { id: number }) => rule.id));
    await dnr.updateDynamicRules({ removeRuleIds: ids });
    return c.json({ removed: ids.filter((id) => present.has(id)) });
  });

  app.put("/api/proxy", async (c) => {
    const { partition, ...config } = check(schemas.setProxy, await json(c));
    const own = deps.ownHosts ?? new Set<string>();
    const loop = proxyHostsOf(config.proxyRules ?? "").find((host) => own.has(host));
    if (loop) {
      throw new BadRequest(
        "proxyRules",
        `proxyRules: ${loop} is this server's own address; proxying through it would loop`,
      );
    }
    await namingTheField(plugin(sessionOf(partition), "setProxy")(config), Object.keys(config));
    return c.json({ applied: config });
  });

  app.get("/api/proxy/resolve", async (c) => {
    const { partition, url } = check(schemas.resolveProxy, c.req.query());
    return c.json({ url, proxy: await plugin(sessionOf(partition), "resolveProxy")(url) });
  });

  app.get("/api/extensions", (c) => {
    const ses = sessionOf(check(schemas.partitionQuery, c.req.query()).partition);
    return c.json(plugin(ses, "extensions").getAllExtensions());
  });

  app.get("/api/stats", (c) => c.json(deps.stats()));

  app.get("/api/intercept", (c) => c.json(deps.policy.state()));

  const hostsOf = async (c: Context) => {
    const { hosts } = check(schemas.passThrough, await json(c));
    hosts.forEach((host, i) => {
      try {
        if (parsePatternList(host, `hosts.${i}`).length !== 1) {
          throw new TypeError(`hosts.${i}: one host pattern per entry`);
        }
      } catch (error) {
        throw new BadRequest(`hosts.${i}`, (error as Error).message);
      }
    });
    return hosts;
  };

  app.post(
    "/api/intercept/pass-through",
    async (c) => c.json({ added: deps.policy.addPassThrough(await hostsOf(c)) }),
  );

  app.delete(
    "/api/intercept/pass-through",
    async (c) => c.json({ removed: deps.policy.removePassThrough(await hostsOf(c)) }),
  );

  app.get("/api/plugins", (c) => c.json(deps.addons.list()));

  app.post("/api/plugins", async (c) => {
    const { source } = check(schemas.loadPlugin, await json(c));
    let info;
    try {
      info = await deps.addons.load(source);
    } catch (error) {
      throw new BadRequest("source", `source: ${(error as Error).message}`);
    }
    return c.json(info, 201);
  });

  app.delete("/api/plugins", async (c) => {
    const { name } = check(schemas.unloadPlugin, await json(c));
    if (!deps.addons.list().some((p) => p.name === name && p.addon)) {
      return c.json({ error: `No add-on named ${name} is loaded`, field: "name" }, 404);
    }
    await deps.addons.unload(name);
    return c.json({ unloaded: name });
  });

  app.get("/api/targets", async (c) => c.json(await deps.browsers.targets()));

  app.post("/api/browsers", async (c) => {
    const options = check(schemas.startBrowser, await json(c));
    try {
      return c.json(await deps.browsers.start(options), 201);
    } catch (error) {
      return c.json({ error: `Could not start a browser: ${(error as Error).message}` }, 503);
    }
  });

  app.delete("/api/browsers", async (c) => {
    const pids = deps.browsers.started();
    await Promise.all(pids.map((pid) => deps.browsers.stop(pid)));
    return c.json({ closed: pids });
  });

  requestLogRoutes(app, deps.log, (id) => {
    const webRequest = plugin(deps.session, "webRequest");
    return webRequest?.explain ? webRequest.explain(id) : null;
  });

  app.get("/api/downloads", (c) => {
    const ses = sessionOf(check(schemas.partitionQuery, c.req.query()).partition);
    deps.downloads.watch(ses);
    return c.json(deps.downloads.list(ses.partition));
  });

  app.post("/api/downloads", async (c) => {
    const { partition, url } = check(schemas.startDownload, await json(c));
    const id = await deps.downloads.start(sessionOf(partition), url);
    return c.json(deps.downloads.get(id), 201);
  });

  for (const action of ["pause", "resume", "cancel"] as const) {
    app.post(`/api/downloads/${action}`, async (c) => {
      const { id } = check(schemas.downloadAction, await json(c));
      if (!deps.downloads.act(id, action)) {
        return c.json(
          { error: `No download ${id} (GET /api/downloads lists them)`, field: "id" },
          404,
        );
      }
      return c.json(deps.downloads.get(id));
    });
  }

  app.post("/api/token/rotate", async (c) => {
    const body = check(schemas.rotate, await json(c));
    deps.keys.rotate();
    return c.json({ token: await deps.keys.issue(body.ttl ?? 86400) });
  });

  app.get("/api/events", (c) =>
    streamSSE(c, async (stream) => {
      let open = true;
      const queue: Array<{ event: string; data: string }> = [];
      const limit = deps.eventQueueLimit ?? EVENT_QUEUE_LIMIT;
      let wake: (() => void) | null = null;
      let dropped = false;
      const stop = deps.events.subscribe((event) => {
        if (dropped) return;
        if (queue.length >= limit) {
          // a subscriber this far behind is not reading: stop queueing for it, tell it why, end
          dropped = true;
          queue.length = 0;
          queue.push({
            event: "dropped",
            data: JSON.stringify({
              reason: `this subscriber fell ${limit} events behind (it does not read); reconnect`,
            }),
          });
          deps.events.countDropped();
          stopLater();
        } else queue.push({ event: "pipeline", data: JSON.stringify(event) });
        wake?.();
      });
      const stopLater = () => queueMicrotask(stop);
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      await stream.writeSSE({ event: "ready", data: "{}" });
      try {
        while (open) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            continue;
          }
          await stream.writeSSE(queue.shift()!);
          if (dropped && queue.length === 0) break;
        }
      } finally {
        stop();
      }
    }));

  app.all("/api/*", (c) => {
    const allowed = allowedMethods(app.routes, c.req.path);
    if (allowed.length === 0) {
      return c.json({ error: `No route ${c.req.method} ${c.req.path}` }, 404);
    }
    c.header("allow", allowed.join(", "));
    const error = `${c.req.path} answers ${allowed.join(", ")}, not ${c.req.method}`;
    return c.json({ error }, 405);
  });
  return app;
}
