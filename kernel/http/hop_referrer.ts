/**
 * A request's referrer as its walk carries it: the referrer it was given and its policy, applied
 * to each hop (`request.referrer` and the `Referer` header, before `beforeRequest`), the policy
 * updated by a redirect response's `Referrer-Policy` header.
 *
 * @module
 */
import type { PipelineRequest } from "../request.ts";
import { determineReferrer, policyFromHeader } from "./referrer_policy.ts";

/**
 * The referrer of one walk. Made only for requests given a referrer (no cost otherwise).
 *
 * @example
 * ```ts
 * import { HopRequest } from "./hop_request.ts";
 * const request = new HopRequest(1, 0, { url: "http://b.test/", method: "GET", headers: new Headers(), body: null });
 * const referrer = new HopReferrer("https://a.test/page", "unsafe-url");
 * referrer.applyTo(request);
 * request.headers.get("referer"); // "https://a.test/page"
 * ```
 */
export class HopReferrer {
  /** The referrer the request was given (`request.referrer` is what the current hop sends). */
  readonly source: string;
  /** The policy of the next hop (`""`: the default). */
  policy: string;

  /** The referrer `source` under `policy`. */
  constructor(source: string, policy: string) {
    this.source = source;
    this.policy = policy;
  }

  /** Sets `request.referrer` and its `Referer` header (or removes it) for its current URL. */
  applyTo(request: PipelineRequest): void {
    const referrer = determineReferrer(this.source, this.policy, request.url);
    request.referrer = referrer;
    if (referrer === "") request.headers.delete("referer");
    else request.headers.set("referer", referrer);
  }

  /** Fetch's HTTP-redirect fetch: a redirect response's `Referrer-Policy` rules the next hop. */
  redirectedBy(response: Response): void {
    this.policy = policyFromHeader(response.headers.get("referrer-policy"), this.policy);
  }
}
