/**
 * `--rules FILE`: a declarative rules JSON file (Chrome's format: an array of rules) loaded as
 * session rules, and loaded again when it changes. A file that does not parse or whose rules are
 * refused is reported in one line naming the file, the rule and the field; at start that stops
 * the server, on a later change the previous rules stay active.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import type { Session } from "../../mod.ts";
import { compileRule, RULESETS } from "../../plugins/web-request/dnr_rule.ts";
import { jsonErrorPlace } from "./json_error.ts";

interface RuleApi {
  updateSessionRules(update: { removeRuleIds?: number[]; addRules?: unknown[] }): Promise<void>;
}

/**
 * A rules file that cannot be read, does not parse, or holds a rule the validator refuses; the
 * message names the file, and the rule (index in the array and id) and field at fault.
 *
 * @example
 * ```ts
 * new RulesFileError("rules.json: rule 2 (id 7): action.type: Invalid type").message;
 * ```
 */
export class RulesFileError extends Error {
  override name = "RulesFileError";
}

const SESSION_RULESET = RULESETS.indexOf("_session");

/**
 * Reads and checks a rules file: JSON (a syntax error names its line and column), an array, each
 * rule valid (the declarative validator's field and message) and ids unique. Throws a
 * {@link RulesFileError} such as `rules.json: rule 2 (id 7): condition.urlFilter: ...`; rule
 * indexes count from 0, as in the array.
 *
 * @example
 * ```ts
 * // const rules = readRulesFile("rules.json");
 * ```
 */
export function readRulesFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new RulesFileError(
      `${path}: ${code === "ENOENT" ? "No such file" : `Cannot be read (${code ?? error})`}`,
    );
  }
  let rules: unknown;
  try {
    rules = JSON.parse(text);
  } catch (error) {
    const place = jsonErrorPlace(text);
    throw new RulesFileError(
      place
        ? `${path}: line ${place.line}, column ${place.column}: Not valid JSON: ${place.problem}`
        : `${path}: Not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(rules)) {
    throw new RulesFileError(`${path}: Must hold a JSON array of rules`);
  }
  const seen = new Map<unknown, number>();
  rules.forEach((rule: unknown, index) => {
    const id = (rule as { id?: unknown } | null)?.id;
    const which = `${path}: rule ${index} (${typeof id === "number" ? `id ${id}` : "no valid id"})`;
    try {
      compileRule(rule, SESSION_RULESET);
    } catch (error) {
      const message = (error as Error).message;
      const field = (error as { field?: unknown }).field;
      if (typeof field !== "string") {
        const why = message.replace(/^Rule (with id \S+|without a valid id): /, "");
        throw new RulesFileError(`${which}: ${why}`);
      }
      // the field first, then Chrome's words, and the value given at that field
      let value: unknown = rule;
      for (const key of field.split(".")) {
        value = (value as Record<string, unknown> | null)?.[key];
      }
      const given = value === undefined ? "" : ` (found ${JSON.stringify(value)})`;
      throw new RulesFileError(`${which}: ${field}: ${message}${given}`);
    }
    if (seen.has(id)) {
      throw new RulesFileError(`${which}: id: Also the id of rule ${seen.get(id)}`);
    }
    seen.set(id, index);
  });
  return rules;
}

/**
 * Loads the file now (throwing a {@link RulesFileError} when it is bad) and whenever it changes;
 * a bad change prints one line on stderr and leaves the previous rules active. Returns the
 * function that stops watching.
 *
 * @example
 * ```ts
 * // const stop = await watchRules(ses, "rules.json");
 * ```
 */
export async function watchRules(session: Session, path: string): Promise<() => void> {
  const dnr = (session as unknown as { declarativeNetRequest: RuleApi }).declarativeNetRequest;
  let loadedIds: number[] = [];
  const load = async () => {
    const rules = readRulesFile(path);
    try {
      // Removes then adds atomically: a refused update keeps the previous rules.
      await dnr.updateSessionRules({ removeRuleIds: loadedIds, addRules: rules });
    } catch (error) {
      throw new RulesFileError(`${path}: ${(error as Error).message}`);
    }
    loadedIds = rules.map((rule) => (rule as { id: number }).id);
    console.log(`websession: loaded ${rules.length} rules from ${path}`);
  };
  let stamp = stampOf(path);
  await load();
  let busy = false;
  const timer = setInterval(() => {
    const now = stampOf(path);
    if (now === stamp || busy) return;
    stamp = now;
    busy = true;
    load().catch((error) => {
      console.error(`websession: ${(error as Error).message} (the previous rules stay active)`);
    }).finally(() => (busy = false));
  }, 500);
  return () => clearInterval(timer);
}

/** What tells a change: modification time and size, or that the file is gone. */
function stampOf(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs} ${stat.size}`;
  } catch {
    return "missing";
  }
}
