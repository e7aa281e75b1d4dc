import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import type { Report } from '../../src/engine/report.js';
import type { CliResult } from './cli.js';
import { runCli } from './cli.js';
import type { FleetHierarchy } from './fake-gcp-fleet.js';
import { FakeGcpFleet } from './fake-gcp-fleet.js';
import { fixtureTime } from './fixtures.js';

export interface TestFleet {
  fleet: FakeGcpFleet;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** `check --all-clusters` over every project of the fleet, JSON report parsed. */
  checkAll: (...args: string[]) => Promise<CliResult & { report: FleetReport | undefined }>;
  close: () => Promise<void>;
}

/**
 * The organization above the test fleet (`--parent`): the two projects with clusters in a folder and a
 * folder within it, a sandbox project with none, a project that never enabled the container API, and a
 * folder whose children the caller may not list.
 */
export const TEST_HIERARCHY: FleetHierarchy = {
  children: {
    'organizations/100': { folders: ['folders/200', 'folders/300', 'folders/400'], projects: ['acme-sandbox'] },
    'folders/200': { folders: ['folders/210'], projects: ['acme-jobs-prod'] },
    'folders/210': { projects: ['acme-platform'] },
    'folders/300': { projects: ['acme-dormant'] },
    'folders/400': { projects: ['acme-restricted'] },
  },
  denied: ['folders/400'],
  containerDisabled: ['acme-dormant'],
};

/** Two projects: three clusters (one with no API server at its endpoint) and one; a third project denies listing. */
export async function serveTestFleet(): Promise<TestFleet> {
  const fleet = await FakeGcpFleet.serve([
    {
      fixture: 'seed-eventarc-stuck-namespace',
      clusters: [
        { location: 'asia-northeast1', name: 'prod-cluster', fixture: 'seed-eventarc-stuck-namespace' },
        { location: 'asia-northeast1', name: 'quiet', fixture: 'healthy' },
        { location: 'us-central1', name: 'gone', fixture: 'healthy', unreachable: true },
      ],
    },
    { fixture: 'seed-ingress-addon-disabled', clusters: [{ location: 'asia-northeast1-a', name: 'tools', fixture: 'seed-ingress-addon-disabled' }] },
  ], { hierarchy: TEST_HIERARCHY });
  const env = fleet.clientEnv(await mkdtemp(join(tmpdir(), 'gke-doctor-home-')));
  const now = () => fixtureTime('seed-eventarc-stuck-namespace');
  const checkAll = async (...args: string[]) => {
    const result = await runCli(['check', '--all-clusters', '--project', 'acme-jobs-prod,acme-platform', '--project', 'locked-out', '--output', 'json', ...args], { env, now });
    return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as FleetReport) : undefined };
  };
  return { fleet, env, now, checkAll, close: () => fleet.close() };
}

/** The test fleet for one test file: served before its tests, closed after them. */
export function useTestFleet(): TestFleet {
  const handle = {} as TestFleet;
  beforeAll(async () => {
    Object.assign(handle, await serveTestFleet());
  });
  afterAll(() => handle.close());
  return handle;
}

export const label = ({ target }: Report) => `${target.project}/${target.location ?? ''}/${target.cluster ?? ''}`;
export const byCluster = (report: FleetReport, cluster: string) => report.targets.find((target) => target.target.cluster === cluster)!;
export const checkResult = (report: Report, id: string) => report.checks.find((candidate) => candidate.id === id)!;
