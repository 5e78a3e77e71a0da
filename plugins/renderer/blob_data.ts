/**
 * `ses.getBlobData(identifier)`: the bytes of a `blob:` URL the runtime can resolve (one made by
 * `URL.createObjectURL` in this process, or page).
 *
 * @module
 */

/**
 * Reads the blob behind `identifier` (a `blob:` URL). Rejects with a TypeError for something that
 * is not a `blob:` URL and an Error when the runtime has no such blob.
 *
 * @example
 * ```ts
 * const url = URL.createObjectURL(new Blob(["hi"]));
 * new TextDecoder().decode(await getBlobData(url)); // "hi"
 * URL.revokeObjectURL(url);
 * ```
 */
export async function getBlobData(identifier: string): Promise<Uint8Array> {
  if (typeof identifier !== "string" || !identifier.startsWith("blob:")) {
    throw new TypeError(
      `getBlobData: ${
        JSON.stringify(identifier)
      } is not a blob: URL (only blob: URLs of this runtime can be read)`,
    );
  }
  let response: Response;
  try {
    response = await fetch(identifier);
  } catch (error) {
    throw new Error(`getBlobData: no blob for ${identifier}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`getBlobData: no blob for ${identifier}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
