/**
 * The isolation key a shared dictionary is stored and looked up under: Electron's
 * `{ frameOrigin, topFrameSite }`. A request of websession has a frame when it carries an
 * initiator (`initiator`, `topLevelSite`); one without (`ses.fetch`, `net.request`) is keyed as a
 * top-level navigation to its own URL would be.
 *
 * @module
 */
import type { PipelineRequest } from "../../kernel/request.ts";

/** Where a dictionary belongs: the frame's origin and the top frame's site, both serialized. */
export interface IsolationKey {
  /** The frame's origin, e.g. `https://app.example.com`. */ frameOrigin: string;
  /** The top frame's schemeful site, e.g. `https://example.com`. */ topFrameSite: string;
}

/** Reads a schemeful site (`site.ts`'s `schemefulSite`, loaded on first use). */
export type SiteOf = (url: string) => string;

/**
 * The isolation key of a pipeline request.
 *
 * @example
 * ```ts
 * import { loadSchemefulSite } from "./site.ts";
 * const schemefulSite = await loadSchemefulSite();
 * const request = { url: "https://cdn.example.com/a.js", initiator: null, topLevelSite: null };
 * isolationKeyOf(request as never, schemefulSite);
 * // { frameOrigin: "https://cdn.example.com", topFrameSite: "https://example.com" }
 * ```
 */
export function isolationKeyOf(request: PipelineRequest, siteOf: SiteOf): IsolationKey {
  const frameOrigin = request.initiator ?? new URL(request.url).origin;
  return { frameOrigin, topFrameSite: request.topLevelSite ?? siteOf(frameOrigin) };
}

/**
 * Reads Electron's `{ frameOrigin, topFrameSite }` option of `getSharedDictionaryInfo` and
 * `clearSharedDictionaryCacheForIsolationKey` (URLs, serialized as an origin and a site); throws
 * Electron's errors for a missing or invalid one.
 *
 * @example
 * ```ts
 * import { loadSchemefulSite } from "./site.ts";
 * const schemefulSite = await loadSchemefulSite();
 * isolationKeyOption({ frameOrigin: "https://a.example.com/x", topFrameSite: "https://a.example.com" }, schemefulSite, "");
 * // { frameOrigin: "https://a.example.com", topFrameSite: "https://example.com" }
 * ```
 */
export function isolationKeyOption(options: unknown, siteOf: SiteOf, suffix: string): IsolationKey {
  const { frameOrigin, topFrameSite } = (options ?? {}) as Record<string, unknown>;
  if (typeof frameOrigin !== "string" || typeof topFrameSite !== "string") {
    throw new TypeError(`Must provide frameOrigin and topFrameSite strings${suffix}`);
  }
  if (!URL.canParse(frameOrigin) || !URL.canParse(topFrameSite)) {
    throw new TypeError("Invalid URLs provided for frameOrigin or topFrameSite");
  }
  return { frameOrigin: new URL(frameOrigin).origin, topFrameSite: siteOf(topFrameSite) };
}
