/**
 * `chrome.webRequest.<event>.addListener(callback, filter, extraInfoSpec)`'s arguments checked as
 * Chromium 156's bindings check them, with {@linkcode parseArguments} over the schema's
 * `webRequest.RequestFilter` and the event's `On<Event>Options`: the errors carry no "Error in
 * invocation" prefix (an event's), an argument after `extraInfoSpec` is not looked at, and the
 * callback is not checked by the bindings (the Worker refuses a non-function after them). A `urls`
 * entry that is no match pattern is no argument error in Chrome (it logs one and adds no listener
 * in the browser), so it is left to the session's web-request plugin.
 *
 * @module
 */
import { parseArguments, type SchemaParameter } from "./_chrome_arguments.ts";
import { optional, required } from "./_chrome_schema.ts";
import type { ChromeEnum } from "./_chrome_enums.ts";

const parametersByEvent = new Map<string, readonly SchemaParameter[]>();

function listenerParameters(
  enums: Readonly<Record<string, ChromeEnum>>,
  event: string,
): readonly SchemaParameter[] {
  let parameters = parametersByEvent.get(event);
  if (parameters) return parameters;
  const options = `On${event.slice(2)}Options`;
  const filter = {
    name: "webRequest.RequestFilter",
    properties: {
      urls: required({ items: "string" }),
      types: optional({
        items: { name: "webRequest.ResourceType", values: Object.values(enums.ResourceType) },
      }),
      tabId: optional("integer"),
      windowId: optional("integer"),
    },
  } as const;
  parameters = [
    { name: "filter", type: filter },
    {
      name: "extraInfoSpec",
      type: { items: { name: `webRequest.${options}`, values: Object.values(enums[options]) } },
      optional: true,
    },
  ];
  parametersByEvent.set(event, parameters);
  return parameters;
}

/**
 * Checks the arguments after the callback of `chrome.webRequest.<event>.addListener` against the
 * schema; answers the filter and extraInfoSpec as Chrome's bindings hand them on (null properties
 * left out, no extraInfoSpec an empty list), or throws Chrome's TypeError.
 *
 * @example
 * ```ts
 * import { WEB_REQUEST_ENUMS } from "./_chrome_enums.ts";
 * parseListenerArguments(WEB_REQUEST_ENUMS, "onCompleted", [{ urls: ["<all_urls>"] }]);
 * // { filter: { urls: ["<all_urls>"] }, extraInfoSpec: [] }
 * parseListenerArguments(WEB_REQUEST_ENUMS, "onCompleted", [{}]);
 * // throws: Error at parameter 'filter': Missing required property 'urls'.
 * ```
 */
export function parseListenerArguments(
  enums: Readonly<Record<string, ChromeEnum>>,
  event: string,
  given: readonly unknown[],
): { filter: Record<string, unknown>; extraInfoSpec: string[] } {
  const [filter, extraInfoSpec] = parseArguments(
    null,
    listenerParameters(enums, event),
    given.slice(0, 2),
  );
  return {
    filter: filter as Record<string, unknown>,
    extraInfoSpec: (extraInfoSpec ?? []) as string[],
  };
}
