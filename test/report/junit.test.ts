import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { Report } from '../../src/engine/report.js';
import { renderJunit } from '../../src/report/junit.js';
import { runFixture } from '../support/fixtures.js';
import { runPreflight } from '../support/preflight.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'property'].includes(name) });

interface TestCase {
  name: string;
  classname: string;
  file?: string;
  failure?: { message: string; type: string; '#text': string }[];
  error?: { message: string; type: string };
  skipped?: { message: string };
  'system-out'?: string;
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: TestCase[];
}

function junit(report: Report) {
  const xml = renderJunit(report, { checks: builtinChecks, colorLevel: 0 });
  return parser.parse(xml) as { testsuites: { tests: string; failures: string; errors: string; testsuite: Suite[] } };
}

describe('JUnit', () => {
  it('has a testsuite per check, a testcase per examined resource, a failure per finding', async () => {
    const { testsuites } = junit(await runFixture('seed-eventarc-stuck-namespace', { only: ['http-load-balancing-addon', 'terminating-namespace'] }));
    const namespaces = testsuites.testsuite.find((suite) => suite.name === 'terminating-namespace')!;
    expect(namespaces.testcase.map((testcase) => testcase.name)).toEqual(['Namespace/default', 'Namespace/events-system', 'Namespace/jobapp', 'Namespace/kube-system']);
    expect([namespaces.tests, namespaces.failures, namespaces.errors]).toEqual(['4', '1', '0']);
    const stuck = namespaces.testcase.find((testcase) => testcase.name === 'Namespace/events-system')!;
    expect(stuck.classname).toBe('terminating-namespace');
    expect(stuck.failure).toHaveLength(1);
    expect(stuck.failure?.[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/^Namespace events-system has been Terminating for/) });
    expect(stuck.failure?.[0]?.['#text']).toContain('NamespaceDeletionDiscoveryFailure');
    expect(stuck.failure?.[0]?.['#text']).toContain('Fix: ');
    expect(testsuites.failures).toBe('1');
  });

  it('carries the file of a finding from manifests or a plan', async () => {
    const { testsuites } = junit(await runPreflight({ plan: 'preflight/argocd-cluster.tfplan.json', manifests: ['preflight/argocd-manifests'] }));
    const addon = testsuites.testsuite.find((suite) => suite.name === 'http-load-balancing-addon')!;
    expect(addon.testcase).toEqual([
      expect.objectContaining({ name: 'projects/acme-platform/locations/asia-northeast1/clusters/tools-cluster', file: 'fixtures/preflight/argocd-cluster.tfplan.json' }),
    ]);
    expect(addon.testcase[0]?.failure?.[0]?.['#text']).toContain('At: google_container_cluster.prod');
  });

  it('round-trips text that XML must escape, and marks incomplete and not-applicable checks', () => {
    const nasty = 'a <b> & "c" \u0007 \'d\'';
    const report: Report = {
      version: 1,
      target: { source: 'snapshot', project: null, location: null, cluster: null },
      checks: [
        {
          id: 'terminating-namespace',
          title: 'T & <t>',
          status: 'failed',
          reason: null,
          durationMs: 1500,
          examined: ['Namespace/a'],
          findings: [
            { severity: 'error', resource: 'Namespace/a', message: `${nasty}\nsecond line`, evidence: {}, fix: null },
            { severity: 'warning', resource: 'Namespace/a', message: 'also', evidence: {}, fix: null },
            { severity: 'info', resource: 'Namespace/b', message: 'fyi', evidence: {}, fix: null },
          ],
        },
        { id: 'http-load-balancing-addon', title: 'h', status: 'incomplete', reason: 'cluster.json <missing>', durationMs: 0, examined: [], findings: [] },
        { id: 'x', title: 'x', status: 'not-applicable', reason: 'no cluster', durationMs: 0, examined: [], findings: [] },
      ],
      summary: { error: 1, warning: 1, info: 1, passed: 0, failed: 1, incomplete: 1, notApplicable: 1, suppressed: 0 },
    };
    const { testsuites } = junit(report);
    const [namespaces, addon, other] = testsuites.testsuite;
    expect(namespaces?.testcase.map((testcase) => testcase.name)).toEqual(['Namespace/a', 'Namespace/b']);
    expect(namespaces?.testcase[0]?.failure?.map((failure) => [failure.type, failure.message])).toEqual([
      ['error', 'a <b> & "c"  \'d\''],
      ['warning', 'also'],
    ]);
    expect(namespaces?.testcase[0]?.failure?.[0]?.['#text']).toContain('a <b> & "c"  \'d\'\nsecond line');
    expect(namespaces?.testcase[1]?.['system-out']).toContain('fyi');
    expect([namespaces?.tests, namespaces?.failures]).toEqual(['2', '2']);
    expect(addon?.testcase[0]?.error).toEqual({ message: 'could not check: cluster.json <missing>', type: 'incomplete' });
    expect(other?.testcase[0]?.skipped).toEqual({ message: 'not applicable: no cluster', type: 'not-applicable' });
    expect([testsuites.tests, testsuites.failures, testsuites.errors]).toEqual(['4', '2', '1']);
  });
});
