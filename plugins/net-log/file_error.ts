/**
 * A file that could not be opened, named as Electron's `startLogging` rejects: with base::File's
 * error name (`FILE_ERROR_NOT_FOUND`, ...) for the system's error code.
 *
 * @module
 */

/** Chromium's reading of POSIX error codes (base::File::OSErrorToFileError). */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  EACCES: "FILE_ERROR_ACCESS_DENIED",
  EISDIR: "FILE_ERROR_ACCESS_DENIED",
  EROFS: "FILE_ERROR_ACCESS_DENIED",
  EPERM: "FILE_ERROR_ACCESS_DENIED",
  EBUSY: "FILE_ERROR_IN_USE",
  ETXTBSY: "FILE_ERROR_IN_USE",
  EEXIST: "FILE_ERROR_EXISTS",
  EMFILE: "FILE_ERROR_TOO_MANY_OPENED",
  ENOENT: "FILE_ERROR_NOT_FOUND",
  ENOSPC: "FILE_ERROR_NO_SPACE",
  ENOTDIR: "FILE_ERROR_NOT_A_DIRECTORY",
};

/**
 * The Error `startLogging` rejects with when `path` cannot be opened: Chromium's file error name
 * first (what Electron's message is), then the path and the system's own message as `cause`.
 *
 * @example
 * ```ts
 * const error = Object.assign(new Error("no such file"), { code: "ENOENT" });
 * fileOpenError("/no/such/folder/log.json", error).message;
 * // "FILE_ERROR_NOT_FOUND: netLog.startLogging cannot create /no/such/folder/log.json (ENOENT)"
 * ```
 */
export function fileOpenError(path: string, error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (typeof code === "string" && FILE_ERRORS[code]) || "FILE_ERROR_FAILED";
  const why = typeof code === "string" ? ` (${code})` : "";
  return new Error(`${name}: netLog.startLogging cannot create ${path}${why}`, { cause: error });
}
