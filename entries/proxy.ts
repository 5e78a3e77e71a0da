/**
 * The `./proxy` subpath for Deno and Bun: the proxy plugin (`plugins/proxy/mod.ts`) with these
 * runtimes' adapters handed in (`presets/default.ts`: SOCKS and `CONNECT` tunnels over `node:net`,
 * the system resolver, the QuickJS PAC engine), and the kernel configured for the runtime
 * (`runtime_setup.ts`), so that importing it alone gives a working default session.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { proxyPlugin } from "./proxy.ts";
 * const ses = session.fromPartition("proxied", { plugins: [proxyPlugin] });
 * await ses.setProxy({ proxyRules: "socks5://127.0.0.1:1080" });
 * await ses.resolveProxy("http://example.com/"); // "SOCKS5 127.0.0.1:1080"
 * ```
 *
 * @module
 */
import "./runtime_setup.ts";

export * from "../plugins/proxy/mod.ts";
export { createProxyPlugin, proxyPlugin, quickJsPacEngine } from "../presets/default.ts";
