/**
 * The session server's dashboard (served at `/`, bundled by esbuild on the server's first request
 * for it): requests live, one row each, with filters, a detail pane, HAR export; and views of the
 * partition's cookies, declarative rules, add-ons, downloads (`downloads_view.ts`) and the DevTools
 * targets of the browsers the session drives (`targets_view.ts`). Plain DOM, no framework. It
 * talks to the control API with the sign-in cookie (`POST /api/signin` once), never a token in a
 * URL (`_api.ts`).
 *
 * @module
 */
/// <reference lib="dom" />
import { $, el, sizeText } from "./_dom.ts";
import { api } from "./_api.ts";
import { type Download, showDownloads, startDownload, upsertDownload } from "./downloads_view.ts";
import { pollTargets, showTargets, startBrowser } from "./targets_view.ts";

interface Entry {
  id: number;
  method: string;
  url: string;
  status: number | null;
  mimeType: string;
  type: string;
  size: number;
  startedAt: number;
  timings: { sendHeaders?: number; responseStarted?: number; end?: number };
  requestHeaders: Array<[string, string]>;
  responseHeaders: Array<[string, string]>;
  cookiesSent: Array<{ name: string; value: string }>;
  cookiesSet: string[];
  error: string | null;
  redirects: number;
  body: { kept: number; truncated: boolean };
  requestBody?: { size: number; kept: number; truncated: boolean };
  explain?: { steps: Array<Record<string, unknown>> } | null;
}

// ---- sign-in ---------------------------------------------------------------------------------

async function signIn(event: Event): Promise<void> {
  event.preventDefault();
  const token = ($("#token") as HTMLInputElement).value.trim();
  const response = await fetch("/api/signin", {
    method: "POST",
    body: JSON.stringify({ token }),
    headers: { "content-type": "application/json" },
  });
  if (!response.ok) {
    $("#signin-error").textContent = "That token is not valid.";
    return;
  }
  $("#signin").hidden = true;
  start();
}

// ---- requests --------------------------------------------------------------------------------

const entries = new Map<number, Entry>();
let paused = false;
let selected: number | null = null;

function statusClass(entry: Entry): string {
  if (entry.error) return "error";
  if (entry.status === null) return "pending";
  return `${String(entry.status)[0]}xx`;
}

function visible(entry: Entry): boolean {
  const text = ($("#filter-text") as HTMLInputElement).value.toLowerCase();
  const method = ($("#filter-method") as HTMLSelectElement).value;
  const status = ($("#filter-status") as HTMLSelectElement).value;
  const type = ($("#filter-type") as HTMLSelectElement).value;
  if (text && !entry.url.toLowerCase().includes(text)) return false;
  if (method && entry.method !== method) return false;
  if (status && statusClass(entry) !== status) return false;
  if (type && entry.type !== type) return false;
  return true;
}

function waterfall(entry: Entry): HTMLElement {
  const t = entry.timings;
  const total = Math.max(t.end ?? t.responseStarted ?? t.sendHeaders ?? 0, 1);
  const bar = el("div", { className: "waterfall", title: timingText(entry) });
  const parts: Array<[string, number | undefined, number | undefined]> = [
    ["blocked", 0, t.sendHeaders],
    ["waiting", t.sendHeaders, t.responseStarted],
    ["receiving", t.responseStarted, t.end],
  ];
  for (const [name, from, to] of parts) {
    if (from === undefined || to === undefined) continue;
    bar.append(el("span", {
      className: name,
      style: `left:${(from / total) * 100}%;width:${Math.max(((to - from) / total) * 100, 1)}%`,
    }));
  }
  return bar;
}

/** The stages' timings in words; those a request never reached are left out. */
function timingText(entry: Entry): string {
  const t = entry.timings;
  const parts: string[] = [];
  const add = (name: string, from: number | undefined, to: number | undefined) => {
    if (from !== undefined && to !== undefined) parts.push(`${name} ${(to - from).toFixed(1)} ms`);
  };
  add("rules and listeners", 0, t.sendHeaders);
  add("waiting", t.sendHeaders ?? 0, t.responseStarted);
  add("receiving", t.responseStarted, t.end);
  if (t.sendHeaders === undefined && t.end !== undefined) {
    parts.push(`ended before it was sent, after ${t.end.toFixed(1)} ms`);
  }
  return parts.join(", ");
}

/** The status cell: the code, the `net::ERR_*` error, or … while waiting. */
function statusText(entry: Entry): string {
  return entry.error ?? (entry.status === null ? "…" : String(entry.status));
}

function row(entry: Entry): HTMLTableRowElement {
  const tr = el(
    "tr",
    {
      dataset: { id: String(entry.id) },
      className: `${statusClass(entry)}${entry.id === selected ? " selected" : ""}`,
      onclick: () => openDetail(entry.id),
    },
    el("td", {}, entry.method),
    el("td", { className: "url", title: entry.url }, entry.url),
    el("td", { className: "status", title: entry.error ?? "" }, statusText(entry)),
    el("td", {}, entry.type),
    el("td", {}, sizeText(entry.size)),
    el("td", {}, entry.timings.end === undefined ? "…" : `${entry.timings.end.toFixed(0)} ms`),
    el("td", {}, waterfall(entry)),
  );
  tr.hidden = !visible(entry);
  return tr;
}

function upsert(entry: Entry): void {
  entries.set(entry.id, entry);
  if (paused) return;
  const body = $("#requests tbody");
  const old = body.querySelector(`tr[data-id="${entry.id}"]`);
  const fresh = row(entry);
  if (old) old.replaceWith(fresh);
  else body.append(fresh);
  updateCount();
}

function renderAll(): void {
  const body = $("#requests tbody");
  body.replaceChildren(...[...entries.values()].map(row));
  updateCount();
}

function updateCount(): void {
  const shown = [...entries.values()].filter(visible).length;
  $("#count").textContent = `${shown} of ${entries.size} requests`;
}

async function openDetail(id: number): Promise<void> {
  selected = id;
  for (const tr of document.querySelectorAll("#requests tr.selected")) {
    tr.classList.remove("selected");
  }
  document.querySelector(`#requests tr[data-id="${id}"]`)?.classList.add("selected");
  const entry = await (await api(`/requests/${id}`)).json() as Entry;
  const pane = $("#detail");
  pane.hidden = false;
  const headers = (title: string, list: Array<[string, string]>) =>
    el(
      "section",
      {},
      el("h3", {}, title),
      list.length === 0 ? el("p", { className: "note" }, "None.") : el(
        "table",
        { className: `headers ${title.toLowerCase().replaceAll(" ", "-")}` },
        ...list.map(([name, value]) => el("tr", {}, el("th", {}, name), el("td", {}, value))),
      ),
    );
  const body = el("section", { className: "body" }, el("h3", {}, "Response body"));
  const sent = entry.requestBody && entry.requestBody.size > 0
    ? el(
      "section",
      { className: "request-body" },
      el("h3", {}, `Request body (${sizeText(entry.requestBody.size)})`),
    )
    : null;
  pane.replaceChildren(
    el("button", { className: "close", onclick: () => (pane.hidden = true) }, "×"),
    el("h2", {}, `${entry.method} ${entry.url}`),
    el(
      "p",
      { className: "summary" },
      `${entry.error ?? entry.status ?? "…"} · ${entry.type} · ${sizeText(entry.size)} · ${
        timingText(entry)
      }`,
    ),
    headers("Request headers", entry.requestHeaders),
    headers("Response headers", entry.responseHeaders),
    headers("Cookies sent", entry.cookiesSent.map((c) => [c.name, c.value])),
    headers("Cookies set", entry.cookiesSet.map((line) => ["set-cookie", line])),
    decisions(entry.explain?.steps ?? []),
    ...(sent ? [sent] : []),
    body,
  );
  if (sent) {
    const type = entry.requestHeaders.find(([name]) => name === "content-type")?.[1] ?? "";
    await showBody(sent, `/requests/${id}/request-body`, type.split(";")[0].trim().toLowerCase());
  }
  await showBody(body, `/requests/${id}/body`, entry.mimeType);
}

/** The webRequest listeners' and declarative rules' decisions of one request, as a table. */
function decisions(steps: Array<Record<string, unknown>>): HTMLElement {
  const title = el("h3", {}, "webRequest and declarative decisions");
  if (steps.length === 0) {
    const none = "No webRequest listener or declarative rule acted on this request.";
    return el("section", { className: "explain" }, title, el("p", { className: "note" }, none));
  }
  const cell = (text: string) => el("td", {}, text);
  const rows = steps.map((step) => {
    const rules = (step.rules as Array<{ ruleId: number; rulesetId: string }> | undefined) ?? [];
    const by = rules.length === 0
      ? String(step.by)
      : `${step.by} (${rules.map((r) => `rule ${r.ruleId} of ${r.rulesetId}`).join(", ")})`;
    const asked = step.asked === undefined ? "" : JSON.stringify(step.asked);
    const outcome = step.error !== undefined
      ? `failed: ${step.error}`
      : step.applied
      ? "applied"
      : step.winner
      ? `lost to ${step.winner}`
      : "no change";
    return el(
      "tr",
      {},
      cell(String(step.stage)),
      cell(by),
      cell(asked.length > 200 ? `${asked.slice(0, 200)}…` : asked),
      cell(outcome),
    );
  });
  const head = el("tr", {}, ...["Stage", "By", "Asked", "Outcome"].map((h) => el("th", {}, h)));
  return el("section", { className: "explain" }, title, el("table", {}, head, ...rows));
}

/** Fetches a kept body and shows it in `section`: images, JSON pretty, text, or hex. */
async function showBody(section: HTMLElement, path: string, mime: string): Promise<void> {
  const response = await api(path);
  if (!response.ok) {
    section.append(el("p", {}, "No body kept."));
    return;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.headers.get("x-websession-truncated") === "true") {
    section.append(el("p", { className: "note" }, "Cut at the server's size cap."));
  }
  if (mime.startsWith("image/")) {
    section.append(el("img", { src: URL.createObjectURL(new Blob([bytes], { type: mime })) }));
  } else if (/json/.test(mime)) {
    let text = new TextDecoder().decode(bytes);
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch { /* shown as it is */ }
    section.append(el("pre", { className: "body-text" }, text));
  } else if (/^text\/|javascript|xml|svg|x-www-form-urlencoded/.test(mime)) {
    section.append(el("pre", { className: "body-text" }, new TextDecoder().decode(bytes)));
  } else {
    const lines: string[] = [];
    for (let i = 0; i < Math.min(bytes.length, 4096); i += 16) {
      const slice = [...bytes.slice(i, i + 16)];
      lines.push(
        `${i.toString(16).padStart(8, "0")}  ${
          slice.map((b) => b.toString(16).padStart(2, "0")).join(" ").padEnd(48)
        }  ${slice.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("")}`,
      );
    }
    section.append(el("pre", { className: "body-hex" }, lines.join("\n")));
  }
}

function exportHar(): void {
  const ids = [...entries.values()].filter(visible).map((e) => e.id).join(",");
  const link = el("a", { href: `/api/har?ids=${ids}`, download: "websession.har" });
  document.body.append(link);
  link.click();
  link.remove();
}

// ---- cookies, rules, add-ons -----------------------------------------------------------------

interface Cookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  hostOnly?: boolean;
  expirationDate?: number;
  sameSite?: string;
}

function cookieUrl(cookie: Cookie): string {
  return `http${cookie.secure ? "s" : ""}://${cookie.domain.replace(/^\./, "")}${cookie.path}`;
}

/** When the cookie expires, in UTC, or "Session" for a session cookie. */
function expiresText(cookie: Cookie): string {
  if (cookie.expirationDate === undefined) return "Session";
  return new Date(cookie.expirationDate * 1000).toISOString().slice(0, 16).replace("T", " ");
}

/** Secure, HttpOnly and the SameSite value Electron reports (none when "unspecified"). */
function flagsText(cookie: Cookie): string {
  const sameSite = cookie.sameSite && cookie.sameSite !== "unspecified"
    ? `SameSite=${cookie.sameSite[0].toUpperCase()}${cookie.sameSite.slice(1)}`
    : "";
  return [cookie.secure && "Secure", cookie.httpOnly && "HttpOnly", sameSite].filter(Boolean)
    .join(" ");
}

async function showCookies(): Promise<void> {
  const filter = ($("#cookie-filter") as HTMLInputElement).value.toLowerCase();
  const cookies = (await (await api("/cookies")).json() as Cookie[])
    .filter((c) => !filter || `${c.domain} ${c.name}`.toLowerCase().includes(filter));
  $("#cookies tbody").replaceChildren(...cookies.map((cookie) => {
    const value = el("input", { value: cookie.value, className: "cookie-value" });
    const status = el("span", { className: "status" });
    return el(
      "tr",
      { dataset: { name: cookie.name, domain: cookie.domain } },
      el("td", {}, cookie.domain),
      el("td", {}, cookie.name),
      el("td", {}, value),
      el("td", {}, cookie.path),
      el("td", { className: "cookie-expires" }, expiresText(cookie)),
      el("td", { className: "cookie-flags" }, flagsText(cookie)),
      el(
        "td",
        {},
        el("button", {
          className: "save",
          onclick: async () => {
            const details: Record<string, unknown> = {
              url: cookieUrl(cookie),
              name: cookie.name,
              value: (value as HTMLInputElement).value,
              path: cookie.path,
              secure: cookie.secure,
              httpOnly: cookie.httpOnly,
            };
            if (cookie.sameSite) details.sameSite = cookie.sameSite;
            if (!cookie.hostOnly) details.domain = cookie.domain;
            if (cookie.expirationDate) details.expirationDate = cookie.expirationDate;
            const answer = await api("/cookies", { method: "POST", body: JSON.stringify(details) });
            status.textContent = answer.ok ? "saved" : (await answer.json()).error;
          },
        }, "Save"),
        el("button", {
          className: "delete",
          onclick: async () => {
            await api("/cookies", {
              method: "DELETE",
              body: JSON.stringify({ url: cookieUrl(cookie), name: cookie.name }),
            });
            showCookies();
          },
        }, "Delete"),
        status,
      ),
    );
  }));
}

async function showRules(): Promise<void> {
  const { dynamic, session } = await (await api("/rules")).json() as {
    dynamic: Array<{ id: number }>;
    session: Array<{ id: number }>;
  };
  const line = (rule: { id: number }, kind: string) =>
    el(
      "tr",
      { dataset: { id: String(rule.id) } },
      el("td", {}, String(rule.id)),
      el("td", {}, kind),
      el("td", {}, el("code", {}, JSON.stringify(rule))),
      el(
        "td",
        {},
        kind === "dynamic"
          ? el("button", {
            onclick: async () => {
              await api("/rules", { method: "DELETE", body: JSON.stringify({ ids: [rule.id] }) });
              showRules();
            },
          }, "Delete")
          : null,
      ),
    );
  $("#rules tbody").replaceChildren(
    ...dynamic.map((r) => line(r, "dynamic")),
    ...session.map((r) => line(r, "session (--rules)")),
  );
}

async function addRule(event: Event): Promise<void> {
  event.preventDefault();
  const error = $("#rule-error");
  error.textContent = "";
  let rule: unknown;
  try {
    rule = {
      id: Number(($("#rule-id") as HTMLInputElement).value),
      priority: 1,
      action: JSON.parse(($("#rule-action") as HTMLTextAreaElement).value),
      condition: JSON.parse(($("#rule-condition") as HTMLTextAreaElement).value),
    };
  } catch (e) {
    error.textContent = `Not JSON: ${(e as Error).message}`;
    return;
  }
  const answer = await api("/rules", { method: "POST", body: JSON.stringify({ rules: [rule] }) });
  if (!answer.ok) {
    const { error: message, field } = await answer.json();
    error.textContent = field ? `${field}: ${message}` : message;
    return;
  }
  showRules();
}

async function showAddons(): Promise<void> {
  const list = await (await api("/plugins")).json() as Array<
    { name: string; version: string; isolation: string; active: boolean; addon: boolean }
  >;
  $("#addons tbody").replaceChildren(...list.map((p) =>
    el(
      "tr",
      {},
      el("td", {}, p.name),
      el("td", {}, p.version),
      el("td", {}, p.isolation),
      el("td", {}, p.active ? "active" : "cut off"),
      el(
        "td",
        {},
        p.addon
          ? el("button", {
            onclick: async () => {
              await api("/plugins", { method: "DELETE", body: JSON.stringify({ name: p.name }) });
              showAddons();
            },
          }, "Unload")
          : "built in",
      ),
    )
  ));
}

// ---- start -----------------------------------------------------------------------------------

function showView(name: string): void {
  for (const view of document.querySelectorAll<HTMLElement>(".view")) {
    view.hidden = view.id !== `view-${name}`;
  }
  for (const tab of document.querySelectorAll<HTMLElement>("nav button")) {
    tab.classList.toggle("current", tab.dataset.view === name);
  }
  if (name === "cookies") showCookies();
  if (name === "rules") showRules();
  if (name === "addons") showAddons();
  if (name === "downloads") showDownloads();
  pollTargets(name === "targets");
}

async function start(): Promise<void> {
  const list = await (await api("/requests")).json() as Entry[];
  $("#app").hidden = false;
  for (const entry of list) entries.set(entry.id, entry);
  renderAll();
  const stream = new EventSource("/api/events");
  stream.addEventListener("pipeline", (event) => {
    const data = JSON.parse((event as MessageEvent).data);
    if (data.type === "entry" && data.entry) upsert(data.entry as Entry);
    if (data.type === "download" && data.download) upsertDownload(data.download as Download);
  });
}

for (const id of ["#filter-text", "#filter-method", "#filter-status", "#filter-type"]) {
  $(id).addEventListener("input", () => renderAll());
}
$("#pause").addEventListener("change", (event) => {
  paused = (event.target as HTMLInputElement).checked;
  if (!paused) renderAll();
});
$("#clear").addEventListener("click", async () => {
  await api("/requests", { method: "DELETE" });
  entries.clear();
  renderAll();
});
$("#export").addEventListener("click", exportHar);
$("#signin-form").addEventListener("submit", signIn);
$("#rule-form").addEventListener("submit", addRule);
$("#download-form").addEventListener("submit", startDownload);
$("#browser-form").addEventListener("submit", (event) => void startBrowser(event));
$("#browsers-close").addEventListener("click", async () => {
  await api("/browsers", { method: "DELETE" });
  $("#browser-status").textContent = "closed";
  showTargets();
});
$("#cookie-filter").addEventListener("input", () => showCookies());
for (const tab of document.querySelectorAll<HTMLElement>("nav button")) {
  tab.addEventListener("click", () => showView(tab.dataset.view!));
}
start().catch(() => {});
