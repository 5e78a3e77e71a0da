/**
 * The argument checks of `chrome.alarms`, made in the background Worker where Chrome's bindings
 * make them, in Chromium 156's words: a call off the signature throws "No matching signature", an
 * `AlarmCreateInfo` with an unknown property or a value of the wrong type names it.
 *
 * @module
 */
import { invalidType, invocationError } from "./_chrome_invocation.ts";

const NAME_ONLY = "optional string name, optional function callback";
const SIGNATURES: Record<string, string> = {
  create: "alarms.create(optional string name, alarms.AlarmCreateInfo alarmInfo, " +
    "optional function callback)",
  get: `alarms.get(${NAME_ONLY})`,
  clear: `alarms.clear(${NAME_ONLY})`,
  getAll: "alarms.getAll(optional function callback)",
  clearAll: "alarms.clearAll(optional function callback)",
};
const CREATE_INFO_KEYS = ["when", "delayInMinutes", "periodInMinutes"];

const noMatch = (op: string) =>
  new TypeError(`Error in invocation of ${SIGNATURES[op]}: No matching signature.`);

/**
 * Throws Chrome's TypeError when the arguments of `alarms.<op>(...)` (without the callback) do
 * not fit its signature.
 *
 * @example
 * ```ts
 * checkAlarmsCall("create", ["tick", { periodInMinutes: 1 }]); // fine
 * try {
 *   checkAlarmsCall("get", [3]);
 * } catch (error) {
 *   (error as Error).message; // "Error in invocation of alarms.get(...): No matching signature."
 * }
 * ```
 */
export function checkAlarmsCall(op: string, args: readonly unknown[]): void {
  if (!SIGNATURES[op]) return;
  if (op === "getAll" || op === "clearAll") {
    if (args.length > 0) throw noMatch(op);
    return;
  }
  // an optional argument given as null or undefined is left out
  if (op === "get" || op === "clear") {
    if (args.length > 1 || (args[0] != null && typeof args[0] !== "string")) {
      throw noMatch(op);
    }
    return;
  }
  // create([name,] alarmInfo)
  const named = typeof args[0] === "string" || (args[0] == null && args.length === 2);
  const info = named ? args[1] : args[0];
  if (args.length > (named ? 2 : 1) || info === null || typeof info !== "object") {
    throw noMatch(op);
  }
  for (const [key, value] of Object.entries(info)) {
    if (!CREATE_INFO_KEYS.includes(key)) {
      throw invocationError(SIGNATURES.create, "alarmInfo", [], `Unexpected property: '${key}'`);
    }
    if (value !== undefined && typeof value !== "number") {
      throw invalidType(SIGNATURES.create, "alarmInfo", [key], "number", value);
    }
  }
}
