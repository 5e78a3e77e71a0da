/**
 * The adapters that fit a runtime (the runtime's name and its detection are the kernel's, in
 * `kernel/contracts.ts`, re-exported here for the entry points).
 *
 * @module
 */
import { createDenoTransport, type RuntimeTransportOptions } from "./http/deno.ts";
import { createBunTransport } from "./http/bun.ts";
import { createBrowserTransport } from "./http/browser.ts";
import type { HttpTransport } from "../kernel/transport.ts";
import type { RuntimeName } from "../kernel/contracts.ts";

export { detectRuntime, type RuntimeName } from "../kernel/contracts.ts";

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
  return createBrowserTransport();
}
