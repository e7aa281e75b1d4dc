import { readFile, writeFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { RUN_ID_ENV } from '../../src/fleet/run-identity.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSource } from '../../src/state/live/live-source.js';
import type { PolicyRule } from '../../src/state/live/kubernetes-permissions.js';
import { readerClusterRoleYaml, readerRules } from '../../src/state/live/kubernetes-permissions.js';
import { CHECKED_DATA, generatedDeployFiles, googlePermissions } from '../support/deploy-files.js';
import type { LoggedRequest } from '../support/fake-http.js';
import { REPO_ROOT } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

describe('deploy/ is generated from what the live sources read', () => {
  it.each(Object.entries(generatedDeployFiles()))('%s is up to date', async (file, text) => {
    if (process.env.UPDATE_DEPLOY) await writeFile(`${REPO_ROOT}${file}`, text);
    expect(await readFile(`${REPO_ROOT}${file}`, 'utf8')).toBe(text);
  });

  it('docs/permissions.md gives the same ClusterRole and Google permissions', async () => {
    const readme = await readFile(`${REPO_ROOT}docs/permissions.md`, 'utf8');
    expect(readme).toContain(`\`\`\`yaml\n${readerClusterRoleYaml(CHECKED_DATA)}---\n`);
    const listed = /--permissions=(\S+)/.exec(readme)?.[1]?.split(',') ?? [];
    expect(listed).toEqual(expect.arrayContaining(googlePermissions()));
  });
});

/** What kube-apiserver's RequestInfo makes of a request (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go), for RBAC. */
interface Attributes {
  verb: string;
  apiGroup: string;
  resource: string;
}

function attributesOf(request: LoggedRequest): Attributes | null {
  const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/(.*)$/.exec(request.path);
  // /api, /apis, /apis/GROUP/VERSION: discovery, non-resource URLs every authenticated user may read (system:discovery).
  if (!match || match[2] === '') return null;
  let parts = match[2]!.split('/');
  // namespaces/NS/RESOURCE… is a namespaced request; namespaces and namespaces/NS alone are the namespace resource.
  if (parts[0] === 'namespaces' && parts.length > 2) parts = parts.slice(2);
  const [resource, name, subresource] = parts as [string, string?, string?];
  const verb = request.method === 'GET' ? (name === undefined ? 'list' : 'get') : request.method.toLowerCase();
  return { verb, apiGroup: match[1] ?? '', resource: subresource ? `${resource}/${subresource}` : resource };
}

/** k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go: VerbMatches, APIGroupMatches, ResourceMatches. */
function allows(rule: PolicyRule, { verb, apiGroup, resource }: Attributes): boolean {
  const has = (values: string[], value: string) => values.includes('*') || values.includes(value);
  const subresource = resource.split('/')[1];
  return has(rule.verbs, verb) && has(rule.apiGroups, apiGroup) && (has(rule.resources, resource) || (subresource !== undefined && rule.resources.includes(`*/${subresource}`)));
}

describe('the ClusterRole gke-doctor-reader against what the live source requests', () => {
  let served: ServedFixture;
  let requests: Attributes[];
  beforeAll(async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const source = new LiveSource({ env: served.env, kubeconfig: served.kubeconfig });
    // Every check's data, and one --probe: everything a run can ask the API server for.
    await source.collect(CHECKED_DATA);
    const pod = served.kube.requests.length;
    await source.probe({ namespace: 'jobapp', pod: 'jobapp-6d8f7b9c5d-x2k4q', port: 8080, path: '/healthz', scheme: 'HTTP' });
    expect(served.kube.requests.length).toBe(pod + 1);
    requests = served.kube.requests.map(attributesOf).filter((attributes): attributes is Attributes => attributes !== null);
  }, 60_000);
  afterAll(() => served.close());

  it('grants every request', () => {
    expect(requests.length).toBeGreaterThan(10);
    for (const request of requests) expect(readerRules(CHECKED_DATA).some((rule) => allows(rule, request)), JSON.stringify(request)).toBe(true);
  });

  it('grants nothing that is not requested: every verb on every resource of every rule is used', () => {
    for (const rule of readerRules(CHECKED_DATA)) {
      for (const verb of rule.verbs) {
        for (const apiGroup of rule.apiGroups) {
          for (const resource of rule.resources) {
            const used = requests.some((request) => request.verb === verb && (apiGroup === '*' || request.apiGroup === apiGroup) && (resource === '*' || request.resource === resource));
            expect(used, `${verb} ${apiGroup}/${resource}`).toBe(true);
          }
        }
      }
    }
    // The wildcard list rule is what lists kinds no other rule names (in a namespace being deleted).
    const others = readerRules(CHECKED_DATA).filter((rule) => !rule.apiGroups.includes('*'));
    expect(requests.some((request) => !others.some((rule) => allows(rule, request)))).toBe(true);
  });

  it('is read-only: the source sends nothing but GET', () => {
    expect(served.kube.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });
});

describe('the shipped scheduled manifests', () => {
  // A scheduler retries or marks failed on a non-zero exit (Job backoffLimit, Cloud Run execution); with
  // --fail-on never the run exits 0 whenever its report was written, and alerting comes from the report.
  it.each(['deploy/cronjob.yaml', 'deploy/fleet/indexed-job.yaml', 'deploy/fleet/cloud-run-job.yaml'])('%s runs with --fail-on never', async (file) => {
    const manifest = await readFile(`${REPO_ROOT}${file}`, 'utf8');
    expect(manifest).toMatch(/--fail-on, never\b/);
  });

  // Every Pod of one Job (each index, each retry) shares the Job's uid label, and each new Job has its own
  // (kubernetes pkg/apis/batch/types.go ControllerUidLabel): the run id its shards are written under.
  it('the Indexed Job names its run from its controller-uid label, through the downward API', async () => {
    const job = parse(await readFile(`${REPO_ROOT}deploy/fleet/indexed-job.yaml`, 'utf8')) as { spec: { template: { spec: { containers: { env?: unknown[] }[] } } } };
    expect(job.spec.template.spec.containers[0]!.env).toContainEqual({ name: RUN_ID_ENV, valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } } });
  });
});
