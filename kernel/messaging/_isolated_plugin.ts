/**
 * The kernel side of an isolated plugin: a {@linkcode Plugin} whose setup starts a Worker through
 * an isolation adapter and installs, for each tap the Worker reports, a pipeline tap that calls it
 * over a {@linkcode MessagePortMain}. A permission violation, a hook that outlives the hook
 * timeout, or a crashed Worker is reported with the plugin's name; the plugin is then cut off and
 * unloaded, and the request goes on without it.
 *
 * @module
 */
import { MessageChannelMain, type MessagePortMain } from "./message_channel.ts";
import { postToWorker } from "./worker_ports.ts";
import {
  answerFromWire,
  argsToWire,
  errorFromWire,
  errorToWire,
  type WireError,
} from "./_hook_wire.ts";
import type { FromWorker, ToWorker, WorkerInit } from "./_plugin_worker.ts";
import {
  FromWorkerSchema,
  isCommonAnswer,
  malformed,
  WireAnswerSchema,
} from "./_worker_messages.ts";
import type { IsolationAdapter, WorkerPermissions } from "../contracts.ts";
import type { Manifest, Stage } from "../manifest.ts";
import type { Plugin, PluginContext } from "../plugin.ts";
import type { StageHandlers, TapOrder } from "../request.ts";

/** How an isolated plugin is run. */
export interface IsolatedPluginOptions {
  /** Starts the Worker. */
  adapter: IsolationAdapter;
  /** What the Worker may touch. */
  permissions: WorkerPermissions;
  /** How long a hook (and teardown) may take, in ms. */
  hookTimeout: number;
  /** How long setup may take once the plugin's modules are loaded, in ms. */
  setupTimeout: number;
}

const WORKER_MODULE = new URL("./_plugin_worker.ts", import.meta.url);
const PERMISSION_ERRORS = new Set(["NotCapable", "PermissionDenied"]);
/**
 * How long the runtime may take to load the Worker and the plugin's modules, before the setup
 * timeout starts: `deno test` type-checks a Worker's module graph when it starts, which takes
 * seconds, and on a busy machine more than the setup timeout.
 */
const LOAD_TIMEOUT = 120_000;
/** After this many malformed messages, the plugin is cut off and unloaded. */
export const MAX_PROTOCOL_FAULTS = 3;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  stage: Stage;
  deadline: number;
}

/** Whether an error from inside the Worker is the runtime refusing a permission. */
export function isPermissionError(error: { name?: string }): boolean {
  return PERMISSION_ERRORS.has(error.name ?? "");
}

/**
 * What the session's permission broker offers isolated plugins (the permissions plugin's
 * `ses.permissions.serveIsolated`): one call of a device plugin's API on behalf of `plugin`.
 */
interface IsolatedDeviceBroker {
  serveIsolated(plugin: string, kind: string, method: string, args: unknown[]): Promise<unknown>;
}

/** A device call of an isolated plugin: only kinds its manifest lists, only through the broker. */
function brokerDevice(
  ctx: PluginContext,
  manifest: Manifest,
  kind: string,
  method: string,
  args: unknown[],
): Promise<unknown> {
  if (!manifest.permissions.devices.includes(kind)) {
    return Promise.reject(
      new TypeError(
        `Plugin ${manifest.name} may not use ${kind} devices: its manifest does not list "${kind}" in permissions.devices`,
      ),
    );
  }
  const broker = (ctx.session as unknown as { permissions?: Partial<IsolatedDeviceBroker> })
    .permissions;
  if (typeof broker?.serveIsolated !== "function") {
    return Promise.reject(
      new Error(
        `Plugin ${manifest.name} asked for ${kind} devices, but the session has no permission broker (the permissions plugin)`,
      ),
    );
  }
  return broker.serveIsolated(manifest.name, kind, method, args);
}

/** Makes the plugin that runs `entry` isolated. */
export function isolatedPlugin(
  manifest: Manifest,
  entry: URL,
  options: IsolatedPluginOptions,
): Plugin {
  return Object.freeze({
    name: manifest.name,
    manifest,
    setup: (ctx: PluginContext) => setupIsolated(ctx, manifest, entry, options),
  });
}

async function setupIsolated(
  ctx: PluginContext,
  manifest: Manifest,
  entry: URL,
  options: IsolatedPluginOptions,
): Promise<() => Promise<void>> {
  // the setup timeout starts once the Worker has loaded the plugin's modules (see LOAD_TIMEOUT)
  const { hookTimeout, setupTimeout } = options;
  const worker = options.adapter.spawn(WORKER_MODULE, options.permissions);
  const { port1: port, port2 } = new MessageChannelMain();
  const pending = new Map<number, Pending>();
  const untaps = new Map<number, () => void>();
  let alive = true;
  let seq = 0;
  let settle: { resolve(): void; reject(e: unknown): void } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expireIn = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => settle?.reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  };
  let done: (() => void) | null = null;
  // one watchdog per plugin instead of a timer per call (timers cost several µs in Deno)
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const [id, waiting] of pending) {
      if (waiting.deadline > now) continue;
      pending.delete(id);
      waiting.resolve(undefined);
      cutOff(new Error(`Timed out after ${hookTimeout} ms; the plugin was cut off`), waiting.stage);
      return;
    }
  }, Math.max(5, Math.min(250, hookTimeout / 8)));

  const cutOff = (error: Error, hook: string) => {
    if (!alive) return;
    alive = false;
    clearInterval(watchdog);
    ctx.report(error, hook);
    for (const call of pending.values()) call.resolve(undefined);
    pending.clear();
    settle?.reject(error);
    done?.();
    worker.terminate();
    port.close();
    setTimeout(() => ctx.session.plugins.remove(manifest.name).catch(() => {}), 0);
  };

  const call = (tap: number, stage: Stage, args: unknown[]): Promise<unknown> => {
    if (!alive) return Promise.resolve(undefined);
    const id = ++seq;
    const ports: MessagePortMain[] = [];
    const wire = argsToWire(args, ports);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, stage, deadline: performance.now() + hookTimeout });
      port.postMessage(["c", id, tap, wire] satisfies ToWorker, ports);
    });
  };

  // A malformed message is the plugin's error: reported, the call it answers goes on as if the
  // plugin had not answered, and after MAX_PROTOCOL_FAULTS of them the plugin is unloaded.
  let faults = 0;
  const fault = (why: string, data: unknown) => {
    if (!alive) return;
    if (Array.isArray(data) && typeof data[1] === "number") {
      const waiting = pending.get(data[1]);
      pending.delete(data[1]);
      waiting?.resolve(undefined);
    }
    const error = new TypeError(`The plugin's Worker sent a malformed message (${why})`);
    if (++faults >= MAX_PROTOCOL_FAULTS) {
      cutOff(
        new TypeError(`${error.message}; ${faults} malformed messages: the plugin was cut off`),
        "protocol",
      );
    } else ctx.report(error, "protocol");
  };

  port.on("message", (e: { data: unknown; ports: readonly MessagePortMain[] }) => {
    try {
      onMessage(e);
    } catch (error) {
      fault((error as Error)?.message ?? String(error), e.data);
    }
  });

  const onMessage = (e: { data: unknown; ports: readonly MessagePortMain[] }) => {
    if (isCommonAnswer(e.data)) {
      const [, id, payload] = e.data as [string, number, unknown];
      const waiting = pending.get(id);
      if (!waiting) return;
      pending.delete(id);
      waiting.resolve(answerFromWire(payload, e.ports));
      return;
    }
    const problem = malformed(FromWorkerSchema, e.data);
    if (problem !== null) return fault(problem, e.data);
    const message = e.data as FromWorker;
    if (Array.isArray(message)) {
      const [kind, id, payload] = message;
      const waiting = pending.get(id);
      if (!waiting) return;
      if (kind === "r") {
        const bad = malformed(WireAnswerSchema, payload);
        if (bad !== null) return fault(`answer ${bad}`, message);
        const response = (payload as { "\u0000response"?: { body: unknown } } | null)?.[
          "\u0000response"
        ];
        if (response?.body === "port" && e.ports.length === 0) {
          return fault("a body port is missing", message);
        }
        const answer = answerFromWire(payload, e.ports);
        pending.delete(id);
        waiting.resolve(answer);
        return;
      }
      pending.delete(id);
      const error = errorFromWire(payload as WireError);
      if (isPermissionError(error)) {
        waiting.resolve(undefined);
        cutOff(error, "permissions");
      } else waiting.reject(error);
      return;
    }
    switch (message.t) {
      case "loaded":
        if (settle) expireIn(setupTimeout, "Setup");
        return;
      case "ready":
        settle?.resolve();
        return;
      case "failed":
        settle?.reject(errorFromWire(message.error));
        return;
      case "tap": {
        const stage = message.stage as Stage;
        const handler = (...args: unknown[]) => call(message.tap, stage, args);
        try {
          const untap = ctx.tap(stage, handler as StageHandlers[typeof stage], {
            order: message.order as TapOrder | undefined,
            label: message.label,
          });
          untaps.set(message.tap, untap);
        } catch (error) {
          cutOff(error as Error, "setup");
        }
        return;
      }
      case "untap":
        untaps.get(message.tap)?.();
        untaps.delete(message.tap);
        return;
      case "report":
        ctx.report(errorFromWire(message.error), message.hook);
        return;
      case "device": {
        const { id, kind, method, args } = message;
        brokerDevice(ctx, manifest, kind, method, args).then(
          (value) => alive && port.postMessage(["d", id, value, null] satisfies ToWorker),
          (error) =>
            alive && port.postMessage(["d", id, null, errorToWire(error)] satisfies ToWorker),
        );
        return;
      }
      case "done":
        done?.();
        return;
    }
  };
  port.on("close", () => cutOff(new Error("The plugin's Worker exited"), "worker"));
  worker.addEventListener("error", (event: Event) => {
    event.preventDefault();
    const message = (event as ErrorEvent).message ?? "unknown error";
    const error = new Error(`The plugin's Worker crashed: ${message}`);
    if (/NotCapable|Requires \w+ access/.test(message)) error.name = "NotCapable";
    cutOff(error, "worker");
  });
  port.start();

  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const init: WorkerInit = { entry: entry.href, manifest };
  postToWorker(worker, init, [port2]);
  expireIn(LOAD_TIMEOUT, "Loading the plugin's modules");
  try {
    await ready;
  } catch (error) {
    alive = false;
    clearInterval(watchdog);
    worker.terminate();
    port.close();
    throw error;
  } finally {
    clearTimeout(timer);
    settle = null;
  }

  return async () => {
    if (!alive) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, hookTimeout);
      done = () => {
        clearTimeout(timer);
        resolve();
      };
      port.postMessage({ t: "teardown" } satisfies ToWorker);
    });
    alive = false;
    clearInterval(watchdog);
    worker.terminate();
    port.close();
  };
}
