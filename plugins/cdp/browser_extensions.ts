/**
 * Electron's extension members on a Chromium-backed session, through CDP's `Extensions` domain:
 * `loadExtension(path)` is `Extensions.loadUnpacked`, `removeExtension(id)` is
 * `Extensions.uninstall`.
 *
 * Chromium's extensions belong to a profile, not to a browser context. A session on its own
 * Chromium (a `persist:` partition, or `null` as the browser) owns that profile, so its
 * extensions are its own, as in Electron. A session on a browser context of a shared browser
 * (an off-the-record context) loads the extension into the browser's profile with
 * `enableInIncognito`, so it acts on the pages of every context of that browser, and its
 * background service worker runs in the browser's default context; the session uninstalls the
 * extensions it loaded when it closes. Debian's Chromium 156 answers `Extensions.loadUnpacked`
 * over a pipe and over a WebSocket; upstream builds want `--enable-unsafe-extension-debugging`,
 * which the session adds to the Chromium it starts.
 *
 * @module
 */
import type { CdpConnection } from "../../kernel/cdp/connection.ts";
import { browserMessage } from "../../kernel/cdp/cdp_error.ts";
import { Emitter } from "../../kernel/events.ts";

/** Electron's `Extension`. */
export interface BrowserExtension {
  /** Chromium's id for it. */
  id: string;
  /** Its manifest as written. */
  manifest: Record<string, unknown>;
  /** `manifest.name`. */
  name: string;
  /** The folder it was loaded from. */
  path: string;
  /** `manifest.version`. */
  version: string;
  /** `chrome-extension://<id>/`. */
  url: string;
}

/** Electron's `loadExtension` options (`allowFileAccess` is Chromium's own setting here). */
export interface BrowserLoadExtensionOptions {
  /** Not settable over CDP: Chromium's default (no access to file URLs) applies. */
  allowFileAccess?: boolean;
}

/** Where the extensions go. */
export interface BrowserExtensionsTarget {
  /** The connection to the session's Chromium. */
  connection: CdpConnection;
  /** Whether the session's context is an off-the-record context of a shared browser. */
  shared: boolean;
}

/**
 * `ses.extensions` of a Chromium-backed session (also its `loadExtension` & co).
 *
 * @example
 * ```ts ignore
 * const extension = await ses.loadExtension("/abs/path/to/extension");
 * ses.getAllExtensions(); // [extension]
 * ses.removeExtension(extension.id);
 * ```
 */
export class BrowserExtensions extends Emitter {
  readonly #target: () => BrowserExtensionsTarget;
  readonly #readText: (path: string) => Promise<string>;
  readonly #emitSession: (name: string, ...args: unknown[]) => void;
  readonly #loaded = new Map<string, BrowserExtension>();

  /** `target` gives the session's connection; `readText` reads the manifest. */
  constructor(
    target: () => BrowserExtensionsTarget,
    readText: (path: string) => Promise<string>,
    emitSession: (name: string, ...args: unknown[]) => void,
  ) {
    super();
    this.#target = target;
    this.#readText = readText;
    this.#emitSession = emitSession;
  }

  #emit(name: string, extension: BrowserExtension): void {
    this.emit(name, extension);
    this.#emitSession(name, extension);
  }

  /** Loads the unpacked extension in `path` (absolute) into the session's Chromium. */
  async loadExtension(
    path: string,
    options: BrowserLoadExtensionOptions = {},
  ): Promise<BrowserExtension> {
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new TypeError("loadExtension: path must be an absolute path");
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("loadExtension: options must be an object");
    }
    const { connection, shared } = this.#target();
    let id: string;
    try {
      ({ id } = await connection.send("Extensions.loadUnpacked", {
        path,
        enableInIncognito: shared,
      }));
    } catch (error) {
      throw new Error(
        `Loading extension at ${path} failed with: ${browserMessage(error)}`,
        { cause: error },
      );
    }
    let manifest: Record<string, unknown> = {};
    try {
      manifest = JSON.parse(await this.#readText(`${path.replace(/\/$/, "")}/manifest.json`));
    } catch {
      // Chromium read it; a copy we cannot read leaves the fields empty
    }
    const extension: BrowserExtension = {
      id,
      manifest,
      name: String(manifest.name ?? ""),
      path,
      version: String(manifest.version ?? ""),
      url: `chrome-extension://${id}/`,
    };
    this.#loaded.set(id, extension);
    this.#emit("extension-loaded", extension);
    this.#emit("extension-ready", extension);
    return extension;
  }

  /** Uninstalls an extension this session loaded (an unknown id is ignored, as in Electron). */
  removeExtension(extensionId: string): void {
    if (typeof extensionId !== "string") {
      throw new TypeError("removeExtension: extensionId must be a string");
    }
    const extension = this.#loaded.get(extensionId);
    if (!extension) return;
    this.#loaded.delete(extensionId);
    this.#target().connection.send("Extensions.uninstall", { id: extensionId })
      .catch(() => {})
      .then(() => this.#emit("extension-unloaded", extension));
  }

  /** The loaded extension with this id, or null. */
  getExtension(extensionId: string): BrowserExtension | null {
    return this.#loaded.get(extensionId) ?? null;
  }

  /** The extensions this session loaded. */
  getAllExtensions(): BrowserExtension[] {
    return [...this.#loaded.values()];
  }

  /** Uninstalls every extension this session loaded from a shared browser (at close). */
  async release(): Promise<void> {
    const { connection, shared } = this.#target();
    if (!shared || connection.isClosed) return;
    for (const id of this.#loaded.keys()) {
      await connection.send("Extensions.uninstall", { id }).catch(() => {});
    }
    this.#loaded.clear();
  }
}
