/**
 * The request object of the HTTP layer (`urlParts` parsed once per hop), the signal of requests
 * given none, and headers that know whether anything was put in them.
 *
 * @module
 */
import type {
  PipelineInput,
  PipelineRequest,
  RequestBody,
  ResourceType,
  UrlParts,
} from "../request.ts";
import { parseUrl } from "./url_parts.ts";

/** The signal of requests given none; transports skip it (a signal costs fetch a listener). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

class Hop implements PipelineRequest {
  method: string;
  headers: Headers;
  body: RequestBody | null;
  readonly resourceType: ResourceType;
  readonly initiator: string | null;
  readonly topLevelSite: string | null;
  referrer: string;
  redirectCount = 0;
  readonly urlList: string[] = [];
  readonly signal: AbortSignal;
  readonly options: Readonly<Record<string, unknown>>;
  readonly data: Map<unknown, unknown> = new Map();
  #url: string;
  #parts: UrlParts | null = null;

  /** A request for `input`, with its id and start time. */
  constructor(readonly id: number, readonly timestamp: number, input: PipelineInput) {
    this.#url = input.url;
    this.method = input.method;
    this.headers = input.headers;
    this.body = input.body;
    this.resourceType = input.resourceType ?? "other";
    this.initiator = input.initiator ?? null;
    this.topLevelSite = input.topLevelSite ?? null;
    this.referrer = input.referrer ?? "";
    this.signal = input.signal ?? NEVER_ABORTED;
    this.options = input.options ?? {};
  }

  get url(): string {
    return this.#url;
  }
  set url(url: string) {
    this.#url = url;
    this.#parts = null;
  }

  get urlParts(): UrlParts {
    this.#parts ??= parseUrl(this.#url);
    if (this.#parts === null) throw new TypeError(`Invalid URL "${this.#url.slice(0, 200)}"`);
    return this.#parts;
  }
}
/**
 * The pipeline's request object: `urlParts` follows `url`.
 *
 * @example
 * ```ts
 * const request = new HopRequest(1, 0, { url: "https://a.test/a", method: "GET", headers: new Headers(), body: null });
 * request.url = "http://a.test:8080/";
 * request.urlParts.port; // 8080
 * ```
 */
export const HopRequest: new (id: number, timestamp: number, input: PipelineInput) => HopRequest =
  Hop;
/** A request made by {@link HopRequest}. */
export type HopRequest = PipelineRequest;

/**
 * Headers that know whether anything was ever put in them, so that a transport can leave an
 * empty set out of fetch (converting even an empty Headers costs Deno's fetch a sorted copy).
 *
 * @example
 * ```ts
 * const headers = new RequestHeaders();
 * headers.mayHaveEntries; // false
 * ```
 */
export class RequestHeaders extends Headers {
  #used: boolean;
  /** Like `new Headers(init)`. */
  constructor(init?: HeadersInit) {
    super(init);
    this.#used = init !== undefined;
  }
  /** False only while nothing was ever added. */
  get mayHaveEntries(): boolean {
    return this.#used;
  }
  /** Like `Headers.set`. */
  override set(name: string, value: string): void {
    super.set(name, value);
    this.#used = true;
  }
  /** Like `Headers.append`. */
  override append(name: string, value: string): void {
    super.append(name, value);
    this.#used = true;
  }
}
