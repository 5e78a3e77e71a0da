/**
 * Keeping a copy of a small body when its reader reads it, with no stream or new `Response` in
 * between: the response handed on is the one that came (its reads stay the runtime's own), given a
 * prototype whose readers copy what they read. A CPU profile of `ses.fetch` through the cache
 * (`deno run --cpu-prof`, 16 in flight, a loopback server answering without cache headers) put
 * reading the body up front, the new `Response` made around it and its headers set again among the
 * largest costs of the default preset; with this the copy is the only added work.
 *
 * @module
 */

/** What keeps the bytes of a response not yet read (removed once called). */
const KEEPER = Symbol("keeper");
/** The stream `body` gave, so that it gives the same one each time. */
const BODY = Symbol("kept body");
/**
 * The marks a keeping response carries: symbol properties rather than WeakMaps, whose entries
 * cost the garbage collector (a WeakMap set was 1.5 µs against 0.1 for a property in a
 * microbenchmark on Deno 2.9 under load, Dec 2026), once per response.
 */
interface Marked {
  [KEEPER]?: ((bytes: Uint8Array<ArrayBuffer>) => void) | null;
  [BODY]?: ReadableStream<Uint8Array<ArrayBuffer>>;
}
/** One keeping prototype per prototype of the responses given (the runtime's, a transport's). */
const prototypes = new WeakMap<object, object>();
const decoder = new TextDecoder();
const nativeBody = Object.getOwnPropertyDescriptor(Response.prototype, "body")!.get!;

/** Reads `response` whole with `read` (its prototype's reader) and hands a copy to its keeper. */
function readWhole(response: Response, read: () => Promise<ArrayBuffer>): Promise<ArrayBuffer> {
  const marked = response as Marked;
  const keep = marked[KEEPER];
  if (keep == null) return read();
  marked[KEEPER] = null;
  return read().then((buffer) => {
    keep(new Uint8Array(buffer.slice(0)));
    return buffer;
  });
}

/** The bytes as the runtime's own Response would make them into a Blob or FormData. */
function asMade(response: Response, buffer: ArrayBuffer): Response {
  const type = response.headers.get("content-type");
  return new Response(buffer, type === null ? undefined : { headers: { "content-type": type } });
}

function keepingPrototype(base: object): object {
  const known = prototypes.get(base);
  if (known) return known;
  const Base = (base as { constructor: typeof Response }).constructor;
  const Keeping = class KeepingResponse extends Base {
    override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
      const marked = this as Marked;
      const made = marked[BODY];
      if (made !== undefined) return made;
      if (marked[KEEPER] == null || nativeBody.call(this) === null) return super.body;
      // One chunk: the body is small and of known length (see HttpCache's #maybeStore).
      const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
        pull: (controller) =>
          this.arrayBuffer().then((buffer) => {
            if (buffer.byteLength > 0) controller.enqueue(new Uint8Array(buffer));
            controller.close();
          }, (error) => controller.error(error)),
        cancel: (reason) => {
          marked[KEEPER] = null;
          return super.body?.cancel(reason);
        },
      }, { highWaterMark: 0 });
      marked[BODY] = stream;
      return stream;
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return readWhole(this, () => super.arrayBuffer());
    }
    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return this.arrayBuffer().then((buffer) => new Uint8Array(buffer));
    }
    override text(): Promise<string> {
      return this.arrayBuffer().then((buffer) => decoder.decode(buffer));
    }
    override json(): Promise<unknown> {
      return this.text().then((text) => JSON.parse(text));
    }
    override blob(): Promise<Blob> {
      return this.arrayBuffer().then((buffer) => asMade(this, buffer).blob());
    }
    override formData(): Promise<FormData> {
      return this.arrayBuffer().then((buffer) => asMade(this, buffer).formData());
    }
  };
  prototypes.set(base, Keeping.prototype);
  return Keeping.prototype;
}

/**
 * Hands `response` back (the same object) with readers that call `keep` with a copy of the body
 * once it was read whole, whichever way (`arrayBuffer()`, `text()`, `json()`, `bytes()`, `blob()`,
 * `formData()` or its `body` stream); never when the read failed or the body was cancelled, nor
 * when it is not read. For bodies small enough to read in one piece.
 *
 * @example
 * ```ts
 * const response = keepOnRead(new Response("hi"), (bytes) => console.log(bytes.byteLength));
 * await response.text(); // "hi", after 2 is logged
 * ```
 */
export function keepOnRead(
  response: Response,
  keep: (bytes: Uint8Array<ArrayBuffer>) => void,
): Response {
  (response as Marked)[KEEPER] = keep;
  return Object.setPrototypeOf(response, keepingPrototype(Object.getPrototypeOf(response)));
}
