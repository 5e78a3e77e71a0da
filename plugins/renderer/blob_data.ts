/**
 * `ses.getBlobData(identifier)`: the bytes of a blob the runtime can resolve (one made by
 * `URL.createObjectURL` in this process, or page), named by its `blob:` URL or by its UUID (the
 * identifier Electron takes).
 *
 * @module
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let blobUrlPrefix: string | null = null;

/** What the runtime puts before a blob's UUID (`blob:` on Bun, `blob:null/` on Deno, ...). */
function runtimeBlobUrlPrefix(): string {
  if (blobUrlPrefix === null) {
    const probe = URL.createObjectURL(new Blob());
    URL.revokeObjectURL(probe);
    blobUrlPrefix = probe.slice(0, probe.length - 36);
  }
  return blobUrlPrefix;
}

/**
 * Reads the blob behind `identifier` (a `blob:` URL, or the UUID in one). Rejects with a TypeError
 * for anything else and an Error when the runtime has no such blob.
 *
 * @example
 * ```ts
 * const url = URL.createObjectURL(new Blob(["hi"]));
 * new TextDecoder().decode(await getBlobData(url)); // "hi"
 * new TextDecoder().decode(await getBlobData(url.slice(-36))); // "hi", by its UUID
 * URL.revokeObjectURL(url);
 * ```
 */
export async function getBlobData(identifier: string): Promise<Uint8Array> {
  const isUuid = typeof identifier === "string" && UUID.test(identifier);
  if (!isUuid && (typeof identifier !== "string" || !identifier.startsWith("blob:"))) {
    throw new TypeError(
      `getBlobData: ${
        JSON.stringify(identifier)
      } is neither a blob: URL nor a blob's UUID (only blobs of this runtime can be read)`,
    );
  }
  const url = isUuid ? runtimeBlobUrlPrefix() + identifier.toLowerCase() : identifier;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`getBlobData: no blob for ${url}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`getBlobData: no blob for ${url}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
