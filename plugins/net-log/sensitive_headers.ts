/**
 * Which header values a capture mode keeps, as Chromium elides them in its NetLog: below
 * `includeSensitive`, the values of cookie and credential headers become `[N bytes were
 * stripped]`.
 *
 * @module
 */
import type { NetLogCaptureMode } from "./constants.ts";

const SENSITIVE = new Set([
  "cookie",
  "set-cookie",
  "set-cookie2",
  "authorization",
  "proxy-authorization",
]);
const CHALLENGES = new Set(["www-authenticate", "proxy-authenticate"]);

/**
 * One header line as the capture mode shows it.
 *
 * @example
 * ```ts
 * headerLine("cookie", "a=1", "default"); // "cookie: [3 bytes were stripped]"
 * headerLine("cookie", "a=1", "includeSensitive"); // "cookie: a=1"
 * ```
 */
export function headerLine(name: string, value: string, mode: NetLogCaptureMode): string {
  if (mode !== "default") return `${name}: ${value}`;
  const lower = name.toLowerCase();
  if (SENSITIVE.has(lower)) return `${name}: [${byteLength(value)} bytes were stripped]`;
  if (CHALLENGES.has(lower)) {
    // NTLM and Negotiate challenges carry a token after the scheme; other schemes are public.
    const match = /^(ntlm|negotiate)\s+(.+)$/i.exec(value);
    if (match) return `${name}: ${match[1]} [${byteLength(match[2])} bytes were stripped]`;
  }
  return `${name}: ${value}`;
}

/**
 * Every header of a set as NetLog lines.
 *
 * @example
 * ```ts
 * headerLines(new Headers({ a: "1" }), "default"); // ["a: 1"]
 * ```
 */
export function headerLines(headers: Headers, mode: NetLogCaptureMode): string[] {
  const lines: string[] = [];
  let cookies = false;
  // forEach: cheaper than the entries iterator in Deno and Bun.
  headers.forEach((value, name) => {
    if (name === "set-cookie") cookies = true;
    else lines.push(headerLine(name, value, mode));
  });
  if (cookies) {
    for (const line of headers.getSetCookie()) lines.push(headerLine("set-cookie", line, mode));
  }
  return lines;
}

const encoder = new TextEncoder();
function byteLength(value: string): number {
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(value) ? value.length : encoder.encode(value).length;
}
