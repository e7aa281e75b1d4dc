import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.js';
import type { ImportEdge } from '../support/import-graph.js';
import { layeringViolations, readImportGraph } from '../support/import-graph.js';

const edge = (from: string, to: string): ImportEdge => ({ from, to });

describe('the import graph', () => {
  it('of src/ and checks/ keeps data flowing one way', () => {
    const edges = readImportGraph(REPO_ROOT, ['src', 'checks']);
    expect(edges.length).toBeGreaterThan(100);
    expect(layeringViolations(edges)).toEqual([]);
  });

  it.each<[string, ImportEdge[], RegExp]>([
    ['the engine importing a check', [edge('src/engine/registry.ts', 'checks/index.ts')], /the engine imports no check/],
    ['src/state importing the engine', [edge('src/state/source.ts', 'src/engine/check.ts')], /src\/state imports nothing from the engine/],
    ['a state room importing another sideways', [edge('src/state/plan/manifest-files.ts', 'src/state/snapshot/snapshot-source.ts')], /state rooms share only/],
    ['a cycle', [edge('src/a.ts', 'src/b.ts'), edge('src/b.ts', 'src/c.ts'), edge('src/c.ts', 'src/a.ts')], /cycle: src\/a\.ts → src\/b\.ts → src\/c\.ts → src\/a\.ts/],
    ['a cycle of type-only imports (the type belongs where neither side points back)', [edge('src/fix/fixers.ts', 'src/fix/namespace-fixer.ts'), edge('src/fix/namespace-fixer.ts', 'src/fix/fixers.ts')], /import cycle/],
    ['a gke room importing a higher one', [edge('src/gke/services/service-pods.ts', 'src/gke/ingress/ingress-class.ts')], /lower rank \(services 2, ingress 4\)/],
    ['a gke room importing one of its own rank sideways', [edge('src/gke/gateway/gateway-routes.ts', 'src/gke/ingress/ingress-class.ts')], /lower rank \(gateway 4, ingress 4\)/],
    ['a shared gke file importing a room', [edge('src/gke/planned-values.ts', 'src/gke/ingress/ingress-class.ts')], /lower rank \(src\/gke 0, ingress 4\)/],
    ['a gke room without a rank', [edge('src/gke/firewalls/rules.ts', 'src/gke/cluster/cluster-name.ts')], /src\/gke\/firewalls\/ has no rank/],
  ])('refuses %s', (_name, edges, violation) => {
    expect(layeringViolations(edges)).toEqual([expect.stringMatching(violation)]);
  });

  it.each<[string, ImportEdge[]]>([
    ['a room importing files/ and the state model', [edge('src/state/plan/manifest-files.ts', 'src/state/files/document-files.ts'), edge('src/state/live/live-source.ts', 'src/state/cluster-state.ts')]],
    ['a gke room importing a lower one and its own', [edge('src/gke/ingress/ingress-fixes.ts', 'src/gke/load-balancer/ingress-backends.ts'), edge('src/gke/ingress/ingress-fixes.ts', 'src/gke/ingress/ingress-class.ts'), edge('src/gke/cluster/cluster-settings.ts', 'src/gke/duration.ts')]],
  ])('allows %s', (_name, edges) => {
    expect(layeringViolations(edges)).toEqual([]);
  });
});
