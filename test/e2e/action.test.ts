import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAction, runStep } from '../support/composite-action.js';
import { REPO_ROOT, fixturePath } from '../support/fixtures.js';
import { sarifValidator } from '../support/preflight.js';

const action = readAction(`${REPO_ROOT}action.yml`);
const step = (name: string) => action.runs.steps.find((candidate) => candidate.name === name)!;

/** The user's repository: the plan and manifests it checks (copies of the fixtures). */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gke-doctor-workspace-'));
  cpSync(fixturePath('preflight'), join(dir, 'infra'), { recursive: true });
  cpSync(fixturePath('healthy'), join(dir, 'healthy'), { recursive: true });
  return dir;
}

// The check step runs the repository's own build (npm test builds it first), as the install step leaves it.
const check = (inputs: Record<string, string>, dir = workspace()) => ({ dir, run: runStep(action, step('gke-doctor check'), { actionPath: REPO_ROOT, workspace: dir, inputs }) });

describe('action.yml (composite), its steps run as the runner runs them', () => {
  it('installs from its own checkout: npm ci and the build, in the action path', () => {
    const bin = mkdtempSync(join(tmpdir(), 'gke-doctor-npm-'));
    const log = join(bin, 'calls');
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$(pwd) npm $*" >> "${log}"\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    const actionPath = mkdtempSync(join(tmpdir(), 'gke-doctor-action-path-'));
    const run = runStep(action, step('Install gke-doctor'), { actionPath, workspace: workspace(), inputs: {}, path: `${bin}:${process.env.PATH}` });
    expect(run.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(`${actionPath} npm ci --no-audit --no-fund --loglevel=error\n${actionPath} npm run build --silent\n`);
  });

  it('fails the step on an error finding, with exit-code 1 and a schema-valid SARIF file to upload', () => {
    const { dir, run } = check({ 'terraform-plan': 'infra/argocd-cluster.tfplan.json', manifests: 'infra/argocd-manifests', 'upload-sarif': 'true' });
    expect(run.status).toBe(1);
    expect(run.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'gke-doctor.sarif' });
    expect(run.stdout).toContain('Ingress/argocd/argocd-server will never get a load balancer');
    expect(sarifValidator()(JSON.parse(readFileSync(join(dir, 'gke-doctor.sarif'), 'utf8')))).toBe(true);
  });

  it('passes a healthy run with exit-code 0 and no SARIF unless asked', () => {
    const { dir, run } = check({ snapshot: 'healthy', args: '--only terminating-namespace,http-load-balancing-addon' });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ 'exit-code': '0', 'sarif-file': '' });
    expect(existsSync(join(dir, 'gke-doctor.sarif'))).toBe(false);
  });

  it('passes "could not decide" (exit 3) with a warning annotation, or fails it with fail-on-incomplete', () => {
    const lenient = check({ snapshot: 'healthy' }).run;
    expect(lenient.status).toBe(0);
    expect(lenient.outputs['exit-code']).toBe('3');
    expect(lenient.stdout).toContain('::warning title=gke-doctor::some checks could not decide (exit 3)');
    expect(check({ snapshot: 'healthy', 'fail-on-incomplete': 'true' }).run.status).toBe(3);
  });

  it('passes fail-on, config and a list of manifests through', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'gke-doctor.yaml'), 'checks:\n  http-load-balancing-addon:\n    severity: warning\n');
    const { run } = check(
      { 'terraform-plan': 'infra/argocd-cluster.tfplan.json', manifests: 'infra/argocd-manifests/argocd-server.yaml\ninfra/argocd-manifests/ingress', config: 'gke-doctor.yaml', args: '--only http-load-balancing-addon' },
      dir,
    );
    expect(run.outputs['exit-code']).toBe('0');
    expect(run.stdout).toContain('WARNING  projects/acme-platform/locations/asia-northeast1/clusters/tools-cluster');
    const strict = check({ 'terraform-plan': 'infra/argocd-cluster.tfplan.json', manifests: 'infra/argocd-manifests', config: 'gke-doctor.yaml', 'fail-on': 'warning', args: '--only http-load-balancing-addon' }, dir).run;
    expect(strict.outputs['exit-code']).toBe('1');
  });

  it('uploads the SARIF the check step wrote, even after the check failed, only when asked', () => {
    const upload = step('Upload SARIF');
    expect(upload.uses).toMatch(/^github\/codeql-action\/upload-sarif@v\d+$/);
    expect(upload.if).toBe("${{ always() && inputs.upload-sarif == 'true' && steps.check.outputs.sarif-file != '' }}");
    expect(upload.with?.sarif_file).toBe('${{ steps.check.outputs.sarif-file }}');
    expect(action.outputs['exit-code']!.value).toBe('${{ steps.check.outputs.exit-code }}');
  });
});
