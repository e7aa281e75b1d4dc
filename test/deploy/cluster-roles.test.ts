import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { dataKeysFor, runChecksOn } from '../../src/engine/runner.js';
import { selectChecks } from '../../src/engine/select.js';
import { applyFixActions, plannedFixes } from '../../src/fix/apply-fixes.js';
import { BackupStore } from '../../src/fix/backup.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { Deadline } from '../../src/state/live/deadline.js';
import type { PolicyRule } from '../../src/state/live/kubernetes-permissions.js';
import { fixRules, FIX_ROLE_NAME, probeRules, readerRules } from '../../src/state/live/kubernetes-permissions.js';
import { DISCOVERED_KINDS, EVENT_RESOURCES, KIND_RESOURCES } from '../../src/state/live/live-kubernetes.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { CHECKED_DATA, SHIPPED_ROLES } from '../support/deploy-files.js';
import { FIXTURE_NOW, REPO_ROOT } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';
import { requestAttributes } from '../support/rbac.js';

/**
 * The ClusterRoles gke-doctor ships (deploy/cluster-role*.yaml, docs/permissions.md): none grants a
 * wildcard or a write but --fix's finalize, the reader names every kind a check reads and no Secret,
 * and --probe and --fix work with their roles and fail without them, on a fake kube-apiserver that
 * enforces RBAC.
 */

const refusals = (served: ServedFixture) => served.kube.requests.filter((request) => request.status === 403).map((request) => requestAttributes(request.method, request.path)!);

/** Read-only verbs; the one write any shipped role may grant is --fix's finalize. */
const READ_VERBS = new Set(['get', 'list', 'watch']);
const FINALIZE: PolicyRule = { apiGroups: [''], resources: ['namespaces/finalize'], verbs: ['update'] };

/** What is wrong with a shipped role's rules: a wildcard anywhere, or a write but --fix's finalize. */
function roleProblems(name: string, rules: readonly Partial<PolicyRule & { nonResourceURLs: string[]; resourceNames: string[] }>[]): string[] {
  const problems: string[] = [];
  for (const [index, rule] of rules.entries()) {
    for (const field of ['apiGroups', 'resources', 'verbs', 'nonResourceURLs', 'resourceNames'] as const) {
      if ((rule[field] ?? []).some((value) => value.includes('*'))) problems.push(`${name} rule ${index}: a wildcard in ${field}`);
    }
    const finalize = rule.apiGroups?.join() === '' && rule.resources?.join() === FINALIZE.resources.join() && rule.verbs?.join() === 'update';
    for (const verb of rule.verbs ?? []) {
      if (!READ_VERBS.has(verb) && !(finalize && name === FIX_ROLE_NAME)) problems.push(`${name} rule ${index}: writes (${verb} on ${rule.resources?.join(', ')})`);
    }
  }
  return problems;
}

/** Every file a user is given a role in: deploy/'s manifests and the YAML blocks of the docs. */
async function shippedYaml(): Promise<{ file: string; text: string }[]> {
  const found: { file: string; text: string }[] = [];
  for (const entry of await readdir(`${REPO_ROOT}deploy`, { recursive: true })) {
    if (/\.ya?ml$/.test(entry)) found.push({ file: `deploy/${entry}`, text: await readFile(`${REPO_ROOT}deploy/${entry}`, 'utf8') });
  }
  const docs = ['README.md', ...(await readdir(`${REPO_ROOT}docs`, { recursive: true })).filter((entry) => entry.endsWith('.md')).map((entry) => `docs/${entry}`)];
  for (const file of docs) {
    const markdown = await readFile(`${REPO_ROOT}${file}`, 'utf8');
    for (const [index, block] of [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)].entries()) found.push({ file: `${file} (YAML block ${index + 1})`, text: block[1]! });
  }
  return found;
}

describe('every shipped role is least privilege', () => {
  it('no role in deploy/ or the docs grants a wildcard, or writes anything but --fix’s finalize', async () => {
    const roles: string[] = [];
    const problems: string[] = [];
    for (const { file, text } of await shippedYaml()) {
      for (const document of parseAllDocuments(text)) {
        const object = document.toJS() as { kind?: string; metadata?: { name?: string }; rules?: PolicyRule[] } | null;
        if (object?.kind !== 'ClusterRole' && object?.kind !== 'Role') continue;
        roles.push(`${file}: ${object.metadata?.name}`);
        problems.push(...roleProblems(object.metadata?.name ?? '', object.rules ?? []).map((problem) => `${file}: ${problem}`));
      }
    }
    expect(roles.length).toBeGreaterThanOrEqual(SHIPPED_ROLES.length * 2);
    expect(problems).toEqual([]);
  });

  it('the rule holds: a wildcard, a write and a finalize outside the fix role are each refused', () => {
    expect(roleProblems('gke-doctor-reader', [{ apiGroups: ['*'], resources: ['*'], verbs: ['list'] }])).toEqual(['gke-doctor-reader rule 0: a wildcard in apiGroups', 'gke-doctor-reader rule 0: a wildcard in resources']);
    expect(roleProblems('gke-doctor-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }])).toEqual(['gke-doctor-reader rule 0: a wildcard in verbs', 'gke-doctor-reader rule 0: writes (* on pods)']);
    expect(roleProblems('gke-doctor-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'delete'] }])).toEqual(['gke-doctor-reader rule 0: writes (delete on secrets)']);
    expect(roleProblems('gke-doctor-reader', [FINALIZE])).toEqual(['gke-doctor-reader rule 0: writes (update on namespaces/finalize)']);
    expect(roleProblems(FIX_ROLE_NAME, fixRules())).toEqual([]);
  });

  it('the reader grants list on every kind a check reads: a kind with no known resource would fail here', () => {
    const granted = new Set(readerRules(CHECKED_DATA).flatMap((rule) => rule.resources.map((resource) => `${rule.apiGroups[0]}/${resource}`)));
    const kinds = KUBERNETES_KINDS.filter((kind) => CHECKED_DATA.has(kind));
    expect(kinds.length).toBeGreaterThan(20);
    for (const kind of kinds) {
      const resources = kind === 'Event' ? EVENT_RESOURCES : [KIND_RESOURCES[kind] ?? DISCOVERED_KINDS[kind]];
      for (const resource of resources) {
        expect(resource, `${kind}: no group and plural in src/state/live/live-kubernetes.ts`).toBeDefined();
        expect(granted.has(`${resource!.group}/${resource!.plural}`), kind).toBe(true);
      }
    }
  });

  it('the reader names no Secret; only the fix role lists them', () => {
    const secrets = (rules: PolicyRule[]) => rules.some((rule) => rule.apiGroups.includes('') && rule.resources.includes('secrets'));
    expect(secrets(readerRules(CHECKED_DATA))).toBe(false);
    expect(secrets(probeRules())).toBe(false);
    expect(secrets(fixRules())).toBe(true);
  });
});

describe('the probe and fix roles grant what those modes send', () => {
  const probe = { namespace: 'jobapp', pod: 'jobapp-6d8f7b9c5d-x2k4q', port: 8080, path: '/healthz', scheme: 'HTTP' as const };

  it('--probe: the reader alone is refused the pod proxy, naming gke-doctor-probe; with it the request goes through', async () => {
    const reader = await serveFixture('seed-eventarc-stuck-namespace', { kube: { rbac: readerRules(CHECKED_DATA) } });
    const both = await serveFixture('seed-eventarc-stuck-namespace', { kube: { rbac: [...readerRules(CHECKED_DATA), ...probeRules()] } });
    try {
      const refused = await new LiveSource({ env: reader.env, kubeconfig: reader.kubeconfig }).probe(probe);
      expect(refused).toMatchObject({ statusCode: 0, error: expect.stringContaining('bind the ClusterRole gke-doctor-probe (docs/permissions.md)') });
      expect(await new LiveSource({ env: both.env, kubeconfig: both.kubeconfig }).probe(probe)).toMatchObject({ statusCode: 200 });
      expect(refusals(both)).toEqual([]);
    } finally {
      await Promise.all([reader.close(), both.close()]);
    }
  }, 60_000);

  // A namespace stuck with content in it, as `kubectl get -o json` prints it (the shapes of test/fix/fix-safety.test.ts).
  const stuck = {
    'k8s/namespace.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', uid: '5e0f3c2a-1b7d-4c55-9f0e-2a6b8c9d0e11', resourceVersion: '4100', creationTimestamp: '2023-11-01T00:00:00Z', deletionTimestamp: '2023-12-01T00:00:00Z' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    }),
    'k8s/content.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', uid: '1c7d0e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f', resourceVersion: '4001' }, data: { mode: 'prod' } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', uid: '2d8e1f30-4b5c-4d6e-9f70-8b9c0d1e2f30', resourceVersion: '4002' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } },
      ],
    }),
  };

  async function fixWith(rules: PolicyRule[]) {
    const served = await serveFixture(await temporaryFixture(stuck), { kube: { rbac: rules } });
    const checks = selectChecks(builtinChecks, ['terminating-namespace']);
    const source = new LiveSource({ env: served.env, kubeconfig: served.kubeconfig, deadline: new Deadline(20_000) });
    const state = await source.collect(dataKeysFor(checks));
    const report = await runChecksOn(state, checks, { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 });
    const { outcomes } = await applyFixActions((await source.kubernetesClient())!, plannedFixes(report), state, {
      yes: true,
      dryRun: false,
      force: false,
      backups: new BackupStore({ directory: await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')) }),
      waitMs: 0,
      log: () => undefined,
    });
    return { served, outcomes };
  }

  it('--fix: with the reader alone it finalizes nothing (the Secrets are unread); with gke-doctor-fix it finalizes, refused nothing', async () => {
    const reader = await fixWith(readerRules(CHECKED_DATA));
    const both = await fixWith([...readerRules(CHECKED_DATA), ...fixRules()]);
    try {
      expect(reader.outcomes).toEqual([expect.objectContaining({ status: 'skipped', detail: expect.stringContaining('does not list Secrets on purpose') })]);
      expect(reader.served.kube.requests.filter((request) => request.method !== 'GET')).toEqual([]);
      expect(both.outcomes).toEqual([expect.objectContaining({ status: 'finalized' })]);
      expect(refusals(both.served)).toEqual([]);
      expect(both.served.kube.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`)).toEqual(['PUT /api/v1/namespaces/shop/finalize']);
    } finally {
      await Promise.all([reader.served.close(), both.served.close()]);
    }
  }, 60_000);
});

