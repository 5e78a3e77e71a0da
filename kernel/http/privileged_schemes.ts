/**
 * Electron's `protocol.registerSchemesAsPrivileged`: which custom schemes the process treats as
 * standard (URLs with a host, whose host is canonicalised as http's is, and which keep cookies) and
 * as secure (trustworthy, as https); registering a built-in scheme (http, file, ...) changes
 * nothing of its own. The other privileges are kept and answered, for code that
 * reads them back, but need a renderer to mean anything (`bypassCSP`, `allowServiceWorkers`,
 * `supportFetchAPI`, `corsEnabled`, `stream`, `codeCache`). One registry per process, as
 * Electron's.
 *
 * @module
 */

/** Electron's `CustomScheme.privileges`. */
export interface SchemePrivileges {
  /** A standard URL scheme: host-based URLs, cookies (default false). */ standard?: boolean;
  /** Trustworthy as https (default false). */ secure?: boolean;
  /** Not bound by a page's Content Security Policy (default false). */ bypassCSP?: boolean;
  /** May register service workers (default false). */ allowServiceWorkers?: boolean;
  /** May be fetched with the Fetch API (default false). */ supportFetchAPI?: boolean;
  /** May be requested with CORS (default false). */ corsEnabled?: boolean;
  /** Its responses may be streamed to media elements (default false). */ stream?: boolean;
  /** V8 code cache for its scripts; needs `standard` (default false). */ codeCache?: boolean;
}

/** Electron's `CustomScheme`. */
export interface CustomScheme {
  /** The scheme, without `:`. */ scheme: string;
  /** Its privileges. */ privileges?: SchemePrivileges;
}

const PRIVILEGES = [
  "standard",
  "secure",
  "bypassCSP",
  "allowServiceWorkers",
  "supportFetchAPI",
  "corsEnabled",
  "stream",
  "codeCache",
] as const;
const SCHEME = /^[a-z][a-z0-9+.-]*$/;

const registered = new Map<string, Readonly<Required<SchemePrivileges>>>();

/**
 * Registers schemes with privileges (Electron's `protocol.registerSchemesAsPrivileged`); a later
 * call adds to and replaces earlier ones. Bad input is a TypeError naming the entry, and then
 * nothing of the call is registered.
 *
 * @example
 * ```ts
 * registerSchemesAsPrivileged([{ scheme: "app", privileges: { standard: true, secure: true } }]);
 * schemePrivileges("app")?.secure; // true
 * ```
 */
export function registerSchemesAsPrivileged(customSchemes: readonly CustomScheme[]): void {
  if (!Array.isArray(customSchemes)) {
    throw new TypeError("protocol.registerSchemesAsPrivileged: customSchemes must be an array");
  }
  const checked = customSchemes.map((entry, i) => {
    const where = `protocol.registerSchemesAsPrivileged: customSchemes[${i}]`;
    if (entry === null || typeof entry !== "object") {
      throw new TypeError(`${where} must be an object`);
    }
    const { scheme, privileges = {} } = entry;
    if (typeof scheme !== "string" || !SCHEME.test(scheme)) {
      throw new TypeError(
        `${where}.scheme must be a lower-case scheme name, not ${String(scheme)}`,
      );
    }
    if (privileges === null || typeof privileges !== "object") {
      throw new TypeError(`${where}.privileges must be an object`);
    }
    const out = Object.fromEntries(PRIVILEGES.map((p) => [p, false])) as Required<SchemePrivileges>;
    for (const [key, value] of Object.entries(privileges)) {
      if (!(PRIVILEGES as readonly string[]).includes(key)) {
        throw new TypeError(`${where}.privileges: unknown privilege ${key}`);
      }
      if (typeof value !== "boolean") {
        throw new TypeError(`${where}.privileges.${key} must be a boolean`);
      }
      out[key as keyof SchemePrivileges] = value;
    }
    // Electron's own check (ProtocolRegisterSchemesAsPrivileged)
    if (out.codeCache && !out.standard) {
      throw new TypeError(
        `${where}: Code cache can only be enabled when 'standard' option is set to true.`,
      );
    }
    return [scheme, Object.freeze(out)] as const;
  });
  for (const [scheme, privileges] of checked) registered.set(scheme, privileges);
}

/**
 * The privileges a scheme was registered with, or undefined.
 *
 * @example
 * ```ts
 * schemePrivileges("never-registered"); // undefined
 * ```
 */
export function schemePrivileges(scheme: string): Readonly<Required<SchemePrivileges>> | undefined {
  return registered.size === 0 ? undefined : registered.get(scheme);
}

/**
 * Whether any scheme is registered: callers on a request's path ask this before they read a URL's
 * scheme for {@linkcode isStandardScheme}.
 *
 * @example
 * ```ts
 * if (hasPrivilegedSchemes()) isStandardScheme("app");
 * ```
 */
export function hasPrivilegedSchemes(): boolean {
  return registered.size > 0;
}

/**
 * Whether a scheme was registered as standard (its URLs have a host, and keep cookies).
 *
 * @example
 * ```ts
 * isStandardScheme("https"); // false: only registered custom schemes count
 * ```
 */
export function isStandardScheme(scheme: string): boolean {
  return schemePrivileges(scheme)?.standard === true;
}

/**
 * Whether a scheme was registered as secure (trustworthy, as https).
 *
 * @example
 * ```ts
 * isSecureScheme("app-never-registered"); // false
 * ```
 */
export function isSecureScheme(scheme: string): boolean {
  return schemePrivileges(scheme)?.secure === true;
}
