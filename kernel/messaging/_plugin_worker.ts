/**
 * The Worker side of an isolated plugin: imports the plugin's entry, runs its setup with a context
 * whose taps answer calls that come over a {@linkcode MessagePortMain}, and reports back.
 * Started by `_isolated_plugin.ts` through an isolation adapter.
 *
 * @module
 */
import { MessagePortMain } from "./message_channel.ts";
import "../plugin.ts"; // loaded here so that a plugin importing definePlugin finds it in the cache
import { answerToWire, argsFromWire, errorFromWire, errorToWire } from "./_hook_wire.ts";
import { importAtRunTime } from "./_run_time_import.ts";
import type { Manifest } from "../manifest.ts";

/** What the kernel sends first (with the port). */
export interface WorkerInit {
  entry: string;
  manifest: Manifest;
}

/** Messages the Worker sends. */
export type FromWorker =
  | { t: "loaded" }
  | { t: "ready" }
  | { t: "failed"; error: ReturnType<typeof errorToWire> }
  | { t: "tap"; tap: number; stage: string; order?: string; label?: string }
  | { t: "untap"; tap: number }
  | ["r", number, unknown]
  | ["e", number, ReturnType<typeof errorToWire>]
  | { t: "report"; hook: string; error: ReturnType<typeof errorToWire> }
  | { t: "device"; id: number; kind: string; method: string; args: unknown[] }
  | { t: "done" };

/** Messages the kernel sends. */
export type ToWorker =
  | ["c", number, number, unknown[]]
  | ["d", number, unknown, ReturnType<typeof errorToWire> | null]
  | { t: "teardown" };

type Fn = (...args: unknown[]) => unknown;

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
};

scope.onmessage = (e: MessageEvent) => {
  scope.onmessage = null;
  const port = new MessagePortMain(e.ports[0]);
  run(e.data as WorkerInit, port);
};

function run(init: WorkerInit, port: MessagePortMain): void {
  const taps = new Map<number, Fn>();
  const deviceCalls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let nextDeviceCall = 0;
  const teardowns: Array<() => unknown> = [];
  let next = 0;
  const send = (message: FromWorker, transfer: MessagePortMain[] = []) =>
    port.postMessage(message, transfer);

  port.on("message", async (e: { data: ToWorker; ports: readonly MessagePortMain[] }) => {
    const message = e.data;
    if (!Array.isArray(message)) {
      for (const fn of teardowns) {
        try {
          await fn();
        } catch (error) {
          send({ t: "report", hook: "teardown", error: errorToWire(error) });
        }
      }
      send({ t: "done" });
      return;
    }
    if (message[0] === "d") {
      const [, id, value, error] = message;
      const call = deviceCalls.get(id);
      deviceCalls.delete(id);
      if (error) call?.reject(errorFromWire(error));
      else call?.resolve(value);
      return;
    }
    const [, id, tap, args] = message;
    const fn = taps.get(tap);
    if (!fn) {
      send(["r", id, undefined]);
      return;
    }
    try {
      const value = await fn(...argsFromWire(args, e.ports));
      const ports: MessagePortMain[] = [];
      send(["r", id, answerToWire(value, ports)], ports);
    } catch (error) {
      send(["e", id, errorToWire(error)]);
    }
  });
  port.start();

  const unavailable = (what: string) => () => {
    throw new TypeError(`Plugin ${init.manifest.name} is isolated: ctx.${what} is not available`);
  };
  const ctx = {
    manifest: init.manifest,
    get session(): never {
      return unavailable("session")();
    },
    get store(): never {
      return unavailable("store")();
    },
    get transport(): never {
      return unavailable("transport")();
    },
    provide: unavailable("provide"),
    onFlush: unavailable("onFlush"),
    tap(stage: string, fn: Fn, options: { order?: string; label?: string } = {}) {
      if (!init.manifest.hooks.includes(stage as never)) {
        throw new TypeError(
          `Plugin ${init.manifest.name} taps "${stage}", which its manifest does not list in hooks`,
        );
      }
      if (typeof fn !== "function") {
        throw new TypeError(`The tap for "${stage}" must be a function`);
      }
      const id = ++next;
      taps.set(id, fn);
      send({ t: "tap", tap: id, stage, order: options.order, label: options.label });
      return () => {
        if (taps.delete(id)) send({ t: "untap", tap: id });
      };
    },
    report(error: unknown, hook = "plugin") {
      send({ t: "report", hook, error: errorToWire(error) });
    },
    onTeardown(fn: () => unknown) {
      teardowns.push(fn);
    },
    // Devices only through the session's permission broker, for the kinds the manifest lists in
    // permissions.devices: `ctx.devices.call("serial", "requestPort", options)`.
    devices: {
      call(kind: string, method: string, ...args: unknown[]): Promise<unknown> {
        const id = ++nextDeviceCall;
        return new Promise((resolve, reject) => {
          deviceCalls.set(id, { resolve, reject });
          send({ t: "device", id, kind, method, args });
        });
      },
    },
  };

  (async () => {
    const module = await importAtRunTime(init.entry);
    send({ t: "loaded" }); // the setup timeout starts now
    const plugin = (module.default ?? module.plugin) as
      | { setup?: (context: unknown) => unknown }
      | undefined;
    if (!plugin || typeof plugin.setup !== "function") {
      throw new TypeError(
        `Plugin ${init.manifest.name}: ${init.entry} must export default definePlugin({ ... })`,
      );
    }
    const teardown = await plugin.setup(ctx);
    if (typeof teardown === "function") teardowns.unshift(teardown as () => unknown);
  })().then(
    () => send({ t: "ready" }),
    (error) => send({ t: "failed", error: errorToWire(error) }),
  );
}
