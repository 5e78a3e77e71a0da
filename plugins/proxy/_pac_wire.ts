/**
 * The messages between a {@link PacThread} (`pac_thread.ts`) and its Worker (`pac_worker.ts`).
 *
 * @module
 */
import type { PacOutcome, PacScriptError } from "./pac_sandbox.ts";

/** The sandbox settings that cross to the Worker (functions do not). */
export interface PacWorkerSettings {
  /** Time limit per call in ms. */
  timeout?: number;
  /** Memory limit of the VM in bytes. */
  memoryLimit?: number;
  /** Asynchronous DNS answers one call may wait for. */
  maxRestarts?: number;
  /** The file name in error positions. */
  filename?: string;
}

/** What the thread sends. */
export type ToPacWorker =
  | { t: "load"; script: string; settings: PacWorkerSettings }
  | { t: "find"; id: number; url: string; host: string }
  | { t: "dns"; id: number; list: string[] };

/** What the Worker sends. */
export type FromPacWorker =
  | { t: "ready" }
  | { t: "loading" }
  | { t: "loaded" }
  | { t: "loadFailed"; message: string; errors: PacScriptError[] }
  | { t: "outcome"; id: number; outcome: PacOutcome }
  | { t: "dns"; id: number; host: string | null; family: 0 | 4 }
  | { t: "alert"; message: string }
  | { t: "scriptError"; error: PacScriptError };
