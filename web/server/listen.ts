/**
 * Binding the server's port, with one plain line for the usual reasons it fails (the port is
 * taken, needs privileges, or the address is not this machine's) instead of a stack trace.
 *
 * @module
 */
import { isIP, type Server } from "node:net";

/**
 * The server could not listen; the message says why and which flag changes it.
 *
 * @example
 * ```ts
 * new ListenError("Port 8787 is already in use on 127.0.0.1; choose another with --port");
 * ```
 */
export class ListenError extends Error {
  override name = "ListenError";
  /** The system's code, e.g. `EADDRINUSE`. */
  readonly code: string;
  constructor(message: string, code = "") {
    super(message);
    this.code = code;
  }
}

/**
 * Listens on `host:port`; rejects with a {@link ListenError}.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * const server = createServer();
 * await listen(server, 0, "127.0.0.1");
 * server.close();
 * ```
 */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(new ListenError(describe(error, port, host), error.code));
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}

function describe(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case "EADDRINUSE":
      return `Port ${port} is already in use on ${host}; choose another with --port`;
    case "EACCES":
      return `Port ${port} needs privileges on ${host}; choose one above 1023 with --port`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ENOENT":
    case "EADDRNOTAVAIL":
    case "EINVAL": {
      const what = isIP(host) ? host : `Host ${host}`;
      return `${what} is not an address of this machine; choose another with --host`;
    }
    default:
      return `Cannot listen on ${host} port ${port}: ${error.code ?? error.message}`;
  }
}
