import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionStep {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface CompositeAction {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function readAction(file: string): CompositeAction {
  return parse(readFileSync(file, 'utf8')) as CompositeAction;
}

export interface StepRun {
  status: number;
  stdout: string;
  stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
}

/**
 * Runs one `run` step of a composite action as the GitHub runner does: the step's `env`
 * with `${{ inputs.NAME }}` (the caller's value, else the input's default) and
 * `${{ github.action_path }}` filled in, the script in a file run by
 * `bash --noprofile --norc -eo pipefail FILE` in the workspace, and $GITHUB_OUTPUT read back.
 * Any other expression in a run step is refused: the runner would need more than this knows.
 */
export function runStep(
  action: CompositeAction,
  step: ActionStep,
  context: { actionPath: string; workspace: string; inputs: Record<string, string>; path?: string },
): StepRun {
  if (step.shell !== 'bash' || step.run === undefined) throw new Error(`step ${step.name} is not a bash run step`);
  if (/\$\{\{/.test(step.run)) throw new Error(`step ${step.name}: expressions in run: are not evaluated here (pass them through env)`);
  const evaluate = (value: string) =>
    value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => {
      if (name === 'github.action_path') return context.actionPath;
      const input = /^inputs\.([\w-]+)$/.exec(name)?.[1];
      if (input === undefined) throw new Error(`step ${step.name}: cannot evaluate ${whole}`);
      if (!(input in action.inputs)) throw new Error(`step ${step.name}: no input ${input} is declared`);
      return context.inputs[input] ?? action.inputs[input]!.default ?? '';
    });
  const temp = mkdtempSync(join(tmpdir(), 'gke-doctor-action-'));
  const script = join(temp, 'step.sh');
  const output = join(temp, 'output');
  writeFileSync(script, step.run);
  writeFileSync(output, '');
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(String(value))]));
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: context.workspace,
    env: {
      PATH: context.path ?? process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: context.workspace,
      GITHUB_ACTION_PATH: context.actionPath,
      GITHUB_OUTPUT: output,
      ...env,
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, outputs };
}
