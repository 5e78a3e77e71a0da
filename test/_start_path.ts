/**
 * The start path: the modules a process evaluates when it imports an entry, read from the source
 * (static imports and re-exports that carry values; `import type`, type-only names and `import()`
 * are not followed). Packages are listed by name (`npm:valibot`) and not followed.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";

const root = new URL("../", import.meta.url).pathname;

/** Whether the import or export declaration brings a value at run time. */
function carriesValues(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (clause === undefined) return true;
    if (clause.isTypeOnly) return false;
    if (clause.name !== undefined) return true;
    const bindings = clause.namedBindings;
    if (bindings === undefined || ts.isNamespaceImport(bindings)) return true;
    return bindings.elements.some((element) => !element.isTypeOnly);
  }
  if (node.isTypeOnly) return false;
  const clause = node.exportClause;
  if (clause === undefined || ts.isNamespaceExport(clause)) return true;
  return clause.elements.some((element) => !element.isTypeOnly);
}

/** The specifiers of the value imports and re-exports of the module at `path`. */
function valueImportsOf(path: string): string[] {
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest);
  const found: string[] = [];
  for (const node of file.statements) {
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) continue;
    const specifier = node.moduleSpecifier;
    if (specifier && ts.isStringLiteral(specifier) && carriesValues(node)) {
      found.push(specifier.text);
    }
  }
  return found;
}

/**
 * Every module on the start path of `entry` (a path relative to the repository root), as paths
 * relative to the root, and packages as `npm:<name>`.
 *
 * @example
 * ```ts
 * startPath("mod.ts").has("kernel/session.ts"); // true
 * ```
 */
export function startPath(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    if (!path.endsWith(".ts")) continue;
    for (const specifier of valueImportsOf(resolve(root, path))) {
      if (specifier.startsWith("node:")) queue.push(specifier);
      else if (!specifier.startsWith(".")) queue.push(`npm:${specifier.replace(/^npm:/, "")}`);
      else queue.push(relative(root, resolve(root, dirname(path), specifier)));
    }
  }
  return seen;
}
