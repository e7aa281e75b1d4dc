import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, fixturePath } from '../support/fixtures.js';

const run = promisify(execFile);

/** A plugin in TypeScript, as its author writes it against the published package. */
const PLUGIN = `import { defineCheck, kubernetesResourceName } from 'gke-doctor';
import type { Check, ClusterState, KubeObject } from 'gke-doctor';

const namespaces = (state: ClusterState): KubeObject[] => state.kubernetes.list('Namespace');

export const checks: Check[] = [
  defineCheck({
    id: 'namespace-owner-label',
    title: 'Every namespace names its owner',
    severity: 'warning',
    description: 'A namespace without an owner label has nobody to ask before it is deleted.',
    references: [],
    needs: ['Namespace'],
    notApplicable: 'no namespaces were read',
    messages: { noOwner: 'Namespace {{name}} has no owner label.' },
    run(state, context) {
      const unowned = namespaces(state).filter((namespace) => !namespace.metadata?.labels?.owner);
      return {
        examined: namespaces(state).map(kubernetesResourceName),
        findings: unowned.map((namespace) => context.report({ messageId: 'noOwner', data: { name: namespace.metadata?.name ?? '?' }, resource: kubernetesResourceName(namespace) })),
      };
    },
  }),
];
`;

describe('the published types', () => {
  it('compile a plugin under tsc --strict without skipLibCheck, installed from the packed package with no dependencies; the plugin runs', async () => {
    const work = await mkdtemp(join(tmpdir(), 'gke-doctor-plugin-types-'));
    await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: REPO_ROOT, timeout: 120_000 });
    const [tarball] = (await readdir(work)).filter((file) => file.endsWith('.tgz'));
    const project = join(work, 'plugin');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'plugin', version: '1.0.0', private: true, type: 'module' }));
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--offline', join(work, tarball!)], { cwd: project, timeout: 120_000 });
    expect((await readdir(join(project, 'node_modules'))).filter((entry) => !entry.startsWith('.'))).toEqual(['gke-doctor']);
    await writeFile(join(project, 'plugin.ts'), PLUGIN);
    // strict, and no skipLibCheck: the package's own declarations are checked too. No @types are installed.
    const tsconfig = { compilerOptions: { strict: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], outDir: '.' }, files: ['plugin.ts'] };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const compiled = await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project }).catch((error: { stdout: string }) => error);
    expect(compiled.stdout).toBe('');

    const checked = await run(process.execPath, [join(project, 'node_modules/.bin/gke-doctor'), 'check', '--snapshot', fixturePath('healthy'), '--plugin', './plugin.js', '--only', 'namespace-owner-label', '--output', 'json'], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1' },
    }).catch((error: { stdout: string }) => error);
    const report = JSON.parse(checked.stdout) as { checks: { id: string; status: string; findings: { message: string }[] }[] };
    expect(report.checks.map((check) => check.id)).toEqual(['namespace-owner-label']);
    expect(report.checks[0]!.findings.length).toBeGreaterThan(0);
    expect(report.checks[0]!.findings[0]!.message).toMatch(/^Namespace \S+ has no owner label\.$/);
  }, 300_000);
});
