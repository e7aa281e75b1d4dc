import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

/**
 * A kubeconfig whose credentials come from an exec plugin (`users[].user.exec`, as
 * gke-gcloud-auth-plugin is configured) that misbehaves: client-node 1.4.0 runs it
 * with no timeout and waits for its stdout to close (dist/exec_auth.js). The built
 * binary must end on time and leave no process of the plugin behind.
 */

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** A kubeconfig for the fake kube-apiserver whose user runs `plugin` for its credential. */
async function kubeconfigWithPlugin(fixture: ServedFixture, directory: string, script: string): Promise<string> {
  const plugin = join(directory, 'plugin.sh');
  await writeFile(plugin, script);
  await chmod(plugin, 0o755);
  const config = JSON.parse(await readFile(fixture.kubeconfig, 'utf8'));
  config.users = [
    {
      name: config.users[0].name,
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, args: [], env: [{ name: 'PIDS', value: directory }], interactiveMode: 'Never', provideClusterInfo: true } },
    },
  ];
  const file = join(directory, 'kubeconfig');
  await writeFile(file, JSON.stringify(config));
  return file;
}

/** Whether a process still runs (a zombie is reaped by init soon after its parent dies: waited for). */
async function alive(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!(await running(pid))) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** Whether `pid` still runs: a zombie (state Z in /proc/PID/stat) has exited and waits only for its reaper, which in a container may be a PID 1 that never reaps. */
async function running(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z /.test(stat);
}

const pids = async (directory: string) => Promise.all(['plugin.pid', 'child.pid'].map(async (file) => Number((await readFile(join(directory, file), 'utf8')).trim())));

describe('a credential exec plugin that misbehaves', () => {
  it('hangs (with a child of its own): the run ends at --timeout, says so, and neither process survives', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-exec-'));
    const kubeconfig = await kubeconfigWithPlugin(served, directory, '#!/bin/sh\necho $$ > "$PIDS/plugin.pid"\nsleep 300 &\necho $! > "$PIDS/child.pid"\nsleep 300\n');
    const started = performance.now();
    const result = await spawnCli(['check', '--only', 'terminating-namespace', '--quiet', '--timeout', '3s', '--output', 'json'], { env: { ...served.env, KUBECONFIG: kubeconfig } });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).checks[0]).toMatchObject({ status: 'incomplete', reason: expect.stringMatching(/timed out/) });
    const [plugin, child] = await pids(directory);
    expect(await alive(plugin!)).toBe(false);
    expect(await alive(child!)).toBe(false);
  });

  it('answers, but leaves a child holding its stdout: the credential is used and the child does not survive', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-exec-'));
    // An ExecCredential as client.authentication.k8s.io/v1beta1 defines it.
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'fake-kubernetes-token' } });
    const kubeconfig = await kubeconfigWithPlugin(served, directory, `#!/bin/sh\necho $$ > "$PIDS/plugin.pid"\nsleep 300 &\necho $! > "$PIDS/child.pid"\necho '${credential}'\n`);
    const result = await spawnCli(['check', '--only', 'terminating-namespace', '--quiet', '--timeout', '20s', '--output', 'json'], { env: { ...served.env, KUBECONFIG: kubeconfig } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).checks[0]).toMatchObject({ id: 'terminating-namespace', status: 'failed' });
    expect(served.kube.requests.every((request) => request.headers.authorization === 'Bearer fake-kubernetes-token')).toBe(true);
    const [plugin, child] = await pids(directory);
    expect(await alive(plugin!)).toBe(false);
    expect(await alive(child!)).toBe(false);
  });
});
