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
import { fetchSite, isPotentiallyTrustworthy, modeAndDestination } from "./fetch_metadata.ts";

export { fetchSite, isPotentiallyTrustworthy, modeAndDestination } from "./fetch_metadata.ts";
export type { FetchSite } from "./fetch_metadata.ts";

/**
 * The fetch-metadata plugin (in the default preset of Deno and Bun; a browser sets these headers
 * itself).
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
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return;
      }
      if (!isPotentiallyTrustworthy(url)) return;
      const { mode, dest } = modeAndDestination(request.resourceType);
      const headers = request.headers;
      headers.set(
        "sec-fetch-site",
        fetchSite(request.initiator, [...request.urlList, request.url]),
      );
      headers.set("sec-fetch-mode", mode);
      headers.set("sec-fetch-dest", dest);
    }, { order: "pre" });
  },
});
