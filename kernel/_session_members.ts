/**
 * The members plugins add to one session (`ses.cookies`, `ses.setProxy`, ...): own properties of
 * that session, so that two sessions may hold different plugins for the same member. A member
 * that some plugin adds but this session lacks answers with an error naming the plugin.
 *
 * @module
 */
import { MissingPluginError } from "./errors.ts";
import { knownApiMembers, providersOf } from "./_api_registry.ts";

/**
 * The plugin-added members of one session.
 *
 * @example
 * ```ts
 * const target = {};
 * const members = new SessionMembers(target, "example", new Set(["fetch"]));
 * members.provide("greeting", "hello", "greeter");
 * (target as { greeting: string }).greeting; // "hello"
 * ```
 */
export class SessionMembers {
  readonly #target: object;
  readonly #partition: string;
  readonly #reserved: ReadonlySet<string>;
  readonly #owners = new Map<string, string>();

  /** Puts the "built without" accessor on `target` for every member some plugin adds. */
  constructor(target: object, partition: string, reserved: ReadonlySet<string>) {
    this.#target = target;
    this.#partition = partition;
    this.#reserved = reserved;
    for (const [member] of knownApiMembers()) {
      if (!reserved.has(member)) this.#absent(member);
    }
  }

  /** Sets `ses[member]` for `plugin`; a TypeError when the kernel or another plugin has it. */
  provide(member: string, value: unknown, plugin: string): void {
    if (this.#reserved.has(member)) {
      throw new TypeError(`Plugin ${plugin} cannot add ses.${member}: the kernel has it`);
    }
    const owner = this.#owners.get(member);
    if (owner !== undefined && owner !== plugin) {
      throw new TypeError(
        `Plugins ${owner} and ${plugin} both add ses.${member} to session "${this.#partition}"`,
      );
    }
    this.#owners.set(member, plugin);
    Object.defineProperty(this.#target, member, {
      value,
      configurable: true,
      enumerable: true,
      writable: false,
    });
  }

  /** Removes `ses[member]` (its plugin was torn down). */
  withdraw(member: string): void {
    this.#owners.delete(member);
    this.#absent(member);
  }

  #absent(member: string): void {
    const partition = this.#partition;
    Object.defineProperty(this.#target, member, {
      configurable: true,
      enumerable: false,
      get() {
        throw new MissingPluginError(providersOf(member), member, partition);
      },
    });
  }
}
