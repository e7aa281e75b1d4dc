import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { runCli } from '../support/cli.js';
import type { AssetApiState } from '../support/fake-gcp-fleet.js';
import type { Fault } from '../support/fake-http.js';
import type { TestFleet } from '../support/test-fleet.js';
import { serveTestFleet } from '../support/test-fleet.js';

/**
 * The fault matrix of fleet discovery (the single-cluster matrix, fault-matrix.test.ts, covers
 * what each cluster's reads call): every endpoint a healthy `--parent` run requests from the fleet
 * fake, with Cloud Asset Inventory on and then off, answers in turn with faults (three each, rotating,
 * so every fault lands somewhere: each waits out real time). The endpoints are not listed here: they
 * are what the runs request, one per shape (every project's cluster list is one endpoint). Whatever an
 * endpoint does, the report is written, the run never crashes nor exits 2, and what could not be
 * listed is named.
 */
type Answer = { name: string; status: number } | { name: string; fault: Fault };
const ANSWERS: readonly Answer[] = [
  { name: '403', status: 403 },
  { name: '500', status: 500 },
  { name: '429', status: 429 },
  { name: 'reset', fault: 'reset' },
  { name: 'truncated body', fault: 'truncate' },
  { name: 'no answer', fault: 'hang' },
];
const FAULTS_PER_ENDPOINT = 3;
const TIMEOUT = '6s';

let t: TestFleet;
beforeAll(async () => {
  t = await serveTestFleet();
});
afterAll(() => t.close());

const run = () => runCli(['check', '--all-clusters', '--parent', 'organizations/100', '--only', 'terminating-namespace', '--timeout', TIMEOUT, '--output', 'json'], { env: t.env, now: t.now });

/** The discovery endpoints a healthy run requests (not each project's own data, nor the clusters' API servers), as method and path. */
async function discoveryEndpoints(asset: AssetApiState): Promise<{ asset: AssetApiState; path: string }[]> {
  t.fleet.asset = asset;
  t.fleet.requests.length = 0;
  const healthy = await run();
  expect(healthy.code).not.toBe(2);
  const discovery = t.fleet.requests.filter((request) => /:searchAllResources$|^\/v3\/(folders|projects)$|\/locations\/-\/clusters$/.test(request.path));
  const byShape = new Map(discovery.map((request) => [request.path.replace(/\/projects\/[^/]+\//, '/projects/P/'), request.path]));
  t.fleet.asset = 'enabled';
  return [...byShape.values()].sort().map((path) => ({ asset, path }));
}

describe('fleet discovery under faults', () => {
  it('every discovery endpoint, with every fault: the report is written, nothing crashes, the gap is named', { timeout: 600_000 }, async () => {
    const endpoints = [...(await discoveryEndpoints('enabled')), ...(await discoveryEndpoints('disabled'))];
    // Asset search, folders.list and projects.list, and the cluster lists: all were seen.
    expect(endpoints.map(({ path }) => path.replace(/\/projects\/[^/]+\//, '/projects/P/'))).toEqual(expect.arrayContaining(['/v1/organizations/100:searchAllResources', '/v3/folders', '/v3/projects', '/v1/projects/P/locations/-/clusters']));
    const failures: string[] = [];
    for (const [index, { asset, path }] of endpoints.entries()) {
      for (const answer of Array.from({ length: FAULTS_PER_ENDPOINT }, (_, offset) => ANSWERS[(index * FAULTS_PER_ENDPOINT + offset) % ANSWERS.length]!)) {
        t.fleet.asset = asset;
        t.fleet.inject({ method: 'GET', path, ...('fault' in answer ? { fault: answer.fault } : { status: answer.status }) });
        try {
          const { code, stdout, stderr } = await run();
          const where = `${path} (Asset API ${asset}) ${answer.name}`;
          if (code !== 1 && code !== 3) failures.push(`${where}: exit ${code}: ${stderr.slice(0, 300)}`);
          if (/\n\s+at |TypeError/.test(stderr)) failures.push(`${where}: a stack trace on stderr`);
          const report = JSON.parse(stdout) as FleetReport;
          const discovery = report.fleet.discovery;
          const gapNamed =
            (discovery?.fallback ?? null) !== null || (discovery?.unlisted.length ?? 0) > 0 || (report.fleet.projects ?? []).some((project) => project.status !== 'listed');
          // A 429 or 500 may be retried to success; any other fault leaves a gap that the report names.
          if (!gapNamed && !['429', '500'].includes(answer.name)) failures.push(`${where}: the report names no gap`);
          if (code === 3 && !gapNamed && report.fleet.incomplete === 0) failures.push(`${where}: incomplete with nothing named`);
        } finally {
          t.fleet.clearInjections();
          t.fleet.asset = 'enabled';
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
