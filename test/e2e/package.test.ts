import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { REPO_ROOT } from '../support/fixtures.js';

describe('the published package', () => {
  it('packs the built CLI, the schema and the check pages (built on prepack: no prepare script needed)', () => {
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(0);
    const files = (JSON.parse(result.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['bin/gke-doctor.js', 'dist/bundle/cli.js', 'dist/bundle/index.js', 'dist/bundle/THIRD-PARTY-LICENSES.txt', 'dist/src/index.d.ts', 'schema/gke-doctor.schema.json']));
    expect(files).toEqual(expect.arrayContaining(builtinChecks.map((check) => `docs/checks/${check.id}.md`)));
    expect(files.filter((file) => file.startsWith('test/') || file.startsWith('dist/test/') || file.startsWith('src/'))).toEqual([]);
    const scripts = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prepack).toBe('npm run build');
    expect(scripts.prepare).toBeUndefined();
  });

  it('is released by a workflow that builds, tests and publishes with provenance on a tag', () => {
    const workflow = parse(readFileSync(`${REPO_ROOT}.github/workflows/release.yml`, 'utf8'));
    expect(workflow.on).toEqual({ push: { tags: ['v*'] } });
    expect(workflow.permissions['id-token']).toBe('write');
    const runs = (workflow.jobs.publish.steps as { run?: string }[]).flatMap((step) => (step.run ? [step.run] : []));
    expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm run build', 'npm test', 'npm publish --provenance --access public']));
    expect(runs.indexOf('npm test')).toBeLessThan(runs.indexOf('npm publish --provenance --access public'));
  });
});
