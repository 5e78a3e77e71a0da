/**
 * `deno run -A scripts/count_lines.ts FILE...`: the lines of the given TypeScript files, in total
 * and code-only (a line counts as code when it holds a token that is neither a comment nor white
 * space, as TypeScript's scanner reads it), per file and summed. ARCHITECTURE.md's counts of the
 * kernel are `deno run -A scripts/count_lines.ts kernel/*.ts` (and `kernel/<folder>/*.ts`).
 *
 * @example
 * ```ts
 * countLines("/** JSDoc *\/\nconst a = 1; // note\n\n"); // { total: 3, code: 1 }
 * ```
 *
 * @module
 */
import ts from "typescript";

/** Total lines and code-only lines of TypeScript source text. */
export function countLines(text: string): { total: number; code: number } {
  const file = ts.createSourceFile("count.ts", text, ts.ScriptTarget.Latest, true);
  const lines = new Set<number>();
  const lineOf = (pos: number) => file.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) {
      return;
    }
    const children = node.getChildren(file);
    if (children.length > 0) return children.forEach(visit);
    if (node.kind === ts.SyntaxKind.EndOfFileToken || node.end === node.pos) return;
    for (let l = lineOf(node.getStart(file)); l <= lineOf(node.end); l++) lines.add(l);
  };
  visit(file);
  const total = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  return { total, code: lines.size };
}

if (import.meta.main) {
  let total = 0;
  let code = 0;
  for (const file of Deno.args) {
    const counts = countLines(await Deno.readTextFile(file));
    total += counts.total;
    code += counts.code;
    console.log(`${String(counts.total).padStart(6)} ${String(counts.code).padStart(6)}  ${file}`);
  }
  console.log(`${String(total).padStart(6)} ${String(code).padStart(6)}  total (lines, code-only)`);
}
