import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { renderCheckPage } from '../../src/report/check-page.js';
import { VERSION } from '../../src/version.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixtures.js';

const DIR = `${REPO_ROOT}docs/checks/`;

describe('docs/checks', () => {
  it.each(builtinChecks.map((check) => [check.id, check] as const))('has an up-to-date page for %s (npm run docs rewrites it)', (id, check) => {
    expect(existsSync(`${DIR}${id}.md`), `docs/checks/${id}.md is missing: run npm run docs`).toBe(true);
    expect(readFileSync(`${DIR}${id}.md`, 'utf8'), `docs/checks/${id}.md is out of date: run npm run docs`).toBe(renderCheckPage(check));
  });

  it('has no page for a check that does not exist', () => {
    const pages = readdirSync(DIR).filter((file) => file.endsWith('.md'));
    expect(pages.sort()).toEqual(builtinChecks.map((check) => `${check.id}.md`).sort());
  });

  it('names no internal data key on a page', () => {
    for (const check of builtinChecks) expect(renderCheckPage(check)).not.toContain('ObjectsInTerminatingNamespaces');
  });
});

describe('tools and reports point at the pages', () => {
  // The per-check page in the repository package.json names, at the tag of this version.
  const repository = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { repository: { url: string } }).repository.url.replace(/^git\+|\.git$/g, '');
  const page = (id: string) => `${repository}/blob/v${VERSION}/docs/checks/${id}.md`;

  it('list --output json gives every check with its page', async () => {
    const { code, stdout } = await runCli(['list', '--output', 'json']);
    expect(code).toBe(0);
    const { checks } = JSON.parse(stdout) as { checks: { id: string; url: string }[] };
    expect(checks.map((check) => check.id)).toEqual(builtinChecks.map((check) => check.id));
    expect(checks.find((check) => check.id === 'ingress-config')).toEqual({
      id: 'ingress-config',
      title: builtinChecks.find((check) => check.id === 'ingress-config')!.title,
      severity: 'error',
      url: page('ingress-config'),
    });
  });

  it('explain -o json gives the metadata, and the text names the page and no internal key', async () => {
    const json = JSON.parse((await runCli(['explain', 'terminating-namespace', '-o', 'json'])).stdout);
    expect(json).toMatchObject({ id: 'terminating-namespace', severity: 'error', url: page('terminating-namespace') });
    expect(json.reads).toContain('every object left in a namespace that is being deleted');
    expect(Object.keys(json.messages)).toContain('stuck');
    const text = (await runCli(['explain', 'terminating-namespace'])).stdout;
    expect(text).toContain(`Documentation: ${page('terminating-namespace')}`);
    expect(text).not.toContain('ObjectsInTerminatingNamespaces');
  });

  it("SARIF rules' helpUri is the check's page", async () => {
    const { stdout } = await runCli(['check', '--snapshot', 'fixtures/seed-eventarc-stuck-namespace', '--no-config', '-o', 'sarif']);
    const rules = JSON.parse(stdout).runs[0].tool.driver.rules as { id: string; helpUri: string }[];
    expect(rules.map((rule) => rule.helpUri)).toEqual(rules.map((rule) => page(rule.id)));
  });
});
