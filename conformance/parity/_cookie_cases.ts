/**
 * The cookie cases of the differential test: hand-picked ones for each behaviour issue #26 names,
 * and generated ones (a seeded generator, so the same cases come out every time). A case is a
 * series of navigations, each answered with some `Set-Cookie` lines, then one navigation whose
 * `Cookie` header is read. URLs name the origin's ports as `@HTTP@` and `@HTTPS@`.
 *
 * @module
 */
import { prng as random } from "../../scripts/_prng.ts";

/** One navigation answered with `Set-Cookie` lines. */
export interface CookieStep {
  /** The URL navigated to (ports as `@HTTP@`/`@HTTPS@`). */
  url: string;
  /** The `Set-Cookie` lines of its response, sent byte for byte. */
  lines: string[];
}

/** A case: the steps, then the URL whose `Cookie` header is read. */
export interface CookieCase {
  /** A stable name. */
  id: string;
  /** The navigations that set cookies. */
  steps: CookieStep[];
  /** The URL read last. */
  read: string;
}

const H = (host: string, path = "/") => `http://${host}:@HTTP@${path}`;
const S = (host: string, path = "/") => `https://${host}:@HTTPS@${path}`;

function one(id: string, url: string, lines: string[], read = url): CookieCase {
  return { id, steps: [{ url, lines }], read };
}

/** The hand-picked cases, one group per finding of the issue. */
function picked(): CookieCase[] {
  const out: CookieCase[] = [];
  // control bytes: the response loads, the line holding them is ignored
  for (const b of [0x01, 0x08, 0x0b, 0x0c, 0x1f, 0x7f]) {
    const c = String.fromCharCode(b);
    const hex = b.toString(16).padStart(2, "0");
    out.push(one(`ctl-value-${hex}`, H("example.com"), [`a=x${c}y`, "ok=1"]));
    out.push(one(`ctl-name-${hex}`, H("example.com"), [`a${c}b=1`, "ok=1"]));
    out.push(one(`ctl-attr-${hex}`, H("example.com"), [`a=1; Path=/x${c}`, "ok=1"]));
  }
  // HTAB inside names and values
  out.push(one("htab-value", H("example.com"), ["a=x\ty", "b=\tz\t"]));
  out.push(one("htab-name", H("example.com"), ["a\tb=1", "\tc=2"]));
  // __Http- and __Host-Http- prefixes
  for (const [tag, name] of [["http", "__Http-a"], ["host-http", "__Host-Http-a"]]) {
    const variants: Array<[string, string]> = [
      ["secure-httponly", "; Secure; HttpOnly; Path=/"],
      ["secure-only", "; Secure; Path=/"],
      ["httponly-only", "; HttpOnly; Path=/"],
      ["domain", "; Secure; HttpOnly; Path=/; Domain=example.com"],
      ["path-x", "; Secure; HttpOnly; Path=/x"],
      ["lower", "; Secure; HttpOnly; Path=/"],
    ];
    for (const [v, attrs] of variants) {
      const n = v === "lower" ? name.toLowerCase() : name;
      out.push(one(`prefix-${tag}-${v}`, S("www.example.com"), [`${n}=1${attrs}`]));
    }
    out.push(
      one(`prefix-${tag}-insecure`, H("www.example.com"), [`${name}=1; Secure; HttpOnly; Path=/`]),
    );
  }
  // Domain attributes on IP literals and trailing dots
  for (const d of ["127.0.0.1", "127.0.0.1.", ".127.0.0.1", "0.1", "1"]) {
    out.push(one(`ip-domain-${d}`, H("127.0.0.1"), [`a=1; Domain=${d}`]));
  }
  for (const d of ["example.com.", ".example.com.", "www.example.com."]) {
    out.push(one(`dot-domain-${d}`, H("www.example.com"), [`a=1; Domain=${d}`]));
  }
  // percent-escapes in the default path
  for (const p of ["/a%2Fb/c", "/%61b/c", "/a%20b/c", "/a%zz/c", "/%C3%A9/x"]) {
    out.push(one(`pct-default-path-${p}`, H("example.com", p), ["a=1"], H("example.com", p)));
  }
  out.push(
    one(
      "pct-default-path-read-decoded",
      H("example.com", "/%61b/c"),
      ["a=1"],
      H("example.com", "/ab/c"),
    ),
  );
  out.push(
    one("pct-path-attr", H("example.com", "/ab/c"), ["a=1; Path=/%61b"], H("example.com", "/ab/c")),
  );
  // nameless cookies whose value contains '='
  out.push(one("nameless-eq", H("example.com"), ["=a=b", "=c"]));
  out.push(one("nameless-eq-space", H("example.com"), [" =x=y"]));
  // Expires forms
  const expires = [
    "Wed, 01 Jan 10000 00:00:00 GMT",
    "Wed, 01 Jan 99999 00:00:00 GMT",
    "Mon, 01 Jan 1600 00:00:00 GMT",
    "Sat, 01 Jan 1601 00:00:00 GMT",
    "Thu, 01 Jan 2099 00:00:00 GMTx",
    "Thu, 01 Jan 2099 00:00:00 GMT garbage",
    "Thu, 01 Jan 2099 00:00:00zz",
    "01 Jan 2099 00:00:00",
    "2099-01-01T00:00:00Z",
    "Thu, 01-Jan-99 00:00:00 GMT",
    "Thu, 01-Jan-69 00:00:00 GMT",
    "Thu, 01-Jan-70 00:00:00 GMT",
    "Thu, 32 Jan 2099 00:00:00 GMT",
    "Thu, 01 Jan 2099 24:00:00 GMT",
    "Thu, 01 Jan 2099 23:59:60 GMT",
    "Jan 1 2099 1:2:3",
    "1 Jan 2099 00:00:00 PST",
    "Thu, 01 Jan 1970 00:00:00 GMT",
  ];
  for (const e of expires) out.push(one(`expires-${e}`, H("example.com"), [`a=1; Expires=${e}`]));
  // Max-Age forms
  for (
    const m of ["+10", "10", "-1", "0", "010", " 10", "1e3", "10x", "", "99999999999999999999"]
  ) {
    out.push(one(`max-age-[${m}]`, H("example.com"), [`a=1; Max-Age=${m}`]));
  }
  // repeated attributes
  out.push(
    one("repeat-domain", H("www.example.com"), ["a=1; Domain=example.com; Domain=www.example.com"]),
  );
  out.push(
    one("repeat-domain-bad-last", H("www.example.com"), [
      "a=1; Domain=example.com; Domain=other.com",
    ]),
  );
  out.push(
    one("repeat-domain-empty-last", H("www.example.com"), ["a=1; Domain=example.com; Domain="]),
  );
  out.push(one("repeat-max-age", H("example.com"), ["a=1; Max-Age=100; Max-Age=200"]));
  out.push(one("repeat-max-age-bad-last", H("example.com"), ["a=1; Max-Age=100; Max-Age=x"]));
  out.push(
    one("repeat-expires", H("example.com"), [
      "a=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]),
  );
  out.push(
    one("repeat-expires-bad-last", H("example.com"), [
      "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Expires=nope",
    ]),
  );
  out.push(one("repeat-path", H("example.com"), ["a=1; Path=/a; Path=/"]));
  out.push(one("repeat-samesite", H("example.com"), ["a=1; SameSite=Strict; SameSite=bogus"]));
  // Cookie header order after overwrites
  out.push({
    id: "order-overwrite-new-value",
    steps: [{ url: H("example.com"), lines: ["a=1", "b=1"] }, {
      url: H("example.com"),
      lines: ["a=2"],
    }],
    read: H("example.com"),
  });
  out.push({
    id: "order-overwrite-same-value",
    steps: [{ url: H("example.com"), lines: ["a=1", "b=1"] }, {
      url: H("example.com"),
      lines: ["a=1"],
    }],
    read: H("example.com"),
  });
  out.push({
    id: "order-overwrite-same-value-new-attrs",
    steps: [{ url: H("example.com"), lines: ["a=1", "b=1"] }, {
      url: H("example.com"),
      lines: ["a=1; HttpOnly"],
    }],
    read: H("example.com"),
  });
  out.push({
    id: "order-paths",
    steps: [{
      url: H("example.com", "/a/b/c"),
      lines: ["x=1; Path=/", "y=2; Path=/a", "z=3; Path=/a/b"],
    }],
    read: H("example.com", "/a/b/c"),
  });
  return out;
}

const HOSTS: Array<[string, boolean]> = [
  ["example.com", false],
  ["www.example.com", false],
  ["www.example.com", true],
  ["a.b.example.co.uk", true],
  ["foo.github.io", true],
  ["localhost", false],
  ["127.0.0.1", false],
  ["sub.localhost", false],
];
const NAMES = ["a", "SID", "", "__Secure-s", "__Host-h", "__secure-l", "__Http-x", "n m", 'a"b'];
const VALUES = ["1", "", "x y", '"q"', "v=w", "%20", "é", "a,b"];
const PATHS = ["/", "/a", "/a/", "/a/b", "a", ""];
const DOMAINS = [
  "example.com",
  ".example.com",
  "www.example.com",
  "EXAMPLE.com",
  "com",
  "co.uk",
  "b.example.co.uk",
  "github.io",
  "foo.github.io",
  "localhost",
  "127.0.0.1",
  "other.com",
  "",
];

/** Generated cases: random lines (name, value, attributes) on random hosts. */
function generated(count: number): CookieCase[] {
  const next = random(26);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const out: CookieCase[] = [];
  for (let i = 0; i < count; i++) {
    const [host, secure] = pick(HOSTS);
    const path = pick(["/", "/a/b", "/a/", "/x/y/z"]);
    const url = secure ? S(host, path) : H(host, path);
    const lines: string[] = [];
    const lineCount = 1 + Math.floor(next() * 3);
    for (let l = 0; l < lineCount; l++) {
      const name = pick(NAMES);
      let line = name === "" && next() < 0.5 ? pick(VALUES) : `${name}=${pick(VALUES)}`;
      const attributes = Math.floor(next() * 5);
      for (let a = 0; a < attributes; a++) {
        const kind = Math.floor(next() * 8);
        if (kind === 0) line += `; Domain=${pick(DOMAINS)}`;
        else if (kind === 1) line += `; Path=${pick(PATHS)}`;
        else if (kind === 2) line += "; Secure";
        else if (kind === 3) line += "; HttpOnly";
        else if (kind === 4) line += `; SameSite=${pick(["Lax", "Strict", "None", "bogus"])}`;
        else if (kind === 5) line += `; Max-Age=${pick(["60", "0", "-5", "3600", "x"])}`;
        else if (kind === 6) {
          line += `; Expires=${
            pick(["Thu, 01 Jan 2099 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "junk"])
          }`;
        } else line += pick(["; ", ";;", "; Unknown=1", "; secure=no"]);
      }
      lines.push(line);
    }
    const readPath = pick(["/", path, "/a/b/c"]);
    out.push({
      id: `gen-${i}`,
      steps: [{ url, lines }],
      read: secure ? S(host, readPath) : H(host, readPath),
    });
  }
  return out;
}

/** Every case, in a fixed order. */
export function cookieCases(): CookieCase[] {
  return [...picked(), ...generated(300)];
}

/** A case URL with the origin's ports filled in and the lines in the query. */
export function caseUrl(url: string, ports: { http: number; https: number }, query = ""): string {
  const filled = url.replace("@HTTP@", String(ports.http)).replace("@HTTPS@", String(ports.https));
  if (!query) return filled;
  return `${filled}${filled.includes("?") ? "&" : "?"}${query}`;
}
