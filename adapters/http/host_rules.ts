/**
 * Host resolver rules, as Chromium's `--host-resolver-rules`: `MAP home.example.org 127.0.0.1`
 * sends requests for `home.example.org` to 127.0.0.1 while the URL, the `Host` header and TLS's
 * server name stay `home.example.org`. Neither Deno's nor Bun's `fetch` lets a caller choose the
 * address, so mapped hosts go through `node:http`/`node:https` with a `lookup` of our own (both
 * runtimes support it); every other request goes to the wrapped transport unchanged. The node
 * modules are taken from `process.getBuiltinModule` on first use, so that a browser bundle of
 * the adapters does not need them.
 *
 * Rules are separated by commas: `MAP <pattern> <host>[:<port>]` (`~NOTFOUND` as the host makes the
 * name fail to resolve) and `EXCLUDE <pattern>`; patterns may use `*`; exclusions win, then the
 * first matching MAP.
 *
 * @module
 */
import type * as Http from "node:http";
import type * as Https from "node:https";
import type * as Dns from "node:dns";
import { NetError } from "../../kernel/errors.ts";
import { toNetError } from "../../kernel/http/to_net_error.ts";
import { splitHostPort } from "../../kernel/network/host_port.ts";
import type { PipelineRequest } from "../../kernel/request.ts";
import type { HttpTransport, TransportOptions } from "../../kernel/transport.ts";
import { responseFromNode } from "./_node_response.ts";
import { nodeTrust } from "./ca_certs.ts";

export type { HttpTransport, ProxyServer, TransportOptions } from "../../kernel/transport.ts";
export type { PipelineRequest, RequestBody, ResourceType } from "../../kernel/request.ts";

/** One parsed rule. */
export interface HostRule {
  /** `map` or `exclude`. */
  kind: "map" | "exclude";
  /** The host pattern (lower case, `*` matches any run of characters). */
  pattern: string;
  /** For `map`: the replacement host (`~NOTFOUND` to fail). */
  host?: string;
  /** For `map`: the replacement port, when given. */
  port?: number;
}

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

/**
 * Parses host resolver rules; throws a TypeError naming the rule that is malformed.
 *
 * @example
 * ```ts
 * parseHostResolverRules("MAP *.example.org 127.0.0.1:8080, EXCLUDE www.example.org");
 * // [{ kind: "map", pattern: "*.example.org", host: "127.0.0.1", port: 8080 },
 * //  { kind: "exclude", pattern: "www.example.org" }]
 * ```
 */
export function parseHostResolverRules(rules: string): HostRule[] {
  if (typeof rules !== "string") throw new TypeError("hostResolverRules must be a string");
  const out: HostRule[] = [];
  for (const raw of rules.split(",")) {
    const parts = raw.trim().split(/\s+/).filter((p) => p.length > 0);
    if (parts.length === 0) continue;
    const kind = parts[0].toUpperCase();
    if (kind === "EXCLUDE" && parts.length === 2) {
      out.push({ kind: "exclude", pattern: parts[1].toLowerCase() });
      continue;
    }
    if (kind !== "MAP" || parts.length !== 3) {
      throw new TypeError(
        `Invalid host resolver rule "${raw.trim()}" (use MAP host target or EXCLUDE host)`,
      );
    }
    const target = parts[2];
    const split = splitHostPort(target);
    const bracketed = split?.host.startsWith("[");
    if (
      !split || split.host === "" ||
      (bracketed ? !/^\[[0-9a-fA-F:.]+\]$/.test(split.host) : split.host.includes(":"))
    ) {
      throw new TypeError(`Invalid target "${target}" in host resolver rule "${raw.trim()}"`);
    }
    out.push({
      kind: "map",
      pattern: parts[1].toLowerCase(),
      host: bracketed ? split.host.slice(1, -1) : split.host,
      port: split.port === -1 ? undefined : split.port,
    });
  }
  return out;
}

/**
 * Compiled rules: which address a host goes to.
 *
 * @example
 * ```ts
 * new HostResolverRules("MAP *.test 127.0.0.1:8080").resolve("a.test"); // { host: "127.0.0.1", port: 8080 }
 * ```
 */
export class HostResolverRules {
  #rules: Array<HostRule & { re: RegExp }>;

  /** Compiles `rules` (a string as {@linkcode parseHostResolverRules} reads). */
  constructor(rules: string) {
    this.#rules = parseHostResolverRules(rules).map((r) => ({
      ...r,
      re: patternRegExp(r.pattern),
    }));
  }

  /** The mapping for `host` (null when no rule maps it). */
  resolve(host: string): { host: string; port?: number } | null {
    const h = host.startsWith("[") ? host.slice(1, -1) : host;
    for (const r of this.#rules) if (r.kind === "exclude" && r.re.test(h)) return null;
    for (const r of this.#rules) {
      if (r.kind === "map" && r.re.test(h)) return { host: r.host!, port: r.port };
    }
    return null;
  }
}

type LookupCallback = (
  error: Error | null,
  address: string | Array<{ address: string; family: number }>,
  family?: number,
) => void;

type NodeModules = { http: typeof Http; https: typeof Https; dns: typeof Dns };
let nodeModules: NodeModules | null = null;

/** node:http, node:https and node:dns through `process.getBuiltinModule` (Deno and Bun). */
function loadNode(): NodeModules {
  if (nodeModules) return nodeModules;
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  if (typeof proc?.getBuiltinModule !== "function") {
    throw new NetError(
      "net::ERR_NOT_IMPLEMENTED",
      "Host resolver rules need node:http, which this runtime does not have",
    );
  }
  nodeModules = {
    http: proc.getBuiltinModule("node:http") as typeof Http,
    https: proc.getBuiltinModule("node:https") as typeof Https,
    dns: proc.getBuiltinModule("node:dns") as typeof Dns,
  };
  return nodeModules;
}

function lookupFor(target: string, dnsLookup: typeof Dns.lookup) {
  return (_hostname: string, options: { all?: boolean } | number, callback: LookupCallback) => {
    const all = typeof options === "object" && options?.all === true;
    const ip = /^\d+\.\d+\.\d+\.\d+$/.test(target) ? 4 : target.includes(":") ? 6 : 0;
    if (ip !== 0) {
      if (all) callback(null, [{ address: target, family: ip }]);
      else callback(null, target, ip);
      return;
    }
    dnsLookup(target, { all } as never, callback as never);
  };
}

/**
 * What a transport with host resolver rules also tells: where the rules send a host (null when
 * no rule maps it). `ses.resolveHost` reads it, so that it answers as the transport connects.
 */
export interface MappingTransport {
  /** The mapped host and port of `host`, or null. */
  mapHost(host: string): { host: string; port?: number } | null;
}

/**
 * Wraps a transport so that hosts the rules map are reached at the mapped address.
 *
 * @example
 * ```ts
 * import { createFetchTransport } from "./fetch.ts";
 * const transport = withHostResolverRules(createFetchTransport(), "MAP home.example.org 127.0.0.1");
 * transport.name; // "fetch+host-rules"
 * ```
 */
export function withHostResolverRules(
  inner: HttpTransport,
  rules: string,
): HttpTransport & MappingTransport {
  const compiled = new HostResolverRules(rules);
  let agents: { http: Http.Agent; https: Https.Agent } | null = null;
  return {
    name: `${inner.name}+host-rules`,
    mapHost: (host: string) => compiled.resolve(host),
    fetch(request: PipelineRequest, options: TransportOptions = {}): Promise<Response> {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return inner.fetch(request, options);
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || options.proxy) {
        return inner.fetch(request, options);
      }
      const mapped = compiled.resolve(url.hostname);
      if (mapped === null) return inner.fetch(request, options);
      if (mapped.host === "~NOTFOUND") {
        return Promise.reject(
          new NetError("net::ERR_NAME_NOT_RESOLVED", `${url.hostname} is mapped to ~NOTFOUND`),
        );
      }
      let node: NodeModules;
      try {
        node = loadNode();
      } catch (error) {
        return Promise.reject(error);
      }
      agents ??= {
        http: new node.http.Agent({ keepAlive: true }),
        https: new node.https.Agent({ keepAlive: true }),
      };
      return send(node, request, url, mapped, agents, options.caCerts);
    },
    closeAllConnections: async () => {
      agents?.http.destroy();
      agents?.https.destroy();
      agents = null;
      await inner.closeAllConnections?.();
    },
  };
}

function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}

function send(
  node: NodeModules,
  request: PipelineRequest,
  url: URL,
  mapped: { host: string; port?: number },
  agents: { http: Http.Agent; https: Https.Agent },
  caCerts: readonly string[] | undefined,
): Promise<Response> {
  const secure = url.protocol === "https:";
  const port = mapped.port ?? (url.port ? Number(url.port) : secure ? 443 : 80);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  headers.host ??= url.host;
  const signal = request.signal;
  return new Promise<Response>((resolve, reject) => {
    const options: Https.RequestOptions = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers,
      agent: secure ? agents.https : agents.http,
      lookup: lookupFor(mapped.host, node.dns.lookup) as never,
      // TLS's server name is never an IP literal (RFC 6066 §3); node refuses one
      servername: secure && !isIpLiteral(url.hostname) ? url.hostname : undefined,
      ca: secure ? nodeTrust(caCerts) : undefined,
      insecureHTTPParser: true,
    };
    const req = (secure ? node.https : node.http).request(options, (res) => {
      resolve(responseFromNode(res, request));
    });
    req.on("error", (error) => reject(toNetError(error, signal)));
    const onAbort = () => req.destroy(new Error("The request was aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    const body = request.body;
    if (body === null) req.end();
    else if (body instanceof Uint8Array) req.end(body);
    else {
      (async () => {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) req.write(chunk);
        req.end();
      })().catch((error) => req.destroy(error));
    }
  });
}
