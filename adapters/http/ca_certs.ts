/**
 * CA certificates a transport trusts for every send (the transport option `caCerts`), added to the
 * ones a send already names (an https proxy's). The runtimes' own trust stores stay in use.
 *
 * @module
 */
import type { PipelineRequest } from "../../kernel/request.ts";
import type { HttpTransport, TransportOptions } from "../../kernel/transport.ts";

/**
 * Wraps a transport so that every send also trusts `caCerts` (PEM); the transport itself when
 * there are none.
 *
 * @example
 * ```ts
 * import { createFetchTransport } from "./fetch.ts";
 * withCaCerts(createFetchTransport(), []).name; // "fetch"
 * ```
 */
export function withCaCerts(
  inner: HttpTransport,
  caCerts: readonly string[] | undefined,
): HttpTransport {
  if (!caCerts || caCerts.length === 0) return inner;
  for (const [i, pem] of caCerts.entries()) {
    if (typeof pem !== "string" || !pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new TypeError(`caCerts[${i}] must be a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
  }
  const own = [...caCerts];
  // One array per distinct set, so Deno's transport keeps one client per set.
  const merged = new WeakMap<readonly string[], readonly string[]>();
  return {
    name: inner.name,
    fetch(request: PipelineRequest, options: TransportOptions = {}): Promise<Response> {
      const given = options.caCerts;
      let all: readonly string[] = own;
      if (given?.length) {
        all = merged.get(given) ?? [...given, ...own];
        merged.set(given, all);
      }
      return inner.fetch(request, { ...options, caCerts: all });
    },
    closeAllConnections: inner.closeAllConnections?.bind(inner),
  };
}

const withRoots = new WeakMap<readonly string[], string[]>();
let defaults: { roots: readonly string[]; fromEnv: number } | null = null;
const NONE: readonly string[] = [];

/**
 * `caCerts` plus the certificates a TLS client trusts by default (node:tls's root list and the
 * files `NODE_EXTRA_CA_CERTS` and `DENO_CERT` name, which the runtimes' fetch trusts): for the TLS
 * clients whose `ca` option replaces the defaults (node:https, Bun's fetch), so that a CA given for
 * one origin does not distrust all others.
 *
 * @example
 * ```ts ignore
 * https.request({ ca: withDefaultRoots(options.caCerts) });
 * ```
 */
export function withDefaultRoots(caCerts: readonly string[]): string[] {
  let all = withRoots.get(caCerts);
  if (all === undefined) {
    all = [...defaultRoots().roots, ...caCerts];
    withRoots.set(caCerts, all);
  }
  return all;
}

/**
 * The `ca` option of a node:https request: undefined (node's own trust) unless `caCerts` are given
 * or the environment names extra CA files (`DENO_CERT`, which node:https in Deno does not read, or
 * `NODE_EXTRA_CA_CERTS`), so that it trusts what the runtime's fetch trusts.
 *
 * @example
 * ```ts ignore
 * https.request({ ca: nodeTrust(options.caCerts) });
 * ```
 */
export function nodeTrust(caCerts: readonly string[] | undefined): string[] | undefined {
  if (caCerts?.length) return withDefaultRoots(caCerts);
  return defaultRoots().fromEnv > 0 ? withDefaultRoots(NONE) : undefined;
}

function defaultRoots(): { roots: readonly string[]; fromEnv: number } {
  if (defaults !== null) return defaults;
  const out: string[] = [];
  let fromEnv = 0;
  const proc = (globalThis as {
    process?: { getBuiltinModule?(id: string): unknown; env?: Record<string, string | undefined> };
  }).process;
  try {
    const tls = proc?.getBuiltinModule?.("node:tls") as { rootCertificates?: readonly string[] };
    out.push(...(tls?.rootCertificates ?? []));
    const fs = proc?.getBuiltinModule?.("node:fs") as {
      readFileSync(path: string, encoding: "utf8"): string;
    };
    for (const name of ["NODE_EXTRA_CA_CERTS", "DENO_CERT"]) {
      const file = proc?.env?.[name];
      if (!file) continue;
      try {
        const pems = fs.readFileSync(file, "utf8").match(
          /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
        ) ?? [];
        out.push(...pems);
        fromEnv += pems.length;
      } catch {
        // an unreadable file: the runtime's fetch reports it; the others still count
      }
    }
  } catch {
    // no node:tls: only the given certificates
  }
  return defaults = { roots: out, fromEnv };
}
