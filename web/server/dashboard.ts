/**
 * The dashboard at `/`: the page (below) and its script, `web/dashboard/app.ts` bundled by esbuild
 * on the first request for it and kept in memory (no CDN, no build step to remember).
 *
 * @module
 */
import * as esbuild from "esbuild";

let script: Promise<string> | null = null;

/**
 * The dashboard's script, bundled once.
 *
 * @example
 * ```ts
 * // res.end(await dashboardScript());
 * ```
 */
export function dashboardScript(): Promise<string> {
  script ??= esbuild.build({
    entryPoints: [new URL("../dashboard/app.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    logLevel: "silent",
  }).then((result) => result.outputFiles[0].text).catch((error) => {
    script = null;
    throw error;
  });
  return script;
}

/**
 * The dashboard's page.
 *
 * @example
 * ```ts
 * // res.end(dashboardHtml);
 * ```
 */
export const dashboardHtml: string = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>websession</title>
<meta name="viewport" content="width=device-width">
<style>
body{font:13px system-ui,sans-serif;margin:0;color:#222}
header{display:flex;gap:1em;align-items:center;padding:.5em 1em;background:#263238;color:#fff}
header h1{font-size:16px;margin:0}nav button{background:none;color:#cfd8dc;border:0;padding:.4em .8em;cursor:pointer}
nav button.current{color:#fff;border-bottom:2px solid #4fc3f7}
.toolbar{display:flex;gap:.5em;align-items:center;padding:.4em 1em;border-bottom:1px solid #ddd;flex-wrap:wrap}
main{display:flex;height:calc(100vh - 80px)}#list{flex:1;overflow:auto}
table{border-collapse:collapse;width:100%}td,th{padding:.2em .5em;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
#downloads td.url{max-width:30vw;overflow:hidden;text-overflow:ellipsis}#downloads progress{width:120px}
#requests td.url{max-width:40vw;overflow:hidden;text-overflow:ellipsis}#requests tr{cursor:pointer}
#requests tr:hover{background:#f5f5f5}#requests tr.selected{background:#e1f5fe}
main:has(#detail:not([hidden])) #requests td.url{max-width:14vw}
main:has(#detail:not([hidden])) #requests td.status{max-width:7vw;overflow:hidden;text-overflow:ellipsis}
main:has(#detail:not([hidden])) .waterfall{width:90px}
tr.error td,tr.\\34xx td,tr.\\35xx td{color:#c62828}
.waterfall{position:relative;width:160px;height:10px;background:#fafafa}
.waterfall span{position:absolute;top:0;height:10px}.blocked{background:#bdbdbd}.waiting{background:#66bb6a}.receiving{background:#42a5f5}
#detail{width:45%;overflow:auto;border-left:1px solid #ddd;padding:0 1em;position:relative}
#detail .close{position:absolute;right:.5em;top:.5em}#detail h2{font-size:14px;word-break:break-all}
#detail th{color:#555;vertical-align:top}#detail td{white-space:normal;word-break:break-all}
#detail .explain td{word-break:normal;overflow-wrap:anywhere}#detail .explain td:first-child{white-space:nowrap}
pre{background:#fafafa;padding:.5em;overflow:auto;max-height:40vh}img{max-width:100%}
.note{color:#777}.view{padding:0 1em}#signin{max-width:28em;margin:4em auto}.error-text{color:#c62828}
textarea{width:100%;font-family:monospace}
</style>
<div id="signin" hidden>
<h1>websession</h1>
<form id="signin-form"><p>Paste the token the server printed at start. It is exchanged for a
cookie this page cannot read; it never goes into a URL.</p>
<input id="token" type="password" autocomplete="off" size="50" aria-label="token">
<button>Sign in</button><p id="signin-error" class="error-text"></p></form>
</div>
<div id="app" hidden>
<header><h1>websession</h1><nav>
<button data-view="requests" class="current">Requests</button><button data-view="cookies">Cookies</button>
<button data-view="rules">Rules</button><button data-view="addons">Add-ons</button>
<button data-view="downloads">Downloads</button>
<button data-view="targets">Targets</button></nav></header>
<div id="view-requests" class="view" style="padding:0">
<div class="toolbar">
<input id="filter-text" placeholder="Filter URLs" aria-label="filter">
<select id="filter-method" aria-label="method"><option value="">All methods</option>
<option>GET</option><option>POST</option><option>PUT</option><option>PATCH</option><option>DELETE</option>
<option>HEAD</option><option>OPTIONS</option></select>
<select id="filter-status" aria-label="status"><option value="">All statuses</option>
<option value="2xx">2xx</option><option value="3xx">3xx</option><option value="4xx">4xx</option>
<option value="5xx">5xx</option><option value="error">Failed</option></select>
<select id="filter-type" aria-label="type"><option value="">All types</option>
<option>document</option><option>script</option><option>stylesheet</option><option>image</option>
<option>json</option><option>text</option><option>font</option><option>binary</option><option>other</option></select>
<label><input id="pause" type="checkbox"> Pause</label>
<button id="clear">Clear</button><button id="export">Export HAR</button><span id="count"></span>
</div>
<main><div id="list"><table id="requests"><thead><tr><th>Method</th><th>URL</th><th>Status</th>
<th>Type</th><th>Size</th><th>Time</th><th>Waterfall</th></tr></thead><tbody></tbody></table></div>
<aside id="detail" hidden></aside></main>
</div>
<div id="view-cookies" class="view" hidden>
<p><input id="cookie-filter" placeholder="Filter by domain or name" aria-label="cookie filter"></p>
<table id="cookies"><thead><tr><th>Domain</th><th>Name</th><th>Value</th><th>Path</th><th>Expires (UTC)</th><th>Flags</th><th></th></tr></thead><tbody></tbody></table>
</div>
<div id="view-rules" class="view" hidden>
<table id="rules"><thead><tr><th>Id</th><th>Kind</th><th>Rule</th><th></th></tr></thead><tbody></tbody></table>
<h3>Add a rule</h3>
<form id="rule-form">
<p><label>Id <input id="rule-id" type="number" value="1000"></label></p>
<p><label>Action (JSON)<textarea id="rule-action" rows="2">{"type":"block"}</textarea></label></p>
<p><label>Condition (JSON)<textarea id="rule-condition" rows="2">{"urlFilter":"||ads.example^"}</textarea></label></p>
<p><button>Add rule</button> <span id="rule-error" class="error-text"></span></p>
</form>
</div>
<div id="view-addons" class="view" hidden>
<table id="addons"><thead><tr><th>Name</th><th>Version</th><th>Isolation</th><th>State</th><th></th></tr></thead><tbody></tbody></table>
</div>
<div id="view-downloads" class="view" hidden>
<form id="download-form"><p><input id="download-url" size="60" placeholder="URL to download" aria-label="download URL">
<button>Download</button> <span id="download-error" class="error-text"></span></p></form>
<table id="downloads"><thead><tr><th>File</th><th>URL</th><th>Progress</th><th>Speed</th><th>State</th><th></th></tr></thead><tbody></tbody></table>
</div>
<div id="view-targets" class="view" hidden>
<form id="browser-form" class="toolbar"><input id="browser-url" type="url" size="50"
placeholder="https://example.com/ (optional)" aria-label="browser URL">
<label><input id="browser-headless" type="checkbox" checked> Headless</label>
<button>Start a browser through this server</button><button type="button" id="browsers-close">Close the started browsers</button>
<span id="browser-status"></span></form>
<p id="targets-empty">The session drives no browser. Start one above, or let an add-on call
<code>ses.cdp.launch()</code> or <code>ses.cdp.connect()</code>.</p>
<table id="targets"><thead><tr><th>Browser</th><th>Type</th><th>Title</th><th>URL</th><th>Attached</th><th>Id</th></tr></thead><tbody></tbody></table>
</div>
</div>
<script type="module" src="/dashboard.js"></script>
</html>`;
