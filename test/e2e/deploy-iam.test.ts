import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeRequest, FakeResponse } from '../support/fake-http.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { googleError } from '../support/fake-gcp.js';
import { CONNECT_GATEWAY_PERMISSIONS, FLEET_LIST_PERMISSIONS, googlePermissions, REPORT_PERMISSIONS } from '../support/deploy-files.js';
import { REPO_ROOT } from '../support/fixtures.js';

const run = promisify(execFile);

/** Project numbers the fake Resource Manager answers `projects describe` with. */
const NUMBERS: Record<string, string> = { 'my-project': '111111111111', 'fleet-ops': '222222222222', 'team-a': '333333333333', 'team-b': '444444444444' };

/**
 * What deploy/iam/gcloud.sh asks of Google, answered as the APIs answer (IAM v1 roles, Resource Manager v1 projects and
 * their IAM policies, the Cloud Storage JSON API's bucket IAM): custom roles and policies are kept, so a second run finds
 * the roles it made.
 */
class FakeGoogleIam extends FakeHttpServer {
  readonly roles = new Map<string, { includedPermissions?: string[] }>();
  readonly policies = new Map<string, { bindings: { role: string; members: string[] }[]; etag: string; version?: number }>();

  constructor() {
    super((request) => this.answer(request), (status, message) => googleError(status, message));
  }

  private answer({ method, path, body }: FakeRequest): FakeResponse {
    const sent = (body ?? {}) as Record<string, unknown>;
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = /^\/v1\/projects\/([^/:]+)$/.exec(path))) {
      const number = NUMBERS[match[1]!];
      return number ? { status: 200, body: { projectId: match[1], projectNumber: number, lifecycleState: 'ACTIVE' } } : { status: 403, body: googleError(403, 'The caller does not have permission') };
    }
    if (method === 'POST' && path === '/v1/permissions:queryTestablePermissions') return { status: 200, body: {} };
    if ((match = /^\/v1\/(projects\/[^/]+\/roles\/[^/]+)$/.exec(path))) {
      const role = this.roles.get(match[1]!);
      if (!role) return { status: 404, body: googleError(404, `The role named ${match[1]} was not found.`) };
      if (method === 'PATCH') this.roles.set(match[1]!, { ...role, ...(sent as object) });
      return { status: 200, body: { name: match[1], etag: 'BwX=', ...this.roles.get(match[1]!) } };
    }
    if (method === 'POST' && (match = /^\/v1\/(projects\/[^/]+)\/roles$/.exec(path))) {
      const name = `${match[1]}/roles/${sent.roleId as string}`;
      this.roles.set(name, sent.role as { includedPermissions?: string[] });
      return { status: 200, body: { name, etag: 'BwX=', ...(sent.role as object) } };
    }
    // Resource Manager v1 projects:getIamPolicy / :setIamPolicy, and Cloud Storage's b/BUCKET/iam.
    if ((match = /^\/v1\/projects\/([^/:]+):(getIamPolicy|setIamPolicy)$/.exec(path)) || (match = /^\/storage\/v1\/b\/([^/]+)\/(iam)$/.exec(path))) {
      const resource = path.startsWith('/storage') ? `bucket ${match[1]}` : `project ${match[1]}`;
      if (match[2] === 'setIamPolicy' || method === 'PUT') this.policies.set(resource, (match[2] === 'setIamPolicy' ? sent.policy : sent) as never);
      return { status: 200, body: this.policies.get(resource) ?? { version: 1, etag: 'BwX=', bindings: [] } };
    }
    return { status: 404, body: googleError(404, `not served by the fake: ${method} ${path}`) };
  }
}

describe('deploy/iam/gcloud.sh with the real gcloud, against fake Google APIs', () => {
  let google: FakeGoogleIam;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    google = await new FakeGoogleIam().start();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CLOUDSDK_CONFIG: await mkdtemp(join(tmpdir(), 'gke-doctor-gcloud-')),
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'fake-google-token',
      CLOUDSDK_CORE_PROJECT: 'unused-default',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: `${google.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER: `${google.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${google.url}/storage/v1/`,
    };
  });
  afterAll(() => google.close());

  const script = (variables: Record<string, string>) => run('sh', [`${REPO_ROOT}deploy/iam/gcloud.sh`], { env: { ...env, ...variables }, timeout: 240_000 });
  const principal = (number: string, project: string) =>
    `principal://iam.googleapis.com/projects/${number}/locations/global/workloadIdentityPools/${project}.svc.id.goog/subject/ns/gke-doctor/sa/gke-doctor`;
  const members = (resource: string, role: string) => google.policies.get(resource)?.bindings.find((binding) => binding.role === role)?.members;

  it('parses with sh and bash', async () => {
    await run('sh', ['-n', `${REPO_ROOT}deploy/iam/gcloud.sh`]);
    await run('bash', ['-n', `${REPO_ROOT}deploy/iam/gcloud.sh`]);
  });

  it('one project: the reader role in it, granted to the Workload Identity principal of its own pool', async () => {
    await script({ PROJECT_ID: 'my-project' });
    expect(google.roles.get('projects/my-project/roles/gkeDoctorReader')?.includedPermissions).toEqual(googlePermissions());
    expect(members('project my-project', 'projects/my-project/roles/gkeDoctorReader')).toEqual([principal(NUMBERS['my-project']!, 'my-project')]);
    expect([...google.policies.keys()]).toEqual(['project my-project']);
  }, 240_000);

  it('a fleet from a central project: each target gets the role with the fleet permissions, granted to the central pool’s principal; the report bucket its writer role', async () => {
    // team-a's role exists from an older gke-doctor: it is updated to exactly these permissions.
    google.roles.set('projects/team-a/roles/gkeDoctorReader', { includedPermissions: ['container.clusters.get'] });
    await script({ PROJECT_ID: 'fleet-ops', TARGET_PROJECTS: 'team-a,team-b', FLEET: '1', CONNECT_GATEWAY: '1', REPORT_BUCKET: 'fleet-reports' });
    const central = principal(NUMBERS['fleet-ops']!, 'fleet-ops');
    for (const target of ['team-a', 'team-b']) {
      expect(google.roles.get(`projects/${target}/roles/gkeDoctorReader`)?.includedPermissions).toEqual([...googlePermissions(), ...FLEET_LIST_PERMISSIONS, ...CONNECT_GATEWAY_PERMISSIONS]);
      expect(members(`project ${target}`, `projects/${target}/roles/gkeDoctorReader`)).toEqual([central]);
    }
    expect(google.roles.get('projects/fleet-ops/roles/gkeDoctorReportWriter')?.includedPermissions).toEqual(REPORT_PERMISSIONS);
    expect(REPORT_PERMISSIONS).toEqual(expect.arrayContaining(['storage.objects.create', 'storage.objects.delete']));
    expect(members('bucket fleet-reports', 'projects/fleet-ops/roles/gkeDoctorReportWriter')).toEqual([central]);
    expect(google.policies.has('project fleet-ops')).toBe(false);
    // Nothing asked about the target projects' own pools: the principal is the job's.
    expect(google.requests.some((request) => request.method === 'GET' && /^\/v1\/projects\/team-[ab]$/.test(request.path))).toBe(false);
  }, 240_000);
});

describe('deploy/iam/main.tf', () => {
  // terraform validate needs the google provider, which these machines cannot download: fmt checks the syntax and
  // layout; test/deploy holds its permissions to the same lists as gcloud.sh.
  it('is in terraform fmt’s canonical form', async () => {
    await run('terraform', ['fmt', '-check', '-diff', `${REPO_ROOT}deploy/iam`], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
  });
});
