/**
 * What an isolated plugin's Worker may send, as valibot schemas: every message is checked before
 * the kernel acts on it. A Worker is untrusted code; a message that does not match (a header block
 * without its newline, a response status the Fetch standard refuses, an unknown kind) is the
 * plugin's fault, never the host's.
 *
 * @module
 */
import * as v from "valibot";
import { STAGES } from "../pipeline.ts";

const Id = v.pipe(v.number(), v.integer(), v.minValue(1));

/** An error as it crosses. */
const WireErrorSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(200)),
  message: v.pipe(v.string(), v.maxLength(64 * 1024)),
  code: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

/** A header block: `name\0value\n` lines, each ending with its newline. */
const HEADER_BLOCK = /^(?:[^\0\n]+\0[^\0\n]*\n)*$/;
const HeaderBlock = v.pipe(
  v.string(),
  v.regex(HEADER_BLOCK, "must be name\\0value lines, each ending with \\n"),
);

/** Every message a Worker may send. */
export const FromWorkerSchema = v.union([
  v.strictObject({ t: v.literal("loaded") }),
  v.strictObject({ t: v.literal("ready") }),
  v.strictObject({ t: v.literal("done") }),
  v.strictObject({ t: v.literal("failed"), error: WireErrorSchema }),
  v.strictObject({
    t: v.literal("tap"),
    tap: Id,
    stage: v.picklist(STAGES),
    order: v.optional(v.picklist(["pre", "normal", "post"])),
    label: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
  v.strictObject({ t: v.literal("untap"), tap: Id }),
  v.strictObject({
    t: v.literal("report"),
    hook: v.pipe(v.string(), v.maxLength(200)),
    error: WireErrorSchema,
  }),
  // a device call on behalf of the plugin (its manifest's permissions.devices, checked after)
  v.strictObject({
    t: v.literal("device"),
    id: Id,
    kind: v.pipe(v.string(), v.maxLength(40)),
    method: v.pipe(v.string(), v.maxLength(100)),
    args: v.array(v.unknown()),
  }),
  v.strictTuple([v.literal("r"), Id, v.unknown()]),
  v.strictTuple([v.literal("e"), Id, WireErrorSchema]),
]);

/** A response a tap answers with (the `transport` stage). */
const WireAnswerResponse = v.object({
  // what the Response constructor accepts
  status: v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(599)),
  statusText: v.pipe(v.string(), v.regex(/^[\t\x20-\x7e\x80-\xff]*$/, "must be a reason phrase")),
  headers: HeaderBlock,
  body: v.nullable(v.literal("port")),
});

/** The answer of a tap: nothing, a response, or a blocking answer (headers as header blocks). */
export const WireAnswerSchema = v.union([
  v.undefined(),
  v.null(),
  v.strictObject({ "\u0000response": WireAnswerResponse }),
  v.looseObject({
    cancel: v.optional(v.boolean()),
    redirectUrl: v.optional(v.string()),
    requestHeaders: v.optional(v.strictObject({ "\u0000headers": HeaderBlock })),
    responseHeaders: v.optional(v.strictObject({ "\u0000headers": HeaderBlock })),
    username: v.optional(v.string()),
    password: v.optional(v.string()),
  }),
]);

/**
 * What is wrong with a message from a Worker (the first issue, with its path), or null.
 *
 * @example
 * ```ts
 * malformed(FromWorkerSchema, { t: "ready" }); // null
 * malformed(FromWorkerSchema, ["r", 0, null]); // "1: Invalid value: ..."
 * ```
 */
export function malformed(schema: v.GenericSchema, message: unknown): string | null {
  const result = v.safeParse(schema, message);
  if (result.success) return null;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

const STRING_FIELDS = new Set(["redirectUrl", "username", "password"]);
const HEADER_FIELDS = new Set(["requestHeaders", "responseHeaders"]);

function isHeaderBlock(value: unknown): boolean {
  if (!value || typeof value !== "object") return false;
  const keys = Object.keys(value);
  const block = (value as Record<string, unknown>)["\u0000headers"];
  return keys.length === 1 && typeof block === "string" && HEADER_BLOCK.test(block);
}

/**
 * Whether `message` is a tap's answer (`["r", id, answer]`) of the common kinds (nothing, or a
 * blocking answer) that {@linkcode FromWorkerSchema} and {@linkcode WireAnswerSchema} accept. It
 * only says yes where both schemas would: anything else (responses, errors, control messages, bad
 * input) goes through the schemas, which name the problem. Measured with 100,000 answers adding a
 * header: the two schemas cost about 26 µs (Deno) and 18 µs (Bun) per answer on a loaded machine,
 * more than an isolated hook's whole round trip (`deno task bench messaging`); this check costs
 * 0.2 µs (Deno) and 0.6 µs (Bun).
 *
 * @example
 * ```ts
 * isCommonAnswer(["r", 1, { cancel: true }]); // true
 * isCommonAnswer(["r", 0, null]); // false: the schemas say why
 * ```
 */
export function isCommonAnswer(message: unknown): boolean {
  if (!Array.isArray(message) || message.length !== 3 || message[0] !== "r") return false;
  const id = message[1];
  if (typeof id !== "number" || !Number.isInteger(id) || id < 1) return false;
  const answer = message[2];
  if (answer === undefined || answer === null) return true;
  if (typeof answer !== "object" || Array.isArray(answer) || "\u0000response" in answer) {
    return false;
  }
  for (const key in answer) {
    const value = (answer as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (key === "cancel" && typeof value !== "boolean") return false;
    if (STRING_FIELDS.has(key) && typeof value !== "string") return false;
    if (HEADER_FIELDS.has(key) && !isHeaderBlock(value)) return false;
  }
  return true;
}
