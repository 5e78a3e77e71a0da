/**
 * The session server outlives a stray rejection: a promise rejected with nobody awaiting it (an
 * add-on's background work, a browser closing under a pending CDP command). It is written to
 * stderr with its stack, and the server goes on serving, as mitmproxy goes on after an add-on's
 * error; without this, the runtime's default ends the process and every client's connection
 * with it. An exception thrown from a callback still ends the process: after one, nothing says
 * the state it left is sound (Node's own advice for `uncaughtException`).
 *
 * @module
 */
import process from "node:process";

/**
 * Keeps the process alive through unhandled rejections, writing each to `write` (stderr by
 * default). Returns a function that removes the guard.
 *
 * @example
 * ```ts
 * import { guardStrayRejections } from "./stray_errors.ts";
 * const unguard = guardStrayRejections();
 * unguard();
 * ```
 */
export function guardStrayRejections(
  write: (line: string) => void = (line) => console.error(line),
): () => void {
  const onRejection = (reason: unknown) =>
    write(`websession: an unhandled rejection (the server goes on): ${describe(reason)}`);
  process.on("unhandledRejection", onRejection);
  return () => void process.off("unhandledRejection", onRejection);
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? `${reason.name}: ${reason.message}`;
  return String(reason);
}
