import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { runCli } from '../support/cli.js';
import { FakeGcs } from '../support/fake-gcs.js';
import { byCluster, checkResult as check, useTestFleet } from '../support/test-fleet.js';

/** --timeout with a bucket that never answers the upload (issue 26): each case waits out the deadline. */
const t = useTestFleet();
let gcs: FakeGcs;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  gcs = await new FakeGcs().bucket('fleet-reports').start();
  env = { ...t.env, ...gcs.clientEnv() };
  // One run first loads the live sources' modules, so the deadline cuts the hang, not the loading.
  await t.checkAll();
});
afterAll(() => gcs.close());

describe('check --all-clusters --timeout with the report going to Cloud Storage', () => {
  it('holds with a hanging bucket and a hanging cluster: the reads end early enough, the report is written locally, in one line', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'gke-doctor-cwd-'));
    const quiet = t.fleet.kube.get('acme-jobs-prod/asia-northeast1/quiet')!;
    quiet.inject({ path: '/api/v1/services', fault: 'hang' });
    gcs.inject({ method: 'POST', path: '/upload/storage/v1/b/fleet-reports/o', fault: 'hang' });
    try {
      const started = Date.now();
      const { code, stderr } = await runCli(
        ['check', '--all-clusters', '--project', 'acme-jobs-prod,acme-platform', '--quiet', '--timeout', '3s', '--fail-on', 'never', '--run-id', 'nightly-1', '--output', 'json', '--output-file', 'gs://fleet-reports/nightly/report.json'],
        { env, now: t.now, cwd },
      );
      const elapsed = Date.now() - started;
      // Today's failure: 60 s past the timeout, and the report lost.
      expect(elapsed).toBeLessThan(4_500);
      const local = join(cwd, 'gke-doctor-report-nightly-1.json');
      expect(stderr).toBe(`gke-doctor: gs://fleet-reports/nightly/report.json: cannot write: timed out uploading (--timeout 3s); wrote the report to ${local} instead\n`);
      // Not written where it was asked to be: not "written", whatever --fail-on.
      expect(code).toBe(2);
      expect((await stat(local)).mode & 0o777).toBe(0o600);
      const report = JSON.parse(await readFile(local, 'utf8')) as FleetReport;
      expect(report.run).toMatchObject({ id: 'nightly-1' });
      // The hanging cluster was cut a second before the timeout (the upload's share), and says so.
      expect(check(byCluster(report, 'quiet'), 'ingress-health-check')).toMatchObject({ status: 'incomplete', reason: expect.stringContaining('(--timeout 3s)') });
      expect(check(byCluster(report, 'prod-cluster'), 'terminating-namespace').status).toBe('failed');
    } finally {
      quiet.clearInjections();
      gcs.clearInjections();
    }
  });
});
