/**
 * A WebAssembly module's own linear memory given a maximum size, by rewriting the limits of its
 * memory section. Past the maximum, `memory.grow` fails, so the module's allocator returns NULL
 * (QuickJS then throws `InternalError: out of memory`) instead of growing the process.
 *
 * @module
 */

/** The size of a WebAssembly page. */
export const WASM_PAGE = 65536;

function readLeb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    if (at >= bytes.length) throw new TypeError("Truncated WebAssembly module");
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/**
 * Returns a copy of the module `bytes` whose defined memory may grow to at most `maxBytes`
 * (rounded up to whole pages; never below its initial size). Throws a TypeError when the module
 * defines no memory of its own or is malformed.
 *
 * @example
 * ```ts ignore
 * const bounded = withMemoryMaximum(await Deno.readFile("quickjs.wasm"), 32 * 1024 * 1024);
 * const module = await WebAssembly.compile(bounded);
 * ```
 */
export function withMemoryMaximum(bytes: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, payload] = readLeb(bytes, at + 1);
    const end = payload + size;
    if (id === 5) {
      const [count, first] = readLeb(bytes, payload);
      if (count !== 1) throw new TypeError("Expected one memory in the WebAssembly module");
      const flags = bytes[first];
      if (flags > 1) throw new TypeError("Shared or 64-bit memories cannot be bounded here");
      const [min, afterMin] = readLeb(bytes, first + 1);
      let max = Math.max(min, Math.ceil(maxBytes / WASM_PAGE));
      let rest = afterMin;
      if (flags === 1) {
        const [oldMax, afterMax] = readLeb(bytes, afterMin);
        max = Math.min(max, oldMax);
        rest = afterMax;
      }
      const body = [...leb(1), 1, ...leb(min), ...leb(max), ...bytes.subarray(rest, end)];
      const section = [5, ...leb(body.length), ...body];
      const out = new Uint8Array(at + section.length + (bytes.length - end));
      out.set(bytes.subarray(0, at), 0);
      out.set(section, at);
      out.set(bytes.subarray(end), at + section.length);
      return out;
    }
    at = end;
  }
  throw new TypeError("The WebAssembly module defines no memory");
}
