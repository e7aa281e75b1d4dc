import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';
import { sarifValidator } from '../support/preflight.js';

const SEED = 'seed-eventarc-stuck-namespace';
const TODAY = () => new Date('2026-06-01T12:00:00Z');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gke-doctor-config-'));
}

/** A copy of the seed snapshot to change, as a user's cluster changes between runs. */
function seedCopy(): string {
  const dir = join(tempDir(), 'snapshot');
  cpSync(fixturePath(SEED), dir, { recursive: true });
  return dir;
}

interface NamespaceDoc {
  items: { metadata: { name: string; uid: string; annotations?: Record<string, string>; labels?: Record<string, string> } }[];
}

function editNamespaces(snapshot: string, edit: (list: NamespaceDoc) => void): void {
  const file = join(snapshot, 'k8s/namespaces.yaml');
  const list = parseAllDocuments(readFileSync(file, 'utf8'))[0]!.toJS() as NamespaceDoc;
  edit(list);
  writeFileSync(file, stringify(list));
}

/** A second namespace stuck exactly as the seed's events-system is: a new error the baseline has not seen. */
function addStuckNamespace(snapshot: string, name: string): void {
  editNamespaces(snapshot, (list) => {
    const copy = structuredClone(list.items.find((item) => item.metadata.name === 'events-system')!);
    copy.metadata.name = name;
    copy.metadata.uid = '5a0c7f7e-0000-4000-8000-000000000001';
    copy.metadata.labels = { 'kubernetes.io/metadata.name': name };
    list.items.push(copy);
  });
}

function config(text: string): string {
  const file = join(tempDir(), '.gke-doctor.yaml');
  writeFileSync(file, text);
  return file;
}

const json = (stdout: string) => JSON.parse(stdout) as Report;
const findingsOf = (report: Report) => report.checks.flatMap((check) => check.findings.map((finding) => ({ check: check.id, ...finding })));

describe('baselines', () => {
  it('taken on the seed snapshot, make the next run exit 0; a new error fails it again, alone', async () => {
    const snapshot = seedCopy();
    const baseline = join(tempDir(), 'baseline.json');
    const first = await runCli(['check', '--no-config', '--snapshot', snapshot, '--write-baseline', baseline]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`gke-doctor: wrote ${baseline}: 4 finding(s) accepted`);
    const written = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(written.findings.map((entry: { check: string; resource: string }) => `${entry.check} ${entry.resource}`)).toEqual([
      'eventarc-gke-iam serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com',
      'eventarc-gke-iam serviceAccount:service-123456789012@gcp-sa-eventarc.iam.gserviceaccount.com',
      // The info that the seed's cluster.json lists no node pools, so their metadata mode was not checked.
      'eventarc-gke-trigger projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster',
      'terminating-namespace Namespace/events-system',
    ]);

    const again = await runCli(['check', '--no-config', '--snapshot', snapshot, '--baseline', baseline, '-o', 'json']);
    expect(again.code).toBe(0);
    const report = json(again.stdout);
    expect(report.summary).toMatchObject({ error: 0, suppressed: 4, failed: 0 });
    expect(findingsOf(report).every((finding) => finding.suppressed?.by === 'baseline')).toBe(true);

    addStuckNamespace(snapshot, 'batch-old');
    const later = await runCli(['check', '--no-config', '--snapshot', snapshot, '--baseline', baseline, '-o', 'json']);
    expect(later.code).toBe(1);
    const unsuppressed = findingsOf(json(later.stdout)).filter((finding) => !finding.suppressed);
    expect(unsuppressed.map((finding) => finding.resource)).toEqual(['APIService/v1beta1.metrics.k8s.io', 'Namespace/batch-old']);
  });

  it('written over the baseline it read, keeps what is still found, drops what is gone, and says what changed', async () => {
    const snapshot = seedCopy();
    addStuckNamespace(snapshot, 'batch-old');
    const baseline = join(tempDir(), 'baseline.json');
    await runCli(['check', '--no-config', '--snapshot', snapshot, '--write-baseline', baseline]);
    const entries = () => (JSON.parse(readFileSync(baseline, 'utf8')) as { findings: { resource: string }[] }).findings.map((entry) => entry.resource);
    expect(entries()).toContain('Namespace/batch-old');

    // batch-old is gone; everything else is still found.
    const pruned = await runCli(['check', '--no-config', '--snapshot', fixturePath(SEED), '--baseline', baseline, '--write-baseline', baseline]);
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toBe(`gke-doctor: wrote ${baseline}: 4 finding(s) accepted: 0 new, 4 kept, 2 no longer found and dropped\n`);
    expect(entries()).toHaveLength(4);
    expect(entries()).not.toContain('Namespace/batch-old');
    expect((await runCli(['check', '--no-config', '--snapshot', fixturePath(SEED), '--baseline', baseline])).code).toBe(0);
  });

  it('refuses a file that is not a baseline, in one line', async () => {
    const file = join(tempDir(), 'b.json');
    writeFileSync(file, '{"version": 2}');
    const { code, stdout, stderr } = await runCli(['check', '--no-config', '--snapshot', fixturePath(SEED), '--baseline', file]);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toBe(`gke-doctor: --baseline ${file}: not a gke-doctor baseline (write one with --write-baseline ${file})\n`);
  });
});

describe('config ignores', () => {
  const ignore = (expires?: string) =>
    config(
      [
        'ignore:',
        '  - check: terminating-namespace',
        '    resource: Namespace/events-*',
        '    reason: Eventarc support case 4711 is finalizing it',
        ...(expires ? [`    expires: ${expires}`] : []),
      ].join('\n'),
    );

  it('suppress matching findings: reported, marked, counted, and not failing', async () => {
    const { code, stdout } = await runCli(['check', '--config', ignore(), '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace', '-o', 'json']);
    expect(code).toBe(0);
    const report = json(stdout);
    expect(report.checks[0]).toMatchObject({ status: 'passed' });
    expect(report.checks[0]!.findings[0]).toMatchObject({
      resource: 'Namespace/events-system',
      severity: 'error',
      suppressed: { by: 'config', reason: 'Eventarc support case 4711 is finalizing it' },
    });
    expect(report.summary).toMatchObject({ error: 0, suppressed: 1, passed: 1, failed: 0 });
  });

  it('apply through their expiry day, and fail again after it, saying the ignore expired', async () => {
    const file = ignore('2026-06-01');
    const onTheDay = await runCli(['check', '--config', file, '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace'], { now: TODAY });
    expect(onTheDay.code).toBe(0);
    const after = await runCli(['check', '--config', file, '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace'], {
      now: () => new Date('2026-06-02T00:00:01Z'),
    });
    expect(after.code).toBe(1);
    expect(after.stderr).toBe(
      `gke-doctor: warning: ${file}: the ignore of terminating-namespace on Namespace/events-* expired on 2026-06-01 and no longer suppresses Namespace/events-system (its reason was: Eventarc support case 4711 is finalizing it)\n`,
    );
    expect(after.stdout).toContain('ERROR  Namespace/events-system');
  });

  it('show suppressed findings dimmed and counted in the text report', async () => {
    const { stdout } = await runCli(['check', '--config', ignore(), '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace']);
    expect(stdout).toContain('  suppressed (config: Eventarc support case 4711 is finalizing it)  ERROR  Namespace/events-system: Namespace events-system has been Terminating for');
    expect(stdout).toContain('0 errors, 0 warnings, 0 info, 1 suppressed · 1 passed');
  });

  it('mark SARIF results as suppressions (schema-valid) and JUnit testcases as skipped', async () => {
    const dir = tempDir();
    const { code } = await runCli([
      'check', '--config', ignore(), '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace',
      '-o', 'sarif', '--output-file', join(dir, 'r.sarif'), '-o', 'junit', '--output-file', join(dir, 'r.xml'),
    ]);
    expect(code).toBe(0);
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8'));
    expect(sarifValidator()(sarif)).toBe(true);
    expect(sarif.runs[0].results[0].suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'config: Eventarc support case 4711 is finalizing it' },
    ]);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(join(dir, 'r.xml'), 'utf8'));
    expect(junit.testsuites).toMatchObject({ failures: '0', skipped: '1' });
  });

  it('--report-unused-ignores warns about an ignore that matched nothing', async () => {
    const file = config(['ignore:', '  - check: terminating-namespace', '    resource: Namespace/gone', '    reason: old'].join('\n'));
    const { code, stderr } = await runCli(['check', '--config', file, '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace', '--report-unused-ignores']);
    expect(code).toBe(1);
    expect(stderr).toBe(`gke-doctor: warning: ${file}: the ignore of terminating-namespace on Namespace/gone matched no finding; remove it\n`);
  });
});

describe('the gke-doctor.io/ignore annotation', () => {
  function annotated(reason?: string): string {
    const snapshot = seedCopy();
    editNamespaces(snapshot, (list) => {
      const namespace = list.items.find((item) => item.metadata.name === 'events-system')!;
      namespace.metadata.annotations = { 'gke-doctor.io/ignore': 'eventarc-gke-trigger, terminating-namespace', ...(reason ? { 'gke-doctor.io/ignore-reason': reason } : {}) };
    });
    return snapshot;
  }

  it("suppresses the named checks' findings on the annotated object, with its reason", async () => {
    const { code, stdout } = await runCli(['check', '--no-config', '--snapshot', annotated('owned by team events; OPS-88'), '--only', 'terminating-namespace', '-o', 'json']);
    expect(code).toBe(0);
    expect(json(stdout).checks[0]!.findings[0]!.suppressed).toEqual({ by: 'annotation', reason: 'owned by team events; OPS-88' });
  });

  it('warns when it names a check that does not exist (it suppresses nothing)', async () => {
    const snapshot = seedCopy();
    editNamespaces(snapshot, (list) => {
      list.items.find((item) => item.metadata.name === 'events-system')!.metadata.annotations = { 'gke-doctor.io/ignore': 'terminating-namepsace' };
    });
    const { code, stderr } = await runCli(['check', '--no-config', '--snapshot', snapshot, '--only', 'terminating-namespace']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^gke-doctor: warning: Namespace\/events-system: gke-doctor.io\/ignore names "terminating-namepsace", which is no check, so it suppresses nothing \(known checks: .*terminating-namespace.*\)\n$/);
  });

  it('says so when the owner gave no reason', async () => {
    const { stdout } = await runCli(['check', '--no-config', '--snapshot', annotated(), '--only', 'terminating-namespace', '-o', 'json']);
    expect(json(stdout).checks[0]!.findings[0]!.suppressed?.reason).toBe('gke-doctor.io/ignore on Namespace/events-system, with no gke-doctor.io/ignore-reason');
  });

  it('counts for nothing with --no-inline-ignores', async () => {
    const { code } = await runCli(['check', '--no-config', '--no-inline-ignores', '--snapshot', annotated('x'), '--only', 'terminating-namespace']);
    expect(code).toBe(1);
  });
});

describe('severity per check', () => {
  it('lowers a check: its errors become warnings, which --fail-on error lets pass', async () => {
    const file = config('checks:\n  terminating-namespace:\n    severity: warning\n');
    const { code, stdout } = await runCli(['check', '--config', file, '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace', '-o', 'json']);
    expect(code).toBe(0);
    expect(json(stdout).checks[0]!.findings.map((finding) => finding.severity)).toEqual(['warning']);
    expect((await runCli(['check', '--config', file, '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace', '--fail-on', 'warning'])).code).toBe(1);
  });

  it('off: the check does not run', async () => {
    const file = config('checks:\n  terminating-namespace:\n    severity: "off"\n  eventarc-gke-iam:\n    severity: "off"\n');
    const { code, stdout } = await runCli(['check', '--config', file, '--snapshot', fixturePath(SEED), '-o', 'json']);
    expect(code).toBe(0);
    expect(json(stdout).checks.map((check) => check.id)).not.toContain('terminating-namespace');
  });

  it('stuck-after from the config, and --stuck-after over it', async () => {
    const file = config('checks:\n  terminating-namespace:\n    stuck-after: 30d\n');
    const args = ['check', '--config', file, '--snapshot', fixturePath(SEED), '--only', 'terminating-namespace'];
    expect((await runCli(args)).code).toBe(0);
    expect((await runCli([...args, '--stuck-after', '5m'])).code).toBe(1);
  });
});
