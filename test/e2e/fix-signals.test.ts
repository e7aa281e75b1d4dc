import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { REPO_ROOT } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';
import { stuckNamespaceFiles } from '../support/stuck-namespaces.js';

/**
 * SIGINT and SIGTERM during `check --fix`, sent to the built binary: the namespace in
 * flight is finished or abandoned and read again, nothing more is started or written,
 * the report says what became of each namespace, and the exit code is the shell's for
 * the signal (130, 143).
 */

// Three namespaces stuck on the `kubernetes` finalizer with nothing left in them.
const files = stuckNamespaceFiles([
  ['a-orders', '0a1b2c3d-0000-4000-8000-000000000001'],
  ['b-payments', '0a1b2c3d-0000-4000-8000-000000000002'],
  ['c-search', '0a1b2c3d-0000-4000-8000-000000000003'],
]);

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** Runs `check --fix --yes` and sends `signal` when the fake kube-apiserver receives `when` (a PUT); the exit code, the report and stderr. */
function fixAndSignal(fixture: ServedFixture, backup: string, signal: NodeJS.Signals, when: string): Promise<{ code: number | null; killedBy: NodeJS.Signals | null; report: Report; stderr: string; ms: number }> {
  const args = ['check', '--only', 'terminating-namespace', '--quiet', '--fix', '--yes', '--backup-dir', backup, '--output', 'json'];
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/gke-doctor.js`, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...fixture.env } });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  let sentAt = 0;
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  fixture.kube.onArrival = (request) => {
    if (sentAt || request.method !== 'PUT' || request.path !== when) return;
    sentAt = performance.now();
    child.kill(signal);
  };
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      clearTimeout(timer);
      try {
        resolve({ code, killedBy, report: JSON.parse(stdout) as Report, stderr, ms: performance.now() - sentAt });
      } catch (error) {
        reject(new Error(`no JSON report on stdout (exit ${code}, ${killedBy}): ${stdout}\n${stderr}`, { cause: error }));
      }
    });
  });
}

describe('check --fix stopped by a signal (the built binary)', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s while a finalize hangs: that one is read again (not landed), the next is not started, the report says so, exit %i', async (signal, exitCode) => {
    served = await serveFixture(await temporaryFixture(files));
    served.kube.inject({ method: 'PUT', path: '/api/v1/namespaces/b-payments/finalize', fault: 'hang' });
    const backup = join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'b');
    const { code, killedBy, report, stderr, ms } = await fixAndSignal(served, backup, signal, '/api/v1/namespaces/b-payments/finalize');
    expect(killedBy).toBeNull();
    expect(code).toBe(exitCode);
    // The grace for the request in flight (3 s), the re-read, the report: not the request's own 60 s.
    expect(ms).toBeLessThan(15_000);
    expect(stderr).toContain(`gke-doctor: ${signal}: stopping after the namespace in progress; the report follows (${signal} again to stop now)`);
    expect(report.fixes?.map((fix) => [fix.resource, fix.status, fix.detail])).toEqual([
      ['Namespace/a-orders', 'finalized', 'the namespace is gone'],
      [
        'Namespace/b-payments',
        'failed',
        `the run was stopped (${signal}) while the finalize was in flight; read again: it has not landed (spec.finalizers kubernetes), though the request may still arrive; run check again`,
      ],
      ['Namespace/c-search', 'skipped', `not started: the run was stopped (${signal})`],
    ]);
    expect(report.fixes?.[1]?.backup).toBe(join(backup, 'b-payments'));
    expect(served.kube.object('Namespace', undefined, 'b-payments')?.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(served.kube.object('Namespace', undefined, 'c-search')?.spec).toEqual({ finalizers: ['kubernetes'] });
    // b-payments' PUT is the one that hung; none was sent for c-search.
    expect(served.kube.requests.filter((request) => request.method === 'PUT').map((request) => request.path)).toEqual(['/api/v1/namespaces/a-orders/finalize', '/api/v1/namespaces/b-payments/finalize']);
    expect((await readdir(backup)).sort()).toEqual(['a-orders', 'b-payments']);
  });

  it('SIGTERM while a finalize is answered and the namespace outlives it: it is finalized, the wait for it ends, the rest is not started', async () => {
    const held = JSON.parse(files['k8s/namespaces.json']);
    // metadata.finalizers keep a-orders after its finalize: --fix waits for it to go (up to --wait).
    held.items[0].metadata.finalizers = ['example.com/cleanup'];
    served = await serveFixture(await temporaryFixture({ 'k8s/namespaces.json': JSON.stringify(held) }));
    const backup = join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'b');
    const { code, report, ms } = await fixAndSignal(served, backup, 'SIGTERM', '/api/v1/namespaces/a-orders/finalize');
    expect(code).toBe(143);
    expect(ms).toBeLessThan(15_000);
    expect(report.fixes?.map((fix) => [fix.resource, fix.status])).toEqual([
      ['Namespace/a-orders', 'finalized'],
      ['Namespace/b-payments', 'skipped'],
      ['Namespace/c-search', 'skipped'],
    ]);
    expect(report.fixes?.[0]?.detail).toBe('finalized; not waited for it to disappear: the run was stopped (SIGTERM)');
  });
});
