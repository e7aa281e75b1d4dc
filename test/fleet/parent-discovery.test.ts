import { describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { runCli } from '../support/cli.js';
import { label, useTestFleet } from '../support/test-fleet.js';

// The organization above the test fleet: test/support/test-fleet.ts TEST_HIERARCHY.
const t = useTestFleet();

async function checkParent(...args: string[]) {
  const result = await runCli(['check', '--all-clusters', '--parent', 'organizations/100', '--output', 'json', ...args], { env: t.env, now: t.now });
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as FleetReport) : undefined };
}

const requestsTo = (pattern: RegExp) => t.fleet.requests.filter((request) => pattern.test(request.path));

describe('check --all-clusters --parent', () => {
  it('finds every cluster beneath an organization with one paged Cloud Asset Inventory search, and says so', async () => {
    t.fleet.requests.length = 0;
    const { report } = await checkParent();
    expect(report!.fleet.discovery).toEqual({ parent: 'organizations/100', via: 'cloud-asset-inventory', fallback: null, unlisted: [] });
    expect(report!.targets.map(label)).toEqual([
      'acme-jobs-prod/asia-northeast1/prod-cluster',
      'acme-jobs-prod/asia-northeast1/quiet',
      'acme-jobs-prod/us-central1/gone',
      'acme-platform/asia-northeast1-a/tools',
    ]);
    // Four clusters, two a page: the search followed nextPageToken; only the projects holding clusters were listed.
    const searches = requestsTo(/:searchAllResources$/);
    expect(searches.map((request) => [request.query['assetTypes'], request.query['pageToken'] ?? ''])).toEqual([
      ['container.googleapis.com/Cluster', ''],
      ['container.googleapis.com/Cluster', '2'],
    ]);
    expect(requestsTo(/\/locations\/-\/clusters$/).map((request) => request.path).sort()).toEqual(['/v1/projects/acme-jobs-prod/locations/-/clusters', '/v1/projects/acme-platform/locations/-/clusters']);
    expect(requestsTo(/^\/v3\/(folders|projects)$/)).toEqual([]);
    expect(report!.fleet.projects?.map((project) => `${project.project} ${project.status} ${project.clusters}`)).toEqual(['acme-jobs-prod listed 3', 'acme-platform listed 1']);
  });

  it.each([
    ['not enabled', 'disabled' as const, "cloudasset.googleapis.com is not enabled for the caller's project"],
    ['denied', 'denied' as const, 'permission cloudasset.assets.searchAllResources denied on organizations/100; roles/cloudasset.viewer grants it'],
  ])('with Cloud Asset Inventory %s, walks the folders with Resource Manager: every project, a denied folder named with its permission and role', async (_, state, fallback) => {
    t.fleet.asset = state;
    t.fleet.requests.length = 0;
    try {
      const { code, report } = await checkParent();
      expect(report!.fleet.discovery).toEqual({
        parent: 'organizations/100',
        via: 'resource-manager',
        fallback,
        unlisted: [
          {
            resource: 'folders/400',
            reason: 'cannot list the folders in folders/400 (cloudresourcemanager.googleapis.com): permission resourcemanager.folders.list denied; roles/browser grants it',
            permission: 'resourcemanager.folders.list',
            role: 'roles/browser',
          },
          {
            resource: 'folders/400',
            reason: 'cannot list the projects in folders/400 (cloudresourcemanager.googleapis.com): permission resourcemanager.projects.list denied; roles/browser grants it',
            permission: 'resourcemanager.projects.list',
            role: 'roles/browser',
          },
        ],
      });
      // The nested folder was walked; a project with no cluster, or without the container API at all, has 0 clusters.
      expect(report!.fleet.projects?.map((project) => `${project.project} ${project.status} ${project.clusters}`)).toEqual([
        'acme-dormant listed 0',
        'acme-jobs-prod listed 3',
        'acme-platform listed 1',
        'acme-sandbox listed 0',
      ]);
      expect(report!.fleet.clusters).toBe(4);
      // Every parent was listed with projects.list and folders.list, each page of them (three folders, two a page).
      expect(requestsTo(/^\/v3\/folders$/).filter((request) => request.query['parent'] === 'organizations/100').map((request) => request.query['pageToken'] ?? '')).toEqual(['', '2']);
      expect(new Set(requestsTo(/^\/v3\/projects$/).map((request) => request.query['parent']))).toEqual(new Set(['organizations/100', 'folders/200', 'folders/210', 'folders/300', 'folders/400']));
      expect(code).toBe(1);
      const text = await runCli(['check', '--all-clusters', '--parent', 'organizations/100', '--cluster-filter', 'quiet', '--only', 'terminating-namespace'], { env: t.env, now: t.now });
      expect(text.stdout).toContain(`Projects under organizations/100: found with Resource Manager (Cloud Asset Inventory not used: ${fallback})`);
      // Counted after --cluster-filter: acme-platform's one cluster is not among those to check.
      expect(text.stdout).toContain('Projects with 0 clusters: acme-dormant, acme-platform, acme-sandbox');
      expect(text.stdout).toMatch(/Could not be checked:\n {2}folders\/400: cannot list the folders in folders\/400 \(cloudresourcemanager\.googleapis\.com\): permission resourcemanager\.folders\.list denied/);
      // The folder it could not list makes the run incomplete, whatever the clusters say.
      expect(text.code).toBe(3);
    } finally {
      t.fleet.asset = 'enabled';
    }
  });

  it('adds the projects named with --project, each listed once', async () => {
    t.fleet.requests.length = 0;
    const { report } = await checkParent('--project', 'acme-platform,locked-out');
    expect(report!.fleet.projects?.map((project) => `${project.project} ${project.status}`)).toEqual(['acme-jobs-prod listed', 'acme-platform listed', 'locked-out unlisted']);
    expect(requestsTo(/^\/v1\/projects\/acme-platform\/locations\/-\/clusters$/)).toHaveLength(1);
  });

  it('refuses a parent that is not a folder or an organization, in one line, before any request', async () => {
    t.fleet.requests.length = 0;
    expect(await runCli(['check', '--all-clusters', '--parent', 'projects/acme'], { env: t.env })).toMatchObject({
      code: 2,
      stderr: 'gke-doctor: --parent projects/acme: expected folders/ID or organizations/ID (a number, as gcloud resource-manager folders list prints it)\n',
    });
    expect(await runCli(['check', '--parent', 'folders/1'], { env: t.env })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^gke-doctor: --parent is for fleet runs/) });
    expect(t.fleet.requests).toEqual([]);
  });
});
