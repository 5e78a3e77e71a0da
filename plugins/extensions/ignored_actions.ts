/**
 * `chrome.webRequest.onActionIgnored` of an extension: the session's conflict reports
 * (`ses.webRequest.events.onActionIgnored`) for the extension's own listeners, in Chrome's shape
 * (`{ requestId, action }`, the action as `IgnoredActionType` names it).
 *
 * @module
 */
import type { IgnoredActionDetails, WebRequest } from "../web-request/web_request.ts";

/** websession's action names as Chrome's `IgnoredActionType` spells them. */
const CHROME_ACTION: Readonly<Record<string, string>> = {
  redirect: "redirect",
  requestHeaders: "request_headers",
  responseHeaders: "response_headers",
  authCredentials: "auth_credentials",
};

/**
 * Tells `notify` about each ignored action of the listeners the extension `id` added (their
 * scope is `extension:<id>`); returns the function that stops.
 *
 * @example
 * ```ts ignore
 * const stop = watchIgnoredActions(ses.webRequest, id, (details) => notify(details));
 * ```
 */
export function watchIgnoredActions(
  webRequest: WebRequest,
  id: string,
  notify: (details: { requestId: string; action: string }) => void,
): () => void {
  const mine = `extension:${id}.`;
  const onIgnored = (details: IgnoredActionDetails) => {
    if (!details.label.startsWith(mine)) return;
    notify({
      requestId: String(details.requestId),
      action: CHROME_ACTION[details.action] ?? details.action,
    });
  };
  const event = webRequest.events.onActionIgnored;
  event.addListener(onIgnored);
  return () => event.removeListener(onIgnored);
}
