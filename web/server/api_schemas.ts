/**
 * The control API's input schemas (valibot): what each route's body or query may hold.
 *
 * @module
 */
import * as v from "valibot";

const PartitionName = v.pipe(v.string(), v.maxLength(200, "is longer than 200 characters"));
const Partition = v.optional(PartitionName);
const Url = v.pipe(v.string(), v.url("must be an absolute URL"));

/**
 * The valibot schema of each route's body or query, by route (strict: an unknown field is a 400
 * naming it).
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * v.safeParse(schemas.clearPartition, { partition: "persist:work" }).success; // true
 * ```
 */
export const schemas = {
  partitionQuery: v.strictObject({ partition: Partition }),
  startBrowser: v.strictObject({
    url: v.optional(Url),
    headless: v.optional(v.boolean()),
  }),
  createPartition: v.strictObject({
    partition: PartitionName,
    cache: v.optional(v.boolean()),
  }),
  clearPartition: v.strictObject({ partition: PartitionName }),
  cookieFilter: v.strictObject({
    partition: Partition,
    url: v.optional(Url),
    name: v.optional(v.string()),
    domain: v.optional(v.string()),
    path: v.optional(v.string()),
    secure: v.optional(v.picklist(["true", "false"])),
    session: v.optional(v.picklist(["true", "false"])),
    httpOnly: v.optional(v.picklist(["true", "false"])),
  }),
  setCookie: v.strictObject({
    partition: Partition,
    url: Url,
    name: v.optional(v.string()),
    value: v.optional(v.string()),
    domain: v.optional(v.string()),
    path: v.optional(v.string()),
    secure: v.optional(v.boolean()),
    httpOnly: v.optional(v.boolean()),
    expirationDate: v.optional(v.number()),
    sameSite: v.optional(v.picklist(["unspecified", "no_restriction", "lax", "strict"])),
  }),
  removeCookie: v.strictObject({ partition: Partition, url: Url, name: v.string() }),
  exportCookies: v.strictObject({
    partition: Partition,
    includeSessionCookies: v.optional(v.picklist(["true", "false"])),
  }),
  importCookies: v.strictObject({
    partition: Partition,
    state: v.looseObject({ cookies: v.array(v.looseObject({})) }),
  }),
  addRules: v.strictObject({
    partition: Partition,
    rules: v.pipe(v.array(v.looseObject({ id: v.pipe(v.number(), v.integer()) })), v.minLength(1)),
  }),
  removeRules: v.strictObject({
    partition: Partition,
    ids: v.pipe(v.array(v.pipe(v.number(), v.integer())), v.minLength(1)),
  }),
  setProxy: v.strictObject({
    partition: Partition,
    mode: v.optional(
      v.picklist(["direct", "auto_detect", "pac_script", "fixed_servers", "system"]),
    ),
    pacScript: v.optional(v.string()),
    proxyRules: v.optional(v.string()),
    proxyBypassRules: v.optional(v.string()),
  }),
  resolveProxy: v.strictObject({ partition: Partition, url: Url }),
  passThrough: v.strictObject({
    hosts: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(300))), v.minLength(1)),
  }),
  loadPlugin: v.strictObject({
    source: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
  }),
  signIn: v.strictObject({ token: v.pipe(v.string(), v.minLength(1)) }),
  unloadPlugin: v.strictObject({ name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
  startDownload: v.strictObject({ partition: Partition, url: Url }),
  downloadAction: v.strictObject({ id: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
  rotate: v.strictObject({
    ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(315360000))),
  }),
};
