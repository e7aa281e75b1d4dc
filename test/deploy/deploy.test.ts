import { readFile, writeFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { RUN_ID_ENV } from '../../src/fleet/run-identity.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSource } from '../../src/state/live/live-source.js';
import { FLEET_PERMISSIONS, REPORT_STORAGE_PERMISSIONS } from '../../src/fleet/fleet-permissions.js';
import { builtinChecks } from '../../checks/index.js';
import { runChecksOn } from '../../src/engine/runner.js';
import { selectChecks } from '../../src/engine/select.js';
import type { ClusterState, GcpDataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS } from '../../src/state/cluster-state.js';
import { Deadline } from '../../src/state/live/deadline.js';
import { clusterRoleYaml, readerRules } from '../../src/state/live/kubernetes-permissions.js';
import { CUSTOM_ROLES_SOURCE, GCP_DATA_SOURCES, permissionsOf } from '../../src/state/live/live-gcp.js';
import { CHECKED_DATA, everyGooglePermission, generatedDeployFiles, googlePermissions, SHIPPED_ROLES } from '../support/deploy-files.js';
import { FIXTURE_NOW, REPO_ROOT } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';
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
    expect(listed).toEqual(everyGooglePermission());
    expect(listed).toEqual(expect.arrayContaining(googlePermissions()));
  });

  it('docs/permissions.md names each permission with the role the 403 messages name', async () => {
    const readme = await readFile(`${REPO_ROOT}docs/permissions.md`, 'utf8');
    const rows = [
      ...Object.values(GCP_DATA_SOURCES).map((source) => [permissionsOf(source), source.role] as const),
      [[CUSTOM_ROLES_SOURCE.permission], CUSTOM_ROLES_SOURCE.role] as const,
      ...Object.values(FLEET_PERMISSIONS).map(({ permission, role }) => [[permission], role] as const),
      ...Object.values(REPORT_STORAGE_PERMISSIONS).map(({ permission, role }) => [[permission], role] as const),
    ];
    for (const [permissions, role] of rows) {
      const row = `| ${permissions.map((permission) => `\`${permission}\``).join(', ')} | \`${role}\` |`;
      expect(readme, row).toContain(row);
    }
  });
});

const isGcpKey = (key: string) => (GCP_DATA_KEYS as readonly string[]).includes(key as GcpDataKey);
const refusals = (served: ServedFixture) =>
  served.kube.requests.filter((request) => request.status === 403).map((request) => ({ ...requestAttributes(request.method, request.path)!, path: request.path }));
const terminatingNamespaces = (state: ClusterState) =>
  new Set(state.kubernetes.list('Namespace').filter((namespace) => namespace.metadata?.deletionTimestamp).map((namespace) => namespace.metadata!.name!));

/** Reads what every check reads, live, from `fixture` served by a kube-apiserver that enforces the reader's rules. */
async function readAsReader(served: ServedFixture): Promise<ClusterState> {
  return new LiveSource({ env: served.env, kubeconfig: served.kubeconfig, deadline: new Deadline(30_000) }).collect(CHECKED_DATA);
}

describe('the reader ClusterRole against what the live source lists, enforced by the fake kube-apiserver', () => {
  // Fixtures that between them make every check read: Ingresses and their BackendConfigs, Gateway API and GKE policy kinds,
  // Events, APIServices, a namespace stuck Terminating with a Secret and a custom resource of a CRD the reader does not know.
  it.each(['seed-eventarc-stuck-namespace', 'gateway-argocd', 'ingress-controller-events'])(
    '%s: every kind a check reads is granted; only kinds left in a Terminating namespace are refused',
    async (fixture) => {
      const served = await serveFixture(fixture, { kube: { rbac: readerRules(CHECKED_DATA) } });
      try {
        const state = await readAsReader(served);
        expect([...state.unavailable.keys()].filter((key) => !isGcpKey(key))).toEqual([]);
        const terminating = terminatingNamespaces(state);
        for (const refused of refusals(served)) expect(refused.verb === 'list' && terminating.has(refused.namespace ?? ''), refused.path).toBe(true);
        expect(served.kube.requests.filter((request) => request.method !== 'GET')).toEqual([]);
      } finally {
        await served.close();
      }
    },
    60_000,
  );

  describe('secrets-planted: a Terminating namespace holding a Secret and a custom resource', () => {
    let served: ServedFixture;
    let state: ClusterState;
    beforeAll(async () => {
      served = await serveFixture('secrets-planted', { kube: { rbac: readerRules(CHECKED_DATA) } });
      state = await readAsReader(served);
    }, 60_000);
    afterAll(() => served.close());

    it('every kind a check reads is granted; only the lists in the Terminating namespace are refused; nothing is written', () => {
      expect([...state.unavailable.keys()].filter((key) => !isGcpKey(key))).toEqual([]);
      expect(refusals(served).map((refused) => `${refused.verb} ${refused.resource} in ${refused.namespace}`).sort()).toEqual(['list databases in retired', 'list secrets in retired']);
      expect(served.kube.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    });

    it('names the Secrets and the unknown custom resource unread in the namespace, with why and how to grant them', () => {
      const unread = state.unreadInNamespaces?.get('retired') ?? [];
      expect(unread.map((kind) => kind.resource)).toEqual(['databases.example.com', 'secrets']);
      expect(unread[0]!.reason).toContain('gke-doctor-reader does not name this kind: grant list on it (docs/permissions.md#custom-resources)');
      expect(unread[1]!.reason).toMatch(/^403 secrets is forbidden: User "system:serviceaccount:gke-doctor:gke-doctor" cannot list resource "secrets" in API group "" in the namespace "retired": gke-doctor-reader does not list Secrets on purpose/);
    });

    it('the finding still names the stuck namespace, saying what could not be seen in it', async () => {
      const report = await runChecksOn(state, selectChecks(builtinChecks, ['terminating-namespace']), { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 });
      const finding = report.checks[0]!.findings.find((candidate) => candidate.resource === 'Namespace/retired');
      expect(finding?.message).toContain('These kinds could not be read in the namespace, so what is left in it is not fully known: ');
      expect(finding?.message).toContain('secrets (403 secrets is forbidden');
    });
  });
});

describe('the shipped scheduled manifests', () => {
  // A scheduler retries or marks failed on a non-zero exit (Job backoffLimit, Cloud Run execution); with
  // --fail-on never the run exits 0 whenever its report was written, and alerting comes from the report.
  it.each(['deploy/cronjob.yaml', 'deploy/fleet/indexed-job.yaml', 'deploy/fleet/cloud-run-job.yaml'])('%s runs with --fail-on never', async (file) => {
    const manifest = await readFile(`${REPO_ROOT}${file}`, 'utf8');
    expect(manifest).toMatch(/--fail-on, never\b/);
  });

  // A fleet run spools each cluster's report under $TMPDIR (src/engine/target-spool.ts): on a read-only root it
  // falls back to memory that grows with the fleet, unless /tmp is a volume.
  it('every shipped Job with a read-only root file system mounts a writable /tmp', async () => {
    for (const file of ['deploy/fleet/indexed-job.yaml']) {
      type PodSpec = { volumes?: { name: string; emptyDir?: unknown }[]; containers: { securityContext?: { readOnlyRootFilesystem?: boolean }; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[] };
      const pod = (parse(await readFile(`${REPO_ROOT}${file}`, 'utf8')) as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
      for (const container of pod.containers.filter((candidate) => candidate.securityContext?.readOnlyRootFilesystem)) {
        const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === '/tmp' && !candidate.readOnly);
        expect(mount, file).toBeDefined();
        expect(pod.volumes?.find((volume) => volume.name === mount!.name)?.emptyDir, file).toBeDefined();
      }
    }
  });

  // Every Pod of one Job (each index, each retry) shares the Job's uid label, and each new Job has its own
  // (kubernetes pkg/apis/batch/types.go ControllerUidLabel): the run id its shards are written under.
  it('the Indexed Job names its run from its controller-uid label, through the downward API', async () => {
    const job = parse(await readFile(`${REPO_ROOT}deploy/fleet/indexed-job.yaml`, 'utf8')) as { spec: { template: { spec: { containers: { env?: unknown[] }[] } } } };
    expect(job.spec.template.spec.containers[0]!.env).toContainEqual({ name: RUN_ID_ENV, valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } } });
  });
});
