/**
 * Zstandard decoding with a raw dictionary, for the shared-dictionary plugin's `dcz` responses:
 * `@bokuweb/zstd-wasm` (zstd's own decoder compiled to WebAssembly), loaded on first use. Not the
 * runtime's `node:zlib`: Deno's ignores the `dictionary` option, and Bun's resolves a truncated
 * stream with what it decoded so far, where a `dcz` body cut short must fail.
 *
 * @module
 */

/** The largest body a `dcz` response may decode to (Chromium's dictionary size limit, 100 MiB). */
const MAX_DECODED = 100 * 1024 * 1024;
/** zstd's `dstSize_tooSmall` error: the output space was too small, not corrupt input. */
const TOO_SMALL = /code -70\b/;

type Decode = (data: Uint8Array, dictionary: Uint8Array) => Uint8Array;

async function loadDecoder(): Promise<Decode> {
  const zstd = await import("@bokuweb/zstd-wasm");
  // init() instantiates the module again on every call: once per process.
  await zstd.init();
  return (data, dictionary) => {
    // A frame that does not state its size gets the output space doubled until it fits.
    for (let room = Math.max(1 << 20, data.length * 8);; room *= 2) {
      const context = zstd.createDCtx();
      try {
        return zstd.decompressUsingDict(context, data, dictionary, { defaultHeapSize: room });
      } catch (error) {
        if (!TOO_SMALL.test(String((error as Error).message)) || room >= MAX_DECODED) throw error;
      } finally {
        zstd.freeDCtx(context);
      }
    }
  };
}

let loading: Promise<Decode> | null = null;

/**
 * Decodes `data` (one or more zstd frames) with `dictionary`, loading the decoder on first use;
 * rejects on corrupt or truncated input, or on a frame made with another dictionary.
 *
 * @example
 * ```ts
 * import { decodeZstdWithDictionary } from "./dictionary_zstd.ts";
 * const dictionary = new TextEncoder().encode("the dictionary");
 * await decodeZstdWithDictionary(new Uint8Array([1, 2, 3]), dictionary).catch(() => "corrupt");
 * ```
 */
export async function decodeZstdWithDictionary(
  data: Uint8Array,
  dictionary: Uint8Array,
): Promise<Uint8Array> {
  loading ??= loadDecoder();
  const decode = await loading;
  return decode(data, dictionary);
}
