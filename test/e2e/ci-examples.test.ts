import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readAction, runStep } from '../support/composite-action.js';
import { REPO_ROOT } from '../support/fixtures.js';

const DIR = `${REPO_ROOT}docs/ci/`;
const examples = readdirSync(DIR).filter((file) => /\.ya?ml$/.test(file));

type Outcome = 'passed' | 'warned' | 'failed';

/** What the README's exit codes and docs/ci say for each code; 3 is each example's explicit choice (here: accept it, with a warning). */
const EXPECTED: Record<number, Outcome> = { 0: 'passed', 1: 'failed', 2: 'failed', 3: 'warned' };

/** A stand-in for `npx` that exits as gke-doctor would, so the pipeline's own handling is what is tested. */
function fakeNpx(): string {
  const bin = mkdtempSync(join(tmpdir(), 'gke-doctor-ci-'));
  writeFileSync(join(bin, 'npx'), '#!/bin/sh\necho "npx $*"\nexit "$FAKE_EXIT"\n');
  chmodSync(join(bin, 'npx'), 0o755);
  return bin;
}

/** An `npx` that says how it was called and exits with `code`, as the published gke-doctor would. */
function npxExiting(code: number): string {
  const bin = mkdtempSync(join(tmpdir(), 'gke-doctor-fake-npx-'));
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\necho "npx $*"\nexit ${code}\n`);
  chmodSync(join(bin, 'npx'), 0o755);
  return `${bin}:${process.env.PATH}`;
}

function run(shell: string[], script: string, code: number): { status: number; stdout: string } {
  const result = spawnSync(shell[0]!, [...shell.slice(1), script], {
    env: { PATH: `${fakeNpx()}:${process.env.PATH}`, FAKE_EXIT: String(code) },
    encoding: 'utf8',
  });
  return { status: result.status ?? -1, stdout: result.stdout };
}

/** Each runner's way of running the gke-doctor step, and of judging its result. */
const RUNNERS: Record<string, (code: number) => { outcome: Outcome; stdout: string }> = {
  // The GitHub example uses the Action: its check step runs with the example's inputs, as the runner runs it.
  'github-actions.yml': (code) => {
    const steps = parse(readFileSync(`${DIR}github-actions.yml`, 'utf8')).jobs.preflight.steps as { uses?: string; with?: Record<string, unknown> }[];
    const uses = steps.find((candidate) => /\/gke-doctor@v\d/.test(candidate.uses ?? ''))!;
    const action = readAction(`${REPO_ROOT}action.yml`);
    const inputs = Object.fromEntries(Object.entries(uses.with ?? {}).map(([name, value]) => [name, String(value)]));
    const { status, stdout } = runStep(action, action.runs.steps.find((step) => step.id === 'check')!, { actionPath: REPO_ROOT, workspace: tmpdir(), inputs, path: npxExiting(code) });
    return { outcome: status !== 0 ? 'failed' : stdout.includes('::warning') ? 'warned' : 'passed', stdout };
  },
  // Cloud Build runs the entrypoint with the args, after replacing $$ with $.
  'cloudbuild.yaml': (code) => {
    const steps = parse(readFileSync(`${DIR}cloudbuild.yaml`, 'utf8')).steps as { id: string; entrypoint: string; args: string[] }[];
    const step = steps.find((candidate) => candidate.id === 'gke-doctor')!;
    expect(step.entrypoint).toBe('bash');
    const { status, stdout } = run(['bash', step.args[0]!], step.args[1]!.replaceAll('$$', '$'), code);
    return { outcome: status !== 0 ? 'failed' : /exit 3/.test(stdout) ? 'warned' : 'passed', stdout };
  },
  // GitLab runs each script line in a shell that stops at the first failure; allow_failure.exit_codes passes with a warning.
  'gitlab-ci.yml': (code) => {
    const job = parse(readFileSync(`${DIR}gitlab-ci.yml`, 'utf8'))['gke-doctor'] as { script: string[]; allow_failure?: { exit_codes: number[] } };
    const { status, stdout } = run(['bash', '-e', '-c'], job.script.join('\n'), code);
    const allowed = job.allow_failure?.exit_codes.includes(status) ?? false;
    return { outcome: status === 0 ? 'passed' : allowed ? 'warned' : 'failed', stdout };
  },
};

describe('docs/ci examples', () => {
  it('has the three CI examples', () => {
    expect(examples.sort()).toEqual(['cloudbuild.yaml', 'github-actions.yml', 'gitlab-ci.yml']);
  });

  it.each(examples)('%s is YAML that runs gke-doctor on a plan and manifests, with a report file', (file) => {
    const text = readFileSync(`${DIR}${file}`, 'utf8');
    expect(() => parse(text)).not.toThrow();
    expect(text).toContain('terraform show -json tfplan');
    expect(text).toMatch(
      /gke-doctor[\s\S]*check[\s\S]*--terraform-plan[ =]tfplan\.json[\s\S]*--manifests[ =]rendered[\s\S]*--output[ =](sarif|junit)[\s\S]*--output-file|gke-doctor@v\d+\.\d+\.\d+ .*\n\s+with:\n\s+terraform-plan: tfplan\.json\n\s+manifests: rendered\n\s+upload-sarif: true/,
    );
  });

  describe.each(examples)('%s handles every exit code as documented', (file) => {
    it.each(Object.entries(EXPECTED))('exit %s -> %s', (code, expected) => {
      const { outcome, stdout } = RUNNERS[file]!(Number(code));
      expect(stdout).toMatch(/gke-doctor@[\d.]+ check/);
      expect(outcome).toBe(expected);
    });
  });
});
