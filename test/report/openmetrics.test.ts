import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { fleetReport } from '../../src/engine/fleet-report.js';
import type { Report } from '../../src/engine/report.js';
import { renderOpenMetrics } from '../../src/report/openmetrics.js';
import { FLEET_PROJECTS } from '../support/fleet-projects.js';
import { runFixture } from '../support/fixtures.js';
import { parseOpenMetrics } from '../support/openmetrics-grammar.js';

const NOW = new Date('2024-01-15T03:00:00Z');
const HOSTILE = 'a"b\\c\nd}{x="y"';

async function fleet() {
  const seed = await runFixture('seed-argocd-unhealthy');
  const hostile: Report = { ...(await runFixture('healthy')), target: { source: 'snapshot', project: 'proj-b', location: 'europe-west1-b', cluster: HOSTILE } };
  const unread: Report = { ...seed, target: { source: 'snapshot', project: 'proj-c', location: null, cluster: null }, checks: seed.checks.map((check) => ({ ...check, status: 'incomplete', reason: 'denied', findings: [] })) };
  return fleetReport('snapshot', [{ ...seed, target: { source: 'snapshot', project: 'proj-a', location: 'us-central1', cluster: 'argocd' } }, hostile, unread], null);
}

const render = (report: Report) => renderOpenMetrics(report, { checks: builtinChecks, colorLevel: 0, now: NOW });

/** The report as a fleet run that names itself writes it (src/fleet/run-identity.ts RunIdentity). */
const RUN = { version: '0.1.0', inputs: { source: 'live', projects: ['acme-jobs-prod'], parent: null, location: null, clusterFilter: null, endpoint: 'public', snapshot: null }, shard: null };
const startedAt = (report: FleetReport, at: string) => ({ ...report, run: { id: 'r1', startedAt: at, ...RUN } }) as unknown as FleetReport;

describe('--output openmetrics', () => {
  it('is valid OpenMetrics text: gauges with TYPE, UNIT and HELP, escaped label values, # EOF', async () => {
    const families = parseOpenMetrics(render(startedAt(await fleet(), '2024-01-15T02:58:30Z')));
    expect(families.map(({ name, type, unit }) => [name, type, unit])).toEqual([
      ['gke_doctor_findings', 'gauge', ''],
      ['gke_doctor_check_incomplete', 'gauge', ''],
      ['gke_doctor_check_duration_seconds', 'gauge', 'seconds'],
      ['gke_doctor_check_last_success_timestamp_seconds', 'gauge', 'seconds'],
      ['gke_doctor_run_duration_seconds', 'gauge', 'seconds'],
    ]);
    for (const family of families) expect(family.help).not.toBe('');
    expect(families[4]!.samples).toEqual([{ name: 'gke_doctor_run_duration_seconds', labels: {}, value: 90 }]);
    // A name with quotes, a backslash, a line feed and braces comes back as it was.
    const clusters = new Set(families[0]!.samples.map((sample) => sample.labels.cluster));
    expect(clusters).toEqual(new Set(['argocd', HOSTILE, '']));
  });

  it('counts findings per cluster, check and severity, incomplete checks, and when each check last ran to completion', async () => {
    const report = await fleet();
    const [findings, incomplete, duration, success] = parseOpenMetrics(render(startedAt(report, '2024-01-15T02:58:30Z')));
    const value = (family: typeof findings, labels: Record<string, string>) => family!.samples.find((sample) => Object.entries(labels).every(([name, wanted]) => sample.labels[name] === wanted))?.value;
    const where = { project: 'proj-a', location: 'us-central1', cluster: 'argocd' };
    const seed = report.targets[0]!;
    for (const check of seed.checks) {
      for (const severity of ['error', 'warning', 'info'] as const) {
        expect(value(findings, { ...where, check: check.id, severity })).toBe(check.findings.filter((finding) => finding.severity === severity && !finding.suppressed).length);
      }
      expect(value(incomplete, { ...where, check: check.id })).toBe(check.status === 'incomplete' ? 1 : 0);
      expect(value(duration, { ...where, check: check.id })).toBe(check.durationMs / 1000);
      expect(value(success, { ...where, check: check.id })).toBe(check.status === 'incomplete' ? undefined : Date.parse('2024-01-15T02:58:30Z') / 1000);
    }
    expect(value(findings, { ...where, check: 'ingress-health-check', severity: 'error' })).toBeGreaterThan(0);
    // The project whose clusters could not be listed: every check incomplete, never a success time.
    expect(incomplete!.samples.filter((sample) => sample.labels.project === 'proj-c').every((sample) => sample.value === 1)).toBe(true);
    expect(success!.samples.some((sample) => sample.labels.project === 'proj-c')).toBe(false);
  });

  it('takes the start from the run the report names, and says which shards a merged report misses', async () => {
    const report = startedAt(await fleet(), '2024-01-15T02:00:00Z');
    report.fleet = { ...report.fleet, shards: { count: 4, present: [0, 1, 3], missing: [2] } };
    const families = parseOpenMetrics(render(report));
    expect(families.find((family) => family.name === 'gke_doctor_run_duration_seconds')!.samples[0]!.value).toBe(3600);
    expect(families.find((family) => family.name === 'gke_doctor_shards_missing')!.samples[0]!.value).toBe(1);
  });

  it('says how many clusters each project listed, and which could not list them all', async () => {
    const report = await fleet();
    const families = parseOpenMetrics(render({ ...report, fleet: { ...report.fleet, projects: FLEET_PROJECTS } } as typeof report));
    const byProject = (name: string) => Object.fromEntries(families.find((family) => family.name === name)!.samples.map((sample) => [sample.labels.project, sample.value]));
    expect(byProject('gke_doctor_project_clusters')).toEqual({ 'acme-jobs-prod': 3, 'acme-empty': 0, 'locked-out': 0, 'acme-zonal': 1 });
    expect(byProject('gke_doctor_project_incomplete')).toEqual({ 'acme-jobs-prod': 0, 'acme-empty': 0, 'locked-out': 1, 'acme-zonal': 1 });
  });

  it('a report that names no run (a single cluster): no run duration, each check still there, completed now', async () => {
    const report = await runFixture('healthy');
    const families = parseOpenMetrics(render(report));
    expect(families.map((family) => family.name)).not.toContain('gke_doctor_run_duration_seconds');
    expect(families[1]!.samples).toHaveLength(report.checks.length);
    expect(families[3]!.samples.every((sample) => sample.value === NOW.getTime() / 1000)).toBe(true);
  });
});

describe('the OpenMetrics reader the tests use refuses what the spec forbids', () => {
  it.each([
    ['no # EOF', '# TYPE a gauge\na 1\n'],
    ['text after # EOF', '# TYPE a gauge\na 1\n# EOF\nb 1\n'],
    ['an unescaped quote', '# TYPE a gauge\na{x="y"z"} 1\n# EOF\n'],
    ['a unit that is not the suffix', '# TYPE a gauge\n# UNIT a seconds\na 1\n# EOF\n'],
    ['interleaved families', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 1\n# EOF\n'],
    ['a counter sample without _total', '# TYPE a counter\na 1\n# EOF\n'],
    ['a comment', '# just a comment\n# EOF\n'],
    ['a second TYPE', '# TYPE a gauge\n# TYPE a gauge\n# EOF\n'],
    ['a metadata line after samples', '# TYPE a gauge\na 1\n# HELP a late\n# EOF\n'],
    ['the same labels twice', '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n# EOF\n'],
    ['a value that is no number', '# TYPE a gauge\na one\n# EOF\n'],
    ['a carriage return', '# TYPE a gauge\r\na 1\n# EOF\n'],
  ])('%s', (_, text) => {
    expect(() => parseOpenMetrics(text)).toThrow();
  });

  it('reads the spec\'s own example', () => {
    const example = [
      '# TYPE acme_http_router_request_seconds summary',
      '# UNIT acme_http_router_request_seconds seconds',
      "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.",
      'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
      'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
      '# TYPE go_goroutines gauge',
      'go_goroutines 69',
      '# TYPE process_cpu_seconds counter',
      '# UNIT process_cpu_seconds seconds',
      'process_cpu_seconds_total 4.20072246e+06',
      '# EOF',
      '',
    ].join('\n');
    expect(parseOpenMetrics(example).map((family) => family.name)).toEqual(['acme_http_router_request_seconds', 'go_goroutines', 'process_cpu_seconds']);
  });
});
