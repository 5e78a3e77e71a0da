/**
 * The dashboard's Targets view: the DevTools targets of every browser the server's session drives
 * (`GET /api/targets`), refreshed while shown, and a form that starts a Chromium routed through
 * the server (`POST /api/browsers`).
 *
 * @module
 */
/// <reference lib="dom" />
import { $, el } from "./_dom.ts";
import { api } from "./_api.ts";

interface Target {
  browser: number;
  targetId: string;
  type: string;
  title: string;
  url: string;
  attached: boolean;
}

/** Chromium's own UI (the omnibox popup of a headless browser): not a target a user inspects. */
const HIDDEN_TYPES: ReadonlySet<string> = new Set(["browser_ui"]);

/** Fills the targets view. */
export async function showTargets(): Promise<void> {
  const all = await (await api("/targets")).json() as Target[];
  const list = all.filter((t) => !HIDDEN_TYPES.has(t.type));
  $("#targets-empty").hidden = list.length > 0;
  $("#targets tbody").replaceChildren(...list.map((t) =>
    el(
      "tr",
      { dataset: { id: t.targetId } },
      el("td", {}, String(t.browser)),
      el("td", { className: "target-type" }, t.type),
      el("td", {}, t.title || (t.type === "page" ? "(no title yet)" : "")),
      el("td", { className: "target-url" }, t.url),
      el("td", {}, t.attached ? "yes" : "no"),
      el("td", {}, t.targetId),
    )
  ));
}

/** The browser form's submit: starts a Chromium through this server. */
export async function startBrowser(event: Event): Promise<void> {
  event.preventDefault();
  const url = ($("#browser-url") as HTMLInputElement).value.trim();
  const headless = ($("#browser-headless") as HTMLInputElement).checked;
  const status = $("#browser-status");
  status.textContent = "starting…";
  const answer = await api("/browsers", {
    method: "POST",
    body: JSON.stringify(url ? { url, headless } : { headless }),
  });
  const result = await answer.json();
  status.textContent = answer.ok ? `started (pid ${result.pid})` : result.error;
  status.className = answer.ok ? "" : "error-text";
  showTargets();
}

let timer: ReturnType<typeof setInterval> | null = null;

/** Refreshes the targets every 2 s while the view is shown (`shown` false stops it). */
export function pollTargets(shown: boolean): void {
  if (timer !== null) clearInterval(timer);
  timer = null;
  if (!shown) return;
  showTargets();
  timer = setInterval(() => showTargets().catch(() => {}), 2000);
}
