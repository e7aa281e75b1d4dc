import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { dataKeysFor, runChecksOn } from '../../src/engine/runner.js';
import { selectChecks } from '../../src/engine/select.js';
import { applyFixActions, plannedFixes } from '../../src/fix/apply-fixes.js';
import { BackupStore } from '../../src/fix/backup.js';
import { Deadline } from '../../src/state/live/deadline.js';
import { KubernetesApi } from '../../src/state/live/kubernetes-api.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import type { Fault, Injection } from '../support/fake-http.js';
import { FIXTURE_NOW } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';
import { stuckNamespaceFiles } from '../support/stuck-namespaces.js';

/**
 * `--fix` under each fault on each request it makes (the GET of the namespace, the
 * PUT of its finalize): the broken namespace is reported with the request that broke,
 * the next namespace is still fixed, and nothing is written that was not backed up.
 */

const BROKEN = 'shop';
const NEXT = 'cart';

// Two namespaces stuck on the `kubernetes` finalizer with nothing left in them.
const files = stuckNamespaceFiles([
  [BROKEN, '5e0f3c2a-1b7d-4c55-9f0e-2a6b8c9d0e11'],
  [NEXT, '6f1a4d3b-2c8e-4d66-8a1f-3b7c9d0e1f22'],
]);

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** Reads the served cluster, then fixes with request limits a test can wait for (idle 300 ms, total 600 ms). */
async function fixWith(injection: Omit<Injection, 'path' | 'method'>, method: 'GET' | 'PUT') {
  served = await serveFixture(await temporaryFixture(files));
  const checks = selectChecks(builtinChecks, ['terminating-namespace']);
  const source = new LiveSource({ env: served.env, kubeconfig: served.kubeconfig });
  const state = await source.collect(dataKeysFor(checks));
  const report = await runChecksOn(state, checks, { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 });
  const path = method === 'GET' ? `/api/v1/namespaces/${BROKEN}` : `/api/v1/namespaces/${BROKEN}/finalize`;
  served.kube.inject({ method, path, dripMs: 50, ...injection });
  const api = (await source.kubernetesClient()) as KubernetesApi;
  const short = new KubernetesApi(api.config, Deadline.none(), { idleMs: 300, totalMs: 600 }, { retries: 1, baseDelayMs: 5 });
  const { outcomes } = await applyFixActions(short, plannedFixes(report), state, {
    yes: true,
    dryRun: false,
    force: false,
    backups: new BackupStore({ directory: await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')) }),
    waitMs: 0,
    log: () => {},
  });
  const byNamespace = new Map(outcomes.map((outcome) => [outcome.action.namespace, outcome]));
  return { broken: byNamespace.get(BROKEN)!, next: byNamespace.get(NEXT)!, served };
}

/** A fault names the request that broke; a status answer, its code. */
const whatBroke = (injection: { fault?: Fault; status?: number }, path: string) =>
  injection.fault ? expect.stringContaining(path) : expect.stringMatching(new RegExp(`namespace ${BROKEN}: ${injection.status} `));

const faults: Fault[] = ['reset', 'hang', 'truncate', 'short-body', 'drip'];
const statuses = [401, 404, 500, 503];
const cases: { fault?: Fault; status?: number }[] = [...faults.map((fault) => ({ fault })), ...statuses.map((status) => ({ status }))];

describe('--fix when the GET of a namespace breaks', () => {
  it.each(cases)('%o: that namespace is not written, the next one is finalized', async (injection) => {
    const { broken, next, served } = await fixWith(injection, 'GET');
    expect(next).toMatchObject({ status: 'finalized', resolved: true });
    if (injection.status === 404) {
      // Gone between the check and the fix: nothing to do, and said so.
      expect(broken).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/already deleted|gone/) });
    } else {
      expect(broken).toMatchObject({ status: 'failed', resolved: false, detail: whatBroke(injection, `/api/v1/namespaces/${BROKEN}`) });
    }
    // A hang or a drip ends at the request's idle or total limit, said as such.
    if (injection.fault === 'hang' || injection.fault === 'drip') expect(broken.detail).toMatch(/^get namespace shop: GET \/api\/v1\/namespaces\/shop: no (complete )?answer/);
    expect(served.kube.requests.some((request) => request.method === 'PUT' && request.path.includes(`/${BROKEN}/`))).toBe(false);
    expect(served.kube.object('Namespace', undefined, BROKEN)?.spec).toEqual({ finalizers: ['kubernetes'] });
  });
});

describe('--fix when the PUT of a finalize breaks', () => {
  it.each(cases)('%o: says whether the write landed, the next one is finalized', async (injection) => {
    const { broken, next, served } = await fixWith(injection, 'PUT');
    expect(next).toMatchObject({ status: 'finalized', resolved: true });
    const landed = served.kube.object('Namespace', undefined, BROKEN) === undefined;
    // A reset or a hang comes before the fake handles the request; the other faults after the write (fake-http.ts).
    expect(landed).toBe(injection.fault !== undefined && injection.fault !== 'reset' && injection.fault !== 'hang');
    if (landed) expect(broken).toMatchObject({ status: 'finalized', resolved: true });
    else if (injection.status === 404) expect(broken).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/already deleted/) });
    else expect(broken).toMatchObject({ status: 'failed', resolved: false, detail: whatBroke(injection, `/api/v1/namespaces/${BROKEN}/finalize`) });
    // Only a write that may have landed unseen is read again (a status answer says it did not).
    if (injection.fault) expect(broken.detail).toMatch(/read again|the namespace is gone/);
  });
});
