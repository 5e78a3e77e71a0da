/**
 * The startup benchmark's baseline: a script that does nothing, so its process time is the
 * runtime's own start.
 *
 * @module
 */
export {};
