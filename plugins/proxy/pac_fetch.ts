/**
 * Reading a PAC script's response with Chromium's limits: at most 1 MiB (larger scripts fail
 * with `net::ERR_FILE_TOO_BIG`, refused from `Content-Length` before any byte is read, else as
 * soon as the limit is passed) and 30 seconds for the whole fetch (`net::ERR_TIMED_OUT`).
 *
 * @module
 */

/** The largest PAC script read, in bytes (Chromium's `PacFileFetcherImpl` limit: 1 MiB). */
export const PAC_MAX_BYTES = 1024 * 1024;

/** How long fetching a PAC script may take, in ms (Chromium's: 30 s). */
export const PAC_FETCH_TIMEOUT = 30_000;

/**
 * The text of a PAC script's response, refusing one over `maxBytes` with a TypeError naming the
 * limit (and cancelling the body, so nothing more is read).
 *
 * @example
 * ```ts
 * await readPacScript(new Response("function FindProxyForURL() { return 'DIRECT'; }"));
 * await readPacScript(new Response("x".repeat(20)), 10).catch((e) => e.message);
 * // "net::ERR_FILE_TOO_BIG: the PAC script is larger than 10 bytes"
 * ```
 */
export async function readPacScript(
  response: Response,
  maxBytes: number = PAC_MAX_BYTES,
): Promise<string> {
  const tooBig = () =>
    new TypeError(`net::ERR_FILE_TOO_BIG: the PAC script is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooBig();
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooBig();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
