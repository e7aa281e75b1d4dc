import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';
import { sarifValidator } from '../support/preflight.js';

const PLAN = 'fixtures/preflight/argocd-cluster.tfplan.json';
const MANIFESTS = 'fixtures/preflight/argocd-manifests';

describe('check --terraform-plan / --manifests', () => {
  it('fails before apply on the plan, pointing at the resource address', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--terraform-plan', PLAN, '--manifests', MANIFESTS]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('manifests+terraform-plan · project acme-platform · cluster asia-northeast1/tools-cluster');
    expect(stdout).toMatch(/ERROR {2}projects\/acme-platform\/locations\/asia-northeast1\/clusters\/tools-cluster {2}google_container_cluster\.prod/);
    expect(stdout).toContain('Ingress/argocd/argocd-server will never get a load balancer');
  });

  it('reads rendered manifests from standard input with -', async () => {
    const rendered = readFileSync(fixturePath('preflight/argocd-manifests/ingress/argocd-server-ingress.yaml'), 'utf8');
    const { code, stdout } = await runCli(['check', '--terraform-plan', PLAN, '--manifests', '-', '--only', 'http-load-balancing-addon'], { input: rendered });
    expect(code).toBe(1);
    expect(stdout).toContain('Ingress/argocd/argocd-server will never get a load balancer');
  });

  it('says a check is not applicable when the plan alone holds nothing it judges (no Namespace: none being deleted), exit 0', async () => {
    const { code, stdout } = await runCli(['check', '--terraform-plan', 'fixtures/preflight/seed-eventarc.tfplan.json', '--only', 'terminating-namespace']);
    expect(code).toBe(0);
    expect(stdout).toContain('skipped: the inputs hold no Namespace');
  });

  it('writes text to the terminal and SARIF and JUnit to files in one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gke-doctor-outputs-'));
    const { code, stdout } = await runCli([
      'check', '--terraform-plan', PLAN, '--manifests', MANIFESTS, '--only', 'http-load-balancing-addon',
      '--output', 'text',
      '--output', 'sarif', '--output-file', join(dir, 'report.sarif'),
      '--output', 'junit', '--output-file', join(dir, 'report.xml'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('✖ failed  http-load-balancing-addon');
    const validate = sarifValidator();
    expect(validate(JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8')))).toBe(true);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(join(dir, 'report.xml'), 'utf8'));
    expect(junit.testsuites.failures).toBe('1');
  });

  it.each([
    [['check', '--manifests', 'nope/'], 'gke-doctor: --manifests nope/: no such file or directory\n'],
    [['check', '--terraform-plan', 'nope.json'], 'gke-doctor: --terraform-plan nope.json: cannot read: ENOENT\n'],
    [['check', '--terraform-plan', `${MANIFESTS}/argocd-server.yaml`], /^gke-doctor: fixtures\/preflight\/argocd-manifests\/argocd-server\.yaml: invalid JSON: .*\n$/],
    [['check', '--output', 'sarif', '--output', 'junit', '--terraform-plan', PLAN], 'gke-doctor: only one --output can go to standard output; give the others an --output-file\n'],
  ])('%j exits 2 with one line', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    if (typeof message === 'string') expect(stderr).toBe(message);
    else expect(stderr).toMatch(message);
  });

  it('names a binary plan and says how to get its JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gke-doctor-plan-'));
    writeFileSync(join(dir, 'tfplan'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    const { code, stderr } = await runCli(['check', '--terraform-plan', join(dir, 'tfplan')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/tfplan: this is a binary plan file; pass its JSON: terraform show -json .*tfplan > plan\.json\n$/);
  });
});
