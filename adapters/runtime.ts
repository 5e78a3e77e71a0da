/**
 * Which runtime websession runs on, and the adapters that fit it.
 *
 * @module
 */
import { createDenoTransport, type RuntimeTransportOptions } from "./http/deno.ts";
import { createBunTransport } from "./http/bun.ts";
import { createFetchTransport } from "./http/fetch.ts";
import type { HttpTransport } from "../kernel/transport.ts";

/** The runtimes websession knows. */
export type RuntimeName = "deno" | "bun" | "browser";

/**
 * The runtime this code runs on.
 *
 * @example
 * ```ts
 * detectRuntime(); // "deno" under Deno
 * ```
 */
export function detectRuntime(): RuntimeName {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "browser";
}

/**
 * The HTTP transport for a runtime.
 *
 * @example
 * ```ts
 * transportFor("browser").name; // "browser"
 * transportFor("deno", { hostResolverRules: "MAP home.example.org 127.0.0.1" });
 * ```
 */
export function transportFor(
  runtime: RuntimeName,
  options: RuntimeTransportOptions = {},
): HttpTransport {
  if (runtime === "deno") return createDenoTransport(options);
  if (runtime === "bun") return createBunTransport(options);
  return createFetchTransport({ name: "browser", redirect: "follow", credentials: "omit" });
}
