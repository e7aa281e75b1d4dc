import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../src/state/live/kubernetes-permissions.js';
import { readerRules } from '../../src/state/live/kubernetes-permissions.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { CHECKED_DATA } from '../support/deploy-files.js';
import { serveFixture } from '../support/live.js';
import { FakeKubeApiServer, kubectlFlags } from '../support/fake-kube-apiserver.js';
import { REPO_ROOT } from '../support/fixtures.js';

const run = promisify(execFile);

describe('deploy/ with kubectl', () => {
  let fake: FakeKubeApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    fake = await new FakeKubeApiServer([]).start();
    kubeconfig = await fake.writeKubeconfig(join(await mkdtemp(join(tmpdir(), 'gke-doctor-')), 'kubeconfig'), 'fake');
  });
  afterAll(() => fake.close());

  it('kubectl apply -k deploy/ --dry-run=client takes every object and writes nothing', async () => {
    // The fake serves no OpenAPI document, so kubectl's schema validation is off; discovery maps every kind.
    const { stdout } = await run('kubectl', [...kubectlFlags(kubeconfig), 'apply', '-k', `${REPO_ROOT}deploy`, '--dry-run=client', '--validate=false'], { timeout: 30_000 });
    expect(stdout.trim().split('\n').sort()).toEqual([
      'clusterrole.rbac.authorization.k8s.io/gke-doctor-reader created (dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/gke-doctor-reader created (dry run)',
      'cronjob.batch/gke-doctor created (dry run)',
      'namespace/gke-doctor created (dry run)',
      'serviceaccount/gke-doctor created (dry run)',
    ]);
    expect(fake.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('the --probe and --fix ClusterRoles pass the same dry run', async () => {
    const files = ['cluster-role-probe.yaml', 'cluster-role-fix.yaml'].flatMap((file) => ['-f', `${REPO_ROOT}deploy/${file}`]);
    const { stdout } = await run('kubectl', [...kubectlFlags(kubeconfig), 'apply', ...files, '--dry-run=client', '--validate=false'], { timeout: 30_000 });
    expect(stdout.trim().split('\n')).toEqual(['clusterrole.rbac.authorization.k8s.io/gke-doctor-probe created (dry run)', 'clusterrole.rbac.authorization.k8s.io/gke-doctor-fix created (dry run)']);
  });

  it('the sharded fleet check as an Indexed Job passes the same dry run', async () => {
    const { stdout } = await run('kubectl', [...kubectlFlags(kubeconfig), 'apply', '-f', `${REPO_ROOT}deploy/fleet/indexed-job.yaml`, '--dry-run=client', '--validate=false'], { timeout: 30_000 });
    expect(stdout.trim()).toBe('job.batch/gke-doctor-fleet created (dry run)');
  });
});

describe('docs/permissions.md: the ClusterRole for a cluster’s own custom resources', () => {
  it('made with its kubectl commands, it names every listable namespaced kind but Secrets, and with the reader gke-doctor then sees a Terminating namespace in full but its Secrets', async () => {
    const markdown = await readFile(`${REPO_ROOT}docs/permissions.md`, 'utf8');
    const command = /\n(kubectl create clusterrole gke-doctor-namespace-contents [^]*?> namespace-contents\.yaml)\n/.exec(markdown)?.[1];
    expect(command).toBeDefined();
    const served = await serveFixture('secrets-planted');
    const work = await mkdtemp(join(tmpdir(), 'gke-doctor-contents-'));
    try {
      // The documented command as a user runs it: bash, with kubectl pointed at the fake (a discovery cache of its own).
      await run('bash', ['-euo', 'pipefail', '-c', command!], { cwd: work, env: { ...process.env, KUBECONFIG: served.kubeconfig, KUBECACHEDIR: join(work, 'cache') }, timeout: 30_000 });
      const role = parse(await readFile(join(work, 'namespace-contents.yaml'), 'utf8')) as { kind: string; rules: PolicyRule[] };
      expect(role.kind).toBe('ClusterRole');
      const granted = role.rules.flatMap((rule) => rule.resources.map((resource) => `${resource}.${rule.apiGroups[0]}`));
      expect(granted).toContain('databases.example.com');
      expect(granted).not.toContain('secrets.');
      expect(role.rules.every((rule) => rule.verbs.join() === 'list' && !JSON.stringify(rule).includes('*'))).toBe(true);

      const withContents = await serveFixture('secrets-planted', { kube: { rbac: [...readerRules(CHECKED_DATA), ...role.rules] } });
      try {
        const state = await new LiveSource({ env: withContents.env, kubeconfig: withContents.kubeconfig }).collect(CHECKED_DATA);
        expect(state.unreadInNamespaces?.get('retired')?.map((kind) => kind.resource)).toEqual(['secrets']);
      } finally {
        await withContents.close();
      }
    } finally {
      await served.close();
    }
  }, 60_000);
});
