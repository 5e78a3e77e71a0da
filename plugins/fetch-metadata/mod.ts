/**
 * The fetch-metadata plugin: `Sec-Fetch-Site`, `Sec-Fetch-Mode` and `Sec-Fetch-Dest` on every
 * request to a potentially trustworthy URL, recomputed on each hop, as Chromium's network service
 * adds them to `net.request` and `ses.fetch` requests (webRequest listeners see them). Values a
 * caller set are replaced, as Chromium does.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("fetch-metadata-example", { preset: false, plugins: [fetchMetadataPlugin] });
 * // await ses.fetch("https://example.com/") sends Sec-Fetch-Site: none, Sec-Fetch-Mode: no-cors, Sec-Fetch-Dest: empty
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { fetchSite, isLocalHost, modeAndDestination } from "./fetch_metadata.ts";

export {
  fetchSite,
  isLocalHost,
  isPotentiallyTrustworthy,
  modeAndDestination,
} from "./fetch_metadata.ts";
export type { FetchSite } from "./fetch_metadata.ts";

/**
 * The fetch-metadata plugin (opt-in, not in the default preset: the three headers cost about a
 * tenth of a loopback request's throughput; a browser sets them itself).
 *
 * @example
 * ```ts
 * fetchMetadataPlugin.name; // "fetch-metadata"
 * ```
 */
export const fetchMetadataPlugin: Plugin = definePlugin({
  manifest,
  setup(ctx) {
    ctx.tap("beforeSendHeaders", (request) => {
      // The kernel's parse of the URL (once per hop), not a URL object per request.
      const { scheme, host } = request.urlParts;
      const trustworthy = scheme === "https" || scheme === "wss" || scheme === "file" ||
        ((scheme === "http" || scheme === "ws") && isLocalHost(host));
      if (!trustworthy) return;
      const { mode, dest } = modeAndDestination(request.resourceType);
      const site = request.initiator === null
        ? "none"
        : fetchSite(request.initiator, [...request.urlList, request.url]);
      const headers = request.headers;
      headers.set("sec-fetch-site", site);
      headers.set("sec-fetch-mode", mode);
      headers.set("sec-fetch-dest", dest);
    }, { order: "pre" });
  },
});
