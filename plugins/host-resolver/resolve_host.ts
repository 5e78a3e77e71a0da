/**
 * `ses.resolveHost(host, options)`: Electron's host resolution through the session's resolver.
 * IP literals and `localhost` answer at once, as in Chromium; the session transport's host
 * resolver rules apply (a `MAP` rule's target is resolved instead, `~NOTFOUND` fails); the rest
 * goes to the system resolver handed to the plugin, through the session's cache.
 *
 * @module
 */
import { NetError } from "../../kernel/errors.ts";
import type { AddressFamily, HostResolver } from "../../kernel/network/host_resolver.ts";
import type { HostCache } from "./host_cache.ts";
import type { NetResolvedHost, NetResolveHostOptions } from "../../kernel/net/mod.ts";

/** Electron's `ResolveHostOptions` (the same type `net.resolveHost` takes). */
export type ResolveHostOptions = NetResolveHostOptions;

/** Electron's `ResolvedEndpoint`: an address and its family (`ipv4`, `ipv6` or `unspec`). */
export type ResolvedEndpoint = NetResolvedHost["endpoints"][number];

/** Electron's `ResolvedHost`: the addresses found. */
export type ResolvedHost = NetResolvedHost;

const CHOICES: Record<string, readonly string[]> = {
  queryType: ["A", "AAAA"],
  source: ["any", "system", "dns", "mdns", "localOnly"],
  cacheUsage: ["allowed", "staleAllowed", "disallowed"],
  secureDnsPolicy: ["allow", "disable"],
};

/**
 * Checks `resolveHost`'s arguments; throws a TypeError naming the bad one (other option keys are
 * ignored, as Electron's).
 *
 * @example
 * ```ts
 * checkResolveHostArgs("example.com", { queryType: "A" });
 * ```
 */
export function checkResolveHostArgs(host: unknown, options: unknown): ResolveHostOptions {
  if (typeof host !== "string" || host === "") {
    throw new TypeError("resolveHost: host must be a non-empty string");
  }
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") {
    throw new TypeError("resolveHost: options must be an object");
  }
  // Other keys are ignored, as Electron's converter reads only these.
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && !allowed.includes(value as string)) {
      throw new TypeError(
        `resolveHost: ${key} must be one of ${allowed.map((v) => `"${v}"`).join(", ")}`,
      );
    }
  }
  return options as ResolveHostOptions;
}

function familyOf(address: string): "ipv4" | "ipv6" | "unspec" {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return address.split(".").every((octet) => Number(octet) <= 255) ? "ipv4" : "unspec";
  }
  if (address.includes(":") && !/[^0-9a-f:.]/i.test(address)) {
    try {
      new URL(`http://[${address}]/`);
      return "ipv6";
    } catch {
      return "unspec";
    }
  }
  return "unspec";
}

function isIpLiteral(host: string): boolean {
  return familyOf(host) !== "unspec";
}

/**
 * Whether `name` can be a host name at all: not a URL, a host with a port, an IP literal that is
 * out of range (all digits and dots), or a name with spaces. Chromium resolves none of these.
 */
function isHostName(name: string): boolean {
  return !/[\s/:?#@[\]\\%]/.test(name) && !/^[\d.]+$/.test(name);
}

/** What resolving needs: the system resolver, the cache, the transport's rules. */
export interface ResolveContext {
  /** The system resolver (null: only literals, localhost and rules answer). */
  resolver: HostResolver | null;
  /** The session's cache. */
  cache: HostCache;
  /** Where the transport's host resolver rules send a host. */
  mapHost: ((host: string) => { host: string; port?: number } | null) | null;
}

/**
 * Resolves `host` as the session connects to it. Rejects with `net::ERR_NAME_NOT_RESOLVED` when
 * nothing is found.
 *
 * @example
 * ```ts
 * import { HostCache } from "./host_cache.ts";
 * const found = await resolveHost("127.0.0.1", {}, {
 *   resolver: null, cache: new HostCache(60_000), mapHost: null,
 * });
 * found.endpoints; // [{ address: "127.0.0.1", family: "ipv4" }]
 * ```
 */
export async function resolveHost(
  host: string,
  options: ResolveHostOptions,
  context: ResolveContext,
): Promise<ResolvedHost> {
  let name = host.toLowerCase();
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1);
  const mapped = context.mapHost?.(name) ?? null;
  if (mapped !== null) {
    if (mapped.host === "~NOTFOUND") {
      throw new NetError("net::ERR_NAME_NOT_RESOLVED", `${host} is mapped to ~NOTFOUND`);
    }
    name = mapped.host;
  }
  const wanted = options.queryType === "A" ? "ipv4" : options.queryType === "AAAA" ? "ipv6" : null;
  let addresses: readonly string[];
  let looked = false;
  if (isIpLiteral(name)) addresses = [name];
  else if (!isHostName(name)) addresses = [];
  else if (name === "localhost" || name.endsWith(".localhost")) addresses = ["127.0.0.1", "::1"];
  else [addresses, looked] = [await lookup(name, options, context), true];
  const endpoints = addresses
    .map((address) => ({ address, family: familyOf(address) }))
    .filter((endpoint) => wanted === null || endpoint.family === wanted);
  if (endpoints.length === 0) {
    const why = looked && context.resolver === null
      ? ": this runtime has no system resolver (only IP literals, localhost and host resolver " +
        "rules answer)"
      : "";
    throw new NetError("net::ERR_NAME_NOT_RESOLVED", `${host} could not be resolved${why}`);
  }
  return { endpoints };
}

async function lookup(
  name: string,
  options: ResolveHostOptions,
  context: ResolveContext,
): Promise<readonly string[]> {
  if (options.source === "localOnly" || context.resolver === null) {
    return context.cache.get(`${name}|`, options.cacheUsage === "staleAllowed") ?? [];
  }
  const key = `${name}|`;
  const usage = options.cacheUsage ?? "allowed";
  if (usage !== "disallowed") {
    const cached = context.cache.get(key, usage === "staleAllowed");
    if (cached !== null) return cached;
  }
  const family: AddressFamily = 0;
  const addresses = await context.resolver.resolve(name, family);
  if (addresses.length > 0) context.cache.set(key, addresses);
  return addresses;
}
