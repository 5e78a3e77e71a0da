/**
 * The plugin manifest schema (valibot): unknown keys are rejected with the plugin's name and the
 * key.
 *
 * @module
 */
import * as v from "valibot";
import { type Stage, STAGES } from "./pipeline.ts";
import { type RuntimeName, RUNTIMES } from "./runtime.ts";

// Files that still take `Stage` from here; its home is pipeline.ts.
export type { Stage } from "./pipeline.ts";

/** A plugin's manifest (`manifest.json`). */
export interface Manifest {
  /** kebab-case, unique in a session. */
  name: string;
  /** Semantic version. */
  version: string;
  /** One line on what it does. */
  description: string;
  /** The module to load, relative to the manifest (e.g. `./mod.ts`). */
  entry: string;
  /** Capabilities it adds (others `require` them). */
  provides: string[];
  /** Capabilities it needs. */
  requires: string[];
  /** The pipeline stages it taps; tapping another one is refused. */
  hooks: Stage[];
  /** Session members it adds (`ses.cookies`, `ses.setProxy`); defaults to none. */
  api: string[];
  /** What an isolated copy may touch. */
  permissions: { net: string[]; read: string[]; write: string[]; env: string[] };
  /** Runtimes it supports. */
  runtimes: RuntimeName[];
  /** `inline` (same thread) or `worker` (isolated with its permissions). */
  isolation: "inline" | "worker";
  /** Other files the plugin consists of (signed along with the entry). */
  files: string[];
}

const kebab = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be kebab-case"));
const names = v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []);

const ManifestSchema = v.strictObject({
  $schema: v.optional(v.string()),
  name: kebab,
  version: v.pipe(
    v.string(),
    v.regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, "must be a semantic version"),
  ),
  description: v.optional(v.string(), ""),
  entry: v.optional(v.pipe(v.string(), v.minLength(1)), "./mod.ts"),
  provides: names,
  requires: names,
  hooks: v.optional(v.array(v.picklist(STAGES)), []),
  api: names,
  permissions: v.optional(
    v.strictObject({
      net: names,
      read: names,
      write: names,
      env: names,
    }),
    { net: [], read: [], write: [], env: [] },
  ),
  runtimes: v.optional(v.array(v.picklist(RUNTIMES)), [...RUNTIMES]),
  isolation: v.optional(v.picklist(["inline", "worker"]), "inline"),
  files: names,
});

/**
 * Validates a manifest; throws a TypeError that names the plugin, the key at fault and why.
 *
 * @example
 * ```ts
 * const manifest = parseManifest({ name: "hello", version: "1.0.0" });
 * manifest.isolation; // "inline"
 * ```
 */
export function parseManifest(raw: unknown, where = "manifest"): Manifest {
  const result = v.safeParse(ManifestSchema, raw);
  if (result.success) {
    const { $schema: _, ...manifest } = result.output;
    return manifest as Manifest;
  }
  const name = typeof (raw as { name?: unknown })?.name === "string"
    ? (raw as { name: string }).name
    : "(unnamed)";
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join(".") ?? "";
  if (issue.type === "strict_object" || issue.kind === "schema" && /key/i.test(issue.message)) {
    const key = path || String(issue.input);
    throw new TypeError(`Plugin ${name} (${where}): unknown key "${key}"`);
  }
  throw new TypeError(`Plugin ${name} (${where}): "${path || "manifest"}" ${issue.message}`);
}
