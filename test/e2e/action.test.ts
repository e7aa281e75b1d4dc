import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
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
  // The healthy cluster without its allow policy: eventarc-gke-iam cannot decide (exit 3).
  cpSync(fixturePath('healthy'), join(dir, 'undecided'), { recursive: true });
  rmSync(join(dir, 'undecided', 'iam-policy.json'));
  return dir;
}

/**
 * An `npx` that logs each argument it is given on a line of its own, then, as npx would with the
 * published package, runs gke-doctor: here the repository's own build (npm test builds it first).
 */
function fakeNpx(run = true): { path: string; calls: () => string[] } {
  const bin = mkdtempSync(join(tmpdir(), 'gke-doctor-npx-'));
  const log = join(bin, 'calls');
  const exec = run ? `shift 2\nexec node "${REPO_ROOT}bin/gke-doctor.js" "$@"\n` : 'exit 0\n';
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\nfor arg in "$@"; do printf '%s\\n' "$arg" >> "${log}"; done\n${exec}`);
  chmodSync(join(bin, 'npx'), 0o755);
  return { path: `${bin}:${process.env.PATH}`, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(0, -1) : []) };
}

const check = (inputs: Record<string, string>, dir = workspace()) => ({ dir, run: runStep(action, step('gke-doctor check'), { actionPath: REPO_ROOT, workspace: dir, inputs, path: fakeNpx().path }) });

describe('action.yml (composite), its steps run as the runner runs them', () => {
  it("runs the published package of the action's own version, building nothing on the runner", () => {
    expect(action.runs.steps.filter((candidate) => /npm (ci|install|run build)/.test(candidate.run ?? ''))).toEqual([]);
    const npx = fakeNpx();
    const run = runStep(action, step('gke-doctor check'), { actionPath: REPO_ROOT, workspace: workspace(), inputs: { snapshot: 'healthy' }, path: npx.path });
    expect(run.outputs['exit-code']).toBe('0');
    expect(npx.calls().slice(0, 3)).toEqual(['--yes', `gke-doctor@${VERSION}`, 'check']);
  });

  it('passes args one per line, as written: spaces and quotes stay inside their argument', () => {
    const npx = fakeNpx(false);
    const args = '--only=ingress-health-check\n--baseline\n  baselines/prod "main" baseline.json  \n\n--stuck-after=15m';
    const run = runStep(action, step('gke-doctor check'), { actionPath: REPO_ROOT, workspace: workspace(), inputs: { args }, path: npx.path });
    expect(run.status).toBe(0);
    expect(npx.calls().slice(-4)).toEqual(['--only=ingress-health-check', '--baseline', 'baselines/prod "main" baseline.json', '--stuck-after=15m']);
  });

  it('fails the step on an error finding, with exit-code 1 and a schema-valid SARIF file to upload', () => {
    const { dir, run } = check({ 'terraform-plan': 'infra/argocd-cluster.tfplan.json', manifests: 'infra/argocd-manifests', 'upload-sarif': 'true' });
    expect(run.status).toBe(1);
    expect(run.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'gke-doctor.sarif' });
    expect(run.stdout).toContain('Ingress/argocd/argocd-server will never get a load balancer');
    expect(sarifValidator()(JSON.parse(readFileSync(join(dir, 'gke-doctor.sarif'), 'utf8')))).toBe(true);
  });

  it('passes a healthy run with exit-code 0 and no SARIF unless asked', () => {
    const { dir, run } = check({ snapshot: 'healthy', args: '--only\nterminating-namespace,http-load-balancing-addon' });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ 'exit-code': '0', 'sarif-file': '' });
    expect(existsSync(join(dir, 'gke-doctor.sarif'))).toBe(false);
  });

  it('passes "could not decide" (exit 3) with a warning annotation, or fails it with fail-on-incomplete', () => {
    const lenient = check({ snapshot: 'undecided' }).run;
    expect(lenient.status).toBe(0);
    expect(lenient.outputs['exit-code']).toBe('3');
    expect(lenient.stdout).toContain('::warning title=gke-doctor::some checks could not decide (exit 3)');
    expect(check({ snapshot: 'undecided', 'fail-on-incomplete': 'true' }).run.status).toBe(3);
  });

  it('passes fail-on, config and a list of manifests through', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'gke-doctor.yaml'), 'checks:\n  http-load-balancing-addon:\n    severity: warning\n');
    const { run } = check(
      { 'terraform-plan': 'infra/argocd-cluster.tfplan.json', manifests: 'infra/argocd-manifests/argocd-server.yaml\ninfra/argocd-manifests/ingress', config: 'gke-doctor.yaml', args: '--only=http-load-balancing-addon' },
      dir,
    );
    expect(run.outputs['exit-code']).toBe('0');
    expect(run.stdout).toContain('WARNING  projects/acme-platform/locations/asia-northeast1/clusters/tools-cluster');
    const strict = check({ 'terraform-plan': 'infra/argocd-cluster.tfplan.json', manifests: 'infra/argocd-manifests', config: 'gke-doctor.yaml', 'fail-on': 'warning', args: '--only=http-load-balancing-addon' }, dir).run;
    expect(strict.outputs['exit-code']).toBe('1');
  });

  it('uploads the SARIF the check step wrote, even after the check failed, only when asked, and not from a fork', () => {
    const upload = step('Upload SARIF');
    expect(upload.uses).toBe('github/codeql-action/upload-sarif@v4');
    expect(upload.if).toBe("${{ always() && inputs.upload-sarif == 'true' && steps.check.outputs.sarif-file != '' && github.event.pull_request.head.repo.fork != true }}");
    expect(upload.with?.sarif_file).toBe('${{ steps.check.outputs.sarif-file }}');
    expect(action.outputs['exit-code']!.value).toBe('${{ steps.check.outputs.exit-code }}');
  });

  it('says why nothing was uploaded on a pull request from a fork (its token is read-only)', () => {
    const notice = step('SARIF upload skipped (pull request from a fork)');
    expect(notice.if).toBe("${{ always() && inputs.upload-sarif == 'true' && github.event.pull_request.head.repo.fork == true }}");
    const run = runStep(action, notice, { actionPath: REPO_ROOT, workspace: workspace(), inputs: {} });
    expect(run.stdout).toMatch(/^::notice title=gke-doctor::pull request from a fork: .*not uploaded/);
  });
});
