/**
 * The manifest of an unpacked extension (`manifest.json`), checked with valibot: the keys
 * websession reads must be well-formed, unknown keys are tolerated (Chrome warns and goes on), and
 * a bad manifest is rejected with a TypeError naming the file and the field.
 *
 * @module
 */
import * as v from "valibot";

const VERSION = /^(0|[1-9]\d{0,4})(\.(0|[1-9]\d{0,4})){0,3}$/;

const RuleResourceSchema = v.looseObject({
  id: v.pipe(
    v.string(),
    v.nonEmpty(),
    v.check((id) => !id.startsWith("_"), "must not start with _"),
  ),
  enabled: v.boolean(),
  path: v.pipe(v.string(), v.nonEmpty()),
});

const Background = v.union([
  v.looseObject({
    service_worker: v.pipe(v.string(), v.nonEmpty()),
    type: v.optional(v.picklist(["module", "classic"])),
  }),
  v.looseObject({
    scripts: v.pipe(v.array(v.pipe(v.string(), v.nonEmpty())), v.minLength(1)),
    persistent: v.optional(v.boolean()),
  }),
  v.looseObject({ page: v.pipe(v.string(), v.nonEmpty()) }),
]);

const Schema = v.looseObject({
  manifest_version: v.picklist([2, 3], "must be 2 or 3"),
  name: v.pipe(v.string(), v.nonEmpty()),
  version: v.pipe(
    v.string(),
    v.regex(VERSION, "must be 1 to 4 dot-separated integers between 0 and 65535"),
    v.check((s) => s.split(".").every((n) => Number(n) <= 65535), "parts must be at most 65535"),
  ),
  description: v.optional(v.string()),
  key: v.optional(v.string()),
  permissions: v.optional(v.array(v.string())),
  optional_permissions: v.optional(v.array(v.string())),
  host_permissions: v.optional(v.array(v.string())),
  background: v.optional(Background),
  declarative_net_request: v.optional(v.looseObject({
    rule_resources: v.optional(v.array(RuleResourceSchema)),
  })),
});

/** One static ruleset of `declarative_net_request.rule_resources`. */
export interface RuleResource {
  /** The ruleset's id (not starting with `_`). */
  id: string;
  /** Whether it is enabled when the extension is loaded. */
  enabled: boolean;
  /** The JSON file of its rules, relative to the extension's folder. */
  path: string;
}

/** A manifest websession has checked (its other keys are kept as they are). */
export interface ExtensionManifest {
  /** 2 or 3. */
  manifest_version: 2 | 3;
  /** The name. */
  name: string;
  /** 1 to 4 dot-separated integers. */
  version: string;
  /** The description. */
  description?: string;
  /** The base64 public key the id is derived from. */
  key?: string;
  /** API permissions (and in MV2 host patterns). */
  permissions?: string[];
  /** Permissions it may ask for later (never granted here: there is no user to ask). */
  optional_permissions?: string[];
  /** MV3 host permissions. */
  host_permissions?: string[];
  /** The background: `service_worker` (MV3), `scripts` or `page` (MV2). */
  background?:
    | { service_worker: string; type?: "module" | "classic" }
    | { scripts: string[]; persistent?: boolean }
    | { page: string };
  /** Static rulesets. */
  declarative_net_request?: { rule_resources?: RuleResource[] };
  /** Any other key, kept as written. */
  [key: string]: unknown;
}

/**
 * Checks a parsed `manifest.json`; a TypeError names `file` and the field.
 *
 * @example
 * ```ts
 * const manifest = parseExtensionManifest(
 *   { manifest_version: 3, name: "x", version: "1.0" },
 *   "/ext/manifest.json",
 * );
 * manifest.name; // "x"
 * ```
 */
export function parseExtensionManifest(input: unknown, file: string): ExtensionManifest {
  const result = v.safeParse(Schema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? "(root)";
    throw new TypeError(`${file}: ${path}: ${issue.message}`);
  }
  const manifest = result.output as ExtensionManifest;
  const bg = manifest.background;
  if (manifest.manifest_version === 3 && bg && !("service_worker" in bg)) {
    throw new TypeError(
      `${file}: background: manifest version 3 needs background.service_worker`,
    );
  }
  if (manifest.manifest_version === 2 && bg && "service_worker" in bg) {
    throw new TypeError(
      `${file}: background.service_worker: requires manifest version 3 or higher`,
    );
  }
  const ids = new Set<string>();
  for (const r of manifest.declarative_net_request?.rule_resources ?? []) {
    if (ids.has(r.id)) {
      throw new TypeError(
        `${file}: declarative_net_request.rule_resources: ruleset id "${r.id}" is used twice`,
      );
    }
    ids.add(r.id);
  }
  return manifest;
}
