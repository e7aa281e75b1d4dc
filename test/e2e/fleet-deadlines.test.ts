import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { byCluster, checkResult as check, useTestFleet } from '../support/test-fleet.js';

/** --timeout over a fleet with a cluster whose API server hangs: each case waits out the deadline. */
const t = useTestFleet();
// One healthy run first loads the live sources' modules (imported lazily), which a cold
// process under load may spend seconds on: the deadline should cut the hang, not the loading.
beforeAll(() => t.checkAll());

describe('check --all-clusters --timeout', () => {
  it('--timeout bounds the whole fleet run: a cluster whose API server hangs is incomplete as timed out, the others are reported, the report is written', async () => {
    const quiet = t.fleet.kube.get('acme-jobs-prod/asia-northeast1/quiet')!;
    quiet.inject({ path: '/api/v1/services', fault: 'hang' });
    try {
      const { code, report } = await t.checkAll('--timeout', '5s');
      const hung = check(byCluster(report!, 'quiet'), 'ingress-health-check');
      expect(hung).toMatchObject({ status: 'incomplete', reason: expect.stringContaining('cannot list Service objects (kubeconfig context public endpoint): timed out reading /api/v1/services from the Kubernetes API (--timeout 5s)') });
      // What the hanging cluster did answer is kept.
      expect(check(byCluster(report!, 'quiet'), 'terminating-namespace').status).toBe('passed');
      expect(check(byCluster(report!, 'prod-cluster'), 'terminating-namespace').findings.map((finding) => finding.resource)).toEqual(['Namespace/events-system']);
      expect(code).toBe(1);
    } finally {
      quiet.clearInjections();
    }
  });

  it('a cluster not yet started when --timeout passes is incomplete as not started, not left out, and no request was sent for it', async () => {
    const quiet = t.fleet.kube.get('acme-jobs-prod/asia-northeast1/quiet')!;
    quiet.inject({ path: '/api/v1/services', fault: 'hang' });
    try {
      // One at a time: the hanging cluster is read second, and the deadline passes while it hangs; tools comes after.
      const tools = t.fleet.kube.get('acme-platform/asia-northeast1-a/tools')!;
      tools.requests.length = 0;
      const { report } = await t.checkAll('--timeout', '5s', '--concurrency', '1');
      for (const result of byCluster(report!, 'tools').checks) expect(result).toMatchObject({ status: 'incomplete', reason: "not started before the run's deadline (--timeout 5s)" });
      expect(tools.requests).toEqual([]);
    } finally {
      quiet.clearInjections();
    }
  });
});

describe('check --all-clusters --cluster-timeout', () => {
  it("a hanging API server holds its slot for its share only: the clusters queued behind it are read in full", async () => {
    const quiet = t.fleet.kube.get('acme-jobs-prod/asia-northeast1/quiet')!;
    quiet.inject({ path: '/api/v1/services', fault: 'hang' });
    try {
      // One at a time, quiet second: without a share it would hold the only slot until --timeout, and tools would never start.
      const started = Date.now();
      const { report } = await t.checkAll('--timeout', '60s', '--cluster-timeout', '3s', '--concurrency', '1');
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(check(byCluster(report!, 'quiet'), 'ingress-health-check')).toMatchObject({
        status: 'incomplete',
        reason: expect.stringContaining('timed out reading /api/v1/services from the Kubernetes API (--cluster-timeout 3s)'),
      });
      expect(check(byCluster(report!, 'quiet'), 'terminating-namespace').status).toBe('passed');
      expect(check(byCluster(report!, 'tools'), 'http-load-balancing-addon').status).toBe('failed');
      expect(check(byCluster(report!, 'tools'), 'terminating-namespace').status).not.toBe('incomplete');
    } finally {
      quiet.clearInjections();
    }
  });
});

describe('snapshot DIR --all-clusters --timeout', () => {
  it('--timeout bounds it too: the hanging cluster is written with what it answered, its missing data named as timed out', async () => {
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-fleet-snapshot-')), 'fleet');
    const quiet = t.fleet.kube.get('acme-jobs-prod/asia-northeast1/quiet')!;
    quiet.inject({ path: '/api/v1/services', fault: 'hang' });
    try {
      const written = await runCli(['snapshot', directory, '--all-clusters', '--project', 'acme-jobs-prod', '--timeout', '5s'], { env: t.env, now: t.now });
      expect(written.code).toBe(3);
      expect(written.stderr).toMatch(/gke-doctor: acme-jobs-prod\/asia-northeast1\/quiet: not in the snapshot: Service: .*timed out reading .*\(--timeout 5s\)/);
      expect(await readdir(join(directory, 'acme-jobs-prod', 'asia-northeast1'))).toEqual(['prod-cluster', 'quiet']);
    } finally {
      quiet.clearInjections();
    }
  });
});
