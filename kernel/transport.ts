/**
 * The HTTP transport contract: how a request that no plugin answered goes on the wire (one adapter
 * per runtime: `adapters/http/deno.ts`, `bun.ts`, `fetch.ts`), the proxy it may go through.
 * @module
 */
import type { PipelineRequest } from "./request.ts";

/** A proxy server a request goes through. */
export interface ProxyServer {
  /** `http`, `https`, `socks4`, `socks5` (as Chromium names them). */
  scheme: "http" | "https" | "socks4" | "socks5";
  /** Host name or IP literal (IPv6 without brackets). */ host: string;
  /** Port. */ port: number;
  /** Credentials, when known. */ username?: string;
  /** Credentials, when known. */ password?: string;
}

/** Per-send options of a transport. */
export interface TransportOptions {
  /** Send through this proxy instead of directly. */ proxy?: ProxyServer | null;
  /** Extra CA certificates (PEM) to trust for this send: an https proxy's and the target's. */
  caCerts?: readonly string[];
}

/**
 * Sends one hop and resolves to the response as received; failures reject with a `NetError`.
 * Deno's and Bun's transports hand redirects back, so the pipeline runs each hop; the browser's
 * follows them itself, so there the pipeline sees the final hop only (marked with
 * `markFollowedRedirects` of `kernel/http`: the request moves to its URL).
 */
export interface HttpTransport {
  /** The adapter's name, e.g. `deno`. */ readonly name: string;
  /** Sends one hop. */
  fetch(request: PipelineRequest, options?: TransportOptions): Promise<Response>;
  /** Closes pooled connections (requests in flight may fail). */
  closeAllConnections?(): void | Promise<void>;
}
