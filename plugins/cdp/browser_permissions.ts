/**
 * Electron's permission handlers on a Chromium-backed session. CDP has no event when a page asks
 * for a permission, so the handlers are asked ahead: when a document of the context is about to
 * load (its request is paused by the bridge), the request handler (else the check handler) is
 * asked for each permission CDP can set, for the document's origin, and the answers are set with
 * `Browser.setPermission` before the document runs. What the page then asks or queries gets
 * those answers. Permissions without a CDP descriptor (`openExternal`, `pointerLock`, ...) are
 * not asked. Without a handler every one of them is granted to every origin of the context, as
 * Electron approves every request by default (`Browser.setPermission` without an origin, from the
 * session's start and again when the last handler is removed; `Browser.resetPermissions` when the
 * first one is set).
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import { oneTimeCallback } from "../permissions/one_time.ts";

/** Electron's details of a permission request or check (what a Chromium-backed session knows). */
export interface BrowserPermissionDetails {
  /** The URL of the document asking. */
  requestingUrl: string;
  /** Whether it is the main frame's document. */
  isMainFrame: boolean;
  /** The top-level origin (for a check). */
  embeddingOrigin?: string;
  /** For `media`: which devices. */
  mediaTypes?: Array<"video" | "audio">;
}

/** Electron's request handler (the first argument, `webContents`, is null here). */
export type BrowserPermissionRequestHandler = (
  webContents: null,
  permission: string,
  callback: (granted: boolean) => void,
  details: BrowserPermissionDetails,
) => void;

/** Electron's check handler (the first argument, `webContents`, is null here). */
export type BrowserPermissionCheckHandler = (
  webContents: null,
  permission: string,
  requestingOrigin: string,
  details: BrowserPermissionDetails,
) => boolean;

type Descriptor = Protocol.Browser.PermissionDescriptor;

/** Electron's permission names and the CDP descriptors they set. */
const DESCRIPTORS: Record<string, Descriptor[]> = {
  geolocation: [{ name: "geolocation" }],
  notifications: [{ name: "notifications" }],
  midi: [{ name: "midi" }],
  midiSysex: [{ name: "midi", sysex: true }],
  "clipboard-read": [{ name: "clipboard-read" }],
  "clipboard-sanitized-write": [{ name: "clipboard-write" }],
  "idle-detection": [{ name: "idle-detection" }],
  "storage-access": [{ name: "storage-access" }],
  "window-management": [{ name: "window-management" }],
  media: [{ name: "camera" }, { name: "microphone" }],
};

/** How long a request handler may take to call back before the answer is `denied`. */
const ANSWER_MS = 5000;

/**
 * The handlers of one context and the step that applies them to a document's origin.
 *
 * @example
 * ```ts ignore
 * const permissions = new BrowserPermissions(() => ({ connection, contextId }));
 * permissions.setRequestHandler((_wc, permission, callback) => callback(permission === "geolocation"));
 * await permissions.prepare("http://127.0.0.1:8000/", true);
 * ```
 */
export class BrowserPermissions {
  readonly #target: () => { connection: CdpConnection; contextId: string | undefined };
  #request: BrowserPermissionRequestHandler | null = null;
  #check: BrowserPermissionCheckHandler | null = null;
  /** Whether the session started (the defaults can be set). */
  #started = false;
  /** The last change of the defaults (documents are prepared after it). */
  #settling: Promise<void> = Promise.resolve();

  /** `target()` names the connection and context (asked at each use). */
  constructor(target: () => { connection: CdpConnection; contextId: string | undefined }) {
    this.#target = target;
  }

  /** Electron's `setPermissionRequestHandler`. */
  setRequestHandler(handler: BrowserPermissionRequestHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError("setPermissionRequestHandler: handler must be a function or null");
    }
    const was = this.active;
    this.#request = handler;
    this.#changed(was);
  }

  /** Electron's `setPermissionCheckHandler`. */
  setCheckHandler(handler: BrowserPermissionCheckHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError("setPermissionCheckHandler: handler must be a function or null");
    }
    const was = this.active;
    this.#check = handler;
    this.#changed(was);
  }

  /** Sets Electron's default (everything granted) when no handler is set; at the session's start. */
  start(): Promise<void> {
    this.#started = true;
    return this.#settle(false);
  }

  /** A handler was set or removed: the defaults go or come back when that changed `active`. */
  #changed(was: boolean): void {
    if (this.#started && was !== this.active) void this.#settle(true);
  }

  /** Drops the answers set before (`reset`), then grants everything while no handler is set. */
  #settle(reset: boolean): Promise<void> {
    this.#settling = this.#settling.then(async () => {
      const { connection, contextId } = this.#target();
      const browserContextId = contextId;
      if (reset) {
        await connection.send("Browser.resetPermissions", { browserContextId }).catch(() => {});
      }
      if (this.active) return;
      await Promise.all(
        Object.values(DESCRIPTORS).flat().map((permission) =>
          connection.send("Browser.setPermission", {
            permission,
            setting: "granted",
            browserContextId,
          })
            .catch(() => {}) // a descriptor this Chromium does not know
        ),
      );
    });
    return this.#settling;
  }

  /** Whether a handler is set (documents are then paused until their origin is prepared). */
  get active(): boolean {
    return this.#request !== null || this.#check !== null;
  }

  /** Asks the handlers for `url`'s origin and sets the answers in Chromium. */
  async prepare(url: string, isMainFrame: boolean): Promise<void> {
    const origin = URL.parse(url)?.origin;
    if (!origin || origin === "null" || !this.active) return;
    await this.#settling;
    const { connection, contextId } = this.#target();
    await Promise.all(
      Object.entries(DESCRIPTORS).map(async ([permission, descriptors]) => {
        const details: BrowserPermissionDetails = { requestingUrl: url, isMainFrame };
        if (permission === "media") details.mediaTypes = ["video", "audio"];
        const granted = await this.#ask(permission, origin, details);
        if (granted === null) return;
        for (const permission of descriptors) {
          await connection.send("Browser.setPermission", {
            permission,
            setting: granted ? "granted" : "denied",
            origin,
            browserContextId: contextId,
          }).catch(() => {}); // a descriptor this Chromium does not know
        }
      }),
    );
  }

  #ask(permission: string, origin: string, details: BrowserPermissionDetails) {
    const request = this.#request;
    if (request) {
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ANSWER_MS);
        // As Electron: the answer counts by truthiness, and the callback is one-time.
        const settle = (granted: boolean) => {
          clearTimeout(timer);
          resolve(Boolean(granted));
        };
        try {
          request(null, permission, oneTimeCallback(settle), details);
        } catch {
          settle(false);
        }
      });
    }
    if (this.#check) {
      try {
        return Promise.resolve(
          Boolean(this.#check(null, permission, origin, { ...details, embeddingOrigin: origin })),
        );
      } catch {
        return Promise.resolve(false);
      }
    }
    return Promise.resolve(null);
  }
}
