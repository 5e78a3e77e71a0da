/**
 * The dashboard at `/`: a live view of the pipeline's events from `GET /api/events`, and a link
 * that exports the session's requests as HAR (`GET /api/har`).
 *
 * @module
 */

/**
 * The dashboard's HTML (it asks for the token printed at start).
 *
 * @example
 * ```ts
 * // res.end(dashboard);
 * ```
 */
export const dashboard: string = `<!doctype html>
<meta charset="utf-8"><title>websession</title>
<style>body{font:14px system-ui;margin:1.5em}table{border-collapse:collapse;width:100%}
td,th{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:left;font-family:monospace}
.errorOccurred{color:#b00}</style>
<h1>websession</h1>
<form id="f">Token <input id="t" size="60"> <button>Watch</button>
<a id="har" href="#">Export HAR</a></form>
<table><thead><tr><th>id</th><th>event</th><th>method</th><th>url</th><th>status</th><th>ms</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
document.getElementById("har").onclick = (e) => {
  e.preventDefault();
  location.href = "/api/har?token=" + encodeURIComponent(document.getElementById("t").value);
};
document.getElementById("f").onsubmit = (e) => {
  e.preventDefault();
  const source = new EventSource("/api/events?token=" + encodeURIComponent(document.getElementById("t").value));
  source.addEventListener("pipeline", (m) => {
    const d = JSON.parse(m.data);
    const tr = document.createElement("tr");
    tr.className = d.type;
    for (const v of [d.id, d.type, d.method ?? "", d.url, d.status ?? d.error ?? "", d.elapsed.toFixed(1)]) {
      const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
    }
    document.getElementById("rows").prepend(tr);
  });
};
</script>`;
