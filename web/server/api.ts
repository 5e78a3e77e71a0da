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
import * as v from "valibot";
import { MissingPluginError, type Session, session } from "../../mod.ts";
import type { EventStream } from "./event_stream.ts";
import type { TokenKeys } from "./token.ts";
import type { CertificateAuthority } from "./ca.ts";
import type { Addons } from "./addons.ts";
import type { RequestLog } from "./request_log.ts";
import { toHar } from "./har.ts";
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
}

const Partition = v.optional(v.pipe(v.string(), v.maxLength(200)));
const Url = v.pipe(v.string(), v.url("must be an absolute URL"));

const schemas = {
  createPartition: v.strictObject({
    partition: v.pipe(v.string(), v.maxLength(200)),
    cache: v.optional(v.boolean()),
  }),
  clearPartition: v.strictObject({ partition: v.pipe(v.string(), v.maxLength(200)) }),
  cookieFilter: v.strictObject({
    partition: Partition,
    url: v.optional(Url),
    name: v.optional(v.string()),
    domain: v.optional(v.string()),
    path: v.optional(v.string()),
    secure: v.optional(v.picklist(["true", "false"])),
    session: v.optional(v.picklist(["true", "false"])),
    httpOnly: v.optional(v.picklist(["true", "false"])),
  }),
  setCookie: v.strictObject({
    partition: Partition,
    url: Url,
    name: v.optional(v.string()),
    value: v.optional(v.string()),
    domain: v.optional(v.string()),
    path: v.optional(v.string()),
    secure: v.optional(v.boolean()),
    httpOnly: v.optional(v.boolean()),
    expirationDate: v.optional(v.number()),
    sameSite: v.optional(v.picklist(["unspecified", "no_restriction", "lax", "strict"])),
  }),
  removeCookie: v.strictObject({ partition: Partition, url: Url, name: v.string() }),
  importCookies: v.strictObject({
    partition: Partition,
    state: v.looseObject({ cookies: v.array(v.looseObject({})) }),
  }),
  addRules: v.strictObject({
    partition: Partition,
    rules: v.pipe(v.array(v.looseObject({ id: v.pipe(v.number(), v.integer()) })), v.minLength(1)),
  }),
  removeRules: v.strictObject({
    partition: Partition,
    ids: v.pipe(v.array(v.pipe(v.number(), v.integer())), v.minLength(1)),
  }),
  setProxy: v.strictObject({
    partition: Partition,
    mode: v.optional(
      v.picklist(["direct", "auto_detect", "pac_script", "fixed_servers", "system"]),
    ),
    pacScript: v.optional(v.string()),
    proxyRules: v.optional(v.string()),
    proxyBypassRules: v.optional(v.string()),
  }),
  resolveProxy: v.strictObject({ partition: Partition, url: Url }),
  passThrough: v.strictObject({
    hosts: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(300))), v.minLength(1)),
  }),
  loadPlugin: v.strictObject({
    source: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
  }),
  signIn: v.strictObject({ token: v.pipe(v.string(), v.minLength(1)) }),
  unloadPlugin: v.strictObject({ name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
  rotate: v.strictObject({
    ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(315360000))),
  }),
};

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
  const message = issue.type === "strict_object" ? `unknown field "${field}"` : issue.message;
  throw new BadRequest(field, `${field}: ${message}`);
}

async function json(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("body", "body: not valid JSON");
  }
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
    partition === undefined ? deps.session : session.fromPartition(partition);
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
    const token = header.startsWith("Bearer ")
      ? header.slice(7)
      : c.req.query("token") ?? tokenFromCookie(c.req.header("cookie"));
    if (!token || !(await deps.keys.verify(token))) {
      return c.json({ error: "A valid token is needed (Authorization: Bearer <token>)" }, 401);
    }
    await next();
  });

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
    const ses = session.fromPartition(
      body.partition,
      body.cache === undefined ? undefined : { cache: body.cache },
    );
    await ses.ready;
    return c.json({
      partition: body.partition,
      persistent: ses.isPersistent(),
      storagePath: ses.getStoragePath(),
    }, 201);
  });

  app.post("/api/partitions/clear", async (c) => {
    const body = check(schemas.clearPartition, await json(c));
    await session.fromPartition(body.partition).clearStorageData();
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
    await plugin(sessionOf(partition), "cookies").set(details);
    return c.json({ set: true }, 201);
  });

  app.delete("/api/cookies", async (c) => {
    const { partition, url, name } = check(schemas.removeCookie, await json(c));
    await plugin(sessionOf(partition), "cookies").remove(url, name);
    return c.json({ removed: true });
  });

  app.get("/api/cookies/export", async (c) => {
    const partition = c.req.query("partition");
    const includeSession = c.req.query("includeSessionCookies") === "true";
    return c.json(
      await plugin(sessionOf(partition), "cookies").export({
        includeSessionCookies: includeSession,
      }),
    );
  });

  app.post("/api/cookies/import", async (c) => {
    const { partition, state } = check(schemas.importCookies, await json(c));
    await plugin(sessionOf(partition), "cookies").import(state);
    return c.json({ imported: state.cookies.length });
  });

  app.get("/api/rules", async (c) => {
    const dnr = plugin(sessionOf(c.req.query("partition")), "declarativeNetRequest");
    return c.json({ dynamic: await dnr.getDynamicRules(), session: await dnr.getSessionRules() });
  });

  app.post("/api/rules", async (c) => {
    const { partition, rules } = check(schemas.addRules, await json(c));
    const dnr = plugin(sessionOf(partition), "declarativeNetRequest");
    await dnr.updateDynamicRules({ addRules: rules, removeRuleIds: rules.map((r) => r.id) });
    return c.json({ added: rules.map((r) => r.id) }, 201);
  });

  app.delete("/api/rules", async (c) => {
    const { partition, ids } = check(schemas.removeRules, await json(c));
    await plugin(sessionOf(partition), "declarativeNetRequest").updateDynamicRules({
      removeRuleIds: ids,
    });
    return c.json({ removed: ids });
  });

  app.put("/api/proxy", async (c) => {
    const { partition, ...config } = check(schemas.setProxy, await json(c));
    await plugin(sessionOf(partition), "setProxy")(config);
    return c.json({ applied: config });
  });

  app.get("/api/proxy/resolve", async (c) => {
    const { partition, url } = check(schemas.resolveProxy, c.req.query());
    return c.json({ url, proxy: await plugin(sessionOf(partition), "resolveProxy")(url) });
  });

  app.get("/api/extensions", (c) => {
    const ses = sessionOf(c.req.query("partition"));
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

  app.get("/api/requests", (c) => c.json(deps.log.list()));

  app.delete("/api/requests", (c) => {
    deps.log.clear();
    return c.json({ cleared: true });
  });

  app.get("/api/requests/:id", (c) => {
    const id = Number(c.req.param("id"));
    const entry = Number.isInteger(id) ? deps.log.get(id) : undefined;
    if (!entry) return c.json({ error: `No request ${c.req.param("id")} in the log` }, 404);
    const webRequest = plugin(deps.session, "webRequest");
    const explain = webRequest?.explain ? webRequest.explain(id) : null;
    return c.json({ ...entry, explain });
  });

  app.get("/api/requests/:id/body", (c) => {
    const id = Number(c.req.param("id"));
    const entry = Number.isInteger(id) ? deps.log.get(id) : undefined;
    const body = entry ? deps.log.body(id) : null;
    if (!entry || !body) return c.json({ error: `No body kept for request ${id}` }, 404);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      "content-type": entry.mimeType || "application/octet-stream",
      "x-websession-truncated": String(entry.body.truncated),
      "content-security-policy": "sandbox",
    });
  });

  app.get("/api/har", (c) => {
    const ids = c.req.query("ids");
    const wanted = ids ? new Set(ids.split(",").map(Number)) : null;
    const entries = deps.log.list().filter((e) => !wanted || wanted.has(e.id));
    return c.json(toHar(entries, (id) => deps.log.body(id)), 200, {
      "content-disposition": 'attachment; filename="websession.har"',
    });
  });

  app.post("/api/token/rotate", async (c) => {
    const body = check(schemas.rotate, await json(c));
    deps.keys.rotate();
    return c.json({ token: await deps.keys.issue(body.ttl ?? 86400) });
  });

  app.get("/api/events", (c) =>
    streamSSE(c, async (stream) => {
      let open = true;
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      const stop = deps.events.subscribe((event) => {
        queue.push(JSON.stringify(event));
        wake?.();
      });
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
          await stream.writeSSE({ event: "pipeline", data: queue.shift()! });
        }
      } finally {
        stop();
      }
    }));

  app.all("/api/*", (c) => c.json({ error: `No route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
