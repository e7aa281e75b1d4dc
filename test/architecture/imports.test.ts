import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.js';
import type { ImportEdge } from '../support/import-graph.js';
import { layeringViolations, readImportGraph } from '../support/import-graph.js';

const runtime = (from: string, to: string): ImportEdge => ({ from, to, runtime: true });

describe('the import graph', () => {
  it('of src/ and checks/ keeps data flowing one way', () => {
    const edges = readImportGraph(REPO_ROOT, ['src', 'checks']);
    expect(edges.length).toBeGreaterThan(100);
    expect(layeringViolations(edges)).toEqual([]);
  });

  it.each<[string, ImportEdge[], RegExp]>([
    ['the engine importing a check', [runtime('src/engine/registry.ts', 'checks/index.ts')], /the engine imports no check/],
    ['src/state importing the engine', [{ from: 'src/state/source.ts', to: 'src/engine/check.ts', runtime: false }], /src\/state imports nothing from the engine/],
    ['a state room importing another sideways', [runtime('src/state/plan/manifest-files.ts', 'src/state/snapshot/snapshot-source.ts')], /state rooms share only/],
    ['a runtime cycle', [runtime('src/a.ts', 'src/b.ts'), runtime('src/b.ts', 'src/c.ts'), runtime('src/c.ts', 'src/a.ts')], /cycle: src\/a\.ts → src\/b\.ts → src\/c\.ts → src\/a\.ts/],
  ])('refuses %s', (_name, edges, violation) => {
    expect(layeringViolations(edges)).toEqual([expect.stringMatching(violation)]);
  });

  it.each<[string, ImportEdge[]]>([
    ['a room importing files/ and the state model', [runtime('src/state/plan/manifest-files.ts', 'src/state/files/document-files.ts'), runtime('src/state/live/live-source.ts', 'src/state/cluster-state.ts')]],
    ['a cycle of type-only imports (erased when compiled)', [runtime('src/a.ts', 'src/b.ts'), { from: 'src/b.ts', to: 'src/a.ts', runtime: false }]],
  ])('allows %s', (_name, edges) => {
    expect(layeringViolations(edges)).toEqual([]);
  });
});
