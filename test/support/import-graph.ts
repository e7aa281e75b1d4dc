import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One import of one module by another, both as paths from the repository root (`src/cli/main.ts`). */
export interface ImportEdge {
  from: string;
  to: string;
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
  const add = (specifier: ts.Expression | undefined) => {
    if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
    const target = resolve(dirname(file), specifier.text).replace(/\.js$/, '.ts');
    edges.push({ from: relative(root, file), to: relative(root, target) });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The rooms of src/state (its subdirectories): each a source or a shared part of sources. */
const STATE_ROOM = /^src\/state\/([^/]+)\//;

/**
 * The rooms of src/gke and their rank: a file imports only its own room and rooms of a lower rank,
 * so the domain is read bottom up (shared primitives at src/gke/*.ts are rank 0). A new room needs a rank here.
 */
export const GKE_ROOM_RANKS: ReadonlyMap<string, number> = new Map([
  ['', 0],
  ['cluster', 1],
  ['iam', 1],
  ['services', 2],
  ['load-balancer', 3],
  ['ingress', 4],
  ['gateway', 4],
  ['eventarc', 4],
  ['namespaces', 5],
  // The whole path of a load balancer's traffic: joins the backends of ingress/ and gateway/ with load-balancer/.
  ['traffic', 5],
]);

/** The src/gke room of a file: `''` for src/gke/*.ts, undefined outside src/gke. */
function gkeRoom(file: string): string | undefined {
  const match = /^src\/gke\/(?:([^/]+)\/)?[^/]+\.ts$/.exec(file);
  return match ? (match[1] ?? '') : undefined;
}

/**
 * What the layering forbids (DESIGN.md, STYLE.md: data flows one way, CLI →
 * engine → source → ClusterState → checks): the engine importing a check (the
 * CLI composes checks), src/state importing the engine, a src/state room
 * importing another room sideways (only src/state's own model files and
 * files/ are shared), a src/gke room importing a room of its own rank or above
 * (or a room GKE_ROOM_RANKS does not know), and any import cycle, type-only
 * imports included (a type both sides need lives where neither points back).
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
    violations.push(...gkeRoomViolations(from, to));
  }
  for (const cycle of importCycles(edges)) violations.push(`import cycle: ${cycle.join(' → ')}`);
  return violations;
}

function gkeRoomViolations(from: string, to: string): string[] {
  const fromRoom = gkeRoom(from);
  const toRoom = gkeRoom(to);
  if (fromRoom === undefined || toRoom === undefined || fromRoom === toRoom) return [];
  const fromRank = GKE_ROOM_RANKS.get(fromRoom);
  const toRank = GKE_ROOM_RANKS.get(toRoom);
  const unknown = [fromRoom, toRoom].filter((room) => !GKE_ROOM_RANKS.has(room));
  if (unknown.length > 0) return [`${from} imports ${to}: src/gke/${unknown[0]}/ has no rank in GKE_ROOM_RANKS`];
  return fromRank! > toRank! ? [] : [`${from} imports ${to}: a src/gke room imports only rooms of a lower rank (${fromRoom || 'src/gke'} ${fromRank}, ${toRoom || 'src/gke'} ${toRank})`];
}

/** Each import cycle, once, as the modules along it (the first repeated at the end). */
function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
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
