/**
 * The request log's routes of the control API: `/api/requests` (list, clear, one entry with the
 * pipeline's `explain`), the kept bodies (`/body`, `/request-body`, sandboxed) and `/api/har`.
 *
 * @module
 */
import type { Hono } from "hono";
import type { RequestLog } from "./request_log.ts";
import { toHar } from "./har.ts";

/**
 * Adds the request log's routes to `app`; `explain(id)` gives the pipeline's decisions.
 *
 * @example
 * ```ts
 * // requestLogRoutes(app, log, (id) => ses.webRequest.explain(id));
 * ```
 */
export function requestLogRoutes(
  app: Hono,
  log: RequestLog,
  explain: (id: number) => unknown,
): void {
  const entryOf = (param: string) => {
    const id = Number(param);
    return Number.isInteger(id) ? log.get(id) : undefined;
  };

  app.get("/api/requests", (c) => c.json(log.list()));

  app.delete("/api/requests", (c) => {
    log.clear();
    return c.json({ cleared: true });
  });

  app.get("/api/requests/:id", (c) => {
    const entry = entryOf(c.req.param("id"));
    if (!entry) return c.json({ error: `No request ${c.req.param("id")} in the log` }, 404);
    return c.json({ ...entry, explain: explain(entry.id) });
  });

  for (const kind of ["response", "request"] as const) {
    const path = kind === "response" ? "body" : "request-body";
    const what = kind === "response" ? "body" : "request body";
    app.get(`/api/requests/:id/${path}`, (c) => {
      const entry = entryOf(c.req.param("id"));
      const body = entry ? log.body(entry.id, kind) : null;
      if (!entry || !body) {
        return c.json({ error: `No ${what} kept for request ${c.req.param("id")}` }, 404);
      }
      const type = kind === "response"
        ? entry.mimeType
        : entry.requestHeaders.find(([name]) => name === "content-type")?.[1];
      const kept = kind === "response" ? entry.body : entry.requestBody;
      return c.body(body as Uint8Array<ArrayBuffer>, 200, {
        "content-type": type || "application/octet-stream",
        "x-websession-truncated": String(kept.truncated),
        "content-security-policy": "sandbox",
      });
    });
  }

  app.get("/api/har", (c) => {
    const ids = c.req.query("ids");
    // `ids=` (the dashboard's export when its filter hides every row) selects none
    const wanted = ids === undefined ? null : new Set(ids === "" ? [] : ids.split(",").map(Number));
    if (wanted && [...wanted].some((id) => !Number.isInteger(id) || id < 1)) {
      const error =
        `ids: must be request ids separated by commas (as GET /api/requests lists them), not ${
          JSON.stringify(ids)
        }`;
      return c.json({ error, field: "ids" }, 400);
    }
    const entries = log.list().filter((e) => !wanted || wanted.has(e.id));
    return c.json(toHar(entries, (id, kind) => log.body(id, kind)), 200, {
      "content-disposition": 'attachment; filename="websession.har"',
    });
  });
}
