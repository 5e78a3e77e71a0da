/**
 * The arguments of `chrome.proxy.settings`' methods (Chrome's `types.ChromeSetting` over a
 * `proxy.ProxyConfig`), checked at the call as Chromium 156 checks them: `get` and `clear` by the
 * bindings (`Error in invocation of types.ChromeSetting.get(object details, optional function
 * callback): ...`), `set` by the ChromeSetting's own hook, which throws a bare `Invalid
 * invocation` for any details off the schema (a value that is no `proxy.ProxyConfig`, an unknown
 * mode, an unknown property, a scope outside `types.ChromeSettingScope`); a `set` with no details
 * or an argument too many fits no signature.
 *
 * @module
 */
import { noMatchingSignature, parseArguments, type SchemaParameter } from "./_chrome_arguments.ts";
import { optional, parseSchemaValue, required, type SchemaObject } from "./_chrome_schema.ts";

/**
 * Chrome's `proxy.Mode` values.
 *
 * @example
 * ```ts
 * PROXY_MODES.includes("fixed_servers"); // true
 * ```
 */
export const PROXY_MODES: readonly string[] = [
  "direct",
  "auto_detect",
  "pac_script",
  "fixed_servers",
  "system",
];

/**
 * Chrome's `proxy.Scheme` values.
 *
 * @example
 * ```ts
 * PROXY_SCHEMES.includes("socks5"); // true
 * ```
 */
export const PROXY_SCHEMES: readonly string[] = ["http", "https", "quic", "socks4", "socks5"];

const SCOPE = {
  name: "types.ChromeSettingScope",
  values: ["regular", "regular_only", "incognito_persistent", "incognito_session_only"],
};
const SERVER: SchemaObject = {
  name: "proxy.ProxyServer",
  properties: {
    scheme: optional({ name: "proxy.Scheme", values: PROXY_SCHEMES }),
    host: required("string"),
    port: optional("integer"),
  },
};
const PROXY_CONFIG: SchemaObject = {
  name: "proxy.ProxyConfig",
  properties: {
    rules: optional({
      name: "proxy.ProxyRules",
      properties: {
        singleProxy: optional(SERVER),
        proxyForHttp: optional(SERVER),
        proxyForHttps: optional(SERVER),
        proxyForFtp: optional(SERVER),
        fallbackProxy: optional(SERVER),
        bypassList: optional({ items: "string" }),
      },
    }),
    pacScript: optional({
      name: "proxy.PacScript",
      properties: {
        url: optional("string"),
        data: optional("string"),
        mandatory: optional("boolean"),
      },
    }),
    mode: required({ name: "proxy.Mode", values: PROXY_MODES }),
  },
};
const SET_DETAILS: SchemaObject = {
  name: "object",
  properties: { value: required(PROXY_CONFIG), scope: optional(SCOPE) },
};
const DETAILS: Readonly<Record<string, readonly SchemaParameter[]>> = {
  get: [{
    name: "details",
    type: { name: "object", properties: { incognito: optional("boolean") } },
  }],
  clear: [{ name: "details", type: { name: "object", properties: { scope: optional(SCOPE) } } }],
};

const signature = (op: string) =>
  `types.ChromeSetting.${op}(object details, optional function callback)`;

/**
 * Throws what Chromium 156 throws at the call `proxy.settings.<op>(...given)` (`given` without the
 * callback, or the `null` or `undefined` in its place) when its arguments are off the schema.
 *
 * @example
 * ```ts
 * checkProxySettingsCall("set", [{ value: { mode: "direct" } }]); // fine
 * checkProxySettingsCall("set", [{ value: { mode: "bogus" } }]); // throws TypeError: Invalid invocation
 * ```
 */
export function checkProxySettingsCall(op: string, given: readonly unknown[]): void {
  if (op !== "set") {
    parseArguments(signature(op), DETAILS[op] ?? [], given);
    return;
  }
  if (given.length !== 1) throw noMatchingSignature(signature(op));
  proxySetDetails(given[0]);
}

/**
 * The details of `proxy.settings.set(details)` as Chrome's hook hands them on (null properties
 * left out, at every level), or Chromium 156's TypeError "Invalid invocation" when they are off
 * the schema.
 *
 * @example
 * ```ts
 * proxySetDetails({ value: { mode: "direct", rules: null } }); // { value: { mode: "direct" } }
 * ```
 */
export function proxySetDetails(details: unknown): { value: unknown; scope?: string } {
  try {
    return parseSchemaValue(details, SET_DETAILS) as { value: unknown; scope?: string };
  } catch {
    throw new TypeError("Invalid invocation");
  }
}
