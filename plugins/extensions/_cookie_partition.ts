/**
 * Chrome's `CookiePartitionKey` in the extensions' cookies API, over the session's cookies (whose
 * `partitionKey` is the top-level site string, absent when unpartitioned). Per Chrome's docs "all
 * API methods operate on unpartitioned cookies" by default; Chromium's cookies API reads the key
 * this way:
 * - `getAll`: no key → unpartitioned cookies; `{}` (no `topLevelSite`) → every cookie, partitioned
 *   or not; `{ topLevelSite: "" }` → unpartitioned; `{ topLevelSite: S }` → the cookies of S's
 *   partition (either `hasCrossSiteAncestor` unless the key gives one);
 * - `get`, `set`, `remove`: no key, `{}` or an empty `topLevelSite` → the unpartitioned cookie;
 *   `{ topLevelSite: S }` → S's partition.
 *
 * websession keeps no frame tree, so a cookie's `hasCrossSiteAncestor` is derived: true when the
 * cookie's site is not its partition's top-level site (it was set in a cross-site frame).
 *
 * @module
 */

/** Chrome's `cookies.CookiePartitionKey`. */
export interface ChromePartitionKey {
  /** The top-level site of the partition (`"https://example.com"`); `""` for none. */
  topLevelSite?: string;
  /** Whether the cookie was set in a frame with a cross-site ancestor. */
  hasCrossSiteAncestor?: boolean;
}

/** Which partitions a call reads or writes: `all`, or one partition's site (`""`: none). */
export type PartitionChoice = { all: true } | { all: false; site: string };

/**
 * Reads the `details.partitionKey` of a call to `op` (its types already checked by
 * `checkCookiesCall`) as Chrome's cookies API does; throws its words for a key it refuses. For
 * `getAll`, `{}` means every partition.
 *
 * @example
 * ```ts
 * partitionChoice(undefined, "get"); // { all: false, site: "" }
 * partitionChoice({}, "getAll"); // { all: true }
 * partitionChoice({ topLevelSite: "https://a.example" }, "set"); // { all: false, site: "https://a.example" }
 * ```
 */
export function partitionChoice(
  key: ChromePartitionKey | undefined,
  op: string,
): PartitionChoice {
  if (key === undefined) return { all: false, site: "" };
  const { topLevelSite, hasCrossSiteAncestor } = key;
  if (topLevelSite === undefined) {
    if (hasCrossSiteAncestor !== undefined) {
      throw new Error("CookiePartitionKey.topLevelSite unexpectedly not present.");
    }
    return op === "getAll" ? { all: true } : { all: false, site: "" };
  }
  if (topLevelSite === "") {
    if (hasCrossSiteAncestor === true) {
      throw new Error(
        "partitionKey with empty topLevelSite unexpectedly has a cross-site ancestor value of true.",
      );
    }
    return { all: false, site: "" };
  }
  if (!URL.canParse(topLevelSite) || new URL(topLevelSite).origin === "null") {
    throw new Error("Invalid value for CookiePartitionKey.topLevelSite.");
  }
  return { all: false, site: topLevelSite };
}

/**
 * Whether `host` is the host of `site` (a schemeful site: scheme and registrable domain) or one of
 * its subdomains; a cookie's domain may have a leading dot.
 *
 * @example
 * ```ts
 * withinSite("https://example.com", "www.example.com"); // true
 * withinSite("https://example.com", ".other.example"); // false
 * ```
 */
export function withinSite(site: string, host: string): boolean {
  const siteHost = site.slice(site.indexOf("://") + 3);
  const h = host.startsWith(".") ? host.slice(1) : host;
  return h === siteHost || h.endsWith(`.${siteHost}`);
}

/** Whether a partition's site (as the session keys it) is the one a call names. */
function samePartition(partition: string, named: string): boolean {
  if (partition === "" || named === "") return partition === named;
  const scheme = (s: string) => s.slice(0, s.indexOf("://"));
  return scheme(partition) === scheme(named) && withinSite(partition, new URL(named).hostname);
}

/**
 * Whether a session cookie falls within a call's partition choice and, when the call's key gives
 * one, its `hasCrossSiteAncestor`.
 *
 * @example
 * ```ts
 * inPartition({ domain: "a.example" }, { all: false, site: "" }, undefined); // true
 * ```
 */
export function inPartition(
  cookie: { domain: string; partitionKey?: string },
  choice: PartitionChoice,
  key: ChromePartitionKey | undefined,
): boolean {
  if (choice.all) return true;
  const site = cookie.partitionKey ?? "";
  if (!samePartition(site, choice.site)) return false;
  if (site === "" || key?.hasCrossSiteAncestor === undefined) return true;
  return key.hasCrossSiteAncestor === !withinSite(site, cookie.domain);
}

/**
 * A session cookie in Chrome's shape: its `partitionKey` string becomes Chrome's object (with the
 * derived `hasCrossSiteAncestor`), and `storeId` is "0".
 *
 * @example
 * ```ts
 * toChromeCookie({ name: "a", domain: "x.example", partitionKey: "https://y.example" });
 * // { ..., partitionKey: { topLevelSite: "https://y.example", hasCrossSiteAncestor: true }, storeId: "0" }
 * ```
 */
export function toChromeCookie(cookie: Record<string, unknown>): Record<string, unknown> {
  const { partitionKey, ...rest } = cookie;
  if (typeof partitionKey !== "string" || partitionKey === "") return { ...rest, storeId: "0" };
  return {
    ...rest,
    partitionKey: {
      topLevelSite: partitionKey,
      hasCrossSiteAncestor: !withinSite(partitionKey, String(cookie.domain)),
    },
    storeId: "0",
  };
}
