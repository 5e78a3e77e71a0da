/**
 * The shared-dictionary plugin: Compression Dictionary Transport (RFC 9842) as Chromium does it,
 * and Electron's `ses.getSharedDictionaryUsageInfo()`, `getSharedDictionaryInfo(options)`,
 * `clearSharedDictionaryCache()` and `clearSharedDictionaryCacheForIsolationKey(options)`.
 *
 * Over HTTPS and to localhost: a response with `Use-As-Dictionary: match="/js/*"` (and
 * `match-dest`, `id`) that is still fresh is stored as a dictionary of its isolation key (see
 * `isolation_key.ts`); a later request whose URL the pattern matches announces it
 * (`Available-Dictionary: :<SHA-256>:`, `Dictionary-ID`, `dcz` added to `Accept-Encoding`), and a
 * `Content-Encoding: dcz` answer is decoded with it. `dcb` (Brotli with a dictionary) is not
 * announced: no decoder for it runs on Deno and Bun.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses = session.fromPartition("shared-dictionary-doc");
 * await ses.getSharedDictionaryUsageInfo(); // []
 * await ses.clearSharedDictionaryCache();
 * ```
 *
 * @module
 */
import manifest from "./manifest.json" with { type: "json" };
import { definePlugin, type Plugin } from "../../kernel/plugin.ts";
import { onFirstUse } from "../../kernel/lazy.ts";
import { isTrustworthyHost } from "../cookies/domain_match.ts";
import type { PipelineRequest, UrlParts } from "../../kernel/request.ts";
import {
  dictionaryPattern,
  DictionaryRegistry,
  type StoredDictionary,
} from "./dictionary_registry.ts";
import { bodyKeeper, dczDecoder, type ZstdDecoder } from "./dcz_body.ts";
import {
  type IsolationKey,
  isolationKeyOf,
  isolationKeyOption,
  type SiteOf,
} from "./isolation_key.ts";
import { destinationOf } from "./destination.ts";
import { toBase64 } from "./base64.ts";

export type { ZstdDecoder } from "./dcz_body.ts";

/** Electron's `SharedDictionaryInfo`. */
export interface SharedDictionaryInfo {
  /** The `match` pattern of its `Use-As-Dictionary`. */ match: string;
  /** Its `match-dest` destinations. */ matchDestinations: string[];
  /** Its `id`, or "". */ id: string;
  /** The URL it was fetched from. */ dictionaryUrl: string;
  /** When it was received from the network. */ lastFetchTime: Date;
  /** When the server sent it. */ responseTime: Date;
  /** How long after `responseTime` it expires, in milliseconds (as Electron's code gives it). */
  expirationDuration: number;
  /** When a request last used it. */ lastUsedTime: Date;
  /** Its size in bytes. */ size: number;
  /** Its SHA-256, as `sha256/<base64>`. */ hash: string;
}

/** Electron's `SharedDictionaryUsageInfo`. */
export interface SharedDictionaryUsageInfo {
  /** The frame origin of the isolation key. */ frameOrigin: string;
  /** The top frame site of the isolation key. */ topFrameSite: string;
  /** The bytes its dictionaries take. */ totalSizeBytes: number;
}

/** Electron's options naming an isolation key. */
export interface SharedDictionaryIsolationOptions {
  /** The origin of the frame that makes the requests (a URL). */ frameOrigin: string;
  /** The site of the top-level frame (a URL). */ topFrameSite: string;
}

/**
 * The session members the shared-dictionary plugin adds.
 *
 * @example
 * ```ts
 * import { session } from "../../mod.ts";
 * const ses: SharedDictionaryMembers = session.fromPartition("shared-dictionary-members");
 * await ses.getSharedDictionaryInfo({ frameOrigin: "https://example.org", topFrameSite: "https://example.org" }); // []
 * ```
 */
export interface SharedDictionaryMembers {
  /** The isolation keys that hold dictionaries, with the bytes each takes. */
  getSharedDictionaryUsageInfo(): Promise<SharedDictionaryUsageInfo[]>;
  /** The dictionaries of one isolation key; rejects without both strings, or with bad URLs. */
  getSharedDictionaryInfo(
    options: SharedDictionaryIsolationOptions,
  ): Promise<SharedDictionaryInfo[]>;
  /** Removes every dictionary of the session. */
  clearSharedDictionaryCache(): Promise<void>;
  /** Removes the dictionaries of one isolation key. */
  clearSharedDictionaryCacheForIsolationKey(
    options: SharedDictionaryIsolationOptions,
  ): Promise<void>;
}

/** What the shared-dictionary plugin is built with. */
export interface SharedDictionaryPluginOptions {
  /** Decodes zstd with a dictionary (the preset's adapter); without it `dcz` is not announced. */
  decodeZstd?: ZstdDecoder;
  /**
   * The `Accept-Encoding` the runtime's fetch sends and decodes, to which `dcz` is added when a
   * request sets none (default `"gzip, deflate, br"`).
   */
  acceptEncoding?: string;
}

/** Chromium's size limit of one dictionary (100 MiB). */
const MAX_DICTIONARY_BYTES = 100 * 1024 * 1024;
/** The dictionary a request announced, in `request.data`. */
const ANNOUNCED = Symbol("shared-dictionary announced");

interface Announced {
  dictionary: StoredDictionary;
  decode: ZstdDecoder;
}

/** Whether a URL is a secure context's (HTTPS, or HTTP to a host Chromium trusts), as Chromium asks. */
function isSecureUrl({ scheme, host }: UrlParts): boolean {
  return scheme === "https" || scheme === "http" && isTrustworthyHost(host);
}

function toInfo(d: StoredDictionary): SharedDictionaryInfo {
  return {
    match: d.match,
    matchDestinations: [...d.matchDest],
    id: d.id,
    dictionaryUrl: d.dictionaryUrl,
    lastFetchTime: new Date(d.lastFetchTime),
    responseTime: new Date(d.responseTime),
    expirationDuration: d.expiration,
    lastUsedTime: new Date(d.lastUsedTime),
    size: d.bytes.length,
    hash: `sha256/${toBase64(d.hash)}`,
  };
}

/** `site.ts` (with the public suffix list) loads when a session first needs a site. */
const loadSite: () => Promise<SiteOf> = onFirstUse(
  "the schemeful site (public suffix list)",
  () => import("./site.ts").then((module) => module.loadSchemefulSite()),
);

/**
 * Makes the shared-dictionary plugin; the default preset hands in the runtime's zstd decoder.
 *
 * @example
 * ```ts
 * const plugin = createSharedDictionaryPlugin();
 * plugin.manifest.api.includes("getSharedDictionaryInfo"); // true
 * ```
 */
export function createSharedDictionaryPlugin(
  options: SharedDictionaryPluginOptions = {},
): Plugin<SharedDictionaryMembers> {
  const { decodeZstd } = options;
  const acceptEncoding = options.acceptEncoding ?? "gzip, deflate, br";
  return definePlugin<SharedDictionaryMembers>({
    manifest,
    setup(ctx) {
      const registry = new DictionaryRegistry(ctx.store);
      const sameKey = (key: IsolationKey) => (d: StoredDictionary) =>
        d.frameOrigin === key.frameOrigin && d.topFrameSite === key.topFrameSite;

      const announce = async (request: PipelineRequest, decode: ZstdDecoder) => {
        await registry.load();
        if (registry.size === 0) return;
        const key = isolationKeyOf(request, await loadSite());
        const found = await registry.find(key, request.url, destinationOf(request.resourceType));
        if (found === null) return;
        request.data.set(ANNOUNCED, { dictionary: found, decode });
        const headers = request.headers;
        headers.set("available-dictionary", `:${toBase64(found.hash)}:`);
        if (found.id !== "") {
          const { dictionaryIdHeader } = await import("./use_as_dictionary.ts");
          headers.set("dictionary-id", dictionaryIdHeader(found.id));
        }
        const encodings = headers.get("accept-encoding") ?? acceptEncoding;
        headers.set("accept-encoding", `${encodings}, dcz`);
      };
      const keep = async (request: PipelineRequest, response: Response, header: string) => {
        // the header's parser (structured-headers) loads with the first dictionary
        const { parseUseAsDictionary } = await import("./use_as_dictionary.ts");
        const declaration = parseUseAsDictionary(header);
        const pattern = declaration && dictionaryPattern(declaration.match, request.url);
        if (!declaration || !pattern) return null;
        const responseTime = Date.now();
        const { dictionaryExpiration } = await import("./expiration.ts");
        const expiration = dictionaryExpiration(request.url, response, responseTime);
        if (expiration <= 0) return null;
        const key = isolationKeyOf(request, await loadSite());
        const dictionaryUrl = request.url;
        return bodyKeeper(MAX_DICTIONARY_BYTES, async (bytes) => {
          const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
          const now = Date.now();
          await registry.add({
            ...declaration,
            ...key,
            dictionaryUrl,
            lastFetchTime: now,
            responseTime,
            expiration,
            lastUsedTime: now,
            hash,
            bytes,
          }, pattern);
        });
      };

      // Every tap answers synchronously when it has nothing to do (most requests).
      if (decodeZstd) {
        ctx.tap("beforeSendHeaders", (request) => {
          request.data.delete(ANNOUNCED);
          // the registry first: with no dictionary, the URL is not parsed for this tap
          if (registry.isEmpty || !isSecureUrl(request.urlParts)) return;
          // a request that announces a dictionary of its own (a browser behind the session
          // server) keeps it, and decodes the answer itself
          if (request.headers.has("available-dictionary")) return;
          return announce(request, decodeZstd);
        }, { order: "post", label: "shared dictionary" });
        ctx.tap("responseBody", (request, response) => {
          const announced = request.data.get(ANNOUNCED) as Announced | undefined;
          if (announced === undefined) return null;
          const encoding = response.headers.get("content-encoding")?.trim().toLowerCase();
          if (encoding !== "dcz") return null;
          const { dictionary, decode } = announced;
          return dczDecoder(dictionary.bytes, dictionary.hash, decode);
        }, { order: "pre", label: "shared dictionary decoding" });
      }
      ctx.tap("responseBody", (request, response) => {
        const header = response.headers.get("use-as-dictionary");
        if (header === null || !isSecureUrl(request.urlParts)) return null;
        return keep(request, response, header);
      }, { order: "post", label: "shared dictionary storing" });

      ctx.onClearStorage(async (clearing) => {
        if (!clearing.includes("cache")) return;
        await registry.clear((d) => clearing.matchesOrigin(new URL(d.dictionaryUrl).origin));
      }, "cache");

      ctx.provide({
        getSharedDictionaryUsageInfo: () => registry.usage(),
        async getSharedDictionaryInfo(options: SharedDictionaryIsolationOptions) {
          const key = isolationKeyOption(options, await loadSite(), "");
          return (await registry.list(key)).map(toInfo);
        },
        clearSharedDictionaryCache: () => registry.clear(),
        async clearSharedDictionaryCacheForIsolationKey(options: SharedDictionaryIsolationOptions) {
          const suffix = " to `clearSharedDictionaryCacheForIsolationKey`";
          await registry.clear(sameKey(isolationKeyOption(options, await loadSite(), suffix)));
        },
      });
    },
  });
}

/**
 * The shared-dictionary plugin without a zstd decoder: it stores dictionaries and answers
 * Electron's members, but announces none. The default preset of Deno and Bun uses
 * `createSharedDictionaryPlugin({ decodeZstd })` with `adapters/zstd/dictionary_zstd.ts`.
 *
 * @example
 * ```ts
 * sharedDictionaryPlugin.name; // "shared-dictionary"
 * ```
 */
export const sharedDictionaryPlugin: Plugin<SharedDictionaryMembers> =
  createSharedDictionaryPlugin();
