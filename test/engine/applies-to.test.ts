import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/engine/check.js';
import { runChecksOn } from '../../src/engine/runner.js';
import { selectChecks } from '../../src/engine/select.js';
import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import { FIXTURE_NOW } from '../support/fixtures.js';

const context = { now: FIXTURE_NOW, stuckAfterMs: 300_000 };

function check(id: string, needs: DataKey[], appliesTo?: DataKey[]): Check {
  return {
    id,
    title: id,
    severity: 'error',
    description: '',
    references: [],
    needs,
    ...(appliesTo ? { appliesTo } : {}),
    notApplicable: `nothing for ${id}`,
    messages: {},
    run: () => ({ examined: ['x'], findings: [] }),
  } as Check;
}

function state(unavailable: [DataKey, string][], notInInputs?: [DataKey, string][]): ClusterState {
  return {
    target: { source: 'manifests', project: null, location: null, cluster: null },
    kubernetes: new KubernetesObjects(),
    unavailable: new Map(unavailable),
    ...(notInInputs ? { notInInputs: new Map(notInInputs) } : {}),
    locations: new Map(),
  };
}

describe('appliesTo: what a check judges', () => {
  it('is not applicable when a preflight holds none of what it judges, even though what it judges with is missing', async () => {
    const report = await runChecksOn(
      state([['eventarcTriggers', 'no triggers given'], ['iamPolicy', 'no policy given']], [['eventarcTriggers', 'the inputs hold no Eventarc trigger']]),
      [check('iam', ['eventarcTriggers', 'iamPolicy'], ['eventarcTriggers'])],
      context,
    );
    expect(report.checks[0]).toMatchObject({ status: 'not-applicable', reason: 'the inputs hold no Eventarc trigger' });
  });

  it('is incomplete when the inputs hold something it judges but lack what it judges it with', async () => {
    const report = await runChecksOn(
      state([['iamPolicy', 'no IAM policy was given']], [['cluster', 'the inputs hold no cluster']]),
      [check('iam', ['eventarcTriggers', 'iamPolicy'], ['eventarcTriggers'])],
      context,
    );
    expect(report.checks[0]).toMatchObject({ status: 'incomplete', reason: 'no IAM policy was given' });
  });

  it('needs every judged kind absent (a check that judges two kinds runs when either is there)', async () => {
    const report = await runChecksOn(state([], [['cluster', 'no cluster']]), [check('addon', [], ['cluster', 'Ingress'])], context);
    expect(report.checks[0]!.status).toBe('passed');
  });

  it('keeps "incomplete" outside a preflight: unread data is never "nothing to judge"', async () => {
    const report = await runChecksOn(state([['Namespace', 'namespaces: 403 Forbidden']]), [check('ns', ['Namespace'], ['Namespace'])], context);
    expect(report.checks[0]).toMatchObject({ status: 'incomplete', reason: 'namespaces: 403 Forbidden' });
  });
});

describe('--only and --skip', () => {
  const checks = [check('a', []), check('b', [])];
  it('is a usage error when they leave nothing to run', () => {
    expect(() => selectChecks(checks, ['a'], ['a'])).toThrow('--only a --skip a leaves no check to run');
    expect(() => selectChecks(checks, [], ['a', 'b'])).toThrow('--skip a,b leaves no check to run');
  });
});
