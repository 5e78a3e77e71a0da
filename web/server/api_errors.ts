/**
 * What the control API says about a request it cannot take beyond its input checks: the methods
 * a path does answer (for `405 Method Not Allowed` and its `Allow` header), and the field of a
 * declarative rule the rule engine refused (for a 400 that names it, as the valibot checks do).
 *
 * @module
 */

/** A route as hono lists it (`app.routes`). */
export interface RouteEntry {
  /** `GET`, `POST`, ... or `ALL` for middleware. */
  method: string;
  /** The route's path, with `:name` parameters and `*` wildcards. */
  path: string;
}

/**
 * The methods the routes answer for `path` (middleware and wildcard routes left out), sorted, with
 * `HEAD` wherever `GET` is; empty when no route has this path.
 *
 * @example
 * ```ts
 * allowedMethods([{ method: "GET", path: "/api/x/:id" }], "/api/x/7"); // ["GET", "HEAD"]
 * allowedMethods([{ method: "GET", path: "/api/x" }], "/api/y"); // []
 * ```
 */
export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const pattern = route.path.split("/").map((part) =>
      part.startsWith(":") ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")
    ).join("/");
    if (!new RegExp(`^${pattern}$`).test(path)) continue;
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
  }
  return [...methods].sort();
}

/**
 * The field of the rule the rule engine refused, as a path into the request's `rules`
 * (`rules.2.action.type`): the rule is the one the message names (`Rule with id 7 ...`), the
 * field the error's own `field` (Chrome's sentences carry it beside the message) or the one the
 * message names (`Rule with id 7: action.type: ...`); `rules` when no rule of the list is named.
 *
 * @example
 * ```ts
 * refusedRuleField([{ id: 7 }], "Rule with id 7: action.type: Invalid type"); // "rules.0.action.type"
 * refusedRuleField([{ id: 7 }], "Rule with id 7 cannot have ...", "condition.resourceTypes");
 * // "rules.0.condition.resourceTypes"
 * refusedRuleField([{ id: 7 }], "Error in invocation of ...", "action.type", 0); // "rules.0.action.type"
 * refusedRuleField([{ id: 7 }], "Too many rules"); // "rules"
 * ```
 */
export function refusedRuleField(
  rules: ReadonlyArray<{ id: number }>,
  message: string,
  field?: string,
  ruleIndex?: number,
): string {
  if (ruleIndex !== undefined && field !== undefined) {
    return `rules.${ruleIndex}.${field.replace(/\[(\d+)\]/g, ".$1")}`;
  }
  const named = /^Rule with id (-?\d+)(?:: ([\w.[\]]+):)?/.exec(message);
  if (!named) return "rules";
  const index = rules.findIndex((rule) => rule.id === Number(named[1]));
  const path = field ?? named[2];
  if (index < 0 || path === undefined) return "rules";
  return `rules.${index}.${path.replace(/\[(\d+)\]/g, ".$1")}`;
}

/**
 * The field of a request body that a session's refusal names: the first of `fields` whose name
 * the message holds as a word, in any case (`Invalid pacScript URL` names `pacScript`, `an invalid
 * Domain attribute` names `domain`); a cookie of an imported state is named by its index
 * (`cookies[2] value must be a string` is `state.cookies.2.value`), and a cookie name's prefix
 * refused is `name`; `body` when none is named.
 *
 * @example
 * ```ts
 * refusedField("The cookie was set with an invalid Domain attribute.", ["url", "domain"]); // "domain"
 * refusedField("cookies.import: cookies[2] value must be a string", ["state"]); // "state.cookies.2.value"
 * ```
 */
export function refusedField(message: string, fields: readonly string[]): string {
  const imported = /\bcookies\[(\d+)\] (\w+)/.exec(message);
  if (imported && fields.includes("state")) return `state.cookies.${imported[1]}.${imported[2]}`;
  // a cookie name's __Host- or __Secure- prefix asks for what the other fields did not give
  if (/__Host-|__Secure-/.test(message) && fields.includes("name")) return "name";
  const words = new Set(message.toLowerCase().match(/[a-z]+/g) ?? []);
  return fields.find((field) => words.has(field.toLowerCase())) ??
    (fields.includes("state") ? "state" : "body");
}
