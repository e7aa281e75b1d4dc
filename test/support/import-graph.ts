import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One import of one module by another, both as paths from the repository root (`src/cli/main.ts`). */
export interface ImportEdge {
  from: string;
  to: string;
  /** False for `import type` and `export type … from`: erased when compiled, so no load order and no cycle. */
  runtime: boolean;
}

/** Every relative import between the TypeScript files under `directories` (from the repository root). */
export function readImportGraph(root: string, directories: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const directory of directories) {
    for (const entry of readdirSync(join(root, directory), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      const file = join(entry.parentPath, entry.name);
      edges.push(...importsOf(root, file));
    }
  }
  return edges;
}

function importsOf(root: string, file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Expression | undefined, runtime: boolean) => {
    if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
    const target = resolve(dirname(file), specifier.text).replace(/\.js$/, '.ts');
    edges.push({ from: relative(root, file), to: relative(root, target), runtime });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, !isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, !node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], true);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** `import type { A }`, or `import { type A, type B }` with nothing else: TypeScript erases both. */
function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

/** The rooms of src/state (its subdirectories): each a source or a shared part of sources. */
const STATE_ROOM = /^src\/state\/([^/]+)\//;

/**
 * What the layering forbids (DESIGN.md, STYLE.md: data flows one way, CLI →
 * engine → source → ClusterState → checks): the engine importing a check (the
 * CLI composes checks), src/state importing the engine, a src/state room
 * importing another room sideways (only src/state's own model files and
 * files/ are shared), and any cycle among runtime imports.
 */
export function layeringViolations(edges: readonly ImportEdge[]): string[] {
  const violations: string[] = [];
  for (const { from, to } of edges) {
    if (from.startsWith('src/engine/') && to.startsWith('checks/')) violations.push(`${from} imports ${to}: the engine imports no check`);
    if (from.startsWith('src/state/') && to.startsWith('src/engine/')) violations.push(`${from} imports ${to}: src/state imports nothing from the engine`);
    const fromRoom = STATE_ROOM.exec(from)?.[1];
    const toRoom = STATE_ROOM.exec(to)?.[1];
    if (fromRoom && toRoom && toRoom !== fromRoom && toRoom !== 'files') {
      violations.push(`${from} imports ${to}: state rooms share only src/state/*.ts and files/`);
    }
  }
  for (const cycle of runtimeCycles(edges)) violations.push(`runtime import cycle: ${cycle.join(' → ')}`);
  return violations;
}

/** Each cycle among runtime imports, once, as the modules along it (the first repeated at the end). */
function runtimeCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to, runtime } of edges) if (runtime) next.set(from, [...(next.get(from) ?? []), to]);
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (module: string) => {
    if (done.has(module)) return;
    const at = path.indexOf(module);
    if (at >= 0) {
      cycles.push([...path.slice(at), module]);
      return;
    }
    if (seen.has(module)) return;
    seen.add(module);
    path.push(module);
    for (const target of next.get(module) ?? []) visit(target);
    path.pop();
    done.add(module);
  };
  for (const module of [...next.keys()].sort()) visit(module);
  return cycles;
}
