import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import ts from "typescript";
import { buildDeclarations, declarationsPath } from "../../scripts/bundle.ts";

const page = `import {
  type Cookie, MatchPattern, pageCookies, session,
} from "./websession.js";
const ses = session.fromPartition("page");
await ses.cookies.set({ url: "https://example.org/", name: "a", value: "1" });
const cookies: Cookie[] = await ses.cookies.get({ url: "https://example.org/" });
ses.webRequest.onBeforeSendHeaders({ urls: ["*://*/*"] }, (details, callback) => {
  callback({ requestHeaders: details.requestHeaders });
});
const matches: boolean = new MatchPattern("https://*.example.org/*").matches("https://a.example.org/");
const sent: false = pageCookies.cookieHeaderSent;
const response: Response = await ses.fetch("/api/echo");
document.title = String([cookies.length, matches, sent, response.status]);
`;

const worker = `/// <reference lib="webworker" />
import { session } from "./websession.worker.js";
declare const self: ServiceWorkerGlobalScope;
const ses = session.fromPartition("sw");
self.addEventListener("fetch", (event: FetchEvent) => {
  event.respondWith(ses.fetch(event.request.url));
});
`;

let dir: string;

function diagnostics(file: string, source: string, lib: string[]): string[] {
  const path = join(dir, file);
  writeFileSync(path, source);
  const program = ts.createProgram([path], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    lib,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, "\n")
  );
}

before(() => {
  buildDeclarations();
  dir = mkdtempSync(join(tmpdir(), "websession-types-"));
  copyFileSync(declarationsPath, join(dir, "websession.d.ts"));
  const workerDeclarations = declarationsPath.replace(/\.d\.ts$/, ".worker.d.ts");
  copyFileSync(workerDeclarations, join(dir, "websession.worker.d.ts"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
});

describe("the browser bundle's declarations (dist/websession.d.ts)", () => {
  it("type-check a page script that uses the session and MatchPattern", () => {
    assert.deepEqual(diagnostics("page.ts", page, ["lib.es2023.d.ts", "lib.dom.d.ts"]), []);
  });

  it("type-check a service worker script (the WebWorker lib, no DOM)", () => {
    assert.deepEqual(diagnostics("sw.ts", worker, ["lib.es2023.d.ts", "lib.webworker.d.ts"]), []);
  });

  it("report a misuse", () => {
    const wrong = `import { session } from "./websession.js";
await session.fromPartition("p").cookies.set({ name: 1 });
`;
    const found = diagnostics("wrong.ts", wrong, ["lib.es2023.d.ts", "lib.dom.d.ts"]);
    assert.equal(found.length, 1);
    assert.match(found[0], /number.*not assignable to.*string|url/s);
  });
});
