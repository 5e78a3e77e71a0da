/**
 * Which plugin adds which session member, so that a session built without that plugin answers
 * with an error naming it. `definePlugin` registers; the Session class installs the accessors.
 *
 * @module
 */

const owners = new Map<string, string>();
const listeners: Array<(member: string, plugin: string) => void> = [];

/**
 * Records that `plugin` adds `ses[member]`.
 *
 * @example
 * ```ts
 * registerApiMember("cookies", "cookies");
 * ```
 */
export function registerApiMember(member: string, plugin: string): void {
  const owner = owners.get(member);
  if (owner !== undefined && owner !== plugin) {
    throw new TypeError(`Plugins ${owner} and ${plugin} both add ses.${member}`);
  }
  if (owner === plugin) return;
  owners.set(member, plugin);
  for (const listener of listeners) listener(member, plugin);
}

/**
 * Calls `listener` for every member registered so far and every one registered later.
 *
 * @example
 * ```ts
 * onApiMember((member, plugin) => console.log(member, plugin));
 * ```
 */
export function onApiMember(listener: (member: string, plugin: string) => void): void {
  for (const [member, plugin] of owners) listener(member, plugin);
  listeners.push(listener);
}
