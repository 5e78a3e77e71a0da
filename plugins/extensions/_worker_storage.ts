/**
 * The Worker's `chrome.storage`: its four areas (`local`, `sync`, `session`, `managed`) with each
 * area's constants, `setAccessLevel` on every area as in Chromium 156, and methods whose arguments
 * are checked at the call and whose `set` values are converted as Chrome converts them
 * (`_storage_arguments.ts`); the session keeps the data.
 *
 * @module
 */
import { checkStorageCall, chromeStorageItems } from "./_storage_arguments.ts";
import { checkApiCall } from "./_api_signatures.ts";

/** A member that calls the session (promise or callback form), or answers with `local`. */
export type Api = (
  method: string,
  local?: (...args: unknown[]) => unknown,
) => (...args: unknown[]) => unknown;
/** A member whose arguments `check` checks at the call before it calls the session. */
export type Checked = (
  method: string,
  check: (given: unknown[]) => void,
  local?: (...args: unknown[]) => unknown,
) => (...args: unknown[]) => unknown;

/**
 * `chrome.storage` over `api` and `checked` (the Worker's member makers), `event` (a Chrome
 * event) and Chrome's `storage` enums.
 *
 * @example
 * ```ts ignore
 * chrome.storage = storageNamespace(api, checked, event, OTHER_ENUMS.storage);
 * ```
 */
export function storageNamespace(
  api: Api,
  checked: Checked,
  event: (name: string) => unknown,
  enums: Readonly<Record<string, Readonly<Record<string, string>>>>,
): Record<string, unknown> {
  /** A storage method: its arguments checked at the call, `set`'s items converted as Chrome's. */
  const method = (area: string, op: string) => {
    const call = checked(`storage.${area}.${op}`, (given) => checkStorageCall(op, given));
    return (...args: unknown[]) => {
      const items = args[0];
      if (
        (op === "set" || op === "get") && items !== null && typeof items === "object" &&
        !Array.isArray(items)
      ) {
        try {
          args[0] = chromeStorageItems(items as Record<string, unknown>);
        } catch (error) {
          // as Chrome's: the call rejects (or sets lastError), it does not throw
          return api(`storage.${area}.${op}`, () => {
            throw error;
          })(...args.slice(1));
        }
      }
      return call(...args);
    };
  };
  // Chromium 156 has setAccessLevel on every area; there are no content scripts to grant access
  // to, so it only checks its argument
  const setAccessLevel = (area: string) =>
    checked(
      `storage.${area}.setAccessLevel`,
      (given) => checkApiCall("storage.setAccessLevel", given),
      () => {},
    );
  const area = (name: string, constants: Record<string, number> = {}) => ({
    get: method(name, "get"),
    set: method(name, "set"),
    remove: method(name, "remove"),
    clear: method(name, "clear"),
    getBytesInUse: method(name, "getBytesInUse"),
    getKeys: method(name, "getKeys"),
    onChanged: event(`storage.${name}.onChanged`),
    setAccessLevel: setAccessLevel(name),
    ...constants,
  });
  return {
    ...enums,
    local: area("local", { QUOTA_BYTES: 10485760 }),
    sync: area("sync", {
      QUOTA_BYTES: 102400,
      QUOTA_BYTES_PER_ITEM: 8192,
      MAX_ITEMS: 512,
      MAX_WRITE_OPERATIONS_PER_HOUR: 1800,
      MAX_WRITE_OPERATIONS_PER_MINUTE: 120,
      MAX_SUSTAINED_WRITE_OPERATIONS_PER_MINUTE: 1000000,
    }),
    session: area("session", { QUOTA_BYTES: 10485760 }),
    managed: area("managed"),
    onChanged: event("storage.onChanged"),
  };
}
