/**
 * What a paused request or response of the Fetch domain is made of, as the session's stages see
 * it: its headers (CDP's entries and a Web Headers, both ways), the request's body, and the head
 * of a response.
 *
 * @module
 */
import type { Protocol } from "devtools-protocol";

type HeaderEntry = Protocol.Fetch.HeaderEntry;

/**
 * CDP's header entries of a Headers (each Set-Cookie line an entry of its own).
 *
 * @example
 * ```ts
 * entries(new Headers({ a: "1" })); // [{ name: "a", value: "1" }]
 * ```
 */
export function entries(headers: Headers): HeaderEntry[] {
  const out: HeaderEntry[] = [];
  for (const [name, value] of headers) {
    if (name === "set-cookie") continue;
    out.push({ name, value });
  }
  for (const value of headers.getSetCookie()) out.push({ name: "set-cookie", value });
  return out;
}

/**
 * A Headers of CDP's entries or header object, leaving out what a Headers cannot hold.
 *
 * @example
 * ```ts
 * headersOf([{ name: "a", value: "1" }]).get("a"); // "1"
 * ```
 */
export function headersOf(list: HeaderEntry[] | Record<string, string>): Headers {
  const headers = new Headers();
  if (Array.isArray(list)) { for (const h of list) append(headers, h.name, h.value); }
  else for (const name in list) append(headers, name, list[name]);
  return headers;
}

function append(headers: Headers, name: string, value: string): void {
  try {
    headers.append(name, value);
  } catch {
    // a header a Web Headers object cannot hold (Chromium's own pseudo-headers): not shown
  }
}

/**
 * The bytes of a paused request's body (Electron's `uploadData`): from `postDataEntries`, whose
 * base64 keeps binary bytes that the UTF-8 `postData` string loses; null without a body.
 *
 * @example
 * ```ts
 * bodyOf({ postDataEntries: [{ bytes: "aGk=" }] } as never); // Uint8Array [104, 105]
 * ```
 */
export function bodyOf(request: Protocol.Network.Request): Uint8Array | null {
  const parts = request.postDataEntries;
  if (!parts || parts.length === 0) {
    return request.postData === undefined ? null : new TextEncoder().encode(request.postData);
  }
  const chunks = parts.map((part) =>
    Uint8Array.from(atob(part.bytes ?? ""), (c) => c.charCodeAt(0))
  );
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

/**
 * A Response standing for the head Chromium received (status outside 200-599 mapped to 200).
 *
 * @example
 * ```ts
 * headOf(101, "Switching", []).status; // 200
 * ```
 */
export function headOf(
  status: number,
  statusText: string | undefined,
  headers: HeaderEntry[] | Record<string, string>,
): Response {
  return new Response(null, {
    status: status >= 200 && status <= 599 ? status : 200,
    statusText: statusText ?? "",
    headers: headersOf(headers),
  });
}

/**
 * The Set-Cookie lines of the raw response head `Network.responseReceivedExtraInfo` tells (CDP
 * joins them with newlines under one name of any case); empty without any.
 *
 * @example
 * ```ts
 * setCookieLines({ "Set-Cookie": "a=1\nb=2" }); // ["a=1", "b=2"]
 * ```
 */
export function setCookieLines(headers: Record<string, string>): string[] {
  return Object.entries(headers)
    .filter(([name]) => name.toLowerCase() === "set-cookie")
    .flatMap(([, value]) => value.split("\n"))
    .filter((line) => line !== "");
}

/**
 * `head` with the response's Set-Cookie lines, which Chromium leaves out of the heads it gives a
 * paused response and `Network.responseReceived` (the raw head has them): `head` itself when it
 * has some or there are none.
 *
 * @example
 * ```ts
 * withSetCookies(new Response(null), ["a=1"]).headers.getSetCookie(); // ["a=1"]
 * ```
 */
export function withSetCookies(head: Response, lines: readonly string[] | undefined): Response {
  if (!lines?.length || head.headers.getSetCookie().length > 0) return head;
  const headers = new Headers(head.headers);
  for (const line of lines) headers.append("set-cookie", line);
  return new Response(null, { status: head.status, statusText: head.statusText, headers });
}
