import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.js';

const run = promisify(execFile);

interface Instruction {
  stage: number;
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped, each with the stage (FROM) it belongs to. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  let stage = -1;
  return joined.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage++;
    return { stage, keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/**
 * No container engine runs on these machines (docker build fails: no daemon), so the image is
 * checked two ways: the Dockerfile's structure, and its build and install steps run in a
 * temporary directory the way the two stages run them, the result then run as a non-root user.
 */
describe('Dockerfile', () => {
  let steps: Instruction[];
  beforeAll(async () => {
    steps = instructions(await readFile(`${REPO_ROOT}Dockerfile`, 'utf8'));
  });
  const final = () => steps.filter((step) => step.stage === Math.max(...steps.map((candidate) => candidate.stage)));

  it('is multi-stage: a build stage, then Node.js 22 LTS (20 reached end of life) with the packed package and nothing else', () => {
    const froms = steps.filter((step) => step.keyword === 'FROM').map((step) => step.args);
    expect(froms).toEqual(['node:22-bookworm-slim AS build', 'node:22-bookworm-slim']);
    const copies = final().filter((step) => step.keyword === 'COPY');
    expect(copies.map((step) => step.args)).toEqual(['--from=build /pack /pack']);
    const install = final().find((step) => step.keyword === 'RUN')!.args;
    expect(install).toMatch(/^npm install --global --omit=dev .*\/pack\/gke-doctor-\*\.tgz/);
  });

  it('runs as a non-root user, with gke-doctor as the entrypoint in exec form', () => {
    const users = final().filter((step) => step.keyword === 'USER').map((step) => step.args);
    expect(users).toEqual(['node']);
    expect(JSON.parse(final().find((step) => step.keyword === 'ENTRYPOINT')!.args)).toEqual(['gke-doctor']);
    // USER comes after the last RUN: nothing runs as root once the user is set, and everything after it does not.
    const lastRun = final().map((step) => step.keyword).lastIndexOf('RUN');
    expect(final().findIndex((step) => step.keyword === 'USER')).toBeGreaterThan(lastRun);
  });

  it('sends no local build output or secrets into the build context', async () => {
    const ignored = (await readFile(`${REPO_ROOT}.dockerignore`, 'utf8')).split('\n');
    for (const entry of ['node_modules', 'dist', '.git', 'test']) expect(ignored).toContain(entry);
  });

  it("the build stage's steps pack the package, and the final stage's install of it runs as uid 1000 with production dependencies only", async () => {
    const work = await mkdtemp(join(tmpdir(), 'gke-doctor-image-'));
    const source = join(work, 'src');
    const pack = join(work, 'pack');
    const prefix = join(work, 'usr-local');
    await mkdir(source);
    // Stage 1: what COPY brings in, then its RUN lines (npm ci replaced by the installed node_modules: same lock file).
    for (const step of steps.filter((candidate) => candidate.stage === 0 && candidate.keyword === 'COPY')) {
      const parts = step.args.split(/\s+/);
      for (const file of parts.slice(0, -1)) await cp(join(REPO_ROOT, file), join(source, file), { recursive: true });
    }
    await symlink(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'));
    const build = steps.filter((step) => step.stage === 0 && step.keyword === 'RUN').map((step) => step.args);
    expect(build[0]).toMatch(/^npm ci /);
    await run('sh', ['-c', build[1]!.replaceAll('/pack', pack)], { cwd: source, timeout: 240_000 });
    const tarballs = await readdir(pack);
    expect(tarballs).toEqual([expect.stringMatching(/^gke-doctor-\d+\.\d+\.\d+\.tgz$/)]);

    // Stage 2: its install command, up to the clean-up, with npm's global prefix in the temp directory instead of /usr/local.
    const install = final().find((step) => step.keyword === 'RUN')!.args.split(' && ')[0]!.replaceAll('/pack', pack);
    await run('sh', ['-c', `${install} --prefer-offline`], { env: { ...process.env, npm_config_prefix: prefix, NODE_ENV: 'production' }, timeout: 240_000 });
    const installed = join(prefix, 'lib', 'node_modules', 'gke-doctor');
    // Every runtime dependency is inside the bundle (dist/bundle): the install writes none, and no build tool.
    expect(await readdir(installed)).not.toContain('node_modules');
    expect(await readdir(installed)).not.toContain('src');

    // As USER node does: uid 1000, reading the image's files only.
    await chmod(work, 0o755);
    const asNode = (args: string[]) => run('setpriv', ['--reuid=1000', '--regid=1000', '--clear-groups', join(prefix, 'bin', 'gke-doctor'), ...args], { cwd: '/', timeout: 60_000, env: { PATH: process.env.PATH, HOME: '/nonexistent', NO_COLOR: '1' } });
    expect((await asNode(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const fixture = join(installed, 'fixtures', 'healthy');
    const checked = await asNode(['check', '--snapshot', fixture, '--output', 'json']).catch((error: { code: number; stdout: string }) => error);
    expect(JSON.parse(checked.stdout)).toMatchObject({ version: 1, target: { source: 'snapshot' } });
  }, 600_000);
});
