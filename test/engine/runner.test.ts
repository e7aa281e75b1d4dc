import { describe, expect, it } from 'vitest';
import type { Check, Finding } from '../../src/engine/check.js';
import type { FailOn, Report } from '../../src/engine/report.js';
import { exitCodeFor } from '../../src/engine/report.js';
import { dataKeysFor } from '../../src/engine/runner.js';
import { selectChecks } from '../../src/engine/select.js';
import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { StateSource } from '../../src/state/source.js';
import { FIXTURE_NOW } from '../support/fixtures.js';
import { runChecks } from '../support/run-checks.js';

const finding = (severity: Finding['severity'], resource = 'Namespace/a'): Finding => ({ severity, resource, message: 'm', evidence: {}, fix: null });

function check(id: string, run: Check['run'], needs: DataKey[] = []): Check {
  return { id, title: id, severity: 'error', description: '', references: [], needs, notApplicable: `nothing for ${id}`, run };
}

class RecordingSource implements StateSource {
  asked: DataKey[] = [];
  constructor(private readonly unavailable: [DataKey, string][] = []) {}
  async collect(keys: ReadonlySet<DataKey>): Promise<ClusterState> {
    this.asked = [...keys];
    return {
      target: { source: 'test', project: null, location: null, cluster: null },
      kubernetes: new KubernetesObjects(),
      unavailable: new Map(this.unavailable),
      locations: new Map([['Namespace/located', { file: 'k8s/ns.yaml', line: 3 }]]),
    };
  }
}

const context = { now: FIXTURE_NOW, stuckAfterMs: 300_000 };

describe('runChecks', () => {
  it('gives each check a status: failed, passed (info only), not applicable, incomplete', async () => {
    const report = await runChecks(
      [
        check('fails', () => ({ examined: ['x'], findings: [finding('warning')] })),
        check('passes', () => ({ examined: ['x'], findings: [finding('info')] })),
        check('nothing', () => ({ examined: [], findings: [] })),
        check('needs-cluster', () => ({ examined: ['x'], findings: [] }), ['cluster']),
      ],
      new RecordingSource([['cluster', 'cluster.json is not in the snapshot']]),
      context,
    );
    expect(report.checks.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['fails', 'failed', null],
      ['passes', 'passed', null],
      ['nothing', 'not-applicable', 'nothing for nothing'],
      ['needs-cluster', 'incomplete', 'cluster.json is not in the snapshot'],
    ]);
    expect(report.summary).toEqual({ error: 0, warning: 1, info: 1, passed: 1, failed: 1, incomplete: 1, notApplicable: 1, suppressed: 0 });
  });

  it('isolates a check that throws: it becomes incomplete with the message, the others still run', async () => {
    const report = await runChecks(
      [
        check('broken', () => {
          throw new Error('cannot read properties of undefined');
        }),
        check('works', () => ({ examined: ['x'], findings: [finding('error')] })),
      ],
      new RecordingSource(),
      context,
    );
    expect(report.checks[0]).toMatchObject({ status: 'incomplete', reason: 'the check failed: cannot read properties of undefined' });
    expect(report.checks[1]!.status).toBe('failed');
  });

  it('asks the source for exactly what the selected checks need or can use', async () => {
    const source = new RecordingSource();
    const a = check('a', () => ({ examined: [], findings: [] }), ['cluster']);
    const b = { ...check('b', () => ({ examined: [], findings: [] }), ['Ingress']), optionalNeeds: ['Pod'] as DataKey[] };
    await runChecks([a, b], source, context);
    expect(source.asked.sort()).toEqual(['Ingress', 'Pod', 'cluster']);
    expect([...dataKeysFor([a])]).toEqual(['cluster']);
  });

  it('puts the file location of a resource on its findings', async () => {
    const report = await runChecks([check('a', () => ({ examined: ['x'], findings: [finding('error', 'Namespace/located')] }))], new RecordingSource(), context);
    expect(report.checks[0]!.findings[0]!.location).toEqual({ file: 'k8s/ns.yaml', line: 3 });
  });
});

describe('exit codes (DESIGN.md)', () => {
  const report = (severities: Finding['severity'][], incomplete = false): Report => ({
    version: 1,
    target: { source: 'test', project: null, location: null, cluster: null },
    checks: [
      { id: 'a', title: 'a', status: 'failed', reason: null, durationMs: 0, examined: [], findings: severities.map((s) => finding(s)) },
      ...(incomplete ? [{ id: 'b', title: 'b', status: 'incomplete' as const, reason: 'r', durationMs: 0, examined: [], findings: [] }] : []),
    ],
    summary: { error: 0, warning: 0, info: 0, passed: 0, failed: 0, incomplete: 0, notApplicable: 0, suppressed: 0 },
  });
  it.each<[Finding['severity'][], boolean, FailOn, number]>([
    [[], false, 'error', 0],
    [['error'], false, 'error', 1],
    [['warning'], false, 'error', 0],
    [['warning'], false, 'warning', 1],
    [['info'], false, 'warning', 0],
    [['info'], false, 'info', 1],
    [['error'], false, 'never', 0],
    [[], true, 'error', 3],
    [['warning'], true, 'error', 3],
    [['error'], true, 'error', 1],
    [['error'], true, 'never', 0],
    [[], true, 'never', 0],
  ])('findings %j, incomplete %s, --fail-on %s -> %i', (severities, incomplete, failOn, code) => {
    expect(exitCodeFor(report(severities, incomplete), failOn)).toBe(code);
  });
});

describe('selectChecks', () => {
  const checks = ['a', 'b', 'c'].map((id) => check(id, () => ({ examined: [], findings: [] })));
  it.each([
    { only: [], skip: [], ids: ['a', 'b', 'c'] },
    { only: ['b'], skip: [], ids: ['b'] },
    { only: [], skip: ['a', 'c'], ids: ['b'] },
    { only: ['a', 'b'], skip: ['b'], ids: ['a'] },
  ])('--only $only --skip $skip -> $ids', ({ only, skip, ids }) => {
    expect(selectChecks(checks, only, skip).map((c) => c.id)).toEqual(ids);
  });
  it('rejects an unknown id, listing the known ones', () => {
    expect(() => selectChecks(checks, ['nope'])).toThrow('unknown check "nope"; known checks: a, b, c');
  });
});
