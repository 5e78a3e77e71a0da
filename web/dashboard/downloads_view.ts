/**
 * The dashboard's Downloads view: one row per download of the server's sessions with its progress
 * bar, speed and state, and Pause / Resume / Cancel; a form starts a download. Rows update live
 * from the event stream's `download` events (`upsertDownload`).
 *
 * @module
 */
/// <reference lib="dom" />
import { $, el, sizeText } from "./_dom.ts";
import { api } from "./_api.ts";

/** A download as `GET /api/downloads` lists it. */
export interface Download {
  id: number;
  url: string;
  filename: string;
  savePath: string;
  state: string;
  paused: boolean;
  canResume: boolean;
  receivedBytes: number;
  totalBytes: number;
  percentComplete: number;
  bytesPerSecond: number;
}

function downloadState(d: Download): string {
  if (d.state === "progressing") return d.paused ? "paused" : "progressing";
  return d.state;
}

function downloadRow(d: Download): HTMLTableRowElement {
  const act = (action: string) =>
    el("button", {
      className: action,
      onclick: async () => {
        const answer = await api(`/downloads/${action}`, {
          method: "POST",
          body: JSON.stringify({ id: d.id }),
        });
        if (answer.ok) upsertDownload(await answer.json() as Download);
      },
    }, action[0].toUpperCase() + action.slice(1));
  const state = downloadState(d);
  const total = d.totalBytes > 0 ? ` of ${sizeText(d.totalBytes)}` : "";
  return el(
    "tr",
    {
      dataset: { id: String(d.id), state, received: String(d.receivedBytes) },
      className: `download ${state}`,
    },
    el("td", { title: d.savePath }, d.filename || "…"),
    el("td", { className: "url", title: d.url }, d.url),
    el(
      "td",
      {},
      // Without a value the bar is indeterminate: the size is not known yet.
      el("progress", d.percentComplete >= 0 ? { max: 100, value: d.percentComplete } : {}),
      " ",
      el(
        "span",
        { className: "progress-text" },
        `${sizeText(d.receivedBytes)}${total}${
          d.percentComplete >= 0 ? ` (${d.percentComplete}%)` : ""
        }`,
      ),
    ),
    el("td", {}, state === "progressing" ? `${sizeText(d.bytesPerSecond)}/s` : ""),
    el("td", { className: "state" }, state),
    el(
      "td",
      {},
      state === "progressing" ? act("pause") : null,
      state === "paused" || (d.state === "interrupted" && d.canResume) ? act("resume") : null,
      d.state === "progressing" || (d.state === "interrupted" && d.canResume)
        ? act("cancel")
        : null,
    ),
  );
}

/** Shows a download (a new row, or its row updated). */
export function upsertDownload(d: Download): void {
  const body = $("#downloads tbody");
  const old = body.querySelector(`tr[data-id="${d.id}"]`);
  const fresh = downloadRow(d);
  if (old) old.replaceWith(fresh);
  else body.append(fresh);
}

/** Fills the downloads view. */
export async function showDownloads(): Promise<void> {
  const list = await (await api("/downloads")).json() as Download[];
  $("#downloads tbody").replaceChildren();
  for (const d of list) upsertDownload(d);
}

/** The download form's submit: starts a download of the URL. */
export async function startDownload(event: Event): Promise<void> {
  event.preventDefault();
  const error = $("#download-error");
  error.textContent = "";
  const url = ($("#download-url") as HTMLInputElement).value.trim();
  const answer = await api("/downloads", { method: "POST", body: JSON.stringify({ url }) });
  if (!answer.ok) {
    error.textContent = (await answer.json()).error;
    return;
  }
  upsertDownload(await answer.json() as Download);
}
