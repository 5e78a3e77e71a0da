// The README's list of API routes, checked against the API: every route it lists exists, every
// route of the API is listed, and every documented body is accepted by a running server with an
// answer of the documented status and shape.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { curl, type ServerProcess, startServerProcess } from "./_server_process.ts";
import { type ApiDeps, createApi } from "../../web/server/api.ts";
import { needs } from "../_system.ts";

// POST /api/browsers starts a real Chromium.
needs("curl", "chromium");

interface DocumentedRoute {
  method: string;
  path: string;
  body?: string;
  status: number;
  answer: string;
}

const ROUTE =
  /^- `(GET|POST|PUT|DELETE) (\/api\/[^`\s]+)`(?:\s+`(\{.*?\})`)?\s+→\s+(?:(\d{3})\s+)?`([^`]+)`/;

function documentedRoutes(): DocumentedRoute[] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const start = readme.indexOf("### Control API routes");
  assert.ok(start > 0, "The README has a Control API routes section");
  const section = readme.slice(start, readme.indexOf("\n## ", start));
  // A route's bullet may wrap over several lines: join each bullet into one.
  const bullets = section.split(/\n(?=- )/).filter((b) => b.startsWith("- "))
    .map((b) => b.replace(/\n\s+/g, " "));
  return bullets.map((bullet) => {
    const match = ROUTE.exec(bullet);
    assert.ok(match, `A route bullet the test can read: ${bullet}`);
    const [, method, path, body, status, answer] = match;
    return { method, path, body, status: Number(status ?? 200), answer };
  });
}

/** Asserts that `actual` has the documented value's shape: the same keys, the same types. */
function sameShape(documented: unknown, actual: unknown, where: string): void {
  if (Array.isArray(documented)) {
    assert.ok(Array.isArray(actual), `${where}: an array`);
    if (documented.length > 0 && actual.length > 0) {
      sameShape(documented[0], actual[0], `${where}[0]`);
    }
  } else if (documented !== null && typeof documented === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${where}: an object`);
    const keys = Object.keys(documented).sort();
    assert.deepEqual(Object.keys(actual as object).sort(), keys, `${where}: the keys`);
    for (const key of keys) {
      sameShape(
        (documented as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${where}.${key}`,
      );
    }
  } else {
    assert.equal(typeof actual, typeof documented, `${where}: a ${typeof documented}`);
  }
}

const home = mkdtempSync(`${tmpdir()}/websession-readme-`);
let server: ServerProcess;

before(async () => {
  // The documented add-on is the unsigned example fixture.
  // The documented download goes to a folder of the test's own.
  server = await startServerProcess(home, ["--allow-unsigned"], {
    XDG_DOWNLOAD_DIR: `${home}/Downloads`,
  });
});

after(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe("the README's API routes", () => {
  it("lists every route of the API, and only those", () => {
    const api = createApi({} as ApiDeps);
    const real = api.routes
      .filter((r) => ["GET", "POST", "PUT", "DELETE"].includes(r.method) && !r.path.includes("*"))
      .map((r) => `${r.method} ${r.path}`);
    const listed = documentedRoutes().map((r) => `${r.method} ${r.path.split("?")[0]}`);
    assert.deepEqual([...new Set(listed)].sort(), [...new Set(real)].sort());
  });

  it("shows bodies the running server accepts, and answers of the status and shape it gives", async () => {
    let token = server.token;
    // One proxied request (the CA certificate, fetched through the proxy) for the request log's
    // routes: `:id` stands for its id, `$TOKEN` for the token.
    const proxied = await curl(["-s", "-x", server.proxy, `${server.proxy}/api/ca.pem`]);
    assert.match(proxied.stdout, /^-----BEGIN CERTIFICATE-----/);
    const logged = await (await fetch(`${server.proxy}/api/requests`, {
      headers: { authorization: `Bearer ${token}` },
    })).json();
    const id = String(logged.at(-1).id);
    for (const route of documentedRoutes()) {
      const what = `${route.method} ${route.path}`;
      if (route.body) JSON.parse(route.body);
      const body = route.body?.replace("$TOKEN", token);
      const response = await fetch(`${server.proxy}${route.path.replace(":id", id)}`, {
        method: route.method,
        headers: { authorization: `Bearer ${token}` },
        body,
      }).catch((error) => {
        // The server's own words say why it stopped answering.
        throw new Error(`${what}: ${error.message}\nThe server's output:\n${server.output()}`);
      });
      if (route.answer === "text/event-stream") {
        assert.equal(response.status, route.status, what);
        assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/, what);
        const reader = response.body!.getReader();
        const { value } = await reader.read();
        assert.match(new TextDecoder().decode(value), /^event: ready\n/, what);
        await reader.cancel();
        continue;
      }
      const text = await response.text();
      assert.equal(response.status, route.status, `${what}: ${text}`);
      if (route.answer.startsWith("-----BEGIN ")) {
        assert.ok(text.startsWith(route.answer.replace(/\.\.\.$/, "")), what);
        continue;
      }
      const answer = JSON.parse(text);
      sameShape(JSON.parse(route.answer.replace(/\.\.\."/g, '"')), answer, what);
      if (route.path === "/api/token/rotate") token = answer.token;
    }
    const again = await fetch(`${server.proxy}/api/stats`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(again.status, 200);
  });
});
