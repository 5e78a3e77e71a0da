/**
 * `chrome.runtime.getContexts(filter)` in a websession background: the background is the one
 * context there is (no tabs, popups, side panels or offscreen documents), described as Chromium
 * 156 describes a service worker's context, and returned when the filter lets it through.
 *
 * @module
 */

/** Chrome's `runtime.ContextFilter`. */
export interface ContextFilter {
  contextIds?: string[];
  contextTypes?: string[];
  documentIds?: string[];
  documentOrigins?: string[];
  documentUrls?: string[];
  frameIds?: number[];
  incognito?: boolean;
  tabIds?: number[];
  windowIds?: number[];
}

/**
 * The contexts `filter` selects: the background's, with `contextId`, or none.
 *
 * @example
 * ```ts
 * backgroundContexts({}, "id-1");
 * // [{ contextId: "id-1", contextType: "BACKGROUND", frameId: -1, incognito: false, tabId: -1, windowId: -1 }]
 * backgroundContexts({ contextTypes: ["TAB"] }, "id-1"); // []
 * ```
 */
export function backgroundContexts(filter: ContextFilter, contextId: string): unknown[] {
  const context = {
    contextId,
    contextType: "BACKGROUND",
    frameId: -1,
    incognito: false,
    tabId: -1,
    windowId: -1,
  };
  const keeps = <T>(list: T[] | undefined, value: T) => list === undefined || list.includes(value);
  const selected = keeps(filter.contextIds, contextId) &&
    keeps(filter.contextTypes, "BACKGROUND") &&
    keeps(filter.frameIds, -1) &&
    keeps(filter.tabIds, -1) &&
    keeps(filter.windowIds, -1) &&
    filter.incognito !== true &&
    // a service worker has no document
    filter.documentIds === undefined && filter.documentOrigins === undefined &&
    filter.documentUrls === undefined;
  return selected ? [context] : [];
}
