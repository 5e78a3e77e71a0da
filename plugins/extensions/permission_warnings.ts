/**
 * Chrome's install-time permission warnings (what `chrome.management.getPermissionWarningsById`
 * and `getPermissionWarningsByManifest` answer), for the permissions Chrome's permission list
 * documents a warning for: the host access first, then one line per warning, in a fixed order.
 * Permissions without a warning (`storage`, `alarms`, `cookies`, `webRequest`, ...) add none.
 *
 * @module
 */
import { MatchPattern } from "../web-request/match_pattern.ts";

const ALL_HOSTS = "Read and change all your data on all websites";
const BROWSING_HISTORY = "Read your browsing history";

/** Permissions whose own warning Chrome shows, in the order the lines come. */
const WARNINGS: ReadonlyArray<readonly [string, string]> = [
  ["declarativeNetRequest", "Block content on any page"],
  ["bookmarks", "Read and change your bookmarks"],
  ["clipboardRead", "Read data you copy and paste"],
  ["clipboardWrite", "Modify data you copy and paste"],
  ["downloads", "Manage your downloads"],
  ["geolocation", "Detect your physical location"],
  ["management", "Manage your apps, extensions, and themes"],
  ["nativeMessaging", "Communicate with cooperating native applications"],
  ["notifications", "Display notifications"],
  ["privacy", "Change your privacy-related settings"],
  ["topSites", "Read a list of your most frequently visited websites"],
];

/** Permissions that read the pages visited ("Read your browsing history"). */
const HISTORY_READERS = ["tabs", "webNavigation", "declarativeNetRequestFeedback"];
/** Permissions that give away every request, so Chrome warns as for every host. */
const FULL_ACCESS = ["proxy"];

/**
 * The warnings Chrome shows for these API permissions and host patterns.
 *
 * @example
 * ```ts
 * permissionWarnings(["tabs", "storage"], ["https://example.com/*"]);
 * // ["Read and change your data on example.com", "Read your browsing history"]
 * ```
 */
export function permissionWarnings(
  permissions: readonly string[],
  origins: readonly string[],
): string[] {
  const has = (p: string) => permissions.includes(p);
  const hosts = new Set<string>();
  let everyHost = FULL_ACCESS.some(has);
  for (const origin of origins) {
    let pattern: MatchPattern;
    try {
      pattern = new MatchPattern(origin);
    } catch {
      continue; // the manifest check refuses it first
    }
    if (pattern.matchAllUrls || pattern.host === "*") everyHost = true;
    else if (pattern.host !== "") {
      hosts.add(pattern.matchSubdomains ? `all ${pattern.host} sites` : pattern.host);
    }
  }
  const warnings: string[] = [];
  if (everyHost) warnings.push(ALL_HOSTS);
  else if (hosts.size > 0) warnings.push(hostWarning([...hosts].sort(byHost)));
  if (has("history")) {
    warnings.push("Read and change your browsing history on all your signed-in devices");
  } else if (!everyHost && HISTORY_READERS.some(has)) warnings.push(BROWSING_HISTORY);
  for (const [permission, warning] of WARNINGS) if (has(permission)) warnings.push(warning);
  return warnings;
}

/** Hosts in Chrome's order: by host name, a wildcard one (`all x sites`) by its domain. */
function byHost(a: string, b: string): number {
  const key = (h: string) => h.replace(/^all (.*) sites$/, "$1");
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function hostWarning(hosts: string[]): string {
  const on = "Read and change your data on";
  if (hosts.length === 1) return `${on} ${hosts[0]}`;
  if (hosts.length === 2) return `${on} ${hosts[0]} and ${hosts[1]}`;
  if (hosts.length === 3) return `${on} ${hosts[0]}, ${hosts[1]}, and ${hosts[2]}`;
  return `${on} a number of websites`;
}
