/**
 * The Worker side of an extension's background: installs `chrome.*` (each namespace only with the
 * permission Chrome asks for), forwards calls and listener registrations to the session, and runs
 * the listeners when the session reports events. Its bootstrap module (written by
 * `background_host.ts`) calls {@linkcode install} and then imports the background's module, or
 * runs its classic scripts in order.
 *
 * @module
 */
import { type BackgroundInit, errorFromWire, errorToWire, type FromBackground } from "./_wire.ts";
import { type ToBackground, WEB_REQUEST_EVENTS } from "./_wire.ts";
import { formatMessage } from "./_i18n_messages.ts";
import { dnrNamespace } from "./_worker_dnr.ts";
import { checkCookiesCall } from "./_cookies_arguments.ts";
import { storageNamespace } from "./_worker_storage.ts";
import { checkAlarmsCall } from "./_alarms_arguments.ts";
import { backgroundContexts, type ContextFilter } from "./_runtime_contexts.ts";
import { invocationError } from "./_chrome_invocation.ts";
import { managementNamespace } from "./_worker_management.ts";
import { ChromeEvent } from "./_chrome_event.ts";
import { workerPorts } from "./_worker_ports.ts";
import { sendMessageArguments } from "./_send_message_arguments.ts";
import { checkApiCall } from "./_api_signatures.ts";
import { parseListenerArguments } from "./_web_request_arguments.ts";
import { checkProxySettingsCall } from "./_proxy_arguments.ts";
import { asJson, NO_RECEIVER } from "./_port.ts";

type Fn = (...args: unknown[]) => unknown;

const scope = globalThis as unknown as {
  postMessage(message: unknown): void;
  addEventListener(type: string, fn: (e: MessageEvent) => void): void;
  chrome?: unknown;
  browser?: unknown;
};

/**
 * Installs `chrome` (and `browser`) on the Worker's global scope for the extension `init`
 * describes, then runs its classic scripts if it has any.
 *
 * @example
 * ```ts ignore
 * install({ id, manifest, permissions: ["storage"], origins: [], classic: [], enums: CHROME_ENUMS,
 *   messages: {}, uiLanguage: "en-US" });
 * ```
 */
export function install(init: BackgroundInit): void {
  const send = (message: FromBackground) => scope.postMessage(message);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const events = new Map<string, ChromeEvent>();
  /** Each webRequest listener, and whether it answers through a callback (`asyncBlocking`). */
  const webRequestListeners = new Map<number, { fn: Fn; async: boolean }>();
  let seq = 0;
  let lastError: { message: string } | undefined;
  const has = (permission: string) => init.permissions.includes(permission);
  const { dnr: DNR_ENUMS, other: OTHER_ENUMS, webRequest: WEB_REQUEST_ENUMS } = init.enums;

  const call = (method: string, args: unknown[]): Promise<unknown> => {
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ t: "call", id, method, args });
    });
  };
  /** Runs `run` with `chrome.runtime.lastError` set (to nothing when `message` is undefined). */
  const withLastError = (message: string | undefined, run: () => void) => {
    lastError = message === undefined ? undefined : { message };
    try {
      run();
    } finally {
      lastError = undefined;
    }
  };
  /** A function that returns a promise, or calls a trailing callback with `lastError` set. */
  const api = (method: string, local?: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
    const callback = typeof args.at(-1) === "function" ? args.pop() as Fn : null;
    while (args.length > 0 && args.at(-1) === undefined) args.pop();
    const result = local ? Promise.resolve().then(() => local(...args)) : call(method, args);
    if (!callback) return result;
    result.then(
      (value) => callback(value),
      (error: Error) => withLastError(error.message, () => callback()),
    );
  };
  const event = (name: string) => {
    const e = new ChromeEvent();
    e.onFirstListener = () => send({ t: "on", name });
    events.set(name, e);
    return e;
  };

  /**
   * A member whose arguments `check` checks at the call, as Chrome's bindings do, before `api`
   * sends it. The last argument is taken off first when it fills the callback's place: a function,
   * or `null` or `undefined`, which Chromium 156 takes as no callback (`alarms.get("a", null)`);
   * any other `undefined` is an argument (`setUninstallURL(url, undefined, undefined)` is one too
   * many).
   */
  const checked = (
    method: string,
    check: (given: unknown[]) => void,
    local?: (...args: unknown[]) => unknown,
  ) => {
    const call = api(method, local);
    return (...args: unknown[]) => {
      const last = args.at(-1);
      const callbackPlace = args.length > 0 && (typeof last === "function" || last == null);
      const given = callbackPlace ? args.slice(0, -1) : args.slice();
      check(given);
      return typeof last === "function" ? call(...given, last) : call(...given);
    };
  };
  const noTab = (id: unknown): never => {
    throw new Error(`No tab with id: ${id}.`);
  };
  /** A member checked at the call against its signature in `_api_signatures.ts`. */
  const byApi = (method: string, local?: (...args: unknown[]) => unknown) =>
    checked(method, (given) => checkApiCall(method, given), local);
  const toSession = api("runtime.sendMessage");
  const noReceiver = api("runtime.sendMessage", () => {
    throw new Error(NO_RECEIVER);
  });
  const onConnect = event("runtime.onConnect");
  const ports = workerPorts({
    id: init.id,
    send,
    onConnect,
    withLastError,
    report: (error) => send({ t: "error", error: errorToWire(error), where: "runtime.Port" }),
  });
  const backgroundContextId = crypto.randomUUID();
  const runtime = {
    ...OTHER_ENUMS.runtime,
    id: init.id,
    getManifest: () => structuredClone(init.manifest),
    getPlatformInfo: byApi("runtime.getPlatformInfo", platformInfo),
    getURL: (...args: unknown[]) => {
      checkApiCall("runtime.getURL", args);
      return `chrome-extension://${init.id}/${(args[0] as string).replace(/^\//, "")}`;
    },
    sendMessage: (...args: unknown[]) => {
      const callback = typeof args.at(-1) === "function" ? [args.pop()] : [];
      const { message, elsewhere } = sendMessageArguments(args, init.id);
      // no other extension runs beside it: a message for one has nobody to receive it
      return elsewhere ? noReceiver(...callback) : toSession(message, ...callback);
    },
    reload: () => void call("runtime.reload", []),
    // Chrome opens the URL in a tab on uninstall; websession has no tabs: checked, then kept nowhere
    setUninstallURL: checked("runtime.setUninstallURL", (given) => {
      checkApiCall("runtime.setUninstallURL", given);
      const signature = "runtime.setUninstallURL(string url, optional function callback)";
      const url = given[0] as string;
      if (url.length > 1023) {
        throw invocationError(
          signature,
          "url",
          [],
          `String must have at most 1023 characters; found ${url.length}`,
        );
      }
    }, (url) => {
      if (url !== "" && !/^https?:\/\//i.test(String(url))) {
        throw new Error(`Invalid URL: "${url}".`);
      }
    }),
    // the background is the one context there is (no tabs, popups or offscreen documents)
    getContexts: byApi(
      "runtime.getContexts",
      (filter) => backgroundContexts(filter as ContextFilter, backgroundContextId),
    ),
    // an options page opens in a tab, and there are no tabs
    openOptionsPage: byApi("runtime.openOptionsPage", () => {
      throw new Error("Could not create an options page.");
    }),
    connect: ports.connect,
    onConnect,
    onMessage: event("runtime.onMessage"),
    onInstalled: event("runtime.onInstalled"),
    onStartup: event("runtime.onStartup"),
    // no other extension, page or native host can reach it, and an unpacked extension gets no
    // updates: these are there to be listened to, and never fire
    onMessageExternal: event("runtime.onMessageExternal"),
    onConnectExternal: event("runtime.onConnectExternal"),
    onUpdateAvailable: event("runtime.onUpdateAvailable"),
    onRestartRequired: event("runtime.onRestartRequired"),
    onSuspend: event("runtime.onSuspend"),
    onSuspendCanceled: event("runtime.onSuspendCanceled"),
    get lastError() {
      return lastError;
    },
  };

  /** A `chrome.permissions` method, its arguments checked at the call. */
  const permission = (op: string) => {
    const member = checked(
      `permissions.${op}`,
      (given) => checkApiCall(`permissions.${op}`, given),
    );
    if (op === "getAll") return member;
    // Chrome's own bindings read the argument's `permissions` before any check
    return (...args: unknown[]) => {
      if (args.length > 0 && args[0] == null) {
        throw new TypeError(`Cannot read properties of ${args[0]} (reading 'permissions')`);
      }
      return member(...args);
    };
  };
  const chrome: Record<string, unknown> = {
    runtime,
    // Electron's chrome.extension: getURL (Chrome's is MV2 only) and lastError
    extension: {
      getURL: runtime.getURL,
      inIncognitoContext: false,
      get lastError() {
        return lastError;
      },
    },
    i18n: {
      getMessage: (...args: unknown[]) => {
        checkApiCall("i18n.getMessage", args);
        const [name, substitutions] = args as [string, unknown];
        return formatMessage(
          init.messages,
          {
            extensionId: init.id,
            uiLanguage: init.uiLanguage,
            localized: typeof init.manifest.default_locale === "string",
          },
          name,
          substitutions,
        );
      },
      getUILanguage: (...args: unknown[]) => {
        checkApiCall("i18n.getUILanguage", args);
        return init.uiLanguage;
      },
      getAcceptLanguages: byApi("i18n.getAcceptLanguages", () => acceptLanguages(init.uiLanguage)),
    },
    management: managementNamespace(init, checked, event),
    permissions: {
      getAll: permission("getAll"),
      contains: permission("contains"),
      request: permission("request"),
      remove: permission("remove"),
      onAdded: event("permissions.onAdded"),
      onRemoved: event("permissions.onRemoved"),
    },
    tabs: {
      TAB_ID_NONE: -1,
      query: byApi("tabs.query", () => []),
      get: byApi("tabs.get", noTab),
      // websession has no tabs and no window: these find none, in Chrome's words
      create: byApi("tabs.create", () => {
        throw new Error("No current window");
      }),
      update: byApi("tabs.update", (id) => {
        throw new Error(typeof id === "number" ? `No tab with id: ${id}.` : "No current window");
      }),
      remove: byApi("tabs.remove", (ids) => {
        const first = Array.isArray(ids) ? ids[0] : ids;
        if (first !== undefined) noTab(first);
      }),
      sendMessage: byApi("tabs.sendMessage", () => {
        throw new Error(NO_RECEIVER);
      }),
      onCreated: event("tabs.onCreated"),
      onUpdated: event("tabs.onUpdated"),
      onRemoved: event("tabs.onRemoved"),
      onActivated: event("tabs.onActivated"),
    },
  };
  if (has("storage")) {
    chrome.storage = storageNamespace(api, checked, event, OTHER_ENUMS.storage);
  }
  if (has("webRequest")) {
    const wr: Record<string, unknown> = {
      ...WEB_REQUEST_ENUMS,
      MAX_HANDLER_BEHAVIOR_CHANGED_CALLS_PER_10_MINUTES: 20,
      handlerBehaviorChanged: byApi("webRequest.handlerBehaviorChanged"),
      // the extension's own actions that lost a conflict (the session reports them)
      onActionIgnored: event("webRequest.onActionIgnored"),
    };
    let lid = 0;
    for (const name of WEB_REQUEST_EVENTS) {
      wr[name] = {
        addListener(fn: Fn, ...given: unknown[]) {
          // as Chrome's bindings do: bad arguments throw here, before anything is registered
          const { filter, extraInfoSpec: spec } = parseListenerArguments(
            WEB_REQUEST_ENUMS,
            name,
            given,
          );
          // Chrome's bindings take any callback; a listener that is none could never be called
          if (typeof fn !== "function") throw new TypeError("Listener must be a function");
          const blocking = spec.includes("blocking") || spec.includes("asyncBlocking");
          // Chrome: webRequestAuthProvider is enough to answer onAuthRequired (MV3's way)
          const mayBlock = has("webRequestBlocking") ||
            (name === "onAuthRequired" && has("webRequestAuthProvider"));
          const id = ++lid;
          webRequestListeners.set(id, { fn, async: spec.includes("asyncBlocking") });
          if (blocking && !mayBlock) {
            // Chromium 156: no throw, and the listener is there (hasListener) but never called;
            // the browser refuses it, which the extension's errors show as an unchecked lastError
            const refused = new Error(
              "Unchecked runtime.lastError: You do not have permission to use blocking webRequest listeners. Be sure to declare the webRequestBlocking permission in your manifest.",
            );
            send({ t: "error", error: errorToWire(refused), where: `webRequest.${name}` });
            return;
          }
          send({ t: "listen", lid: id, event: name, filter, spec });
        },
        removeListener(fn: Fn) {
          for (const [id, entry] of webRequestListeners) {
            if (entry.fn !== fn) continue;
            webRequestListeners.delete(id);
            send({ t: "unlisten", lid: id });
          }
        },
        hasListener: (fn: Fn) => [...webRequestListeners.values()].some((e) => e.fn === fn),
        hasListeners: () => webRequestListeners.size > 0,
      };
    }
    chrome.webRequest = wr;
  }
  if (has("declarativeNetRequest") || has("declarativeNetRequestWithHostAccess")) {
    chrome.declarativeNetRequest = dnrNamespace(checked, event, DNR_ENUMS);
  }
  if (has("cookies")) {
    // the details' schema is checked at the call; the session checks the URL and host access
    const cookie = (op: string) => checked(`cookies.${op}`, (given) => checkCookiesCall(op, given));
    chrome.cookies = {
      ...OTHER_ENUMS.cookies,
      get: cookie("get"),
      getAll: cookie("getAll"),
      set: cookie("set"),
      remove: cookie("remove"),
      getAllCookieStores: cookie("getAllCookieStores"),
      onChanged: event("cookies.onChanged"),
    };
  }
  if (has("proxy")) {
    const setting = (op: string) =>
      checked(`proxy.settings.${op}`, (given) => checkProxySettingsCall(op, given));
    const set = setting("set");
    chrome.proxy = {
      ...OTHER_ENUMS.proxy,
      settings: {
        get: setting("get"),
        // ChromeSetting's own bindings check set's details first: a lone null is no callback here
        set: (...args: unknown[]) => {
          if (args.length === 1 && args[0] === null) checkProxySettingsCall("set", args);
          return set(...args);
        },
        clear: setting("clear"),
        onChange: event("proxy.settings.onChange"),
      },
      onProxyError: event("proxy.onProxyError"),
    };
  }
  if (has("alarms")) {
    // kept by the session, so that they outlive the Worker's idle termination
    const alarm = (op: string) => checked(`alarms.${op}`, (given) => checkAlarmsCall(op, given));
    chrome.alarms = {
      create: alarm("create"),
      get: alarm("get"),
      getAll: alarm("getAll"),
      clear: alarm("clear"),
      clearAll: alarm("clearAll"),
      onAlarm: event("alarms.onAlarm"),
    };
  }

  if (init.manifest.manifest_version === 2) {
    // an MV2 background is the page getBackgroundPage hands over (its Worker's global here); in
    // an MV3 service worker Chrome has neither member ("foreground only")
    (runtime as Record<string, unknown>).getBackgroundPage = api(
      "runtime.getBackgroundPage",
      () => globalThis,
    );
    (chrome.extension as Record<string, unknown>).getBackgroundPage = () => globalThis;
  }

  scope.chrome = chrome;
  scope.browser = chrome;

  const answer = (reply: number | undefined, run: () => unknown) => {
    let value: unknown;
    try {
      value = run();
    } catch (error) {
      if (reply !== undefined) send({ t: "answer", reply, error: errorToWire(error) });
      else send({ t: "error", error: errorToWire(error), where: "listener" });
      return;
    }
    if (reply === undefined) return;
    if (!(value instanceof Promise)) {
      // answered at once: no extra turn of the event loop
      send({ t: "answer", reply, value });
      return;
    }
    value.then(
      (v) => send({ t: "answer", reply, value: v }),
      (error) => send({ t: "answer", reply, error: errorToWire(error) }),
    );
  };

  scope.addEventListener("message", (e: MessageEvent) => {
    const message = e.data as ToBackground;
    if (message.t === "ping") {
      send({ t: "pong" });
    } else if (message.t === "result") {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.error) waiting.reject(errorFromWire(message.error));
      else waiting.resolve(message.value);
    } else if (message.t === "webRequest") {
      const listener = webRequestListeners.get(message.lid);
      answer(message.reply, () => {
        if (!listener) return undefined;
        if (message.reply !== undefined && listener.async) {
          // asyncBlocking: the listener answers through its callback (the only one handed one)
          return new Promise((resolve) => listener.fn(message.details, resolve));
        }
        return listener.fn(message.details);
      });
    } else if (message.t === "port") {
      ports.receive(message);
    } else if (message.name === "runtime.onMessage") {
      dispatchMessage(events.get(message.name)!, message.args, message.reply, send);
    } else {
      const e = events.get(message.name);
      for (const fn of e?.listeners ?? []) answer(undefined, () => fn(...message.args));
      if (message.reply !== undefined) send({ t: "answer", reply: message.reply });
    }
  });

  for (const script of init.classic) {
    // classic scripts share the global scope, as background pages and classic workers do
    (0, eval)(`${script.source}\n//# sourceURL=${script.file}`);
  }
}

/** `i18n.getAcceptLanguages()`: the UI language, then its language alone (`en-US`, `en`). */
function acceptLanguages(ui: string): string[] {
  const base = ui.split("-")[0];
  return base === ui ? [ui] : [ui, base];
}

/** `runtime.getPlatformInfo()`: the OS and architecture under Chrome's names. */
function platformInfo(): { os: string; arch: string; nacl_arch: string } {
  const g = globalThis as {
    Deno?: { build: { os: string; arch: string } };
    process?: { platform: string; arch: string };
  };
  const os = g.Deno?.build.os ?? g.process?.platform ?? "unknown";
  const arch = g.Deno?.build.arch ?? g.process?.arch ?? "unknown";
  const chromeOs: Record<string, string> = {
    darwin: "mac",
    windows: "win",
    win32: "win",
    linux: "linux",
    android: "android",
    openbsd: "openbsd",
  };
  const chromeArch: Record<string, string> = {
    x86_64: "x86-64",
    x64: "x86-64",
    aarch64: "arm64",
    arm64: "arm64",
    ia32: "x86-32",
    arm: "arm",
  };
  const a = chromeArch[arch] ?? arch;
  return { os: chromeOs[os] ?? os, arch: a, nacl_arch: a === "arm64" ? "arm" : a };
}

/** `runtime.onMessage`: the first listener that responds (or returns true and responds later). */
function dispatchMessage(
  e: ChromeEvent,
  args: unknown[],
  reply: number | undefined,
  send: (m: FromBackground) => void,
): void {
  if (e.listeners.length === 0) {
    // nobody receives it: the sender's error in Chrome
    if (reply !== undefined) {
      send({
        t: "answer",
        reply,
        error: {
          name: "Error",
          message: NO_RECEIVER,
        },
      });
    }
    return;
  }
  let responded = false;
  let waiting = false;
  const respond = (value?: unknown) => {
    if (responded || reply === undefined) return;
    const json = asJson(value); // what JSON cannot hold throws here, as Chrome's sendResponse does
    responded = true;
    send({ t: "answer", reply, value: json });
  };
  for (const fn of e.listeners) {
    let result: unknown;
    try {
      result = fn(args[0], args[1], respond);
    } catch (error) {
      send({ t: "error", error: errorToWire(error), where: "runtime.onMessage" });
      continue;
    }
    if (result === true) waiting = true;
    else if (result instanceof Promise) {
      waiting = true;
      result.then(respond).catch((error) => {
        if (responded || reply === undefined) return;
        responded = true;
        send({ t: "answer", reply, error: errorToWire(error) });
      });
    }
  }
  if (!waiting) respond(undefined);
}
