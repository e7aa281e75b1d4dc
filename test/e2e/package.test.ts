import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { REPO_ROOT } from '../support/fixtures.js';

describe('the published package', () => {
  it('packs the built CLI, the schema and the check pages (built on prepack: no prepare script needed)', () => {
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(0);
    const files = (JSON.parse(result.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['bin/gke-doctor.js', 'dist/bundle/cli.js', 'dist/bundle/index.js', 'dist/bundle/THIRD-PARTY-LICENSES.txt', 'dist/src/index.d.ts', 'schema/gke-doctor.schema.json', 'LICENSE', 'README.md']));
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
    // The guard runs before anything is installed, built or published.
    expect(runs[0]).toBe('node scripts/check-release.mjs package.json');
  });

  describe('its guard, scripts/check-release.mjs', () => {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
    const guard = (repository: string, tag: string) => {
      const file = join(mkdtempSync(join(tmpdir(), 'gke-doctor-release-')), 'package.json');
      writeFileSync(file, JSON.stringify({ ...pkg, repository: { type: 'git', url: repository } }));
      return spawnSync(process.execPath, [`${REPO_ROOT}scripts/check-release.mjs`, file], { env: { ...process.env, GITHUB_REF_NAME: tag }, encoding: 'utf8' });
    };

    it('refuses to publish while package.json names the placeholder repository', () => {
      const run = guard('git+https://github.com/OWNER/gke-doctor.git', `v${pkg.version}`);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^::error title=release::.*repository\.url is still the placeholder/m);
    });

    it('refuses a tag that is not the package version, and passes a named repository at its version', () => {
      expect(guard('git+https://github.com/acme/gke-doctor.git', 'v9.9.9').stderr).toContain(`the tag v9.9.9 is not v${pkg.version}`);
      expect(guard('git+https://github.com/acme/gke-doctor.git', `v${pkg.version}`).status).toBe(0);
    });
  });
});
