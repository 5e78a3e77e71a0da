/**
 * The schemeful site of a URL, as Chromium's `SchemefulSite`: its scheme and registrable domain
 * (the cookies plugin's, from the public suffix list; a host without one, such as an IP address or
 * `localhost`, is its own site). Loaded, with the list, when a session first needs a site.
 *
 * @module
 */
import { registrableDomain } from "../cookies/domain_match.ts";
import { loadPublicSuffixList } from "../cookies/public_suffix.ts";

/**
 * The schemeful site of a URL or origin.
 *
 * @example
 * ```ts
 * import { loadPublicSuffixList } from "../cookies/public_suffix.ts";
 * await loadPublicSuffixList();
 * schemefulSite("https://a.b.example.org:8443/x"); // "https://example.org"
 * schemefulSite("http://127.0.0.1:8080"); // "http://127.0.0.1"
 * ```
 */
export function schemefulSite(url: string): string {
  const { protocol, hostname } = new URL(url);
  return `${protocol}//${registrableDomain(hostname)}`;
}

/**
 * {@linkcode schemefulSite}, once the public suffix list is loaded.
 *
 * @example
 * ```ts
 * const siteOf = await loadSchemefulSite();
 * siteOf("https://www.example.co.uk/"); // "https://example.co.uk"
 * ```
 */
export async function loadSchemefulSite(): Promise<(url: string) => string> {
  await loadPublicSuffixList();
  return schemefulSite;
}
