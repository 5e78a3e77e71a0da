/**
 * How the arguments and answers of pipeline taps cross to an isolated plugin's Worker: requests,
 * responses and errors as structured clones (headers as pairs), bodies as streams over
 * {@linkcode MessagePortMain}s.
 *
 * @module
 */
import type { MessagePortMain } from "./message_channel.ts";
import { portFromStream, streamFromPort } from "./port_stream.ts";
import type { PipelineRequest } from "../request.ts";
import { HopRequest } from "../http/hop_request.ts";

/**
 * A request as it crosses: its plain fields as one JSON text (see {@linkcode RequestFields}), then
 * the body (the bytes, `port` when the stream comes over a port sent with the call, or null) and
 * the options that survive a structured clone (or null). Stringifying, cloning and parsing one
 * JSON text takes about half the time of cloning an object of thirteen fields (Deno 2.9,
 * structuredClone measured 100,000 times), and every call of an isolated hook clones the request.
 */
export type WireRequest = [
  fields: string,
  body: Uint8Array | "port" | null,
  options: Record<string, unknown> | null,
];

/** The plain fields of a request, in the order the JSON text of {@linkcode WireRequest} holds. */
type RequestFields = [
  id: number,
  url: string,
  method: string,
  headers: string,
  resourceType: string,
  initiator: string | null,
  topLevelSite: string | null,
  referrer: string,
  timestamp: number,
  redirectCount: number,
  urlList: string[],
];

/** A response (without its body) as it crosses. */
export interface WireResponse {
  status: number;
  statusText: string;
  url: string;
  headers: string;
}

/** An error as it crosses. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
}

const HEADERS = "\u0000headers";
const RESPONSE = "\u0000response";

/** Headers as one string (`name\0value\n...`): far cheaper to clone than pairs. */
export function headersToWire(headers: Headers): string {
  let out = "";
  headers.forEach((value, name) => {
    out += `${name}\0${value}\n`;
  });
  return out;
}

/** The Headers of {@linkcode headersToWire}; a TypeError for a block that is not its output. */
export function headersFromWire(wire: string): Headers {
  const headers = new Headers();
  let start = 0;
  while (start < wire.length) {
    const end = wire.indexOf("\n", start);
    const split = wire.indexOf("\0", start);
    if (end === -1 || split === -1 || split > end) {
      throw new TypeError("A header block line lacks its \\0 or its \\n");
    }
    headers.append(wire.slice(start, split), wire.slice(split + 1, end));
    start = end + 1;
  }
  return headers;
}

/** The signal of requests inside the Worker (taps there cannot abort the request). */
let sharedSignal: AbortSignal | undefined;

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns a pipeline request into its wire form; a stream body is teed (the pipeline keeps one
 * branch) and its port is pushed onto `ports`.
 */
export function requestToWire(request: PipelineRequest, ports: MessagePortMain[]): WireRequest {
  let body: WireRequest[1] = null;
  if (request.body instanceof Uint8Array) body = request.body;
  else if (request.body instanceof ReadableStream) {
    const [keep, give] = request.body.tee();
    request.body = keep;
    ports.push(portFromStream(give));
    body = "port";
  }
  let options: Record<string, unknown> | null = null;
  for (const key in request.options) {
    const value = request.options[key];
    if (cloneable(value)) (options ??= {})[key] = value;
  }
  const fields: RequestFields = [
    request.id,
    request.url,
    request.method,
    headersToWire(request.headers),
    request.resourceType,
    request.initiator,
    request.topLevelSite,
    request.referrer,
    request.timestamp,
    request.redirectCount,
    request.urlList,
  ];
  return [JSON.stringify(fields), body, options];
}

/** The request a tap inside the Worker sees. */
export function requestFromWire(
  wire: WireRequest,
  ports: readonly MessagePortMain[],
): PipelineRequest {
  const [text, wireBody, options] = wire;
  const [
    id,
    url,
    method,
    headers,
    resourceType,
    initiator,
    topLevelSite,
    referrer,
    timestamp,
    redirectCount,
    urlList,
  ] = JSON.parse(text) as RequestFields;
  const body = wireBody === "port" ? streamFromPort(ports[0]) : wireBody;
  const request = new HopRequest(id, timestamp, {
    url,
    method,
    resourceType: resourceType as PipelineRequest["resourceType"],
    initiator,
    topLevelSite,
    referrer,
    headers: headersFromWire(headers),
    body,
    options: options ?? {},
    signal: sharedSignal ??= new AbortController().signal,
  });
  request.redirectCount = redirectCount;
  request.urlList.push(...urlList);
  return request;
}

/** Turns a response into its wire form (no body: taps see headers only). */
export function responseToWire(response: Response): WireResponse {
  return {
    status: response.status,
    statusText: response.statusText,
    url: response.url,
    headers: headersToWire(response.headers),
  };
}

/** The response a tap inside the Worker sees. */
export function responseFromWire(wire: WireResponse): Response {
  const nullBody = wire.status === 204 || wire.status === 304 || wire.status < 200;
  const response = new Response(nullBody ? null : "", {
    status: wire.status < 200 ? 200 : wire.status,
    statusText: wire.statusText,
    headers: headersFromWire(wire.headers),
  });
  Object.defineProperty(response, "url", { value: wire.url });
  if (wire.status < 200) Object.defineProperty(response, "status", { value: wire.status });
  return response;
}

/** Turns an error into its wire form. */
export function errorToWire(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      code: typeof code === "string" ? code : undefined,
    };
  }
  return { name: "Error", message: String(error) };
}

/** An Error made from its wire form (name and code kept). */
export function errorFromWire(wire: WireError): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.code !== undefined) (error as Error & { code?: string }).code = wire.code;
  return error;
}

/** The arguments of a tap call, in wire form (request first). */
export function argsToWire(args: unknown[], ports: MessagePortMain[]): unknown[] {
  return args.map((arg, i) => {
    if (i === 0) return requestToWire(arg as PipelineRequest, ports);
    if (arg instanceof Response) return { [RESPONSE]: responseToWire(arg) };
    if (arg instanceof Error) return { error: errorToWire(arg) };
    return arg;
  });
}

/** The arguments of a tap call as the Worker's tap sees them. */
export function argsFromWire(args: unknown[], ports: readonly MessagePortMain[]): unknown[] {
  return args.map((arg, i) => {
    if (i === 0) return requestFromWire(arg as WireRequest, ports);
    if (arg && typeof arg === "object" && RESPONSE in arg) {
      return responseFromWire((arg as Record<string, WireResponse>)[RESPONSE]);
    }
    if (arg && typeof arg === "object" && "error" in arg) {
      return errorFromWire((arg as { error: WireError }).error);
    }
    return arg;
  });
}

/** A tap's answer in wire form; a Response's body goes as a stream over a port in `ports`. */
export function answerToWire(answer: unknown, ports: MessagePortMain[]): unknown {
  if (answer instanceof Response) {
    const wire = responseToWire(answer);
    const body = answer.body ? (ports.push(portFromStream(answer.body)), "port") : null;
    return { [RESPONSE]: { ...wire, body } };
  }
  if (!answer || typeof answer !== "object") return answer;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answer)) {
    out[key] = value instanceof Headers ? { [HEADERS]: headersToWire(value) } : value;
  }
  return out;
}

/** A tap's answer as the pipeline sees it. */
export function answerFromWire(wire: unknown, ports: readonly MessagePortMain[]): unknown {
  if (!wire || typeof wire !== "object") return wire;
  if (RESPONSE in wire) {
    const r = (wire as Record<string, WireResponse & { body: "port" | null }>)[RESPONSE];
    return new Response(r.body === "port" ? streamFromPort(ports[0]) : null, {
      status: r.status,
      statusText: r.statusText,
      headers: headersFromWire(r.headers),
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) {
    out[key] = value && typeof value === "object" && HEADERS in value
      ? headersFromWire((value as Record<string, string>)[HEADERS])
      : value;
  }
  return out;
}
