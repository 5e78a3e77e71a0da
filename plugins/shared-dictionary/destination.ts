/**
 * The request destination (Fetch's, as `match-dest` names it) of a websession resource type.
 *
 * @module
 */
import type { ResourceType } from "../../kernel/request.ts";

const DESTINATIONS: Partial<Record<ResourceType, string>> = {
  main_frame: "document",
  sub_frame: "iframe",
  stylesheet: "style",
  script: "script",
  image: "image",
  font: "font",
  object: "object",
  csp_report: "report",
  webbundle: "webbundle",
};

/**
 * The destination of a request of `type`: `""` (the empty destination) for `xmlhttprequest`,
 * `other` and the types Fetch gives no destination of their own.
 *
 * @example
 * ```ts
 * destinationOf("script"); // "script"
 * destinationOf("xmlhttprequest"); // ""
 * ```
 */
export function destinationOf(type: ResourceType): string {
  return DESTINATIONS[type] ?? "";
}
