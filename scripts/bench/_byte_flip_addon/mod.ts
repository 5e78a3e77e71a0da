/**
 * The benchmark's add-on (`deno task bench server`): a response-body tap that changes the first
 * byte of every chunk, the cheapest real rewrite, to measure what the body stage costs.
 *
 * @module
 */
import type { PluginContext } from "../../../kernel/plugin.ts";

export default {
  setup(ctx: Pick<PluginContext, "tap">): void {
    ctx.tap("responseBody", () =>
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          chunk[0] ^= 0x20;
          controller.enqueue(chunk);
        },
      }));
  },
};
