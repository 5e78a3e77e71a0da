/**
 * A seeded PRNG (mulberry32) returning floats in [0, 1): the same sequence on every runtime, for
 * generated benchmark data, fuzz inputs and the parity tests' cases.
 *
 * @module
 */

/**
 * The generator for `seed`.
 *
 * @example
 * ```ts
 * const random = prng(1);
 * random(); // the same number on every run
 * ```
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
