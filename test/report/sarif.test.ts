import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { Check } from '../../src/engine/check.js';
import type { Report } from '../../src/engine/report.js';
import { renderSarif } from '../../src/report/sarif.js';
import { runFixture } from '../support/fixtures.js';

/** The two core checks, so rule lists and indexes do not move as checks are added. */
const CORE = ['http-load-balancing-addon', 'terminating-namespace'];
import { runPreflight, sarifValidator } from '../support/preflight.js';

const validate = sarifValidator();

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } };
    logicalLocations: { fullyQualifiedName: string; kind: string }[];
  }[];
}

function sarif(report: Report, checks: readonly Check[] = builtinChecks.filter((check) => CORE.includes(check.id))) {
  const log = JSON.parse(renderSarif(report, { checks, colorLevel: 0 }));
  const valid = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  // GitHub code scanning refuses the whole file when one result has no physical location.
  for (const result of log.runs[0].results) expect(result.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^[^:]+$/);
  return log as { runs: [{ tool: { driver: { rules: Record<string, unknown>[] } }; results: SarifResult[]; invocations: { toolExecutionNotifications: unknown[] }[] }] };
}

describe('SARIF', () => {
  it('the schema validator can fail', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: {}, level: 'fatal' }] }] })).toBe(false);
  });

  it('has one rule per check, with help and a helpUri', async () => {
    const [run] = sarif(await runFixture('seed-eventarc-stuck-namespace', { only: CORE })).runs;
    expect(run.tool.driver.rules.map((rule) => [rule.id, rule.name, (rule.defaultConfiguration as { level: string }).level, rule.helpUri])).toEqual([
      ['http-load-balancing-addon', 'HttpLoadBalancingAddon', 'error', 'https://cloud.google.com/kubernetes-engine/docs/how-to/load-balance-ingress'],
      ['terminating-namespace', 'TerminatingNamespace', 'error', 'https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshooting-namespaces'],
    ]);
    expect(run.tool.driver.rules[1]).toMatchObject({
      shortDescription: { text: 'No namespace is stuck Terminating' },
      help: { text: expect.stringContaining('References:\n- https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshooting-namespaces') },
    });
  });

  it('gives a finding without a file its resource as location (code scanning needs a physical one)', async () => {
    const [run] = sarif(await runFixture('seed-eventarc-stuck-namespace', { only: CORE })).runs;
    const result = run.results.find((candidate) => candidate.ruleId === 'terminating-namespace')!;
    expect(result).toMatchObject({ ruleIndex: 1, level: 'error' });
    expect(result.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: 'Namespace/events-system' } },
        logicalLocations: [{ name: 'Namespace/events-system', fullyQualifiedName: 'Namespace/events-system', kind: 'resource' }],
      },
    ]);
    expect(result.message.text).toContain('Namespace/events-system: Namespace events-system has been Terminating');
    expect(result.message.text).toContain('Fix: ');
  });

  it('points a plan finding at the plan file and names the resource address', async () => {
    const [run] = sarif(await runPreflight({ plan: 'preflight/argocd-cluster.tfplan.json', manifests: ['preflight/argocd-manifests'] }, { only: CORE })).runs;
    const result = run.results.find((candidate) => candidate.ruleId === 'http-load-balancing-addon')!;
    expect(result.level).toBe('error');
    expect(result.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'fixtures/preflight/argocd-cluster.tfplan.json' }, region: { startLine: expect.any(Number) } });
    expect(result.locations[0]?.logicalLocations.map((location) => location.fullyQualifiedName)).toEqual([
      'google_container_cluster.prod',
      'projects/acme-platform/locations/asia-northeast1/clusters/tools-cluster',
    ]);
  });

  it('points a manifest finding at its file and line, and levels follow severities', () => {
    const report: Report = {
      version: 1,
      target: { source: 'manifests', project: null, location: null, cluster: null },
      checks: [
        {
          id: 'terminating-namespace',
          title: 't',
          status: 'failed',
          reason: null,
          durationMs: 1,
          examined: ['Namespace/a'],
          findings: [
            { severity: 'warning', resource: 'Namespace/a', message: 'm', evidence: {}, fix: null, location: { file: 'deploy/my app/ns.yaml', line: 7 } },
            { severity: 'info', resource: 'Namespace/b', message: 'n', evidence: {}, fix: null, location: { file: '<stdin>', line: 3 } },
            { severity: 'error', resource: 'serviceAccount:a@p.iam.gserviceaccount.com', message: 'o', evidence: {}, fix: null },
          ],
        },
        { id: 'http-load-balancing-addon', title: 'h', status: 'incomplete', reason: 'cluster.json is not in the snapshot', durationMs: 0, examined: [], findings: [] },
      ],
      summary: { error: 1, warning: 1, info: 1, passed: 0, failed: 1, incomplete: 1, notApplicable: 0, suppressed: 0 },
    };
    const [run] = sarif(report).runs;
    expect(run.results.map((result) => [result.level, result.locations[0]?.physicalLocation])).toEqual([
      ['warning', { artifactLocation: { uri: 'deploy/my%20app/ns.yaml' }, region: { startLine: 7 } }],
      ['note', { artifactLocation: { uri: 'Namespace/b' } }],
      ['error', { artifactLocation: { uri: 'serviceAccount%3Aa%40p.iam.gserviceaccount.com' } }],
    ]);
    expect(run.invocations[0]?.toolExecutionNotifications).toEqual([
      { level: 'warning', message: { text: 'http-load-balancing-addon: could not check: cluster.json is not in the snapshot' }, associatedRule: { id: 'http-load-balancing-addon', index: 0 } },
    ]);
  });
});
