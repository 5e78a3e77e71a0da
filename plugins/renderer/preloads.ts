/**
 * A session's preload scripts, as Electron keeps them: the deprecated `setPreloads` list and the
 * registered `{ type, id, filePath }` scripts. websession stores them per session; whatever
 * drives pages for the session (the CDP plugin, a Chromium-backed session) reads them with
 * `frameScripts()` and runs them in each new frame.
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

function checkPath(member: string, path: unknown): string {
  if (typeof path !== "string" || !ABSOLUTE.test(path)) {
    throw new TypeError(`${member}: ${JSON.stringify(path)} is not an absolute path`);
  }
  return path;
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
  #legacy: string[] = [];
  #scripts = new Map<string, PreloadScript>();

  /** Electron's `setPreloads`: replaces the list of frame preloads (absolute paths). */
  setPreloads(preloads: readonly string[]): void {
    if (!Array.isArray(preloads)) throw new TypeError("setPreloads: preloads must be an array");
    this.#legacy = preloads.map((path) => checkPath("setPreloads", path));
  }

  /** Electron's `getPreloads`. */
  getPreloads(): string[] {
    return [...this.#legacy];
  }

  /** Registers a script; returns its id. Throws a TypeError for a bad type, path or a taken id. */
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
    const filePath = checkPath("registerPreloadScript", script.filePath);
    if (script.id !== undefined && (typeof script.id !== "string" || script.id === "")) {
      throw new TypeError("registerPreloadScript: id must be a non-empty string");
    }
    const id = script.id ?? crypto.randomUUID();
    if (this.#scripts.has(id)) {
      throw new Error(`registerPreloadScript: a preload script with id "${id}" already exists`);
    }
    this.#scripts.set(id, { type: script.type, id, filePath });
    return id;
  }

  /** Removes a script by id (an unknown id is ignored, as in Electron). */
  unregister(id: string): void {
    this.#scripts.delete(id);
  }

  /** Every registered script, in registration order. */
  list(): PreloadScript[] {
    return [...this.#scripts.values()].map((script) => ({ ...script }));
  }

  /** The paths of the scripts to run in each frame: `setPreloads`' first, then the registered. */
  frameScripts(): string[] {
    const registered = [...this.#scripts.values()].filter((s) => s.type === "frame");
    return [...this.#legacy, ...registered.map((s) => s.filePath)];
  }
}
