import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.js';

// What a release needs from the repository (issue 25): the package names its repository, every
// example pins what it runs, and the images and pipelines run a supported Node.js LTS.

interface PackageJson {
  version: string;
  license: string;
  author?: string;
  engines: { node: string };
  repository?: { type: string; url: string };
  homepage?: string;
  bugs?: { url: string };
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');

/** Every file a user copies examples from: the README, the docs pages and CI examples, the Dockerfile, deploy/, the Action. */
function exampleFiles(): string[] {
  const files = ['README.md', 'CONTRIBUTING.md', 'Dockerfile', 'action.yml'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(md|ya?ml|sh|tf|json)$/.test(entry.name)) files.push(path);
    }
  };
  walk('docs');
  walk('deploy');
  return files;
}

describe('package.json', () => {
  it('names its repository once, and homepage and bugs follow it', () => {
    const url = pkg.repository?.url ?? '';
    expect(pkg.repository?.type).toBe('git');
    expect(url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const web = url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(pkg.homepage).toBe(`${web}#readme`);
    expect(pkg.bugs?.url).toBe(`${web}/issues`);
    expect(pkg.author).toBeTruthy();
  });

  it('is Apache-2.0, with the license text beside it, and still installs on Node.js 20', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = read('LICENSE');
    expect(license.trim().split('\n')[0]!.trim()).toBe('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(pkg.engines.node).toBe('>=20');
  });
});

describe('every example pins what it runs', () => {
  const [major, minor] = pkg.version.split('.');
  const repository = (pkg.repository?.url ?? '').replace(/^git\+https:\/\/github\.com\//, '').replace(/\.git$/, '');
  const files = exampleFiles().map((file) => [file, read(file)] as const);

  it.each(files)('%s: npx and npm install name gke-doctor by its version', (_file, text) => {
    for (const [command] of text.matchAll(/\b(?:npx|npm (?:install|i|exec))\b[^\n]*?\bgke-doctor(?![\w-])\S*/g)) {
      expect(command, command).toMatch(new RegExp(`gke-doctor@(${major}\\.${minor}|\\$version)\\b`));
    }
  });

  it.each(files)('%s: the Action is used by a release tag of this repository', (_file, text) => {
    for (const [, owner, tag] of text.matchAll(/uses: ([\w.-]+\/gke-doctor)@([\w.-]+)/g)) {
      expect(owner).toBe(repository);
      expect(tag).toBe(`v${pkg.version}`);
    }
  });

  it.each(files)('%s: SARIF is uploaded with codeql-action v4', (_file, text) => {
    for (const [version] of text.matchAll(/github\/codeql-action\/upload-sarif@\S+/g)) expect(version).toBe('github/codeql-action/upload-sarif@v4');
  });

  it.each([...files, ['.github/workflows/release.yml', read('.github/workflows/release.yml')] as const])('%s: Node.js images and setups are a supported LTS (22 or 24)', (_file, text) => {
    for (const [, version] of text.matchAll(/(?:FROM |image: |name: )node:(\d+)/g)) expect(['22', '24']).toContain(version);
    for (const [, version] of text.matchAll(/node-version: (\d+)/g)) expect(['22', '24']).toContain(version);
  });
});
