/**
 * The Referrer Policy spec's "determine request's referrer" (w3c webappsec-referrer-policy), for
 * one hop: what a request sends as its `Referer` header, recomputed on every redirect hop, and the
 * reading of a redirect response's `Referrer-Policy` header (Fetch's "HTTP-redirect fetch").
 *
 * Downgrade is Chromium's network-layer test (net's `ComputeReferrerForPolicy`, which redirects
 * go through): a cryptographic scheme (`https:`, `wss:`) referring to one that is not.
 *
 * @module
 */

/** The referrer policies of the spec; `""` stands for the default. */
export const REFERRER_POLICIES: readonly string[] = [
  "",
  "no-referrer",
  "no-referrer-when-downgrade",
  "same-origin",
  "origin",
  "strict-origin",
  "origin-when-cross-origin",
  "strict-origin-when-cross-origin",
  "unsafe-url",
];
const KNOWN: ReadonlySet<string> = new Set(REFERRER_POLICIES);
/** Fetch's (and Chromium's, and Electron's `net.request`'s) default policy. */
export const DEFAULT_REFERRER_POLICY = "strict-origin-when-cross-origin";
/** Longer referrers are cut to their origin (the spec's length limit, in bytes). */
const MAX_REFERRER_BYTES = 4096;
/** A referrer from one of these schemes is never sent (the spec's local schemes). */
const LOCAL_SCHEMES: ReadonlySet<string> = new Set(["about:", "blob:", "data:"]);
const SECURE_SCHEMES: ReadonlySet<string> = new Set(["https:", "wss:"]);
const encoder = new TextEncoder();

/**
 * `value` when it is a referrer policy, else a TypeError naming `where` and the policies.
 *
 * @example
 * ```ts
 * checkReferrerPolicy("origin", "fetch: referrerPolicy"); // "origin"
 * // checkReferrerPolicy("bogus", "fetch: referrerPolicy"); // throws TypeError
 * ```
 */
export function checkReferrerPolicy(value: unknown, where: string): string {
  if (typeof value === "string" && KNOWN.has(value)) return value;
  const shown = typeof value === "string" ? `"${value.slice(0, 100)}"` : String(value);
  const allowed = REFERRER_POLICIES.map((p) => `"${p}"`).join(", ");
  throw new TypeError(`${where} must be one of ${allowed}, got ${shown}`);
}

/**
 * The policy a `Referrer-Policy` header sets (its last known token wins), or `current` when it
 * names none (absent, empty, or only unknown tokens).
 *
 * @example
 * ```ts
 * policyFromHeader("unsafe-url, bogus", "origin"); // "unsafe-url"
 * policyFromHeader(null, "origin"); // "origin"
 * ```
 */
export function policyFromHeader(header: string | null, current: string): string {
  if (header === null) return current;
  let policy = current;
  for (const token of header.split(",")) {
    const name = token.trim().toLowerCase();
    if (name !== "" && KNOWN.has(name)) policy = name;
  }
  return policy;
}

function stripForReferrer(url: URL, originOnly: boolean): string {
  if (originOnly) return `${url.origin}/`;
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  copy.hash = "";
  return copy.href;
}

/**
 * What a hop to `target` sends as `Referer` for the referrer `referrer` under `policy` (`""`:
 * the default), or `""` for no referrer: credentials and fragment stripped, cut to the origin as
 * the policy says (and when longer than 4096 bytes), none on a downgrade where the policy says so.
 *
 * @example
 * ```ts
 * determineReferrer("https://a.test/page?q#f", "", "https://b.test/"); // "https://a.test/"
 * determineReferrer("https://a.test/page", "", "https://a.test/x"); // "https://a.test/page"
 * determineReferrer("https://a.test/page", "", "http://a.test/x"); // ""
 * ```
 */
export function determineReferrer(referrer: string, policy: string, target: string): string {
  const from = URL.parse(referrer);
  const to = URL.parse(target);
  // Local schemes never refer; nor does an opaque origin (file:, custom schemes), which has no
  // origin to cut to.
  if (from === null || to === null || LOCAL_SCHEMES.has(from.protocol)) return "";
  if (from.origin === "null") return "";
  const effective = policy === "" ? DEFAULT_REFERRER_POLICY : policy;
  if (effective === "no-referrer") return "";
  let full = stripForReferrer(from, false);
  const origin = stripForReferrer(from, true);
  if (encoder.encode(full).byteLength > MAX_REFERRER_BYTES) full = origin;
  if (encoder.encode(origin).byteLength > MAX_REFERRER_BYTES) return "";
  const sameOrigin = from.origin === to.origin;
  const downgrade = SECURE_SCHEMES.has(from.protocol) && !SECURE_SCHEMES.has(to.protocol);
  switch (effective) {
    case "unsafe-url":
      return full;
    case "origin":
      return origin;
    case "strict-origin":
      return downgrade ? "" : origin;
    case "origin-when-cross-origin":
      return sameOrigin ? full : origin;
    case "same-origin":
      return sameOrigin ? full : "";
    case "no-referrer-when-downgrade":
      return downgrade ? "" : full;
    default: // strict-origin-when-cross-origin
      return sameOrigin ? full : downgrade ? "" : origin;
  }
}
