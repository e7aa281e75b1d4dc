import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('usage that CI relies on', () => {
  it('refuses --only and --skip that leave nothing to run: exit 2, nothing ran', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--snapshot', 'fixtures/healthy', '--only', 'terminating-namespace', '--skip', 'terminating-namespace']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('gke-doctor: --only terminating-namespace --skip terminating-namespace leaves no check to run\n');
  });

  it('takes -o as --output', async () => {
    const { code, stdout } = await runCli(['check', '--snapshot', 'fixtures/healthy', '--only', 'terminating-namespace', '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ version: 1, target: { source: 'snapshot' } });
  });
});
