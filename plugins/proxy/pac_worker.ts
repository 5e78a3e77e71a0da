/**
 * The Worker side of a {@link PacThread}: loads the PAC script into a {@link PacResolver} (QuickJS,
 * memory bounded) and answers calls; DNS questions go to the thread, which asks the session's
 * resolver. Runs only as a Worker's module.
 *
 * @module
 */
import { PacResolver } from "./pac_resolver.ts";
import { PAC_MEMORY_LIMIT, prepareQuickJs } from "./pac_sandbox.ts";
import type { FromPacWorker, ToPacWorker } from "./_pac_wire.ts";

const scope = globalThis as unknown as {
  postMessage(message: FromPacWorker): void;
  onmessage: ((event: MessageEvent<ToPacWorker>) => void) | null;
};
const post = (message: FromPacWorker) => scope.postMessage(message);

let resolver: PacResolver | null = null;
let nextDns = 0;
const dnsWaits = new Map<number, (list: string[]) => void>();

function ask(host: string | null, family: 0 | 4): Promise<string[]> {
  const id = ++nextDns;
  return new Promise((resolve) => {
    dnsWaits.set(id, resolve);
    post({ t: "dns", id, host, family });
  });
}

scope.onmessage = async ({ data }) => {
  if (data.t === "dns") {
    dnsWaits.get(data.id)?.(data.list);
    dnsWaits.delete(data.id);
  } else if (data.t === "find") {
    const outcome = resolver === null
      ? { ok: false as const, error: "PAC script is not loaded", errors: [] }
      : await resolver.findProxyForURL(data.url, data.host);
    post({ t: "outcome", id: data.id, outcome });
  } else if (data.t === "load") {
    try {
      // Compiling QuickJS is not the script's time: the thread's watchdog starts after it.
      await prepareQuickJs(data.settings.memoryLimit ?? PAC_MEMORY_LIMIT);
      post({ t: "loading" });
      resolver = await PacResolver.create(data.script, {
        ...data.settings,
        resolver: {
          resolve: (host, family) => ask(host, family),
          localAddresses: (family) => ask(null, family),
        },
        onAlert: (message) => post({ t: "alert", message }),
        onError: (error) => post({ t: "scriptError", error }),
      });
      post({ t: "loaded" });
    } catch (error) {
      const e = error as { message?: string; errors?: [] };
      post({ t: "loadFailed", message: e.message ?? String(error), errors: e.errors ?? [] });
    }
  }
};
post({ t: "ready" });
