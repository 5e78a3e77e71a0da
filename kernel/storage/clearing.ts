/**
 * What `ses.clearStorageData(options)` and `ses.clearData(options)` ask to clear, checked once by
 * the session and handed to every plugin's clear-storage hook: which named storages (null: all)
 * and which origins (null: all).
 *
 * @module
 */

import type { ClearDataOptions, ClearStorageDataOptions } from "../session.ts";
import type { StorageClearing, StorageClearingParser } from "../plugin.ts";

/** The storage names of Electron's `clearStorageData`, which every session accepts. */
export const ELECTRON_STORAGES: readonly string[] = [
  "cookies",
  "filesystem",
  "indexdb",
  "localstorage",
  "shadercache",
  "websql",
  "serviceworkers",
  "cachestorage",
];

/** `clearData`'s data types and the storage name each one clears. */
const DATA_TYPES: Readonly<Record<string, string>> = {
  backgroundFetch: "backgroundfetch",
  cache: "cache",
  cookies: "cookies",
  downloads: "downloads",
  fileSystems: "filesystem",
  indexedDB: "indexdb",
  localStorage: "localstorage",
  serviceWorkers: "serviceworkers",
  webSQL: "websql",
};

const MATCHING = new Set(["third-parties-included", "origin-in-all-contexts"]);

function origin(value: unknown, where: string): string {
  if (typeof value !== "string") throw new TypeError(`${where} must be a string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${where} "${value}" is not a URL (scheme://host:port)`);
  }
  if (url.origin === "null") throw new TypeError(`${where} "${value}" has no origin`);
  return url.origin;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new TypeError(`${where} must be an array of strings`);
  }
  return value;
}

/** One clearing request, as plugins see it. */
class Clearing implements StorageClearing {
  /** The storage names to clear, or null for all. */
  readonly storages: ReadonlySet<string> | null;
  /** Only these origins, or null for all. */
  readonly origins: readonly string[] | null;
  /** Every origin but these, or null. */
  readonly excludeOrigins: readonly string[] | null;
  /**
   * True for `clearData`: cookies are matched by registrable domain (Electron's note), where
   * `clearStorageData`'s origin matches the cookies its host would be sent.
   */
  readonly siteLevel: boolean;

  /** Made by the session from checked options. */
  constructor(init: {
    storages: ReadonlySet<string> | null;
    origins: readonly string[] | null;
    excludeOrigins: readonly string[] | null;
    siteLevel: boolean;
  }) {
    this.storages = init.storages;
    this.origins = init.origins;
    this.excludeOrigins = init.excludeOrigins;
    this.siteLevel = init.siteLevel;
  }

  /** Whether everything is cleared (no storage or origin filter). */
  get everything(): boolean {
    return this.storages === null && this.origins === null && this.excludeOrigins === null;
  }

  /** Whether the storage `name` is to be cleared. */
  includes(name: string): boolean {
    return this.storages === null || this.storages.has(name);
  }

  /** Whether data of `origin` (`scheme://host:port`) is to be cleared. */
  matchesOrigin(value: string): boolean {
    if (this.origins !== null) return this.origins.includes(value);
    if (this.excludeOrigins !== null) return !this.excludeOrigins.includes(value);
    return true;
  }

  /** Checks `clearStorageData`'s options; `known` are the storage names the session has. */
  static fromStorageOptions(options: unknown, known: readonly string[]): Clearing {
    if (options === undefined) {
      return new Clearing({
        storages: null,
        origins: null,
        excludeOrigins: null,
        siteLevel: false,
      });
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("clearStorageData: options must be an object");
    }
    const o = options as ClearStorageDataOptions;
    let storages: Set<string> | null = null;
    if (o.storages !== undefined) {
      storages = new Set();
      // As Electron's GetStorageMask: names compared in lower case, unknown ones (an old
      // "appcache") ignored; a list of only unknown names clears nothing.
      for (const name of stringList(o.storages, "clearStorageData: storages")) {
        const lower = name.toLowerCase();
        if (ELECTRON_STORAGES.includes(lower) || known.includes(lower)) storages.add(lower);
      }
    }
    // `quotas` (gone from Electron, whose converter no longer reads it) is ignored.
    const origins = o.origin === undefined ? null : [origin(o.origin, "clearStorageData: origin")];
    return new Clearing({ storages, origins, excludeOrigins: null, siteLevel: false });
  }

  /** Checks `clearData`'s options. */
  static fromDataOptions(options: unknown): Clearing {
    const o = (options ?? {}) as ClearDataOptions;
    if (typeof o !== "object") throw new TypeError("clearData: options must be an object");
    let storages: Set<string> | null = null;
    if (o.dataTypes !== undefined) {
      storages = new Set();
      for (const type of stringList(o.dataTypes, "clearData: dataTypes")) {
        // As Electron's GetDataTypeMask: an unknown type is ignored.
        if (Object.hasOwn(DATA_TYPES, type)) storages.add(DATA_TYPES[type]);
      }
    }
    if (o.origins !== undefined && o.excludeOrigins !== undefined) {
      throw new TypeError("clearData: Cannot provide both 'origins' and 'excludeOrigins'");
    }
    const origins = o.origins === undefined
      ? null
      : stringList(o.origins, "clearData: origins").map((v) => origin(v, "clearData: origins"));
    const excludeOrigins = o.excludeOrigins === undefined ? null : stringList(
      o.excludeOrigins,
      "clearData: excludeOrigins",
    ).map((v) => origin(v, "clearData: excludeOrigins"));
    if (
      o.avoidClosingConnections !== undefined && typeof o.avoidClosingConnections !== "boolean"
    ) {
      throw new TypeError("clearData: avoidClosingConnections must be a boolean");
    }
    if (o.originMatchingMode !== undefined && !MATCHING.has(o.originMatchingMode)) {
      throw new TypeError(
        `clearData: originMatchingMode must be third-parties-included or origin-in-all-contexts`,
      );
    }
    return new Clearing({ storages, origins, excludeOrigins, siteLevel: true });
  }
}

/**
 * Reads `clearStorageData`'s and `clearData`'s options into what every plugin's clear hook gets
 * (`configure({ clearing: storageClearing })`; the entries do it).
 *
 * @example
 * ```ts
 * const clearing = storageClearing.fromStorageOptions(
 *   { origin: "https://a.example", storages: ["cookies"] },
 *   ["cookies", "cache"],
 * );
 * clearing.includes("cache"); // false
 * clearing.matchesOrigin("https://a.example"); // true
 * ```
 */
export const storageClearing: StorageClearingParser = Object.freeze({
  fromStorageOptions: (options: unknown, known: readonly string[]) =>
    Clearing.fromStorageOptions(options, known),
  fromDataOptions: (options: unknown) => Clearing.fromDataOptions(options),
});
