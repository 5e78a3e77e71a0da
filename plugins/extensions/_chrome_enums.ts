/**
 * The enum objects Chrome puts on its `chrome.*` namespaces (`chrome.runtime.OnInstalledReason`,
 * `chrome.declarativeNetRequest.RuleActionType`, ...): each value under its CONSTANT_CASE name,
 * as Chrome's bindings generate them from the API schemas. Extension code (and `@types/chrome`
 * users) reads rule actions, resource types and extraInfoSpec values from them.
 *
 * @module
 */
import { WEB_REQUEST_EXTRA_INFO } from "./_wire.ts";
import { SAME_SITE_STATUSES } from "./_cookies_arguments.ts";
import { ACCESS_LEVELS } from "./_api_signatures.ts";
import { PROXY_MODES, PROXY_SCHEMES } from "./_proxy_arguments.ts";
import {
  DOMAIN_TYPES,
  HEADER_OPERATIONS,
  REQUEST_METHODS,
  RESOURCE_TYPES,
  RULE_ACTION_TYPES,
} from "../web-request/dnr_types.ts";

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

/**
 * The enums of `chrome.webRequest` (its `ResourceType` and one `On<Event>Options` per event).
 *
 * @example
 * ```ts
 * WEB_REQUEST_ENUMS.OnBeforeSendHeadersOptions.EXTRA_HEADERS; // "extraHeaders"
 * ```
 */
export const WEB_REQUEST_ENUMS: Readonly<Record<string, ChromeEnum>> = {
  // webRequest's types are the pipeline's, without webtransport
  ResourceType: chromeEnum(RESOURCE_TYPES.filter((type) => type !== "webtransport")),
  // one On<Event>Options per event, from the list the web-request plugin checks with too
  ...Object.fromEntries(
    Object.entries(WEB_REQUEST_EXTRA_INFO).map((
      [event, values],
    ) => [`On${event.slice(2)}Options`, chromeEnum(values)]),
  ),
  IgnoredActionType: chromeEnum([
    "redirect",
    "request_headers",
    "response_headers",
    "auth_credentials",
  ]),
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
  RuleActionType: chromeEnum(RULE_ACTION_TYPES),
  ResourceType: chromeEnum(RESOURCE_TYPES),
  HeaderOperation: chromeEnum(HEADER_OPERATIONS),
  DomainType: chromeEnum(DOMAIN_TYPES),
  RequestMethod: chromeEnum(REQUEST_METHODS),
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
    SameSiteStatus: chromeEnum(SAME_SITE_STATUSES),
    OnChangedCause: chromeEnum([
      "evicted",
      "expired",
      "explicit",
      "expired_overwrite",
      "overwrite",
    ]),
  },
  storage: {
    AccessLevel: chromeEnum(ACCESS_LEVELS),
  },
  proxy: {
    Mode: chromeEnum(PROXY_MODES),
    Scheme: chromeEnum(PROXY_SCHEMES),
  },
};

/** Every enum the background's `chrome.*` carries, handed to its Worker in `BackgroundInit`. */
export interface ChromeEnums {
  /** `chrome.webRequest`'s. */ webRequest: Readonly<Record<string, ChromeEnum>>;
  /** `chrome.declarativeNetRequest`'s. */ dnr: Readonly<Record<string, ChromeEnum>>;
  /** The other namespaces' (runtime, cookies, storage, proxy). */
  other: Readonly<Record<string, Readonly<Record<string, ChromeEnum>>>>;
}

/**
 * The enums for a background's Worker (which may read only the extensions plugin's folder, so it
 * gets the web-request plugin's lists this way).
 *
 * @example
 * ```ts
 * CHROME_ENUMS.dnr.RuleActionType.MODIFY_HEADERS; // "modifyHeaders"
 * ```
 */
export const CHROME_ENUMS: ChromeEnums = {
  webRequest: WEB_REQUEST_ENUMS,
  dnr: DNR_ENUMS,
  other: OTHER_ENUMS,
};
