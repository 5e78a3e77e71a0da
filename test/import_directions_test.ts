import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const root = new URL("../", import.meta.url).pathname;

/** Every .ts file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The module specifiers `source` imports (static, type-only, `import()`), null when computed. */
function importsOf(
  path: string,
  source: string,
): Array<{ specifier: string | null; line: number }> {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true);
  const found: Array<{ specifier: string | null; line: number }> = [];
  const add = (node: ts.Node, arg: ts.Node | undefined) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const literal = arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg));
    found.push({ specifier: literal ? (arg as ts.StringLiteral).text : null, line });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) add(node, node.moduleSpecifier);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      add(node, ts.isLiteralTypeNode(argument) ? argument.literal : undefined);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** What is wrong with the imports of the file at `path` (relative to the repository root). */
function violations(path: string, source: string): string[] {
  const area = path.split("/")[0];
  const forbidden = area === "plugins" ? "adapters" : area === "adapters" ? "plugins" : null;
  const problems: string[] = [];
  for (const { specifier, line } of importsOf(path, source)) {
    if (specifier === null) {
      problems.push(`${path}:${line} imports a computed specifier`);
      continue;
    }
    if (!specifier.startsWith(".")) continue;
    const target = relative(root, resolve(root, dirname(path), specifier));
    if (forbidden !== null && target.split("/")[0] === forbidden) {
      problems.push(`${path}:${line} (${area}) imports ${target}`);
    }
  }
  return problems;
}

/** The kernel's layers above the core: a sub-folder may import the core and the folders listed for it, nothing else of the kernel. */
const KERNEL_LAYERS: Record<string, readonly string[]> = {
  http: [],
  storage: [],
  net_log: [],
  network: ["net_log"],
  devices: [],
  cdp: [],
  net: ["http"],
  messaging: ["http"],
};

/** Where a kernel file may not import from: the core none of its sub-folders, a sub-folder none of its siblings but the layers below it (`KERNEL_LAYERS`), and no kernel file a plugin, an adapter or an entry. */
function kernelViolations(path: string, source: string): string[] {
  const parts = path.split("/");
  const folder = parts.length > 2 ? parts[1] : null; // kernel/<folder>/file.ts
  const problems: string[] = [];
  for (const { specifier, line } of importsOf(path, source)) {
    if (specifier === null || !specifier.startsWith(".")) continue;
    const target = relative(root, resolve(root, dirname(path), specifier)).split("/");
    if (target[0] !== "kernel") {
      problems.push(`${path}:${line} imports ${target.join("/")} from outside the kernel`);
    } else if (
      target.length > 2 && target[1] !== folder && path !== "kernel/mod.ts" &&
      !(folder !== null && KERNEL_LAYERS[folder]?.includes(target[1]))
    ) {
      problems.push(`${path}:${line} imports ${target.join("/")}`);
    }
  }
  return problems;
}

describe("import directions", () => {
  it("the kernel's core imports none of its sub-folders, and they import no sibling", () => {
    const files = tsFiles(join(root, "kernel")).map((file) => relative(root, file));
    assert.ok(files.length > 40, `only ${files.length} files found`);
    const problems = files.flatMap((file) =>
      kernelViolations(file, readFileSync(join(root, file), "utf8"))
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      kernelViolations("kernel/session.ts", 'import { a } from "./messaging/plugin_loader.ts";'),
      ["kernel/session.ts:1 imports kernel/messaging/plugin_loader.ts"],
    );
    assert.deepEqual(
      kernelViolations("kernel/net/x.ts", 'import { b } from "../cdp/session.ts";'),
      ["kernel/net/x.ts:1 imports kernel/cdp/session.ts"],
    );
    assert.deepEqual(
      kernelViolations("kernel/net/x.ts", 'import { c } from "../../plugins/proxy/ip.ts";'),
      ["kernel/net/x.ts:1 imports plugins/proxy/ip.ts from outside the kernel"],
    );
    assert.deepEqual(kernelViolations("kernel/net/x.ts", 'import { d } from "../session.ts";'), []);
    assert.deepEqual(
      kernelViolations("kernel/net/x.ts", 'import { e } from "../http/walk.ts";'),
      [],
    );
    assert.deepEqual(
      kernelViolations("kernel/http/x.ts", 'import { f } from "../net/mod.ts";'),
      ["kernel/http/x.ts:1 imports kernel/net/mod.ts"],
    );
    assert.deepEqual(
      kernelViolations("kernel/pipeline.ts", 'import { g } from "./http/walk.ts";'),
      ["kernel/pipeline.ts:1 imports kernel/http/walk.ts"],
    );
    // every sub-folder has its place in the layers
    const folders = new Set(
      files.map((f) => f.split("/")).filter((p) => p.length > 2).map((p) => p[1]),
    );
    assert.deepEqual([...folders].filter((f) => !(f in KERNEL_LAYERS)), []);
  });

  it("no plugin imports an adapter, no adapter imports a plugin, no import is computed", () => {
    const files = [...tsFiles(join(root, "plugins")), ...tsFiles(join(root, "adapters"))];
    assert.ok(files.length > 50, `only ${files.length} files found`);
    const problems = files.flatMap((file) =>
      violations(relative(root, file), readFileSync(file, "utf8"))
    );
    assert.deepEqual(problems, []);
  });

  it("the check finds each kind of violation, and ignores comments", () => {
    assert.deepEqual(
      violations(
        "plugins/x/mod.ts",
        [
          'import { a } from "../../adapters/socks/http.ts";',
          'export type { B } from "../../adapters/dns/node.ts";',
          'type C = typeof import("../../adapters/cdp/chromium.ts");',
          "const d = await import(new URL('./d.ts', import.meta.url).href);",
          '/** import { e } from "../../adapters/store/memory.ts"; */',
          'import { f } from "../../kernel/contracts.ts";',
          'const g = await import("./g.ts");',
        ].join("\n"),
      ),
      [
        "plugins/x/mod.ts:1 (plugins) imports adapters/socks/http.ts",
        "plugins/x/mod.ts:2 (plugins) imports adapters/dns/node.ts",
        "plugins/x/mod.ts:3 (plugins) imports adapters/cdp/chromium.ts",
        "plugins/x/mod.ts:4 imports a computed specifier",
      ],
    );
    assert.deepEqual(
      violations("adapters/dns/node.ts", 'import type { H } from "../../plugins/proxy/ip.ts";'),
      ["adapters/dns/node.ts:1 (adapters) imports plugins/proxy/ip.ts"],
    );
  });
});
