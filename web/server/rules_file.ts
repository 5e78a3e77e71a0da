/**
 * `--rules FILE`: a declarative rules JSON file (Chrome's format: an array of rules) loaded as
 * session rules, and loaded again when it changes. A file that does not parse or whose rules are
 * refused leaves the previous rules in place and is reported.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import type { Session } from "../../mod.ts";

interface RuleApi {
  getSessionRules(): Promise<Array<{ id: number }>>;
  updateSessionRules(update: { removeRuleIds?: number[]; addRules?: unknown[] }): Promise<void>;
}

/**
 * Loads the file now and whenever its modification time changes; returns the function that
 * stops watching.
 *
 * @example
 * ```ts
 * // const stop = await watchRules(ses, "rules.json");
 * ```
 */
export async function watchRules(session: Session, path: string): Promise<() => void> {
  const dnr = (session as unknown as { declarativeNetRequest: RuleApi }).declarativeNetRequest;
  let loadedIds: number[] = [];
  let stamp = -1;
  const load = async () => {
    const mtime = statSync(path).mtimeMs;
    if (mtime === stamp) return;
    stamp = mtime;
    const rules = JSON.parse(readFileSync(path, "utf8"));
    if (!Array.isArray(rules)) throw new TypeError(`${path}: the rules file must hold an array`);
    await dnr.updateSessionRules({ removeRuleIds: loadedIds, addRules: rules });
    loadedIds = rules.map((rule: { id: number }) => rule.id);
    console.log(`websession: loaded ${rules.length} rules from ${path}`);
  };
  await load();
  const timer = setInterval(() => {
    load().catch((error) => {
      session.reportError(new Error(`Rules file ${path} not applied: ${(error as Error).message}`));
    });
  }, 500);
  return () => clearInterval(timer);
}
