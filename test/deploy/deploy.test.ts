import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { dataKeysFor, runChecksOn } from '../../src/engine/runner.js';
import { selectChecks } from '../../src/engine/select.js';
import { applyFixActions, plannedFixes } from '../../src/fix/apply-fixes.js';
import { BackupStore } from '../../src/fix/backup.js';
import type { GcpDataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS } from '../../src/state/cluster-state.js';
import { Deadline } from '../../src/state/live/deadline.js';
import type { PolicyRule } from '../../src/state/live/kubernetes-permissions.js';
import { clusterRoleYaml, fixRules, FIX_ROLE_NAME, probeRules, readerRules } from '../../src/state/live/kubernetes-permissions.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { DISCOVERED_KINDS, EVENT_RESOURCES, KIND_RESOURCES } from '../../src/state/live/live-kubernetes.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { CUSTOM_ROLES_SOURCE, GCP_DATA_SOURCES } from '../../src/state/live/live-gcp.js';
import { FLEET_PERMISSIONS, REPORT_STORAGE_PERMISSIONS } from '../../src/fleet/fleet-permissions.js';
import { CHECKED_DATA, generatedDeployFiles, googlePermissions, SHIPPED_ROLES } from '../support/deploy-files.js';
import { FIXTURE_NOW, REPO_ROOT } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';
import { requestAttributes } from '../support/rbac.js';

describe('deploy/ is generated from what the live sources read', () => {
  it.each(Object.entries(generatedDeployFiles()))('%s is up to date', async (file, text) => {
    if (process.env.UPDATE_DEPLOY) await writeFile(`${REPO_ROOT}${file}`, text);
    expect(await readFile(`${REPO_ROOT}${file}`, 'utf8')).toBe(text);
  });

  it('docs/permissions.md gives the same ClusterRoles and Google permissions', async () => {
    const readme = await readFile(`${REPO_ROOT}docs/permissions.md`, 'utf8');
    for (const role of SHIPPED_ROLES) expect(readme).toContain(`\`\`\`yaml\n${clusterRoleYaml(role)}`);
    const listed = /--permissions=(\S+)/.exec(readme)?.[1]?.split(',') ?? [];
    expect(listed).toEqual(googlePermissions());
  });

  it('docs/permissions.md names each permission with the role the 403 messages name', async () => {
    const readme = await readFile(`${REPO_ROOT}docs/permissions.md`, 'utf8');
    const rows = [
      ...Object.values(GCP_DATA_SOURCES).map(({ permission, role }) => [[permission], role] as const),
      [[CUSTOM_ROLES_SOURCE.permission], CUSTOM_ROLES_SOURCE.role] as const,
      ...Object.values(FLEET_PERMISSIONS).map(({ permission, role }) => [[permission], role] as const),
      ...Object.values(REPORT_STORAGE_PERMISSIONS).map(({ permissions, role }) => [permissions, role] as const),
    ];
    for (const [permissions, role] of rows) {
      const row = `| ${permissions.map((permission) => `\`${permission}\``).join(', ')} | \`${role}\` |`;
      expect(readme, row).toContain(row);
    }
  });
});

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

const isGcpKey = (key: string) => (GCP_DATA_KEYS as readonly string[]).includes(key as GcpDataKey);
const refusals = (served: ServedFixture) =>
  served.kube.requests.filter((request) => request.status === 403).map((request) => ({ ...requestAttributes(request.method, request.path)!, path: request.path }));

describe('the reader ClusterRole against what the live source lists, enforced by the fake kube-apiserver', () => {
  // Fixtures that between them make every check read: Ingresses and their BackendConfigs, Gateway API and GKE policy kinds,
  // Events, APIServices, a namespace stuck Terminating with a Secret and a custom resource of a CRD the reader does not know.
  it.each(['seed-eventarc-stuck-namespace', 'gateway-argocd', 'secrets-planted', 'ingress-controller-events'])(
    '%s: every kind a check reads is granted; only kinds left in a Terminating namespace are refused',
    async (fixture) => {
      const served = await serveFixture(fixture, { kube: { rbac: readerRules(CHECKED_DATA) } });
      try {
        const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig, deadline: new Deadline(30_000) }).collect(CHECKED_DATA);
        expect([...state.unavailable.keys()].filter((key) => !isGcpKey(key))).toEqual([]);
        const terminating = new Set(state.kubernetes.list('Namespace').filter((namespace) => namespace.metadata?.deletionTimestamp).map((namespace) => namespace.metadata!.name!));
        for (const refused of refusals(served)) expect(refused.verb === 'list' && terminating.has(refused.namespace ?? ''), refused.path).toBe(true);
        expect(served.kube.requests.filter((request) => request.method !== 'GET')).toEqual([]);
      } finally {
        await served.close();
      }
    },
    60_000,
  );

  it('secrets-planted: the Secrets and the unknown custom resource in the Terminating namespace are named unread, with why and how to grant them', async () => {
    const served = await serveFixture('secrets-planted', { kube: { rbac: readerRules(CHECKED_DATA) } });
    try {
      const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig, deadline: new Deadline(30_000) }).collect(CHECKED_DATA);
      const unread = state.unreadInNamespaces?.get('retired') ?? [];
      expect(unread.map((kind) => kind.resource)).toEqual(['databases.example.com', 'secrets']);
      expect(unread[0]!.reason).toContain('gke-doctor-reader does not name this kind: grant list on it (docs/permissions.md#custom-resources)');
      expect(unread[1]!.reason).toMatch(/^403 secrets is forbidden: User "system:serviceaccount:gke-doctor:gke-doctor" cannot list resource "secrets" in API group "" in the namespace "retired": gke-doctor-reader does not list Secrets on purpose/);
      expect(state.kubernetes.list('Namespace').length).toBeGreaterThan(0);
      // The finding still names the stuck namespace, saying what could not be seen in it.
      const report = await runChecksOn(state, selectChecks(builtinChecks, ['terminating-namespace']), { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 });
      const finding = report.checks[0]!.findings.find((candidate) => candidate.resource === 'Namespace/retired');
      expect(finding?.message).toContain('These kinds could not be read in the namespace, so what is left in it is not fully known: ');
      expect(finding?.message).toContain('secrets (403 secrets is forbidden');
    } finally {
      await served.close();
    }
  }, 60_000);
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

describe('the shipped scheduled manifests', () => {
  // A scheduler retries or marks failed on a non-zero exit (Job backoffLimit, Cloud Run execution); with
  // --fail-on never the run exits 0 whenever its report was written, and alerting comes from the report.
  it.each(['deploy/cronjob.yaml', 'deploy/fleet/indexed-job.yaml', 'deploy/fleet/cloud-run-job.yaml'])('%s runs with --fail-on never', async (file) => {
    const manifest = await readFile(`${REPO_ROOT}${file}`, 'utf8');
    expect(manifest).toMatch(/--fail-on, never\b/);
  });
});
