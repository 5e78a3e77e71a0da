/**
 * One session server per storage folder: a lock file (`server.lock`, the holder's pid) taken at
 * start and removed at close. A second server on the same folder stops with a {@link StorageLockError}
 * naming the folder and the holder's pid; a lock left by a process that no longer runs (killed
 * with SIGKILL) is taken over. Servers of one process share its sessions, so they share the lock.
 *
 * @module
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import process from "node:process";

/** Another live process holds the storage folder. */
export class StorageLockError extends Error {
  override name = "StorageLockError";
  /** Says which folder and which process. */
  constructor(readonly folder: string, readonly pid: number) {
    super(
      `the storage folder ${folder} is in use by another websession server (pid ${pid}); stop it or use another WEBSESSION_HOME`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as { code?: string }).code === "EPERM";
  }
}

function holder(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of `folder`; answers the function that releases it. Throws a
 * {@link StorageLockError} while another live process holds it.
 *
 * @example
 * ```ts
 * const release = lockStorage("/tmp/websession-home");
 * release();
 * ```
 */
export function lockStorage(folder: string): () => void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = `${folder}/server.lock`;
  const held = heldHere.get(file);
  if (held) {
    held.count++;
    return once(() => {
      if (--held.count === 0) {
        heldHere.delete(file);
        held.release();
      }
    });
  }
  const release = takeLock(folder, file);
  heldHere.set(file, { count: 1, release });
  return once(() => {
    const entry = heldHere.get(file);
    if (entry && --entry.count === 0) {
      heldHere.delete(file);
      entry.release();
    }
  });
}

/** The locks this process holds, by lock file, with how many servers use each. */
const heldHere = new Map<string, { count: number; release: () => void }>();

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function takeLock(folder: string, file: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const pid = holder(file);
      if (pid !== null && alive(pid)) throw new StorageLockError(folder, pid);
      // a stale lock (its process is gone, or it was left half-written): take it over
      rmSync(file, { force: true });
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return () => {
      if (holder(file) === process.pid) rmSync(file, { force: true });
    };
  }
  throw new StorageLockError(folder, holder(file) ?? 0);
}
