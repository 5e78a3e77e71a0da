/**
 * Which plugins add which session member, for the error a session built without them gives. Any
 * number of plugins may add the same member (a replacement `cookies`); one session holds one.
 *
 * @module
 */

const providers = new Map<string, string[]>();

/**
 * Records that `plugin` adds `ses[member]`.
 *
 * @example
 * ```ts
 * registerApiMember("cookies", "cookies");
 * ```
 */
export function registerApiMember(member: string, plugin: string): void {
  const list = providers.get(member);
  if (list === undefined) providers.set(member, [plugin]);
  else if (!list.includes(plugin)) list.push(plugin);
}

/**
 * The members some plugin adds, with the plugins adding each.
 *
 * @example
 * ```ts
 * for (const [member, plugins] of knownApiMembers()) console.log(member, plugins);
 * ```
 */
export function knownApiMembers(): IterableIterator<[string, readonly string[]]> {
  return providers.entries();
}

/**
 * The plugins that add `member` (empty when none does).
 *
 * @example
 * ```ts
 * providersOf("cookies"); // ["cookies"] once the cookies plugin is defined
 * ```
 */
export function providersOf(member: string): readonly string[] {
  return providers.get(member) ?? [];
}
