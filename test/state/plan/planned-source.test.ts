import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataKey } from '../../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../../src/state/cluster-state.js';
import type { PlannedLayer } from '../../../src/state/plan/planned-layer.js';
import { emptyLayer } from '../../../src/state/plan/planned-layer.js';
import { PlannedSource } from '../../../src/state/plan/planned-source.js';
import { SnapshotSource } from '../../../src/state/snapshot/snapshot-source.js';
import type { StateSource } from '../../../src/state/source.js';
import { fixturePath } from '../../support/fixtures.js';

const SA = 'serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';
const ALL: DataKey[] = ['project', 'iamPolicy', 'cluster', 'eventarcTriggers', 'healthChecks', 'Ingress', 'Namespace', 'ObjectsInTerminatingNamespaces'];

function collect(base: StateSource | null, inputs: { plan?: string; manifests?: string[] }, keys: DataKey[] = ALL) {
  return PlannedSource.fromFiles(base, {
    manifests: (inputs.manifests ?? []).map((path) => fixturePath(path)),
    terraformPlan: inputs.plan ? fixturePath(inputs.plan) : undefined,
    readStdin: async () => '',
  }).collect(new Set(keys));
}

/** The unknown-values plan without its data "google_project", in a temporary file. */
function planFile(): string {
  const plan = JSON.parse(readFileSync(fixturePath('preflight/eventarc-unknown.tfplan.json'), 'utf8'));
  plan.prior_state.values.root_module.resources = plan.prior_state.values.root_module.resources.filter((resource: { mode: string }) => resource.mode !== 'data');
  const file = join(mkdtempSync(join(tmpdir(), 'gke-doctor-plan-')), 'plan.json');
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

function membersOf(policy: { bindings?: { role?: string | null; members?: string[] | null }[] | null } | undefined, role: string): string[] {
  return (policy?.bindings ?? []).filter((binding) => binding.role === role).flatMap((binding) => binding.members ?? []);
}

describe('with no base', () => {
  it('says why each piece of data neither input gives is unavailable', async () => {
    const state = await collect(null, { manifests: ['preflight/argocd-manifests'] });
    expect(state.target).toEqual({ source: 'manifests', project: null, location: null, cluster: null });
    expect(Object.fromEntries(state.unavailable)).toEqual({
      project: 'no project was given (pass --terraform-plan, or add --snapshot DIR with project.json, or run live, for what exists already)',
      iamPolicy: 'no IAM policy was given (pass --terraform-plan, or add --snapshot DIR with iam-policy.json, or run live, for what exists already)',
      cluster: 'no cluster was given (pass --terraform-plan, or add --snapshot DIR with cluster.json, or run live, for what exists already)',
      eventarcTriggers: 'no Eventarc triggers were given (pass --terraform-plan, or add --snapshot DIR with eventarc-triggers.json, or run live, for what exists already)',
      healthChecks: 'the GKE ingress controller creates load balancer health checks only after apply (add --snapshot DIR to compare with existing ones)',
    });
    expect(state.kubernetes.list('Ingress').map((ingress) => ingress.metadata?.name)).toEqual(['argocd-server']);
  });

  it('says what the inputs hold none of, so checks that judge it are not applicable', async () => {
    const manifests = await collect(null, { manifests: ['preflight/argocd-manifests'] });
    expect(manifests.notInInputs?.get('cluster')).toBe('the inputs hold no cluster (a google_container_cluster in --terraform-plan)');
    expect(manifests.notInInputs?.get('eventarcTriggers')).toBe('the inputs hold no Eventarc trigger');
    expect(manifests.notInInputs?.has('Ingress')).toBe(false);
    expect(manifests.notInInputs?.get('Namespace')).toBe('the inputs hold no Namespace');
    const plan = await collect(null, { plan: 'preflight/seed-eventarc.tfplan.json' });
    expect(plan.notInInputs?.has('cluster')).toBe(false);
    expect(plan.notInInputs?.has('eventarcTriggers')).toBe(false);
    expect(plan.notInInputs?.get('Ingress')).toBe('the inputs hold no Ingress');
  });

  it('takes the target, the project and the cluster from the plan', async () => {
    const state = await collect(null, { plan: 'preflight/seed-eventarc.tfplan.json' });
    expect(state.target).toEqual({ source: 'terraform-plan', project: 'acme-jobs-prod', location: 'asia-northeast1', cluster: 'prod-cluster' });
    expect(state.project).toEqual({ projectId: 'acme-jobs-prod', projectNumber: '123456789012' });
    expect(state.unavailable.get('Ingress')).toMatch(/^no Kubernetes objects were given \(pass --manifests/);
    expect(membersOf(state.iamPolicy, 'roles/eventarc.eventReceiver')).toEqual([SA]);
    expect(membersOf(state.iamPolicy, 'roles/pubsub.subscriber')).toEqual([]);
  });

  it('gives a policy without the grants whose members are known only after apply', async () => {
    const state = await collect(null, { plan: 'preflight/eventarc-unknown.tfplan.json' });
    expect(state.unavailable.has('iamPolicy')).toBe(false);
    expect(state.iamPolicy).toEqual({ version: 1, bindings: [] });
    expect(state.unknownUntilApply?.get('projects/acme-jobs-prod')).toContain('bindings[roles/pubsub.subscriber].members');
  });

  it('does not invent a project number it was not given', async () => {
    const state = await PlannedSource.fromFiles(null, { manifests: [], terraformPlan: planFile(), readStdin: async () => '' }).collect(new Set(ALL));
    expect(state.project).toBeUndefined();
    expect(state.unavailable.get('project')).toBe(
      'the Terraform plan does not give the number of project acme-jobs-prod (add a data "google_project" block to the configuration, or add --snapshot DIR with project.json, or run live, for what exists already)',
    );
  });
});

describe('on a snapshot', () => {
  const snapshot = () => new SnapshotSource(fixturePath('seed-eventarc-stuck-namespace'));

  it('is no preflight: what the inputs lack exists already or was not read, never "not in the inputs"', async () => {
    const state = await collect(snapshot(), { manifests: ['preflight/argocd-manifests'] });
    expect(state.notInInputs).toBeUndefined();
  });

  it('adds planned grants to the IAM policy that exists', async () => {
    const state = await collect(snapshot(), { plan: 'preflight/eventarc-granted.tfplan.json' });
    expect(state.target.source).toBe('snapshot+terraform-plan');
    expect(membersOf(state.iamPolicy, 'roles/pubsub.subscriber')).toEqual([SA]);
    expect(membersOf(state.iamPolicy, 'roles/monitoring.metricWriter')).toEqual([SA]);
    expect(membersOf(state.iamPolicy, 'roles/owner')).toEqual(['group:platform-admins@acme.example', 'user:terraform-admin@acme.example']);
    expect(membersOf(state.iamPolicy, 'roles/eventarc.eventReceiver')).toEqual([SA]);
  });

  it('replaces the existing trigger of the same name with the planned one', async () => {
    const state = await collect(snapshot(), { plan: 'preflight/seed-eventarc.tfplan.json' });
    expect(state.eventarcTriggers).toHaveLength(1);
    expect(state.eventarcTriggers?.[0]?.uid).toBeUndefined();
    expect(state.locations.get('projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push')?.address).toBe('google_eventarc_trigger.jobapp_push');
  });

  it('lays the planned cluster over the described one and keeps the snapshot objects', async () => {
    const state = await collect(snapshot(), { plan: 'preflight/seed-eventarc.tfplan.json', manifests: ['preflight/argocd-manifests'] });
    expect(state.cluster?.currentMasterVersion).toBe('1.27.7-gke.1121000');
    expect(state.cluster?.workloadIdentityConfig).toEqual({ workloadPool: 'acme-jobs-prod.svc.id.goog' });
    expect(state.kubernetes.get('Namespace', undefined, 'events-system')).toBeDefined();
    expect(state.kubernetes.get('Deployment', 'argocd', 'argocd-server')).toBeDefined();
    expect(state.unavailable.size).toBe(1);
    expect(state.unavailable.get('healthChecks')).toMatch(/compute\/health-checks\.json is not in the snapshot/);
  });
});

describe('IAM changes', () => {
  const base = (bindings: { role: string; members: string[] }[]): StateSource => ({
    collect: async () => ({
      target: { source: 'live', project: 'p', location: null, cluster: null },
      iamPolicy: { version: 1, etag: 'x', bindings },
      kubernetes: new KubernetesObjects(),
      unavailable: new Map(),
      locations: new Map(),
    }),
  });
  const layer = (iam: PlannedLayer['iam']): PlannedLayer => ({ ...emptyLayer('terraform-plan'), iam, provides: new Set(['iamPolicy']) });
  const run = async (bindings: { role: string; members: string[] }[], iam: PlannedLayer['iam']) =>
    (await new PlannedSource(base(bindings), async () => [layer(iam)]).collect(new Set(['iamPolicy']))).iamPolicy?.bindings;

  it.each([
    ['a member joins its role', [{ role: 'r/a', members: ['user:x'] }], [{ kind: 'member', binding: { role: 'r/a', members: ['user:y'] }, remove: false }], [{ role: 'r/a', members: ['user:x', 'user:y'] }]],
    ['a member of a new role adds a binding', [], [{ kind: 'member', binding: { role: 'r/a', members: ['user:y'] }, remove: false }], [{ role: 'r/a', members: ['user:y'] }]],
    ['a deleted member leaves', [{ role: 'r/a', members: ['user:x', 'user:y'] }], [{ kind: 'member', binding: { role: 'r/a', members: ['user:y'] }, remove: true }], [{ role: 'r/a', members: ['user:x'] }]],
    ['a binding replaces its role', [{ role: 'r/a', members: ['user:x'] }], [{ kind: 'binding', binding: { role: 'r/a', members: ['user:z'] } }], [{ role: 'r/a', members: ['user:z'] }]],
    [
      'a policy replaces everything, then members apply',
      [{ role: 'r/a', members: ['user:x'] }],
      [
        { kind: 'member', binding: { role: 'r/b', members: ['user:m'] }, remove: false },
        { kind: 'policy', policy: { bindings: [{ role: 'r/c', members: ['user:p'] }] } },
      ],
      [
        { role: 'r/c', members: ['user:p'] },
        { role: 'r/b', members: ['user:m'] },
      ],
    ],
  ] as [string, { role: string; members: string[] }[], PlannedLayer['iam'], unknown][])('%s', async (_name, bindings, iam, expected) => {
    expect(await run(bindings, iam)).toEqual(expected);
  });
});
