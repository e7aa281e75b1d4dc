import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { renderFleetText } from '../../src/report/fleet-text.js';
import { FLEET_PROJECTS } from '../support/fleet-projects.js';
import { byCluster, checkResult, useTestFleet } from '../support/test-fleet.js';

const t = useTestFleet();

async function fleetText() {
  const { report } = await t.checkAll('--fail-on', 'never');
  return { report: report!, text: renderFleetText(report!, { checks: builtinChecks, colorLevel: 0 }) };
}

describe('the fleet text report', () => {
  it('opens with one row per cluster: cluster, project, location, errors, warnings, incomplete with its reason', async () => {
    const { report, text } = await fleetText();
    const lines = text.split('\n');
    const head = lines.findIndex((line) => line.trim().startsWith('CLUSTER'));
    expect(lines[head]!.trim().split(/\s+/)).toEqual(['CLUSTER', 'PROJECT', 'LOCATION', 'ERRORS', 'WARNINGS', 'INCOMPLETE']);
    // One row per report in the fleet; a project whose clusters could not be listed is one (cluster -) until runs report projects apart.
    const rows = lines.slice(head + 1, head + 1 + report.targets.length).map((line) => line.trim().split(/\s+/));
    expect(rows.map((row) => row.slice(0, 3)).filter((row) => row[1] !== 'locked-out')).toEqual([
      ['prod-cluster', 'acme-jobs-prod', 'asia-northeast1'],
      ['quiet', 'acme-jobs-prod', 'asia-northeast1'],
      ['gone', 'acme-jobs-prod', 'us-central1'],
      ['tools', 'acme-platform', 'asia-northeast1-a'],
    ]);
    expect(rows.map((row) => row.slice(3, 5))).toEqual(report.targets.map((target) => [String(target.summary.error), String(target.summary.warning)]));
    expect(rows[1]![5]).toBe('-');
    // A long reason keeps its start (what could not be read) and its end (why).
    expect(lines[head + 3]).toMatch(/ \d+: cannot list \w+ objects .*….*https:\/\/127\.0\.0\.1:9: ECONNREFUSED \(\+\d+ other reasons\)$/);
    // The table comes before the details.
    expect(text.indexOf('Project acme-jobs-prod')).toBeGreaterThan(text.indexOf(lines[head + report.targets.length]!));
  });

  it('lists a cluster it could not reach under "Could not be checked", though a check passed from the cluster list alone', async () => {
    const { report, text } = await fleetText();
    const gone = byCluster(report, 'gone');
    expect(checkResult(gone, 'http-load-balancing-addon').status).toBe('passed');
    const section = text.slice(text.indexOf('Could not be checked:'), text.indexOf('Project acme-jobs-prod'));
    const incomplete = gone.checks.filter((check) => check.status === 'incomplete');
    expect(section).toContain(`\n  acme-jobs-prod/us-central1/gone: ${incomplete.length} of ${gone.checks.length} checks could not run\n    cannot `);
    expect(section).toMatch(/\n {4}cannot list \w+ objects .*cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:9: ECONNREFUSED \(/);
    expect(section).toMatch(/\n {4}… and \d+ more reasons in its report below\n/);
    expect(section).toMatch(/\n {2}(project )?locked-out: cannot list the clusters of project locked-out .*grants it\n/);
    expect(section).not.toContain('quiet');
  });
});

describe('the run a fleet report came from', () => {
  it('is named under the fleet line when the report carries it', async () => {
    const { report } = await t.checkAll('--fail-on', 'never');
    // The run identity fleet runs write (src/fleet/run-identity.ts RunIdentity).
    const withRun = { ...report!, run: { id: 'nightly-42', startedAt: '2024-01-15T02:00:00Z', version: '0.1.0', inputs: { source: 'live', projects: ['acme-jobs-prod'], parent: null, location: null, clusterFilter: null, endpoint: 'public', snapshot: null }, shard: { index: 1, count: 4 } } } as unknown as FleetReport;
    expect(renderFleetText(withRun, { checks: builtinChecks, colorLevel: 0 }).split('\n')[3]).toBe('Run: nightly-42, started 2024-01-15T02:00:00Z, shard 1/4');
    const withoutRun: FleetReport & { run?: unknown } = { ...report! };
    delete withoutRun.run;
    expect(renderFleetText(withoutRun, { checks: builtinChecks, colorLevel: 0 })).not.toContain('Run:');
  });
});

describe('the projects a live run looked in', () => {
  it('counts them, names those with no cluster, and puts those it could not list under "Could not be checked"', async () => {
    const { report } = await t.checkAll('--fail-on', 'never');
    const text = renderFleetText({ ...report!, fleet: { ...report!.fleet, projects: FLEET_PROJECTS } } as typeof report & object, { checks: builtinChecks, colorLevel: 0 });
    expect(text.split('\n')[0]).toMatch(/ in 4 projects$/);
    expect(text).toContain('\nProjects with 0 clusters: acme-empty\n');
    const section = text.slice(text.indexOf('Could not be checked:'));
    expect(section).toContain('\n  project locked-out: cannot list the clusters of project locked-out (container.googleapis.com): permission container.clusters.list denied; roles/container.clusterViewer grants it\n');
    expect(section).toContain('\n  project acme-zonal: clusters in us-central1-a could not be listed (the zone did not answer)\n');
  });
});
