/**
 * The declarativeNetRequest cases of the differential test: a set of session rules and the
 * requests asked about with `testMatchOutcome`. Hand-picked cases cover each finding of issue #26;
 * generated ones (seeded, so always the same) combine conditions and actions at random.
 *
 * @module
 */
import { prng as random } from "../../scripts/_prng.ts";

/** A request as `testMatchOutcome` takes it. */
export interface DnrCaseRequest {
  url: string;
  type: string;
  method?: string;
  initiator?: string;
}

/** A case: rules (possibly invalid) and the requests asked about. */
export interface DnrCase {
  id: string;
  rules: Record<string, unknown>[];
  requests: DnrCaseRequest[];
}

const block = { type: "block" };
const allow = { type: "allow" };

function rule(
  id: number,
  condition: Record<string, unknown>,
  action: unknown = block,
  priority?: number,
) {
  return priority === undefined ? { id, condition, action } : { id, priority, condition, action };
}

function picked(): DnrCase[] {
  const out: DnrCase[] = [];
  const add = (id: string, rules: Record<string, unknown>[], requests: DnrCaseRequest[]) =>
    out.push({ id, rules, requests });
  const get = (url: string, extra: Partial<DnrCaseRequest> = {}): DnrCaseRequest => ({
    url,
    type: "xmlhttprequest",
    ...extra,
  });
  // the fragment is part of the matched URL
  add("fragment-urlfilter", [rule(1, { urlFilter: "#frag" }), rule(2, { urlFilter: "x#|" })], [
    get("https://a.test/x#frag"),
    get("https://a.test/x#"),
    get("https://a.test/x"),
  ]);
  add("fragment-regex", [rule(1, { regexFilter: "#[a-z]+$" })], [
    get("https://a.test/p#abc"),
    get("https://a.test/p?#"),
  ]);
  add("fragment-anchor-end", [rule(1, { urlFilter: "/p|" })], [
    get("https://a.test/p#f"),
    get("https://a.test/p"),
  ]);
  // nested domain lists
  add("nested-request-domains", [
    rule(1, { requestDomains: ["a.test", "x.b.a.test"], excludedRequestDomains: ["b.a.test"] }),
  ], [
    get("https://a.test/"),
    get("https://b.a.test/"),
    get("https://x.b.a.test/"),
    get("https://y.x.b.a.test/"),
    get("https://c.b.a.test/"),
  ]);
  add("nested-initiator-domains", [
    rule(1, {
      urlFilter: "res",
      initiatorDomains: ["a.test", "x.b.a.test"],
      excludedInitiatorDomains: ["b.a.test"],
    }),
  ], [
    get("https://r.test/res", { initiator: "https://a.test" }),
    get("https://r.test/res", { initiator: "https://b.a.test" }),
    get("https://r.test/res", { initiator: "https://x.b.a.test" }),
    get("https://r.test/res", { initiator: "https://c.b.a.test" }),
  ]);
  add("same-domain-both-lists", [
    rule(1, { requestDomains: ["a.test"], excludedRequestDomains: ["a.test"] }),
  ], [get("https://a.test/"), get("https://b.a.test/")]);
  // domainType
  add("domain-type-third", [rule(1, { urlFilter: "res", domainType: "thirdParty" })], [
    get("https://r.test/res"),
    get("https://r.test/res", { initiator: "https://r.test" }),
    get("https://r.test/res", { initiator: "https://sub.r.test" }),
    get("https://r.test/res", { initiator: "https://other.test" }),
    get("https://a.github.io/res", { initiator: "https://b.github.io" }),
    get("https://a.github.io/res", { initiator: "https://a.github.io" }),
    get("https://x.a.github.io/res", { initiator: "https://a.github.io" }),
    get("https://r.test./res", { initiator: "https://r.test" }),
    get("https://xn--bcher-kva.test/res", { initiator: "https://bücher.test" }),
  ]);
  add("domain-type-first", [rule(1, { urlFilter: "res", domainType: "firstParty" })], [
    get("https://r.test/res"),
    get("https://r.test/res", { initiator: "https://sub.r.test" }),
    get("https://a.github.io/res", { initiator: "https://b.github.io" }),
    get("https://r.test./res", { initiator: "https://r.test" }),
    get("https://127.0.0.1/res", { initiator: "https://127.0.0.1" }),
    get("https://xn--bcher-kva.test/res", { initiator: "https://xn--bcher-kva.test" }),
  ]);
  // trailing dots and IDN
  add("trailing-dot-request-domains", [rule(1, { requestDomains: ["a.test"] })], [
    get("https://a.test./x"),
    get("https://b.a.test./x"),
    get("https://a.test/x"),
  ]);
  add("trailing-dot-in-list", [rule(1, { requestDomains: ["a.test."] })], [
    get("https://a.test./x"),
    get("https://a.test/x"),
  ]);
  add("idn-initiator", [rule(1, { urlFilter: "res", initiatorDomains: ["xn--bcher-kva.test"] })], [
    get("https://r.test/res", { initiator: "https://bücher.test" }),
    get("https://r.test/res", { initiator: "https://xn--bcher-kva.test" }),
  ]);
  // methods and websockets
  add("ws-methods", [
    rule(1, { urlFilter: "sock", requestMethods: ["get"] }),
    rule(2, { urlFilter: "sock", excludedRequestMethods: ["post"] }, { type: "allow" }),
  ], [
    { url: "wss://a.test/sock", type: "websocket" },
    { url: "ws://a.test/sock", type: "websocket" },
    get("https://a.test/sock", { method: "get" }),
    get("https://a.test/sock", { method: "post" }),
  ]);
  // ranking
  add("allow-below-modify", [
    rule(1, { urlFilter: "x" }, allow, 1),
    rule(2, { urlFilter: "x" }, {
      type: "modifyHeaders",
      requestHeaders: [{ header: "x-a", operation: "set", value: "1" }],
    }, 2),
    rule(3, { urlFilter: "x" }, {
      type: "modifyHeaders",
      requestHeaders: [{ header: "x-b", operation: "set", value: "1" }],
    }, 1),
  ], [get("https://a.test/x")]);
  add("tie-block-ids", [
    rule(5, { urlFilter: "x" }),
    rule(3, { urlFilter: "x" }),
    rule(4, { urlFilter: "x" }),
  ], [get("https://a.test/x")]);
  add("tie-block-ids-middle", [
    rule(3, { urlFilter: "x" }),
    rule(5, { urlFilter: "x" }),
    rule(4, { urlFilter: "x" }),
  ], [get("https://a.test/x")]);
  add("tie-allow-ids", [
    rule(2, { urlFilter: "x" }, allow),
    rule(8, { urlFilter: "x" }, allow),
    rule(6, { urlFilter: "x" }, allow),
  ], [get("https://a.test/x")]);
  add("tie-redirect-ids", [
    rule(7, { urlFilter: "x" }, { type: "redirect", redirect: { url: "https://seven.test/" } }),
    rule(2, { urlFilter: "x" }, { type: "redirect", redirect: { url: "https://two.test/" } }),
  ], [get("https://a.test/x")]);
  add("tie-modify-ids", [
    rule(9, { urlFilter: "x" }, {
      type: "modifyHeaders",
      requestHeaders: [{ header: "x-a", operation: "set", value: "9" }],
    }),
    rule(1, { urlFilter: "x" }, {
      type: "modifyHeaders",
      requestHeaders: [{ header: "x-a", operation: "set", value: "1" }],
    }),
  ], [get("https://a.test/x")]);
  add("append-non-standard-header", [
    rule(1, { urlFilter: "x" }, {
      type: "modifyHeaders",
      requestHeaders: [{ header: "x-a", operation: "append", value: "1" }],
    }),
  ], [get("https://a.test/x")]);
  add("tie-domain-vs-short", [
    rule(10, { urlFilter: "||a.test^" }),
    rule(7, { urlFilter: "X" }),
  ], [get("https://a.test/x"), get("https://a.test/x", { initiator: "https://b.a.test" })]);
  add("tie-short-vs-domain", [
    rule(7, { urlFilter: "X" }),
    rule(10, { urlFilter: "||a.test^" }),
  ], [get("https://a.test/x")]);
  add("tie-two-domains", [
    rule(10, { urlFilter: "||a.test^" }),
    rule(7, { urlFilter: "||a.test/" }),
  ], [get("https://a.test/x")]);
  add("tie-long-patterns", [
    rule(10, { urlFilter: "a.test/xyz" }),
    rule(7, { urlFilter: "test/xyz" }),
    rule(8, { urlFilter: "/xyz" }),
  ], [get("https://a.test/xyz")]);
  add("tie-initiator-rule", [
    rule(
      10,
      { urlFilter: "||a.test^", initiatorDomains: ["b.a.test"], isUrlFilterCaseSensitive: true },
      block,
      2,
    ),
    rule(7, { urlFilter: "X" }, block, 2),
  ], [
    { url: "wss://a.test/x", type: "websocket", initiator: "https://b.a.test" },
    get("https://a.test/x", { initiator: "https://b.a.test" }),
  ]);
  add("tie-regex-vs-filter", [
    rule(10, { regexFilter: "a\\.test" }),
    rule(7, { urlFilter: "a.test" }),
  ], [get("https://a.test/x")]);
  add("tie-filter-vs-regex", [
    rule(7, { urlFilter: "a.test" }),
    rule(10, { regexFilter: "a\\.test" }),
  ], [get("https://a.test/x")]);
  // how the matched URL is canonicalised
  add("canonical-caret-pipe", [
    rule(1, { urlFilter: "x%5e" }),
    rule(2, { urlFilter: "x%7c" }),
    rule(3, { urlFilter: "q=%5e" }),
    rule(4, { urlFilter: "q=%7c" }),
    rule(5, { urlFilter: "f^" }),
  ], [
    get("https://a.test/x^y"),
    get("https://a.test/x|y"),
    get("https://a.test/p?q=^"),
    get("https://a.test/p?q=|"),
    get("https://a.test/p#f^"),
  ]);
  add("pipe-literal", [rule(1, { urlFilter: "q=a|b" })], [
    get("https://a.test/p?q=a|b"),
    get("https://a.test/p?q=a%7Cb"),
  ]);
  // upgradeScheme
  add("upgrade-outranks-wss", [
    rule(1, { urlFilter: "x" }, { type: "upgradeScheme" }, 2),
    rule(2, { urlFilter: "x" }, block, 1),
  ], [{ url: "wss://a.test/x", type: "websocket" }, { url: "ws://a.test/x", type: "websocket" }]);
  add("upgrade-regex-outranks-https", [
    rule(1, { regexFilter: "x" }, { type: "upgradeScheme" }, 2),
    rule(2, { urlFilter: "x" }, block, 1),
  ], [get("https://a.test/x"), { url: "wss://a.test/x", type: "websocket" }]);
  add("redirect-outranks-wss", [
    rule(1, { urlFilter: "x" }, { type: "redirect", redirect: { url: "https://d.test/" } }, 2),
    rule(2, { urlFilter: "x" }, block, 1),
  ], [{ url: "wss://a.test/x", type: "websocket" }]);
  add("upgrade-schemes", [rule(1, { urlFilter: "x" }, { type: "upgradeScheme" })], [
    get("http://a.test/x"),
    get("https://a.test/x"),
    { url: "ws://a.test/x", type: "websocket" },
    get("ftp://a.test/x"),
  ]);
  add("upgrade-outranks-https", [
    rule(1, { urlFilter: "x" }, { type: "upgradeScheme" }, 2),
    rule(2, { urlFilter: "x" }, block, 1),
  ], [get("https://a.test/x"), get("http://a.test/x")]);
  add("redirect-to-same-url", [
    rule(1, { urlFilter: "x" }, { type: "redirect", redirect: { url: "https://a.test/x" } }, 2),
    rule(2, { urlFilter: "x" }, block, 1),
  ], [get("https://a.test/x")]);
  add("redirect-transform-same", [
    rule(
      1,
      { urlFilter: "x" },
      { type: "redirect", redirect: { transform: { scheme: "https" } } },
      2,
    ),
    rule(2, { urlFilter: "x" }, block, 1),
  ], [get("https://a.test/x"), get("http://a.test/x")]);
  add("redirect-keeps-fragment", [
    rule(1, { urlFilter: "x" }, { type: "redirect", redirect: { transform: { host: "b.test" } } }),
  ], [get("https://a.test/x#f")]);
  // validation
  const valid = (id: string, r: Record<string, unknown>) =>
    add(id, [r], [get("https://a.test/a|b")]);
  valid("valid-pipe-inside", rule(1, { urlFilter: "a|b" }));
  valid(
    "valid-empty-excluded-request-domains",
    rule(1, { urlFilter: "a", excludedRequestDomains: [] }),
  );
  valid(
    "valid-empty-excluded-initiator-domains",
    rule(1, { urlFilter: "a", excludedInitiatorDomains: [] }),
  );
  valid("valid-empty-excluded-types", rule(1, { urlFilter: "a", excludedResourceTypes: [] }));
  valid("valid-empty-excluded-methods", rule(1, { urlFilter: "a", excludedRequestMethods: [] }));
  valid("valid-empty-request-domains", rule(1, { urlFilter: "a", requestDomains: [] }));
  valid("valid-empty-regex", rule(1, { regexFilter: "" }));
  valid(
    "valid-javascript-redirect",
    rule(1, { urlFilter: "a" }, { type: "redirect", redirect: { url: "javascript:alert(1)" } }),
  );
  valid(
    "valid-url-and-transform",
    rule(1, { urlFilter: "a" }, {
      type: "redirect",
      redirect: { url: "https://u.test/", transform: { host: "t.test" } },
    }),
  );
  valid(
    "valid-substitution-missing-group",
    rule(1, { regexFilter: "^https://(a)\\.test/" }, {
      type: "redirect",
      redirect: { regexSubstitution: "https://\\2.test/" },
    }),
  );
  valid(
    "valid-substitution-group-zero",
    rule(1, { regexFilter: "^https://(a)\\.test/" }, {
      type: "redirect",
      redirect: { regexSubstitution: "https://z.test/?\\0" },
    }),
  );
  valid("valid-regex-too-large", rule(1, { regexFilter: "(a{1,1000}){1,1000}" }));
  valid("valid-regex-repeat-1001", rule(1, { regexFilter: "a{1001}" }));
  valid("valid-regex-repeat-1000", rule(1, { regexFilter: "a{1000}" }));
  valid("valid-top-domains", rule(1, { urlFilter: "a", topDomains: ["a.test"] }));
  valid(
    "valid-response-headers",
    rule(1, {
      urlFilter: "a",
      responseHeaders: [{ header: "content-type", values: ["text/*"] }],
    }),
  );
  valid(
    "valid-header-value-newline",
    rule(1, { urlFilter: "a" }, {
      type: "modifyHeaders",
      requestHeaders: [{ header: "x-a", operation: "set", value: "a\nb" }],
    }),
  );
  valid("valid-uppercase-domain", rule(1, { urlFilter: "a", requestDomains: ["A.test"] }));
  valid("valid-non-ascii-urlfilter", rule(1, { urlFilter: "é" }));
  valid("valid-leading-pipes", rule(1, { urlFilter: "|||a" }));
  valid(
    "valid-allow-all-requests-xhr",
    rule(1, { urlFilter: "a", resourceTypes: ["xmlhttprequest"] }, { type: "allowAllRequests" }),
  );
  return out;
}

const URL_FILTERS = [
  "ads",
  "||a.test^",
  "||b.a.test/",
  "|https://",
  "|http://a.test/x|",
  "/x?",
  "x^",
  "*x*",
  "^q=1",
  "||a.test/x#",
  "#f",
  "X",
  "||github.io^",
  "||test./",
  "a.test/x|",
];
const REGEXES = ["^https?://[a-z.]+/x", "x\\?q=[0-9]+$", "^wss?://", "b\\.a\\.test", "#f$"];
const DOMAINS = ["a.test", "b.a.test", "x.b.a.test", "github.io", "a.github.io", "test", "r.test"];
const TYPES = [
  "main_frame",
  "sub_frame",
  "script",
  "image",
  "xmlhttprequest",
  "websocket",
  "other",
];
const METHODS = ["get", "post", "put", "delete"];
const REQUEST_URLS = [
  "https://a.test/x",
  "http://a.test/x?q=1",
  "https://b.a.test/x#f",
  "https://x.b.a.test/ads/x",
  "https://a.github.io/x",
  "https://b.github.io/ads",
  "https://a.test./x",
  "http://r.test/X?q=12",
  "wss://a.test/x",
  "ws://b.a.test/sock",
  "https://r.test/path/x^y",
];
const INITIATORS = [
  undefined,
  "https://a.test",
  "https://b.a.test",
  "https://a.github.io",
  "https://r.test",
  "http://other.test",
];

function generated(count: number): DnrCase[] {
  const next = random(2026);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const some = <T>(list: readonly T[]): T[] => {
    const n = 1 + Math.floor(next() * 2);
    const out = new Set<T>();
    for (let i = 0; i < n; i++) out.add(pick(list));
    return [...out];
  };
  const out: DnrCase[] = [];
  for (let i = 0; i < count; i++) {
    const rules: Record<string, unknown>[] = [];
    const ruleCount = 1 + Math.floor(next() * 4);
    for (let r = 0; r < ruleCount; r++) {
      const condition: Record<string, unknown> = {};
      if (next() < 0.7) condition.urlFilter = pick(URL_FILTERS);
      else if (next() < 0.5) condition.regexFilter = pick(REGEXES);
      if (next() < 0.25) condition.requestDomains = some(DOMAINS);
      if (next() < 0.2) condition.excludedRequestDomains = some(DOMAINS);
      if (next() < 0.2) condition.initiatorDomains = some(DOMAINS);
      if (next() < 0.15) condition.excludedInitiatorDomains = some(DOMAINS);
      if (next() < 0.2) condition.domainType = pick(["firstParty", "thirdParty"]);
      if (next() < 0.2) condition.resourceTypes = some(TYPES);
      else if (next() < 0.15) condition.excludedResourceTypes = some(TYPES);
      if (next() < 0.15) condition.requestMethods = some(METHODS);
      else if (next() < 0.1) condition.excludedRequestMethods = some(METHODS);
      if (next() < 0.15) condition.isUrlFilterCaseSensitive = next() < 0.5;
      const kind = Math.floor(next() * 6);
      let action: Record<string, unknown>;
      if (kind === 0) action = { type: "block" };
      else if (kind === 1) action = { type: "allow" };
      else if (kind === 2) action = { type: "upgradeScheme" };
      else if (kind === 3) {
        action = {
          type: "redirect",
          redirect: pick([
            { url: "https://dest.test/" },
            { transform: { host: "dest.test" } },
            { transform: { scheme: "https" } },
            { transform: { path: "/new", fragment: "#g" } },
            { transform: { queryTransform: { addOrReplaceParams: [{ key: "q", value: "2" }] } } },
          ]),
        };
      } else if (kind === 4) {
        const operation = pick(["set", "append", "remove"]);
        const header = operation === "append" ? "accept-language" : pick(["x-a", "x-b"]);
        action = {
          type: "modifyHeaders",
          requestHeaders: [
            operation === "remove" ? { header, operation } : { header, operation, value: "v" },
          ],
        };
      } else {
        action = { type: "allowAllRequests" };
        condition.resourceTypes = some(["main_frame", "sub_frame"]);
        delete condition.excludedResourceTypes;
      }
      const entry: Record<string, unknown> = { id: 1 + Math.floor(next() * 20), condition, action };
      if (next() < 0.6) entry.priority = 1 + Math.floor(next() * 3);
      if (rules.some((x) => x.id === entry.id)) entry.id = 100 + r;
      rules.push(entry);
    }
    const requests: DnrCaseRequest[] = [];
    const requestCount = 2 + Math.floor(next() * 4);
    for (let q = 0; q < requestCount; q++) {
      const url = pick(REQUEST_URLS);
      const ws = url.startsWith("ws");
      const request: DnrCaseRequest = {
        url,
        type: ws ? "websocket" : pick(TYPES.filter((t) => t !== "websocket")),
      };
      if (!ws && next() < 0.4) request.method = pick(METHODS);
      const initiator = request.type === "main_frame" ? undefined : pick(INITIATORS);
      if (initiator) request.initiator = initiator;
      requests.push(request);
    }
    out.push({ id: `gen-${i}`, rules, requests });
  }
  return out;
}

/** Every case, in a fixed order. */
export function dnrCases(): DnrCase[] {
  return [...picked(), ...generated(300)];
}
