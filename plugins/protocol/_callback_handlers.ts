/**
 * A deprecated callback protocol's handler as a `(Request) => Response` one, by its kind's name
 * (`String`, `Buffer`, `Stream`, `File`, `Http`): what the protocol plugin loads with the first
 * request to a scheme registered or intercepted by `register*Protocol`/`intercept*Protocol`
 * (cold start, #24).
 *
 * @module
 */
import type { PluginContext } from "../../kernel/plugin.ts";
import {
  type AnswerReader,
  type CallbackKind,
  type CallbackProtocolHandler,
  fromCallbackHandler,
} from "./callback_protocols.ts";
import { fileAnswerReader } from "./file_answer.ts";
import { httpAnswerReader } from "./http_answer.ts";

/** The kinds' names, as in `registerStringProtocol` and the like. */
export type CallbackKindName = "String" | "Buffer" | "Stream" | "File" | "Http";

/**
 * The handler of one registration: `handler`'s answers read as the kind's are.
 *
 * @example
 * ```ts ignore
 * const respond = callbackHandler(ctx, "String", (_request, callback) => callback("hi"));
 * await (await respond(new Request("app://x/"))).text(); // "hi"
 * ```
 */
export function callbackHandler(
  ctx: PluginContext,
  kind: CallbackKindName,
  handler: CallbackProtocolHandler<unknown>,
): (request: Request) => Promise<Response> {
  const readers: Record<CallbackKindName, () => CallbackKind | AnswerReader> = {
    String: () => "string",
    Buffer: () => "buffer",
    Stream: () => "stream",
    File: () => fileAnswerReader(() => ctx.transport),
    Http: () => httpAnswerReader(() => ctx.session),
  };
  return fromCallbackHandler(readers[kind](), handler);
}
