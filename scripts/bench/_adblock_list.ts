/**
 * A reproducible ad-block-shaped rule list (mostly `||host^` and path filters) and request URLs
 * for the web-request benchmark, plus its conversion to Adblock Plus syntax for
 * @ghostery/adblocker.
 *
 * @module
 */
import type { ResourceType, Rule } from "../../plugins/web-request/dnr_types.ts";
import { prng } from "../_prng.ts";

export { prng };

const SYLLABLES = [
  "ad",
  "ads",
  "track",
  "pixel",
  "stat",
  "metric",
  "cdn",
  "media",
  "img",
  "banner",
  "click",
  "serve",
  "tag",
  "beacon",
  "sync",
  "pop",
  "net",
  "data",
  "cloud",
  "live",
  "smart",
  "fast",
  "zen",
  "ora",
  "mi",
  "ko",
  "ra",
  "lu",
  "ven",
  "tor",
  "sa",
  "pe",
  "di",
  "no",
  "qua",
  "xi",
];
const TLDS = ["com", "net", "org", "io", "de", "co.uk", "fr", "info", "biz", "ru", "jp", "tv"];
const PATH_WORDS = [
  "ads",
  "banner",
  "track",
  "pixel",
  "collect",
  "impression",
  "analytics",
  "widget",
  "promo",
  "sponsor",
  "popunder",
  "affiliate",
  "click",
  "event",
  "log",
  "beacon",
  "stats",
  "advert",
];
const TYPES: ResourceType[] = ["script", "image", "xmlhttprequest", "sub_frame", "stylesheet"];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

function word(random: () => number, parts = 2 + Math.floor(random() * 2)): string {
  let w = "";
  for (let i = 0; i < parts; i++) w += pick(random, SYLLABLES);
  return w;
}

function host(random: () => number): string {
  const base = `${word(random)}${Math.floor(random() * 1000)}.${pick(random, TLDS)}`;
  return random() < 0.3 ? `${word(random, 1)}.${base}` : base;
}

/** The generated list: rules, the hosts they block, and benign hosts. */
export interface AdblockList {
  /** The rules. */
  rules: Rule[];
  /** Hosts named by `||host^` rules. */
  blockedHosts: string[];
}

/**
 * Generates `count` rules: ~70% `||host^`, ~12% `||host/path`, ~12% path filters, ~3% allow
 * exceptions, plus a few resource-type, third-party, initiator and regex rules.
 *
 * @example
 * ```ts
 * generateRules(100, 7).rules.length; // 100
 * ```
 */
export function generateRules(count: number, seed: number): AdblockList {
  const random = prng(seed);
  const rules: Rule[] = [];
  const blockedHosts: string[] = [];
  for (let id = 1; id <= count; id++) {
    const r = random();
    let rule: Rule;
    if (r < 0.70) {
      const h = host(random);
      blockedHosts.push(h);
      rule = { id, condition: { urlFilter: `||${h}^` }, action: { type: "block" } };
      if (random() < 0.1) rule.condition.resourceTypes = [pick(random, TYPES)];
      if (random() < 0.1) rule.condition.domainType = "thirdParty";
    } else if (r < 0.82) {
      const h = host(random);
      blockedHosts.push(h);
      rule = {
        id,
        condition: { urlFilter: `||${h}/${pick(random, PATH_WORDS)}/` },
        action: { type: "block" },
      };
    } else if (r < 0.94) {
      const a = pick(random, PATH_WORDS);
      const b = pick(random, PATH_WORDS);
      const shapes = [
        `/${a}/${b}${Math.floor(random() * 100)}.`,
        `-${a}-${Math.floor(random() * 900 + 100)}x${Math.floor(random() * 900 + 100)}.`,
        `/${a}_${b}.js`,
        `/${a}/*/${b}${Math.floor(random() * 50)}^`,
        `?${a}${Math.floor(random() * 100)}=`,
      ];
      rule = { id, condition: { urlFilter: pick(random, shapes) }, action: { type: "block" } };
      if (random() < 0.3) rule.condition.resourceTypes = [pick(random, TYPES)];
    } else if (r < 0.97) {
      const h = blockedHosts.length ? pick(random, blockedHosts) : host(random);
      rule = {
        id,
        priority: 2,
        condition: { urlFilter: `||${h}/${pick(random, PATH_WORDS)}.js` },
        action: { type: "allow" },
      };
    } else if (r < 0.9995) {
      const h = host(random);
      rule = {
        id,
        condition: {
          urlFilter: `/${pick(random, PATH_WORDS)}/${pick(random, PATH_WORDS)}-`,
          initiatorDomains: [h],
        },
        action: { type: "block" },
      };
    } else {
      rule = {
        id,
        condition: {
          regexFilter: `^https?://[a-z0-9.-]*${word(random, 1)}${
            Math.floor(random() * 10)
          }[a-z]*\\.(com|net)/.*\\.gif$`,
        },
        action: { type: "block" },
      };
    }
    rules.push(rule);
  }
  return { rules, blockedHosts };
}

/** A request of the benchmark. */
export interface BenchRequest {
  /** URL. */
  url: string;
  /** Resource type. */
  type: ResourceType;
  /** Initiator origin. */
  initiator: string;
}

/**
 * Generates `count` request URLs: about a third to blocked hosts (some under subdomains), the
 * rest to other hosts, with paths that sometimes contain the path filters' words.
 *
 * @example
 * ```ts
 * generateRequests(generateRules(10, 1), 5, 2).length; // 5
 * ```
 */
export function generateRequests(list: AdblockList, count: number, seed: number): BenchRequest[] {
  const random = prng(seed);
  const pages = Array.from({ length: 200 }, () => `https://${host(random)}`);
  const out: BenchRequest[] = [];
  for (let i = 0; i < count; i++) {
    let h: string;
    if (random() < 0.33 && list.blockedHosts.length) {
      h = pick(random, list.blockedHosts);
      if (random() < 0.3) h = `${word(random, 1)}.${h}`;
    } else h = host(random);
    const depth = 1 + Math.floor(random() * 3);
    let path = "";
    for (let d = 0; d < depth; d++) {
      path += `/${random() < 0.15 ? pick(random, PATH_WORDS) : word(random, 1)}`;
    }
    path += random() < 0.5 ? `.${pick(random, ["js", "gif", "png", "css", "html"])}` : "";
    const query = random() < 0.3 ? `?${word(random, 1)}=${Math.floor(random() * 1e6)}` : "";
    out.push({
      url: `${random() < 0.9 ? "https" : "http"}://${h}${path}${query}`,
      type: pick(random, TYPES),
      initiator: pick(random, pages),
    });
  }
  return out;
}

/**
 * The rules in Adblock Plus syntax (what @ghostery/adblocker parses).
 *
 * @example
 * ```ts
 * toAbp([{ id: 1, condition: { urlFilter: "||a.com^" }, action: { type: "block" } }]);
 * // "||a.com^"
 * ```
 */
export function toAbp(rules: readonly Rule[]): string {
  const abpType: Record<string, string> = {
    script: "script",
    image: "image",
    xmlhttprequest: "xmlhttprequest",
    sub_frame: "subdocument",
    stylesheet: "stylesheet",
  };
  return rules.map((rule) => {
    const c = rule.condition;
    const options: string[] = [];
    if (c.resourceTypes) options.push(...c.resourceTypes.map((t) => abpType[t]));
    if (c.domainType === "thirdParty") options.push("third-party");
    if (c.initiatorDomains) options.push(`domain=${c.initiatorDomains.join("|")}`);
    const body = c.regexFilter !== undefined ? `/${c.regexFilter}/` : c.urlFilter ?? "*";
    const prefix = rule.action.type === "allow" ? "@@" : "";
    return `${prefix}${body}${options.length ? `$${options.join(",")}` : ""}`;
  }).join("\n");
}
