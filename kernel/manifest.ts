/**
 * The plugin manifest (`manifest.json`) and its schema (valibot, unknown keys rejected).
 * @module
 */
import * as v from "valibot";
import { type Stage, STAGES } from "./pipeline.ts";
import { type RuntimeName, RUNTIMES } from "./contracts.ts";

export type { Stage } from "./pipeline.ts";

/** A plugin's validated manifest; what `parseManifest` fills in is noted as the default. */
export interface Manifest {
  /** kebab-case, unique in a session. */ name: string;
  /** Semantic version. */ version: string;
  /** One line on what it does (default `""`). */ description: string;
  /** The module to load, relative to the manifest (default `./mod.ts`). */ entry: string;
  /** Capabilities it adds (others `require` them). */ provides: string[];
  /** Capabilities it needs. */ requires: string[];
  /** The pipeline stages it taps; tapping another one is refused. */ hooks: Stage[];
  /** Session members it adds (`ses.cookies`, `ses.setProxy`). */ api: string[];
  /**
   * What an isolated copy may touch; `devices` (default `[]`) names the device kinds (`serial`,
   * `hid`, `usb`) it may ask the permission broker for (`ctx.devices`).
   */
  permissions: { net: string[]; read: string[]; write: string[]; env: string[]; devices: string[] };
  /** Runtimes it supports (default all). */ runtimes: RuntimeName[];
  /** `inline` (default) or `worker` (isolated, held to its permissions). */
  isolation: "inline" | "worker";
  /** Other files of the plugin (signed along with the entry). */ files: string[];
}

const names = v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []);
const ManifestSchema = v.strictObject({
  $schema: v.optional(v.string()),
  name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be kebab-case")),
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
    v.strictObject({ net: names, read: names, write: names, env: names, devices: names }),
    { net: [], read: [], write: [], env: [], devices: [] },
  ),
  runtimes: v.optional(v.array(v.picklist(RUNTIMES)), [...RUNTIMES]),
  isolation: v.optional(v.picklist(["inline", "worker"]), "inline"),
  files: names,
});

/**
 * Validates a manifest; throws a TypeError that names the plugin, the key at fault and why.
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
  const name = (raw as { name?: unknown })?.name;
  const plugin = `Plugin ${typeof name === "string" ? name : "(unnamed)"} (${where})`;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join(".") ?? "";
  if (issue.type === "strict_object" || issue.kind === "schema" && /key/i.test(issue.message)) {
    throw new TypeError(`${plugin}: unknown key "${path || String(issue.input)}"`);
  }
  throw new TypeError(`${plugin}: "${path || "manifest"}" ${issue.message}`);
}
