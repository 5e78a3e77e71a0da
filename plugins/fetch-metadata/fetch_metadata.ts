/**
 * The Fetch Metadata request headers (W3C Fetch Metadata), computed as Chromium's network service
 * does: only for potentially trustworthy URLs; `Sec-Fetch-Site` from the request's initiator
 * against every URL of its redirect chain (the least related one wins: `cross-site` over
 * `same-site` over `same-origin`; `none` without an initiator); `Sec-Fetch-Mode` and
 * `Sec-Fetch-Dest` from the request's mode and destination.
 *
 * @module
 */
import { getDomain } from "tldts";

/** What `Sec-Fetch-Site` says. */
export type FetchSite = "same-origin" | "same-site" | "cross-site" | "none";

const RANK: Record<FetchSite, number> = {
  "none": 0,
  "same-origin": 1,
  "same-site": 2,
  "cross-site": 3,
};

/**
 * Whether a host is a loopback name or address (localhost, `*.localhost`, 127/8, `[::1]`).
 *
 * @example
 * ```ts
 * isLocalHost("127.0.0.1"); // true
 * ```
 */
export function isLocalHost(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether a URL is potentially trustworthy (https, wss, file, or a loopback host).
 *
 * @example
 * ```ts
 * isPotentiallyTrustworthy(new URL("http://127.0.0.1:8000/")); // true
 * isPotentiallyTrustworthy(new URL("http://example.com/")); // false
 * ```
 */
export function isPotentiallyTrustworthy(url: URL): boolean {
  const p = url.protocol;
  if (p === "https:" || p === "wss:" || p === "file:") return true;
  return (p === "http:" || p === "ws:") && isLocalHost(url.hostname);
}

function siteOf(url: URL): string {
  const host = url.hostname;
  return `${url.protocol}//${getDomain(host, { allowPrivateDomains: true }) ?? host}`;
}

/**
 * How a URL relates to the initiator's origin.
 *
 * @example
 * ```ts
 * relation("https://a.example.com", new URL("https://b.example.com/")); // "same-site"
 * ```
 */
export function relation(initiator: string, url: URL): FetchSite {
  let from: URL;
  try {
    from = new URL(initiator);
  } catch {
    return "cross-site"; // an opaque origin is related to nothing
  }
  if (from.origin === "null") return "cross-site";
  if (from.origin === url.origin) return "same-origin";
  return siteOf(from) === siteOf(url) ? "same-site" : "cross-site";
}

/**
 * `Sec-Fetch-Site` for a request made by `initiator` (null: the user or the browser itself)
 * that went through `chain` (every URL, the current one last).
 *
 * @example
 * ```ts
 * fetchSite(null, ["https://a.test/"]); // "none"
 * fetchSite("https://a.test", ["https://a.test/x", "https://b.test/y"]); // "cross-site"
 * ```
 */
export function fetchSite(initiator: string | null, chain: readonly string[]): FetchSite {
  if (initiator === null) return "none";
  let worst: FetchSite = "same-origin";
  for (const href of chain) {
    const r = relation(initiator, new URL(href));
    if (RANK[r] > RANK[worst]) worst = r;
  }
  return worst;
}

/**
 * A request's mode and destination, from its resource type (Chrome's webRequest names): frames
 * navigate, `xmlhttprequest` and fonts are `cors`, the rest `no-cors`, as a page would send them;
 * `other` (`net.request`, `ses.fetch`) is `no-cors` to `empty`, Chromium's defaults.
 *
 * @example
 * ```ts
 * modeAndDestination("main_frame"); // { mode: "navigate", dest: "document" }
 * modeAndDestination("other"); // { mode: "no-cors", dest: "empty" }
 * ```
 */
export function modeAndDestination(resourceType: string): { mode: string; dest: string } {
  switch (resourceType) {
    case "main_frame":
      return { mode: "navigate", dest: "document" };
    case "sub_frame":
      return { mode: "navigate", dest: "iframe" };
    case "script":
      return { mode: "no-cors", dest: "script" };
    case "stylesheet":
      return { mode: "no-cors", dest: "style" };
    case "image":
      return { mode: "no-cors", dest: "image" };
    case "font":
      return { mode: "cors", dest: "font" };
    case "object":
      return { mode: "no-cors", dest: "object" };
    case "csp_report":
      return { mode: "no-cors", dest: "report" };
    case "websocket":
      return { mode: "websocket", dest: "websocket" };
    case "xmlhttprequest":
      return { mode: "cors", dest: "empty" };
    default:
      return { mode: "no-cors", dest: "empty" };
  }
}
