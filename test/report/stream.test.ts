import { afterEach, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { FleetProject, SpooledFleet } from '../../src/engine/fleet-report.js';
import { fleetExitCode, fleetReport, spooledFleetReport, targetLabel } from '../../src/engine/fleet-report.js';
import type { Report } from '../../src/engine/report.js';
import { TargetSpool } from '../../src/engine/target-spool.js';
import { RENDERERS } from '../../src/report/index.js';
import { renderPieces } from '../../src/report/stream.js';
import { runFixture } from '../support/fixtures.js';

const NOW = new Date('2024-01-15T03:00:00Z');
const context = (colorLevel: 0 | 1) => ({ checks: builtinChecks, colorLevel, now: NOW });
const RUN = { id: 'r1', startedAt: '2024-01-15T02:58:30Z', version: '0.1.0', inputs: { source: 'live', projects: ['proj-a', 'proj-b', 'proj-c'], parent: null, location: null, clusterFilter: null, endpoint: 'public', snapshot: null }, shard: null };
const PROJECTS: FleetProject[] = [
  { project: 'proj-c', status: 'unlisted', clusters: 0, reason: 'cannot list the clusters of project proj-c (container.googleapis.com): permission container.clusters.list denied; roles/container.clusterViewer grants it', permission: 'container.clusters.list', role: 'roles/container.clusterViewer' },
  { project: 'proj-a', status: 'listed', clusters: 2, reason: null },
  { project: 'proj-b', status: 'listed', clusters: 1, reason: null },
];

/** Clusters of several fixtures, out of the report's order, one of them not read at all. */
async function clusters(): Promise<Report[]> {
  const seed = await runFixture('seed-argocd-unhealthy');
  const healthy = await runFixture('healthy');
  const eventarc = await runFixture('seed-eventarc-stuck-namespace');
  const at = (report: Report, project: string, location: string, cluster: string): Report => ({ ...report, target: { source: 'live', project, location, cluster } });
  const unread: Report = { ...at(seed, 'proj-a', 'us-central1', 'down'), checks: seed.checks.map((check) => ({ ...check, status: 'incomplete', reason: 'could not read the cluster: ECONNREFUSED', findings: [], examined: [] })) };
  return [at(eventarc, 'proj-b', 'europe-west1', 'jobs'), at(seed, 'proj-a', 'us-central1', 'argocd'), unread, at(healthy, 'proj-a', 'asia-northeast1', 'web "<b>"\n')];
}

const spools: TargetSpool[] = [];
afterEach(() => {
  for (const spool of spools.splice(0)) spool.close();
});

function spooled(targets: readonly Report[], extras: Parameters<typeof spooledFleetReport>[3], directory?: string): SpooledFleet {
  const spool = new TargetSpool((report) => targetLabel(report.target), directory);
  spools.push(spool);
  for (const target of targets) spool.add(target);
  return spooledFleetReport('live', spool, null, extras);
}

describe('a fleet report written a cluster at a time', () => {
  it.each(Object.keys(RENDERERS))('gives the same %s text as the whole report in memory', async (format) => {
    const targets = await clusters();
    for (const extras of [{ projects: PROJECTS, run: RUN }, {}]) {
      const whole = fleetReport('live', targets, null, extras);
      for (const colorLevel of format === 'text' ? ([0, 1] as const) : ([0] as const)) {
        const expected = RENDERERS[format]!(whole, context(colorLevel));
        expect([...renderPieces(format, spooled(targets, extras), context(colorLevel))].join('')).toBe(expected);
      }
    }
  });

  it('holds the reports in memory where no file can be written (a read-only root filesystem), and writes the same text', async () => {
    const targets = await clusters();
    const whole = fleetReport('live', targets, null, { projects: PROJECTS, run: RUN });
    for (const format of Object.keys(RENDERERS)) {
      expect([...renderPieces(format, spooled(targets, { projects: PROJECTS, run: RUN }, '/dev/null/not-a-directory'), context(0))].join('')).toBe(RENDERERS[format]!(whole, context(0)));
    }
  });

  it('gives the same text for a fleet of no cluster', () => {
    for (const format of Object.keys(RENDERERS)) {
      expect([...renderPieces(format, spooled([], { projects: [PROJECTS[0]!] }), context(0))].join('')).toBe(RENDERERS[format]!(fleetReport('live', [], null, { projects: [PROJECTS[0]!] }), context(0)));
    }
  });

  it('exits as the whole report does, for every --fail-on', async () => {
    const targets = await clusters();
    for (const failOn of ['error', 'warning', 'info', 'never'] as const) {
      expect(fleetExitCode(spooled(targets, {}), failOn)).toBe(fleetExitCode(fleetReport('live', targets, null), failOn));
      const clean = targets.slice(3, 4);
      expect(fleetExitCode(spooled(clean, {}), failOn)).toBe(fleetExitCode(fleetReport('live', clean, null), failOn));
    }
  });

  it('holds in memory only what the summary needs, and reads the reports back on every pass', async () => {
    const targets = await clusters();
    const { head, spool } = spooled(targets, {});
    expect(head.targets).toEqual([]);
    expect({ ...head, targets: [...spool.all()] }).toEqual(JSON.parse(JSON.stringify(fleetReport('live', targets, null))));
    // A second pass reads them again.
    expect([...spool.all()].map((report) => targetLabel(report.target))).toEqual([...spool.all()].map((report) => targetLabel(report.target)));
  });
});

describe("one cluster's JSON report written a check at a time", () => {
  it.each(['seed-argocd-unhealthy', 'healthy', 'seed-eventarc-stuck-namespace'])('%s: the same text as the whole report, in pieces', async (fixture) => {
    const report = await runFixture(fixture);
    const pieces = [...renderPieces('json', report, context(0))];
    expect(pieces.join('')).toBe(RENDERERS.json!(report, context(0)));
  });

  it('the same text for a report of no check, and with fixes', async () => {
    const report = await runFixture('healthy');
    for (const variant of [{ ...report, checks: [] }, { ...report, fixes: [] }]) expect([...renderPieces('json', variant, context(0))].join('')).toBe(RENDERERS.json!(variant, context(0)));
  });
});
