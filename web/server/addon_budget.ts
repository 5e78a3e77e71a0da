/**
 * A time budget for the hooks of an inline add-on (one that runs in the server's own thread; an
 * isolated one gets the kernel's `hookTimeout` in its Worker). A hook that answers with a promise
 * which does not settle within the budget is reported, and the request goes on as if the add-on
 * had not answered (`undefined`: no change, no answer to the `first` stages, no body transform).
 * Setup gets the same budget. A hook that blocks the thread itself (a busy loop) cannot be cut
 * off this way: such add-ons belong in `"isolation": "worker"`.
 *
 * @module
 */
import { type AnyPlugin, type PluginContext, STAGE_KINDS } from "../../mod.ts";

/** Called when a hook (or setup) ran out of time. */
export type OnOverBudget = (stage: string, error: Error, request: unknown) => void;

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** `promise`, or what `onTimeout` gives (a value, or a throw) once `timeout` ms have passed. */
function within<T>(promise: Promise<T>, timeout: number, onTimeout: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, timeout);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

/**
 * `fn` with a time budget: a promise it returns settles with `undefined` after `timeout` ms, and
 * `overBudget` is told. A synchronous answer is returned as it is (the stages' fast path).
 *
 * @example
 * ```ts
 * const tap = withBudget(() => new Promise(() => {}), "beforeRequest", 100, console.error);
 * await tap(); // undefined after 100 ms
 * ```
 */
export function withBudget<F extends AnyFn>(
  fn: F,
  stage: string,
  timeout: number,
  overBudget: OnOverBudget,
): F {
  return function (this: unknown, ...args: unknown[]) {
    const result = fn.apply(this, args);
    if (!(result instanceof Promise)) return result;
    return within<unknown>(result, timeout, () => {
      overBudget(
        stage,
        new Error(`Did not answer within ${timeout} ms; the request went on without it`),
        args[0],
      );
      return undefined;
    });
  } as F;
}

/**
 * The same plugin, its taps (but those of observe stages, which nobody waits for) and its setup
 * held to `timeout` ms each; a setup over budget fails (the session tears the plugin down).
 *
 * @example
 * ```ts
 * // await ses.plugins.add(budgetedPlugin(plugin, 2000, (stage, error) => console.error(stage, error)));
 * ```
 */
export function budgetedPlugin(
  plugin: AnyPlugin,
  timeout: number,
  overBudget: OnOverBudget,
): AnyPlugin {
  const budget = <F>(fn: F, stage: string): F =>
    STAGE_KINDS[stage as keyof typeof STAGE_KINDS] === "observe" || typeof fn !== "function"
      ? fn
      : withBudget(fn as AnyFn, stage, timeout, overBudget) as F;
  return {
    name: plugin.name,
    manifest: plugin.manifest,
    setup(ctx: PluginContext) {
      const tap: PluginContext["tap"] = (stage, fn, options) =>
        ctx.tap(stage, budget(fn, stage), options);
      const tapGroup: PluginContext["tapGroup"] = (stage, select, options) => {
        const group = ctx.tapGroup(stage, select, options);
        return { ...group, add: (fn, label) => group.add(budget(fn, stage), label) };
      };
      const held: PluginContext = Object.create(ctx, {
        tap: { value: tap },
        tapGroup: { value: tapGroup },
      });
      const result = plugin.setup(held);
      if (!(result instanceof Promise)) return result;
      return within(result, timeout, () => {
        throw new Error(`setup did not finish within ${timeout} ms`);
      });
    },
  };
}
