/**
 * The enum objects Chrome puts on its `chrome.*` namespaces (`chrome.runtime.OnInstalledReason`,
 * `chrome.declarativeNetRequest.RuleActionType`, ...): each value under its CONSTANT_CASE name,
 * as Chrome's bindings generate them from the API schemas. Extension code (and `@types/chrome`
 * users) reads rule actions, resource types and extraInfoSpec values from them.
 *
 * @module
 */

/** An enum object: each value under its name in CONSTANT_CASE (`upgradeScheme`: `UPGRADE_SCHEME`). */
export type ChromeEnum = Readonly<Record<string, string>>;

/**
 * Chrome's enum object for a list of values.
 *
 * @example
 * ```ts
 * chromeEnum(["main_frame", "upgradeScheme"]); // { MAIN_FRAME: "main_frame", UPGRADE_SCHEME: "upgradeScheme" }
 * ```
 */
export function chromeEnum(values: readonly string[]): ChromeEnum {
  const out: Record<string, string> = {};
  for (const value of values) {
    out[value.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()] = value;
  }
  return Object.freeze(out);
}

const RESOURCE_TYPES = [
  "main_frame",
  "sub_frame",
  "stylesheet",
  "script",
  "image",
  "font",
  "object",
  "xmlhttprequest",
  "ping",
  "csp_report",
  "media",
  "websocket",
  "webbundle",
  "other",
];
const HEADERS = ["responseHeaders", "extraHeaders"];

/**
 * The enums of `chrome.webRequest` (its `ResourceType` and one `On<Event>Options` per event).
 *
 * @example
 * ```ts
 * WEB_REQUEST_ENUMS.OnBeforeSendHeadersOptions.EXTRA_HEADERS; // "extraHeaders"
 * ```
 */
export const WEB_REQUEST_ENUMS: Readonly<Record<string, ChromeEnum>> = {
  ResourceType: chromeEnum(RESOURCE_TYPES),
  OnBeforeRequestOptions: chromeEnum(["blocking", "requestBody", "extraHeaders"]),
  OnBeforeSendHeadersOptions: chromeEnum(["requestHeaders", "blocking", "extraHeaders"]),
  OnSendHeadersOptions: chromeEnum(["requestHeaders", "extraHeaders"]),
  OnHeadersReceivedOptions: chromeEnum(["blocking", ...HEADERS]),
  OnAuthRequiredOptions: chromeEnum([
    "responseHeaders",
    "blocking",
    "asyncBlocking",
    "extraHeaders",
  ]),
  OnResponseStartedOptions: chromeEnum(HEADERS),
  OnBeforeRedirectOptions: chromeEnum(HEADERS),
  OnCompletedOptions: chromeEnum(HEADERS),
  OnErrorOccurredOptions: chromeEnum(["extraHeaders"]),
};

/**
 * The enums of `chrome.declarativeNetRequest`.
 *
 * @example
 * ```ts
 * DNR_ENUMS.RuleActionType.BLOCK; // "block"
 * ```
 */
export const DNR_ENUMS: Readonly<Record<string, ChromeEnum>> = {
  RuleActionType: chromeEnum([
    "block",
    "redirect",
    "allow",
    "upgradeScheme",
    "modifyHeaders",
    "allowAllRequests",
  ]),
  ResourceType: chromeEnum([...RESOURCE_TYPES.slice(0, -2), "webtransport", "webbundle", "other"]),
  HeaderOperation: chromeEnum(["append", "set", "remove"]),
  DomainType: chromeEnum(["firstParty", "thirdParty"]),
  RequestMethod: chromeEnum([
    "connect",
    "delete",
    "get",
    "head",
    "options",
    "patch",
    "post",
    "put",
    "other",
  ]),
  UnsupportedRegexReason: chromeEnum(["syntaxError", "memoryLimitExceeded"]),
};

/**
 * The enums of `chrome.runtime`, `chrome.cookies`, `chrome.storage` and `chrome.proxy`.
 *
 * @example
 * ```ts
 * OTHER_ENUMS.runtime.OnInstalledReason.INSTALL; // "install"
 * ```
 */
export const OTHER_ENUMS: Readonly<Record<string, Readonly<Record<string, ChromeEnum>>>> = {
  runtime: {
    OnInstalledReason: chromeEnum(["install", "update", "chrome_update", "shared_module_update"]),
    OnRestartRequiredReason: chromeEnum(["app_update", "os_update", "periodic"]),
  },
  cookies: {
    SameSiteStatus: chromeEnum(["no_restriction", "lax", "strict", "unspecified"]),
    OnChangedCause: chromeEnum([
      "evicted",
      "expired",
      "explicit",
      "expired_overwrite",
      "overwrite",
    ]),
  },
  storage: {
    AccessLevel: chromeEnum(["TRUSTED_CONTEXTS", "TRUSTED_AND_UNTRUSTED_CONTEXTS"]),
  },
  proxy: {
    Mode: chromeEnum(["direct", "auto_detect", "pac_script", "fixed_servers", "system"]),
    Scheme: chromeEnum(["http", "https", "quic", "socks4", "socks5"]),
  },
};
