import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FixOptions } from '../../src/fix/apply-fixes.js';
import { applyFixActions, plannedFixes } from '../../src/fix/apply-fixes.js';
import { BackupStore } from '../../src/fix/backup.js';
import { isProtectedByConfig, isProtectedNamespace } from '../../src/fix/protected-namespaces.js';
import type { KubernetesApi } from '../../src/state/live/kubernetes-api.js';
import { loadKubernetesApi } from '../../src/state/live/kubernetes-api.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { ClusterState } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver.js';
import { runFixture } from '../support/fixtures.js';

let server: FakeKubeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const namespace = (terminating: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: 'events-system',
    uid: '9d4e2b61-7c3a-4a8e-8f1d-5b6c7a8e9f01',
    resourceVersion: '58213377',
    creationTimestamp: '2023-12-01T03:02:20Z',
    ...(terminating ? { deletionTimestamp: '2023-12-01T03:41:52Z' } : {}),
  },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: terminating ? 'Terminating' : 'Active' },
});

async function api(objects: KubeObject[]): Promise<KubernetesApi> {
  server = await new FakeKubeApiServer(objects).start();
  return loadKubernetesApi({ files: [await server.writeKubeconfig(join(await mkdtemp(join(tmpdir(), 'gke-doctor-kc-')), 'config'), 'fake')], context: 'fake' });
}

const state = (): ClusterState => ({
  target: { source: 'test', project: null, location: null, cluster: null },
  kubernetes: new KubernetesObjects(),
  unavailable: new Map(),
  locations: new Map(),
});

async function options(overrides: Partial<FixOptions> = {}): Promise<FixOptions & { lines: string[] }> {
  const lines: string[] = [];
  return { yes: false, dryRun: false, force: false, backups: new BackupStore({ directory: await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')) }), waitMs: 2_000, log: (line) => lines.push(line), lines, ...overrides };
}

describe('applyFixActions with the finalize-namespace fixer (client-node against the fake kube-apiserver)', async () => {
  // The actions of a check run while events-system was stuck.
  const actions = plannedFixes(await runFixture('seed-eventarc-stuck-namespace', { only: ['terminating-namespace'] }));

  it('asks in a terminal and finalizes only on yes', async () => {
    const core = await api([namespace(true)]);
    const asked: string[] = [];
    const declined = await applyFixActions(core, actions, state(), await options({ confirm: async (question) => (asked.push(question), false) }));
    expect(asked).toEqual(['Finalize Namespace/events-system? [y/N] ']);
    expect(declined.outcomes.map((outcome) => outcome.status)).toEqual(['declined']);
    expect(server!.requests.filter((request) => request.method !== 'GET')).toEqual([]);

    const accepted = await applyFixActions(core, actions, state(), await options({ confirm: async () => true }));
    expect(accepted.outcomes.map((outcome) => [outcome.status, outcome.resolved])).toEqual([['finalized', true]]);
  });

  it('leaves alone a namespace that stopped Terminating between the check and the fix', async () => {
    const core = await api([namespace(false)]);
    const backupDir = join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'b');
    const { outcomes } = await applyFixActions(core, actions, state(), await options({ yes: true, backups: new BackupStore({ directory: backupDir }) }));
    expect(outcomes).toEqual([
      { action: { kind: 'finalize-namespace', namespace: 'events-system', uid: '9d4e2b61-7c3a-4a8e-8f1d-5b6c7a8e9f01', resourceVersion: '58213377' }, resource: 'Namespace/events-system', status: 'skipped', detail: 'no longer Terminating; left alone', resolved: true, backup: null },
    ]);
    expect(server!.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    await expect(readdir(backupDir)).rejects.toThrow(/ENOENT/);
  });

  it('reports what still holds a finalized namespace after --wait', async () => {
    const held = { ...namespace(true), metadata: { ...namespace(true).metadata, finalizers: ['example.com/cleanup'] } };
    const core = await api([held]);
    // The plan showed the metadata finalizer (a new one would stop the fix).
    const shown = actions.map((action) => ({ ...action, metadataFinalizers: ['example.com/cleanup'] }));
    const { outcomes: [outcome] } = await applyFixActions(core, shown, state(), await options({ yes: true, waitMs: 300 }));
    expect(outcome).toMatchObject({ status: 'failed', detail: 'finalized, but still present after 0s: held by metadata.finalizers example.com/cleanup (not cleared by /finalize)' });
  });

  it('never sends a request for a namespace whose name would leave its path (a hostile plan: ../../..)', async () => {
    const core = await api([namespace(true)]);
    const hostile = actions.map((action) => ({ ...action, namespace: '../../..' }));
    const { outcomes: [outcome] } = await applyFixActions(core, hostile, state(), await options({ yes: true }));
    expect(outcome).toMatchObject({ status: 'failed', detail: expect.stringContaining('refusing to build a request path from the namespace "../../..": not a valid Kubernetes name') });
    expect(server!.requests).toEqual([]);
  });

  it('says when the namespace is already gone', async () => {
    const core = await api([]);
    const { outcomes: [outcome] } = await applyFixActions(core, actions, state(), await options({ yes: true }));
    expect(outcome).toMatchObject({ status: 'skipped', resolved: true, detail: 'already deleted (finalized by someone else?); nothing to do' });
  });
});

describe('plannedFixes', () => {
  it('takes the action of every automatic fix, whichever check made it, and nothing else', () => {
    const action = { kind: 'finalize-namespace' as const, namespace: 'team-a', conditions: [], orphans: [], manualSteps: [] };
    const finding = (fix: Record<string, unknown> | null) => ({ severity: 'error' as const, resource: 'Namespace/team-a', message: 'm', evidence: {}, fix: fix && { summary: 's', commands: [], terraform: null, automatic: false, ...fix } });
    const check = (id: string, findings: ReturnType<typeof finding>[]) => ({ id, title: id, status: 'failed' as const, reason: null, durationMs: 0, examined: [], findings });
    const report = {
      version: 1 as const,
      target: { source: 'test', project: null, location: null, cluster: null },
      summary: { error: 0, warning: 0, info: 0, passed: 0, failed: 0, incomplete: 0, notApplicable: 0, suppressed: 0 },
      checks: [
        check('a-plugin', [finding({ automatic: true, action }), finding({ automatic: false, action: { ...action, namespace: 'not-automatic' } })]),
        check('terminating-namespace', [finding({ automatic: true }), finding(null)]),
      ],
    };
    expect(plannedFixes(report)).toEqual([action]);
    const accepted = { ...finding({ automatic: true, action: { ...action, namespace: 'accepted' } }), suppressed: { by: 'config' as const, reason: 'r' } };
    expect(plannedFixes({ ...report, checks: [...report.checks, check('b', [accepted])] })).toEqual([action]);
  });
});

describe('protected namespaces', () => {
  it.each([
    ['kube-system', true],
    ['kube-public', true],
    ['kube-node-lease', true],
    ['default', true],
    ['gke-managed-system', true],
    ['gke-gmp-system', true],
    ['gmp-system', true],
    ['gmp-public', true],
    ['config-management-system', true],
    ['config-management-monitoring', true],
    ['resource-group-system', true],
    ['gatekeeper-system', true],
    ['asm-system', true],
    ['istio-system', false],
    ['events-system', false],
    ['kube-systems', false],
    ['my-gke-app', false],
  ])('%s -> %s', (name, isProtected) => expect(isProtectedNamespace(name)).toBe(isProtected));

  it('istio-system is protected when the mesh is managed (the cluster carries mesh_id)', () => {
    expect(isProtectedNamespace('istio-system', { resourceLabels: { mesh_id: 'proj-123456789012' } })).toBe(true);
    expect(isProtectedNamespace('istio-system', { resourceLabels: { env: 'prod' } })).toBe(false);
  });

  it.each([
    ['istio-system', true],
    ['team-payments', true],
    ['teams', false],
    ['events-system', false],
  ])('with the config protecting istio-system and team-*: %s -> %s', (name, isProtected) =>
    expect(isProtectedByConfig(name, ['istio-system', 'team-*'])).toBe(isProtected));
});
