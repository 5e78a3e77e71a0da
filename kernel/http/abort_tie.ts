/**
 * A response a plugin made (a cache hit, a body the cache read whole, a replayed HAR entry) has a
 * body that no network read feeds, so aborting its request after the response arrived would not
 * fail reading it, as it fails a network body (fetch's "abort fetch" errors a readable body). Such
 * a response's read methods are tied to the request's signal: once it aborted they reject with
 * `net::ERR_ABORTED`. Only for requests with a signal of their own; the body getter is left as it
 * is (a caller that took the stream before the abort reads it to the end).
 *
 * The tie is a prototype between the response and `Response.prototype` and one property for the
 * signal: 0.6-0.7 µs a response on Deno (0.2 on Bun), against 2-3 µs for own methods on each response
 * (`Object.defineProperty`, six times; a microbenchmark, Dec 2026).
 *
 * @module
 */
import { toNetError } from "./to_net_error.ts";

const SIGNAL = Symbol("the request's signal");
const READS = ["arrayBuffer", "blob", "bytes", "formData", "json", "text"] as const;
type Tied = Response & { [SIGNAL]: AbortSignal };
let tied: object | null = null;

/**
 * `Response.prototype` with read methods that check the response's signal first; made with the
 * first tie, since touching `Response` at import makes Deno load its fetch and streams modules
 * (issue #24's cold start).
 */
function tiedPrototype(): object {
  const proto = Response.prototype as unknown as Record<
    string,
    (this: Response) => Promise<unknown>
  >;
  return tied ??= Object.create(
    Response.prototype,
    Object.fromEntries(
      READS.filter((name) => typeof proto[name] === "function").map((name) => {
        const read = proto[name];
        return [name, {
          value(this: Tied) {
            const signal = this[SIGNAL];
            return signal.aborted
              ? Promise.reject(toNetError(signal.reason, signal))
              : read.call(this);
          },
          configurable: true,
          writable: true,
        }];
      }),
    ),
  );
}

/**
 * Ties `response`'s read methods (`text()`, `json()`, ...) to `signal`: after it aborted they
 * reject with `net::ERR_ABORTED`.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const response = tieReadsToSignal(new Response("made"), controller.signal);
 * controller.abort();
 * await response.text().catch((error) => error.code); // "net::ERR_ABORTED"
 * ```
 */
export function tieReadsToSignal(response: Response, signal: AbortSignal): Response {
  (response as Tied)[SIGNAL] = signal;
  Object.setPrototypeOf(response, tiedPrototype());
  return response;
}
