/**
 * The cookie jar against tough-cookie 6 (MemoryCookieStore), same data in the same run: 10,000
 * cookies over 1,000 domains and varied paths. Figures: lookups for a URL and storing a
 * `Set-Cookie` header (each jar timed in its own process, four alternating rounds, so that neither
 * pays for the other's garbage), heap per 100,000 cookies (child processes with `--expose-gc`),
 * and the whole request path (a session with the cookies plugin against fetch-cookie +
 * tough-cookie around raw fetch, both against the same local server).
 *
 * Run: `deno task bench cookies`
 *
 * @module
 */
import { CookieJar as ToughJar, MemoryCookieStore } from "tough-cookie";
import { CookieJar } from "../../plugins/cookies/jar.ts";
// Sync helpers used directly: the public suffix list loads as with the ./cookies entry.
import "../../plugins/cookies/_tldts.ts";
import { type Figure, finish, rate, report } from "./_report.ts";

const DOMAINS = 1000;
/** Operations per timed call, so that the timing loop's own cost does not count. */
const BATCH = 100;
const PER_DOMAIN = 10;
const PATHS = ["/", "/a", "/a/b", "/shop", "/shop/cart", "/account/settings", "/a/b/c", "/api"];

/** The data set: `[header, url]` pairs, and URLs to look up. */
function dataset(perDomain: number): { sets: Array<[string, string]>; urls: string[] } {
  const sets: Array<[string, string]> = [];
  const urls: string[] = [];
  for (let d = 0; d < DOMAINS; d++) {
    const host = `www.site${d}.com`;
    for (let i = 0; i < perDomain; i++) {
      const path = PATHS[i % PATHS.length];
      const domainAttr = i % 3 === 0 ? `; Domain=site${d}.com` : "";
      const extra = i % 4 === 0 ? "; Secure; HttpOnly" : i % 4 === 1 ? "; SameSite=Lax" : "";
      const expiry = i % 2 === 0 ? "; Max-Age=86400" : "";
      sets.push([
        `c${i}_${
          Math.floor(i / PATHS.length)
        }=v${d}x${i}abcdefghij; Path=${path}${domainAttr}${extra}${expiry}`,
        `https://${host}${path === "/" ? "/" : `${path}/`}index.html`,
      ]);
    }
    urls.push(`https://${host}/a/b/page.html?q=1`);
    urls.push(`https://${host}/shop/cart/checkout`);
    urls.push(`https://${host}/`);
  }
  return { sets, urls };
}

async function heapChild(kind: string): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-check",
      "--v8-flags=--expose-gc",
      import.meta.filename!,
      "--heap",
      kind,
    ],
    stdout: "piped",
    stderr: "inherit",
  });
  const out = new TextDecoder().decode((await child.output()).stdout);
  return Number(/heap=(\d+)/.exec(out)?.[1] ?? NaN);
}

async function heapMeasure(kind: string): Promise<void> {
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  // Ten rounds of the data set, each domain with 100 cookies: made one at a time, so that only
  // what the jar keeps stays on the heap.
  const each = function* () {
    for (let round = 0; round < 10; round++) {
      const { sets } = dataset(PER_DOMAIN);
      for (const [h, u] of sets) yield [h.replace(/^c/, `r${round}c`), u] as const;
    }
  };
  gc();
  const before = Deno.memoryUsage().heapUsed;
  let keep: unknown;
  if (kind === "ours") {
    const jar = new CookieJar();
    for (const [h, u] of each()) jar.setCookie(h, u);
    if (jar.size !== 100_000) throw new Error(`Expected 100000 cookies, have ${jar.size}`);
    keep = jar;
  } else {
    const jar = new ToughJar(new MemoryCookieStore());
    for (const [h, u] of each()) jar.setCookieSync(h, u);
    const n = (await jar.serialize()).cookies.length;
    if (n !== 100_000) throw new Error(`Expected 100000 cookies in tough-cookie, have ${n}`);
    keep = jar;
  }
  gc();
  await new Promise((r) => setTimeout(r, 10));
  gc();
  const after = Deno.memoryUsage().heapUsed;
  console.log(`heap=${after - before}`, typeof keep);
}

/** In a child process: the rate of `op` (get or set) on one jar (ours or tough), after warm-up. */
async function rateMeasure(op: string, kind: string): Promise<void> {
  const { sets, urls } = dataset(PER_DOMAIN);
  const ours = new CookieJar();
  const tough = new ToughJar(new MemoryCookieStore());
  for (const [h, u] of sets) {
    if (kind === "ours") ours.setCookie(h, u);
    else tough.setCookieSync(h, u);
  }
  let i = 0;
  const get = kind === "ours"
    ? () => {
      for (let k = 0; k < BATCH; k++) ours.cookiesFor(urls[i++ % urls.length]);
    }
    : () => {
      for (let k = 0; k < BATCH; k++) tough.getCookiesSync(urls[i++ % urls.length]);
    };
  const set = kind === "ours"
    ? () => {
      for (let k = 0; k < BATCH; k++) {
        const [h, u] = sets[i++ % sets.length];
        ours.setCookie(h, u);
      }
    }
    : () => {
      for (let k = 0; k < BATCH; k++) {
        const [h, u] = sets[i++ % sets.length];
        tough.setCookieSync(h, u);
      }
    };
  const fn = op === "get" ? get : set;
  await rate(fn, 300, BATCH);
  console.log(`rate=${await rate(fn, 1000, BATCH)}`);
}

async function rateChild(op: string, kind: string): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", import.meta.filename!, "--rate", op, kind],
    stdout: "piped",
    stderr: "inherit",
  });
  const out = new TextDecoder().decode((await child.output()).stdout);
  return Number(/rate=([\d.]+)/.exec(out)?.[1] ?? NaN);
}

/**
 * Rates of ours and tough-cookie for `op`, each measured in its own process (so that neither
 * pays for the other's garbage), in alternating order over several rounds.
 */
async function isolatedRates(op: string): Promise<[number, number]> {
  const rounds = 4;
  let o = 0;
  let t = 0;
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      t += await rateChild(op, "tough");
      o += await rateChild(op, "ours");
    } else {
      o += await rateChild(op, "ours");
      t += await rateChild(op, "tough");
    }
  }
  return [t / rounds, o / rounds];
}

if (Deno.args[0] === "--heap") {
  await heapMeasure(Deno.args[1]);
  Deno.exit(0);
}
if (Deno.args[0] === "--request-path") {
  const { requestPath } = await import("./_cookies_request_path.ts");
  await requestPath(
    (figure) => console.log(`FIGURE ${JSON.stringify(figure)}`),
    dataset(PER_DOMAIN).sets,
  );
  Deno.exit(0);
}
if (Deno.args[0] === "--rate") {
  await rateMeasure(Deno.args[1], Deno.args[2]);
  Deno.exit(0);
}

const { sets, urls } = dataset(PER_DOMAIN);
const ours = new CookieJar();
const tough = new ToughJar(new MemoryCookieStore());
for (const [h, u] of sets) {
  ours.setCookie(h, u);
  tough.setCookieSync(h, u);
}
// Same answers before timing anything.
for (const u of urls.slice(0, 300)) {
  const a = ours.cookieHeader(u);
  const b = tough.getCookieStringSync(u);
  if (a.split("; ").sort().join() !== b.split("; ").sort().join()) {
    throw new Error(`Different cookies for ${u}:\n ours  ${a}\n tough ${b}`);
  }
}

const [lookupsTough, lookupsOurs] = await isolatedRates("get");
report({
  bench: "cookies",
  figure: "get cookies for a URL",
  value: lookupsOurs,
  unit: "lookups/s",
  baseline: { name: "tough-cookie getCookiesSync", value: lookupsTough },
  goal: "ratio >= 5",
  met: lookupsOurs / lookupsTough >= 5,
});

const [storesTough, storesOurs] = await isolatedRates("set");
report({
  bench: "cookies",
  figure: "store a Set-Cookie header",
  value: storesOurs,
  unit: "stores/s",
  baseline: { name: "tough-cookie setCookieSync", value: storesTough },
  goal: "ratio >= 3",
  met: storesOurs / storesTough >= 3,
});

const heapOurs = await heapChild("ours");
const heapTough = await heapChild("tough");
report({
  bench: "cookies",
  figure: "heap per 100,000 cookies",
  value: heapOurs / 1048576,
  unit: "MiB",
  baseline: { name: "tough-cookie MemoryCookieStore", value: heapTough / 1048576 },
  goal: "ratio <= 0.5",
  met: heapOurs / heapTough <= 0.5,
});

// The request path in a process of its own, with only its own two jars on the heap.
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "--no-check", import.meta.filename!, "--request-path"],
  stdout: "piped",
  stderr: "inherit",
});
const childOut = new TextDecoder().decode((await child.output()).stdout);
for (const line of childOut.split("\n")) {
  if (line.startsWith("FIGURE ")) report(JSON.parse(line.slice(7)) as Figure);
}

finish();
