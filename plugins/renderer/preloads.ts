/**
 * A session's preload scripts, as Electron keeps them: one list of registered
 * `{ type, id, filePath }` scripts. As in Electron (`lib/browser/api/session.ts`), the deprecated
 * `setPreloads(paths)` replaces every `frame` script with one script per path (a random id), and
 * `getPreloads()` is the paths of the `frame` scripts, so both views show the same scripts.
 * websession stores them per session; whatever drives pages for the session (the CDP plugin, a
 * Chromium-backed session) reads them with `frameScripts()` and runs them in each new frame.
 *
 * @module
 */

/** What `registerPreloadScript` takes (Electron's `PreloadScriptRegistration`). */
export interface PreloadScriptRegistration {
  /** Where the script runs: `frame` (every frame of the session) or `service-worker`. */
  type: "frame" | "service-worker";
  /** A unique id (default: a random UUID). */
  id?: string;
  /** The script's absolute path. */
  filePath: string;
}

/** A registered preload script (Electron's `PreloadScript`). */
export interface PreloadScript {
  /** Where the script runs. */
  type: "frame" | "service-worker";
  /** Its id. */
  id: string;
  /** Its absolute path. */
  filePath: string;
}

const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * Whether `path` is absolute (POSIX, or a Windows drive or UNC path).
 *
 * @example
 * ```ts
 * isAbsolutePath("/app/preload.js"); // true
 * isAbsolutePath("../preload.js"); // false
 * ```
 */
export function isAbsolutePath(path: string): boolean {
  return ABSOLUTE.test(path);
}

/**
 * The preload scripts of one session.
 *
 * @example
 * ```ts
 * const preloads = new Preloads();
 * const id = preloads.register({ type: "frame", filePath: "/app/preload.js" });
 * preloads.list()[0].id === id; // true
 * ```
 */
export class Preloads {
  #scripts = new Map<string, PreloadScript>();

  /**
   * Electron's deprecated `setPreloads`: replaces every `frame` script with one per path. As in
   * Electron, a path that is not absolute is accepted (Electron logs an error for it).
   */
  setPreloads(preloads: readonly string[]): void {
    if (!Array.isArray(preloads) || preloads.some((path) => typeof path !== "string")) {
      throw new TypeError("setPreloads: preloads must be an array of strings");
    }
    for (const script of [...this.#scripts.values()]) {
      if (script.type === "frame") this.#scripts.delete(script.id);
    }
    for (const filePath of preloads) {
      const id = crypto.randomUUID();
      this.#scripts.set(id, { type: "frame", id, filePath });
    }
  }

  /** Electron's `getPreloads`: the paths of the `frame` scripts. */
  getPreloads(): string[] {
    return this.frameScripts();
  }

  /**
   * Registers a script; returns its id. Throws a TypeError for a bad type, and an Error (with
   * Electron's message) for a path that is not absolute or an id already registered.
   */
  register(script: PreloadScriptRegistration): string {
    if (script === null || typeof script !== "object") {
      throw new TypeError("registerPreloadScript: script must be an object");
    }
    if (script.type !== "frame" && script.type !== "service-worker") {
      throw new TypeError(
        `registerPreloadScript: type must be "frame" or "service-worker", not ${
          JSON.stringify(script.type)
        }`,
      );
    }
    if (typeof script.filePath !== "string") {
      throw new TypeError("registerPreloadScript: filePath must be a string");
    }
    if (script.id !== undefined && (typeof script.id !== "string" || script.id === "")) {
      throw new TypeError("registerPreloadScript: id must be a non-empty string");
    }
    const id = script.id ?? crypto.randomUUID();
    if (this.#scripts.has(id)) {
      throw new Error(`Cannot register preload script with existing ID '${id}'`);
    }
    if (!isAbsolutePath(script.filePath)) {
      throw new Error(`Preload script must have absolute path: ${script.filePath}`);
    }
    this.#scripts.set(id, { type: script.type, id, filePath: script.filePath });
    return id;
  }

  /** Removes a script by id; throws an Error for an id not registered, as Electron does. */
  unregister(id: string): void {
    if (!this.#scripts.delete(id)) {
      throw new Error(`Cannot unregister preload script with non-existing ID '${id}'`);
    }
  }

  /** Every script (`setPreloads`' too), in registration order. */
  list(): PreloadScript[] {
    return [...this.#scripts.values()].map((script) => ({ ...script }));
  }

  /** The paths of the scripts to run in each frame, in registration order. */
  frameScripts(): string[] {
    return [...this.#scripts.values()].filter((s) => s.type === "frame").map((s) => s.filePath);
  }
}
