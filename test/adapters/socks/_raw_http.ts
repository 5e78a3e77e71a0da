// Raw HTTP/1.1 on both ends of the relay for its keep-alive tests: a client that keeps one
// connection and reads one response at a time, and an origin that writes exactly the bytes a
// test gives it and counts its connections. Both parse only what the tests send (latin1 text).
import { connect, createServer, type Server, type Socket } from "node:net";

/** One response as the client read it. */
export interface RawResponse {
  status: number;
  /** The head's lines after the status line. */
  head: string;
  /** Header values by lower-case name (the last one wins). */
  headers: Record<string, string>;
  body: string;
}

/** One client connection to 127.0.0.1:`port`. */
export class RawClient {
  readonly socket: Socket;
  #text = "";
  #closed = false;
  #wake: (() => void) | null = null;

  constructor(port: number) {
    this.socket = connect({ host: "127.0.0.1", port });
    this.socket.on("data", (chunk: Uint8Array) => {
      this.#text += Buffer.from(chunk).toString("latin1");
      this.#wake?.();
    });
    this.socket.on("error", () => {});
    this.socket.on("close", () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  /** Whether the relay closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  async #until(ready: () => number): Promise<number> {
    for (;;) {
      const at = ready();
      if (at >= 0) return at;
      if (this.#closed) throw new Error(`Closed with ${JSON.stringify(this.#text.slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Reads the next response (`head` true: a response to HEAD, without a body). */
  async response(noBody = false): Promise<RawResponse> {
    const end = await this.#until(() => this.#text.indexOf("\r\n\r\n"));
    const lines = this.#text.slice(0, end).split("\r\n");
    this.#text = this.#text.slice(end + 4);
    const status = Number(lines[0].split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const result = { status, head: lines.join("\r\n"), headers, body: "" };
    if (noBody || status === 204 || status === 304 || (status >= 100 && status < 200)) {
      return result;
    }
    if (headers["transfer-encoding"] === "chunked") {
      for (;;) {
        const lineEnd = await this.#until(() => this.#text.indexOf("\r\n"));
        const size = parseInt(this.#text.slice(0, lineEnd).split(";")[0], 16);
        if (size === 0) {
          // trailers up to the blank line
          const last = await this.#until(() => {
            const at = this.#text.indexOf("\r\n\r\n", lineEnd);
            return at < 0 ? -1 : at + 4;
          });
          this.#text = this.#text.slice(last);
          return result;
        }
        await this.#until(() => this.#text.length >= lineEnd + 2 + size + 2 ? 0 : -1);
        result.body += this.#text.slice(lineEnd + 2, lineEnd + 2 + size);
        this.#text = this.#text.slice(lineEnd + 2 + size + 2);
      }
    }
    if (headers["content-length"] !== undefined) {
      const length = Number(headers["content-length"]);
      await this.#until(() => this.#text.length >= length ? 0 : -1);
      result.body = this.#text.slice(0, length);
      this.#text = this.#text.slice(length);
      return result;
    }
    await this.#until(() => this.#closed ? 0 : -1).catch(() => 0);
    result.body = this.#text;
    this.#text = "";
    return result;
  }

  /** Resolves when the relay closed the connection. */
  async closedByPeer(): Promise<void> {
    await this.#until(() => this.#closed ? 0 : -1).catch(() => {});
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A request the raw origin read: its head's first line, its headers and its body. */
export interface RawRequest {
  line: string;
  headers: Record<string, string>;
  body: string;
  /** Which connection it came on (0, 1, ...). */
  connection: number;
}

/** An origin answering each request with what `answer` writes to its socket. */
export interface RawOrigin {
  port: number;
  url: string;
  requests: RawRequest[];
  /** How many connections it accepted. */
  readonly connections: number;
  /** How many of them closed. */
  readonly closed: number;
  close(): Promise<void>;
}

export async function startRawOrigin(
  answer: (socket: Socket, request: RawRequest) => void,
): Promise<RawOrigin> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let closed = 0;
  const server: Server = createServer((socket) => {
    const connection = connections++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => {
      closed++;
      sockets.delete(socket);
    });
    let text = "";
    socket.on("data", (chunk: Uint8Array) => {
      text += Buffer.from(chunk).toString("latin1");
      for (;;) {
        const end = text.indexOf("\r\n\r\n");
        if (end < 0) return;
        const lines = text.slice(0, end).split("\r\n");
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(":");
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers["content-length"] ?? 0);
        if (text.length < end + 4 + length) return;
        const body = text.slice(end + 4, end + 4 + length);
        text = text.slice(end + 4 + length);
        const request = { line: lines[0], headers, body, connection };
        requests.push(request);
        answer(socket, request);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    get closed() {
      return closed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A request in absolute form for the relay (`extra`: more header lines, each with CRLF). */
export function request(method: string, url: string, extra = "", body = ""): string {
  const length = body || method === "POST" || method === "PUT"
    ? `Content-Length: ${body.length}\r\n`
    : "";
  return `${method} ${url} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n` +
    `Proxy-Connection: keep-alive\r\n${length}${extra}\r\n${body}`;
}

/** Waits until `ready()` holds (a few seconds at most). */
export async function eventually(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 25));
}
