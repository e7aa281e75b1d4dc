import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';

function project(text: string): { root: string; nested: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'gke-doctor-repo-'));
  const nested = join(root, 'infra', 'prod');
  mkdirSync(nested, { recursive: true });
  const file = join(root, '.gke-doctor.yaml');
  writeFileSync(file, text);
  return { root, nested, file };
}

const VALID = 'checks:\n  terminating-namespace:\n    severity: warning\n    stuck-after: 10m\n    protected-namespaces: [istio-system]\nignore:\n  - check: ingress-health-check\n    resource: Service/legacy/*\n    reason: TCP health check, OPS-12\n    expires: 2026-12-31\n';

describe('loadConfig', () => {
  it('finds .gke-doctor.yaml from the working directory upwards', async () => {
    const { nested, file } = project(VALID);
    const config = await loadConfig(undefined, nested);
    expect(config.file).toBe(file);
    expect(config.checks['terminating-namespace']).toEqual({ severity: 'warning', 'stuck-after': '10m', 'protected-namespaces': ['istio-system'] });
    expect(config.ignore).toEqual([{ check: 'ingress-health-check', resource: 'Service/legacy/*', reason: 'TCP health check, OPS-12', expires: '2026-12-31' }]);
  });

  it('reads none with --no-config, and none when there is none', async () => {
    const { nested } = project(VALID);
    expect(await loadConfig(false, nested)).toEqual({ file: null, checks: {}, ignore: [] });
    expect((await loadConfig(undefined, mkdtempSync(join(tmpdir(), 'gke-doctor-empty-')))).file).toBeNull();
  });

  it('takes an empty file as no settings', async () => {
    const { file } = project('');
    expect(await loadConfig(file)).toMatchObject({ checks: {}, ignore: [] });
  });

  it.each([
    ['ignore:\n  - check: terminating-namespace\n    resource: Namespace/x\n', 'ignore[0].reason: is required'],
    ['ignore:\n  - check: terminating-namespace\n    resource: Namespace/x\n    reason: r\n    expires: next week\n', 'ignore[0].expires: must be a date, YYYY-MM-DD'],
    ['ignore:\n  - check: terminating-namespace\n    resource: Namespace/x\n    reason: r\n    expires: 2026-02-30\n', 'ignore[0].expires: 2026-02-30 is not a date (YYYY-MM-DD)'],
    ['checks:\n  terminating-namespace:\n    severity: critical\n', 'checks.terminating-namespace.severity: must be one of off, info, warning, error'],
    ['checks:\n  terminating-namespace:\n    stuck_after: 5m\n', 'checks.terminating-namespace: unknown key "stuck_after"'],
    ['checks:\n  terminating-namespace:\n    stuck-after: five minutes\n', 'checks.terminating-namespace.stuck-after: must be a duration such as 30s, 5m, 2h, 1d or 1h30m'],
    ['ignores: []\n', '(top level): unknown key "ignores"'],
    ['ignore: {check: x}\n', 'ignore: must be array'],
    ['checks: [\n', /^invalid YAML: /],
  ])('refuses %j in one line naming the key', async (text, message) => {
    const { file } = project(text);
    const error = await loadConfig(file).then(
      () => undefined,
      (thrown: Error) => thrown,
    );
    expect(error?.name).toBe('InputError');
    if (typeof message === 'string') expect(error?.message).toBe(`${file}: ${message}`);
    else expect(error?.message.slice(file.length + 2)).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });
});

describe('check with a config', () => {
  it('exits 2 with one line for a --config that does not exist', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--config', '/nonexistent/.gke-doctor.yaml', '--snapshot', fixturePath('healthy')]);
    expect([code, stdout, stderr]).toEqual([2, '', 'gke-doctor: --config /nonexistent/.gke-doctor.yaml: cannot read: ENOENT\n']);
  });

  it('exits 2 naming a check id the config misspells', async () => {
    const { file } = project('ignore:\n  - check: terminating-namespaces\n    resource: "*"\n    reason: r\n');
    const { code, stderr } = await runCli(['check', '--config', file, '--snapshot', fixturePath('healthy')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^gke-doctor: ${file}: ignore\\[0\\]\\.check: unknown check "terminating-namespaces"; known checks: gke-service-agent, eventarc-gke-iam, .*\\n$`));
  });
});
