import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { OutputFlag } from '../../src/cli/output-flags.js';
import { resolveOutputs } from '../../src/cli/output-flags.js';
import { fleetReport, unreadReport } from '../../src/engine/fleet-report.js';
import { renderJsonLines } from '../../src/report/json-lines.js';
import { REPO_ROOT, runFixture } from '../support/fixtures.js';

/**
 * deploy/alert-policy.json against what the shipped runs write: each manifest sends
 * `--output json-lines` to stdout, Cloud Logging makes each line an entry of the run's
 * monitored resource (k8s_container for the CronJob and the Indexed Job, cloud_run_job for the
 * Cloud Run job: cloud.google.com/logging/docs/api/v2/resource-list), its `severity` the
 * entry's and the other fields `jsonPayload` (cloud.google.com/logging/docs/structured-logging).
 * The filter is evaluated here on those entries with the part of the Logging query language it
 * uses (cloud.google.com/logging/docs/view/logging-query-language): AND, OR, parentheses,
 * `=`, `severity>=`, `:*`.
 */
const policy = JSON.parse(await readFile(`${REPO_ROOT}deploy/alert-policy.json`, 'utf8')) as {
  conditions: { conditionMatchedLog: { filter: string; labelExtractors: Record<string, string> } }[];
};
const { filter, labelExtractors } = policy.conditions[0]!.conditionMatchedLog;

interface LogEntry {
  resource: { type: string; labels: Record<string, string> };
  severity: string;
  jsonPayload: Record<string, unknown>;
}

const SEVERITY_RANK = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];

/** Whether `entry` matches the filter: a small recursive-descent reader of the subset the policy uses. */
function matches(query: string, entry: LogEntry): boolean {
  const tokens = query.match(/\(|\)|AND|OR|[\w.]+(?:=|>=|:)(?:"[^"]*"|\*|\w+)/g)!;
  expect(tokens.join('')).toBe(query.replace(/\s+/g, ''));
  let at = 0;
  const field = (path: string): unknown => path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], entry);
  const term = (): boolean => {
    const token = tokens[at++]!;
    if (token === '(') {
      const value = or();
      expect(tokens[at++]).toBe(')');
      return value;
    }
    const [, path, operator, operand] = /^([\w.]+)(=|>=|:)(.*)$/.exec(token)!;
    const value = field(path!);
    if (operator === ':' && operand === '*') return value !== undefined && value !== null;
    if (operator === '>=' && path === 'severity') return SEVERITY_RANK.indexOf(String(value)) >= SEVERITY_RANK.indexOf(operand!);
    if (operator === '=') return String(value) === JSON.parse(operand!);
    throw new Error(`unsupported term ${token}`);
  };
  const and = (): boolean => {
    let value = term();
    while (tokens[at] === 'AND') {
      at++;
      value = term() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[at] === 'OR') {
      at++;
      value = and() || value;
    }
    return value;
  };
  const result = or();
  expect(at).toBe(tokens.length);
  return result;
}

/** The entries Cloud Logging makes of a run's stdout. */
function entriesOf(stdout: string, resource: LogEntry['resource']): LogEntry[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const { severity, ...jsonPayload } = JSON.parse(line) as Record<string, unknown>;
      return { resource, severity: String(severity), jsonPayload };
    });
}

async function fleet() {
  const seed = await runFixture('seed-ingress-addon-disabled');
  const argocd = await runFixture('seed-argocd-unhealthy');
  const unreachable = unreadReport({ source: 'live', project: 'p', location: 'l', cluster: 'gone' }, builtinChecks, "cannot reach the cluster's API server");
  return fleetReport('live', [{ ...seed, target: { ...seed.target, cluster: 'web' } }, { ...argocd, target: { ...argocd.target, cluster: 'argocd' } }, unreachable], null);
}

/** What each shipped run is, in Cloud Logging: its monitored resource, from the manifest itself. */
async function shippedRuns(): Promise<{ file: string; resource: LogEntry['resource']; args: string[] }[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests read as YAML, their paths checked by the assertions
  const manifest = async (file: string) => load(await readFile(`${REPO_ROOT}${file}`, 'utf8')) as any;
  const cron = await manifest('deploy/cronjob.yaml');
  const cronContainer = cron.spec.jobTemplate.spec.template.spec.containers[0];
  const indexed = await manifest('deploy/fleet/indexed-job.yaml');
  const indexedContainer = indexed.spec.template.spec.containers[0];
  const kustomization = await manifest('deploy/kustomization.yaml');
  const cloudRun = await manifest('deploy/fleet/cloud-run-job.yaml');
  return [
    // kustomize sets the CronJob's namespace.
    { file: 'deploy/cronjob.yaml', resource: { type: 'k8s_container', labels: { namespace_name: kustomization.namespace, container_name: cronContainer.name } }, args: cronContainer.args },
    { file: 'deploy/fleet/indexed-job.yaml', resource: { type: 'k8s_container', labels: { namespace_name: indexed.metadata.namespace, container_name: indexedContainer.name } }, args: indexedContainer.args },
    { file: 'deploy/fleet/cloud-run-job.yaml', resource: { type: 'cloud_run_job', labels: { job_name: cloudRun.metadata.name } }, args: cloudRun.spec.template.spec.template.spec.containers[0].args },
  ];
}

describe('deploy/alert-policy.json', () => {
  it('every shipped run writes json-lines to stdout, where its container logs become log entries', async () => {
    for (const { file, args } of await shippedRuns()) {
      const flags: OutputFlag[] = [];
      args.forEach((arg, index) => {
        if (arg === '--output' || arg === '-o') flags.push({ format: args[index + 1]! });
        if (arg === '--output-file') flags.push({ file: args[index + 1]! });
      });
      expect(resolveOutputs(flags), file).toContainEqual({ format: 'json-lines' });
    }
  });

  it.each(['deploy/cronjob.yaml', 'deploy/fleet/indexed-job.yaml', 'deploy/fleet/cloud-run-job.yaml'])(
    'fires on the ERROR findings and incomplete checks of %s, and on nothing else it logs',
    async (file) => {
      const run = (await shippedRuns()).find((candidate) => candidate.file === file)!;
      const report = await fleet();
      const entries = entriesOf(renderJsonLines(report, { checks: builtinChecks, colorLevel: 0 }), run.resource);
      const fired = entries.filter((entry) => matches(filter, entry));
      const errors = report.targets.flatMap((target) => target.checks.flatMap((check) => check.findings.filter((finding) => finding.severity === 'error')));
      const incomplete = report.targets.flatMap((target) => target.checks.filter((check) => check.status === 'incomplete'));
      expect(errors.length).toBeGreaterThan(0);
      expect(incomplete.length).toBeGreaterThan(0);
      expect(fired).toHaveLength(errors.length + incomplete.length);
      expect(entries.filter((entry) => entry.severity === 'WARNING' && entry.jsonPayload.status !== 'incomplete').every((entry) => !matches(filter, entry))).toBe(true);
      // Every label the alert extracts is a field of every entry it fires on.
      for (const extractor of Object.values(labelExtractors)) {
        const [, path] = /^EXTRACT\(jsonPayload\.(\w+)\)$/.exec(extractor)!;
        for (const entry of fired) expect(Object.keys(entry.jsonPayload)).toContain(path);
      }
    },
  );

  it('fires on a project or folder the fleet could not list (its line names no check)', async () => {
    const report = fleetReport('live', (await fleet()).targets, null, {
      projects: [
        { project: 'acme-jobs-prod', status: 'listed', clusters: 3, reason: null },
        { project: 'locked-out', status: 'unlisted', clusters: 0, reason: 'cannot list the clusters of project locked-out (container.googleapis.com): permission container.clusters.list denied; roles/container.clusterViewer grants it' },
        { project: 'acme-zonal', status: 'incomplete', clusters: 1, reason: 'clusters in us-central1-a could not be listed (the zone did not answer)', missingZones: ['us-central1-a'] },
      ],
    });
    const run = (await shippedRuns()).find((candidate) => candidate.file === 'deploy/fleet/cloud-run-job.yaml')!;
    const entries = entriesOf(renderJsonLines(report, { checks: builtinChecks, colorLevel: 0 }), run.resource);
    const gaps = entries.filter((entry) => entry.jsonPayload.check === null);
    expect(gaps.map((entry) => entry.jsonPayload.project)).toEqual(['acme-zonal', 'locked-out']);
    for (const entry of gaps) expect(matches(filter, entry)).toBe(true);
  });

  it('does not fire on the same lines from another workload', async () => {
    const entries = entriesOf(renderJsonLines(await fleet(), { checks: builtinChecks, colorLevel: 0 }), { type: 'k8s_container', labels: { namespace_name: 'default', container_name: 'app' } });
    expect(entries.some((entry) => matches(filter, entry))).toBe(false);
  });
});
