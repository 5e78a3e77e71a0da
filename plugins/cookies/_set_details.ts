/**
 * `cookies.set(details)`'s checks that need no jar, shared by the library session's Cookies and a
 * Chromium-backed session's: each refusal is a TypeError in Electron's words (`_set_errors.ts`),
 * so both sessions refuse the same bad details alike. What passes comes back as the parsed
 * cookie and the URL's parts, ready for a jar's `store`.
 *
 * @module
 */
import { fromElectronSameSite } from "./cookie.ts";
import type { ElectronSameSite } from "./cookie.ts";
import { type CookieUrl, isCookieableScheme } from "./cookie_url.ts";
import { checkUrl, optional } from "./_arguments.ts";
import { MAX_NAME_VALUE_BYTES, type ParsedSetCookie, utf8Length } from "./parse_set_cookie.ts";
import { EXCLUSION, jarRefusal, setCookieError } from "./_set_errors.ts";
import { checkSetDomain, checkSetPath } from "./_set_attributes.ts";
import { CookieJar } from "./jar.ts";
import { fromPlaywrightCookie, type PlaywrightCookie } from "./playwright_state.ts";

const SAME_SITES = ["unspecified", "no_restriction", "lax", "strict"];
// deno-lint-ignore no-control-regex
const CTL_OR_SEMI = /[\x00-\x1f\x7f;]/;

/** The details of `cookies.set`, as callers may pass them (checked here). */
export interface SetDetailsInput {
  /** The URL the cookie is set for. */ url?: unknown;
  /** Name. */ name?: unknown;
  /** Value. */ value?: unknown;
  /** Domain. */ domain?: unknown;
  /** Path. */ path?: unknown;
  /** Secure. */ secure?: unknown;
  /** HttpOnly. */ httpOnly?: unknown;
  /** Expiry in seconds since the epoch. */ expirationDate?: unknown;
  /** SameSite. */ sameSite?: unknown;
}

/** Details `checkSetDetails` passed: the URL's parts and the cookie to store for it. */
export interface CheckedSetDetails {
  /** The URL's parts. */ url: CookieUrl;
  /** The cookie, as a parsed Set-Cookie line. */ cookie: ParsedSetCookie;
}

/**
 * Checks `cookies.set`'s details as Electron's `Cookies::Set` has Chromium check them before its
 * jar does; throws Electron's TypeError for the first thing wrong.
 *
 * @example
 * ```ts
 * const { cookie } = checkSetDetails({ url: "https://example.org/a/b", name: "a", value: "1" });
 * cookie.sameSite; // "lax"
 * ```
 */
export function checkSetDetails(details: SetDetailsInput): CheckedSetDetails {
  if (details === null || typeof details !== "object") {
    throw new TypeError("cookies.set: details must be an object");
  }
  if (typeof details.url !== "string") throw new TypeError("Missing required option 'url'");
  const sameSite = (details.sameSite ?? "lax") as ElectronSameSite;
  if (!SAME_SITES.includes(sameSite)) {
    throw new TypeError(
      `Failed to convert '${String(sameSite)}' to an appropriate cookie same site value`,
    );
  }
  let url: CookieUrl;
  try {
    url = checkUrl("cookies.set", details.url);
  } catch (error) {
    throw setCookieError(EXCLUSION.invalidDomain, (error as Error).message);
  }
  if (!isCookieableScheme(url.scheme)) {
    throw setCookieError(
      EXCLUSION.nonCookieableScheme,
      `cookies.set: the ${url.scheme} scheme cannot have cookies (${details.url})`,
    );
  }
  for (const key of ["name", "value", "domain", "path"] as const) {
    optional("cookies.set", details[key], "string", key);
  }
  optional("cookies.set", details.secure, "boolean", "secure");
  optional("cookies.set", details.httpOnly, "boolean", "httpOnly");
  const name = (details.name ?? "") as string;
  const value = (details.value ?? "") as string;
  if (name === "" && value === "") {
    throw setCookieError(EXCLUSION.noContent, "cookies.set: a cookie needs a name or a value");
  }
  if (CTL_OR_SEMI.test(name) || name.includes("=") || name.trim() !== name) {
    throw setCookieError(
      EXCLUSION.disallowedCharacter,
      "cookies.set: name must not contain control characters, ';', '=' or outer spaces",
    );
  }
  if (CTL_OR_SEMI.test(value) || value.trim() !== value) {
    throw setCookieError(
      EXCLUSION.disallowedCharacter,
      "cookies.set: value must not contain control characters, ';' or outer spaces",
    );
  }
  if (utf8Length(name) + utf8Length(value) > MAX_NAME_VALUE_BYTES) {
    throw setCookieError(
      EXCLUSION.nameValueTooLong,
      "cookies.set: name and value are longer than 4096 bytes",
    );
  }
  let expires: number | undefined;
  if (details.expirationDate !== undefined) {
    if (typeof details.expirationDate !== "number" || !Number.isFinite(details.expirationDate)) {
      throw new TypeError(
        "cookies.set: expirationDate must be a finite number of seconds since the epoch",
      );
    }
    expires = details.expirationDate * 1000;
  }
  const cookie: ParsedSetCookie = {
    name,
    value,
    expires,
    maxAge: undefined,
    domain: details.domain ? checkSetDomain(details.domain as string) : undefined,
    path: details.path ? checkSetPath(details.path as string) : undefined,
    secure: (details.secure as boolean | undefined) ?? sameSite === "no_restriction",
    httpOnly: details.httpOnly === true,
    sameSite: fromElectronSameSite(sameSite),
    priority: "medium",
    partitioned: false,
  };
  return { url, cookie };
}

/**
 * The TypeError for a cookie a jar refused (`StoreResult.rejected`), in Electron's words.
 *
 * @example
 * ```ts
 * jarSetError("Secure cookie set from an insecure URL").message.startsWith("Failed to set cookie - ");
 * ```
 */
export function jarSetError(rejected: string): TypeError {
  return setCookieError(jarRefusal(rejected), `cookies.set: cookie refused: ${rejected}`);
}

/**
 * What a jar holding `stored` would refuse `checked` with (Electron's TypeError), or null: for a
 * session whose jar is elsewhere (a Chromium browser context's), asked before the cookie goes
 * there. `stored` needs only the cookies of the new cookie's name; one that cannot be read is left
 * out. The public suffix list must be loaded (`loadPublicSuffixList`).
 *
 * @example
 * ```ts ignore
 * const checked = checkSetDetails({ url: "https://example.org/", name: "a", value: "2" });
 * refusalAmong([{ name: "a", value: "1", domain: "example.org", path: "/", expires: -1,
 *   httpOnly: true, secure: false, sameSite: "Lax" }], checked, false)?.message;
 * // "Failed to set cookie - The cookie would have overwritten an HttpOnly cookie, ..."
 * ```
 */
export function refusalAmong(
  stored: readonly PlaywrightCookie[],
  checked: CheckedSetDetails,
  httpOnlyAccess: boolean,
): TypeError | null {
  const jar = new CookieJar();
  const now = Date.now();
  stored.forEach((cookie, index) => {
    try {
      const record = fromPlaywrightCookie(cookie, index, now);
      if (record) jar.restore(record, true);
    } catch {
      // a cookie this jar cannot hold refuses nothing
    }
  });
  const result = jar.store(checked.cookie, checked.url, { httpOnly: httpOnlyAccess }, true);
  return result.rejected ? jarSetError(result.rejected) : null;
}
