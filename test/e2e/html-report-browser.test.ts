import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, REPO_ROOT } from '../support/fixtures.js';
import { spawnCli } from '../support/cli.js';

/**
 * The HTML report in a real browser: Debian's Chromium (.ci/run installs it), driven by
 * playwright-core, never a browser playwright downloads. Without /usr/bin/chromium the test
 * fails under CI (CI set) and is skipped elsewhere, saying so.
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) console.warn(`skipping the HTML report browser test: ${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium)`);

/** Screenshots, kept as test artifacts (git-ignored). */
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

const HOSTILE_CLUSTER = `<img src=x onerror="document.title='pwned'">`;
const TREE: Record<string, string> = {
  'proj-a/us-central1/events': 'seed-eventarc-stuck-namespace',
  'proj-a/us-central1/healthy': 'healthy',
  'proj-b/europe-west1-b/web': 'seed-ingress-addon-disabled',
  'proj-b/europe-west1-b/argocd': 'seed-argocd-unhealthy',
  [`proj-b/europe-west1-b/${HOSTILE_CLUSTER}`]: 'healthy',
};

let root: string;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const problems: string[] = [];

describe.skipIf(!available && !process.env.CI)('the HTML report in Chromium', () => {
  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing under CI: .ci/run installs Debian's chromium when it is not there`);
    root = await mkdtemp(join(tmpdir(), 'gke-doctor-html-'));
    for (const [path, fixture] of Object.entries(TREE)) await cp(fixturePath(fixture), join(root, 'fleet', path), { recursive: true });
    await mkdir(join(root, 'fleet/proj-b/europe-west1-b/broken'), { recursive: true });
    await writeFile(join(root, 'fleet/proj-b/europe-west1-b/broken/cluster.json'), '{ not json');
    const file = join(root, 'report.html');
    const run = await spawnCli(['check', '--snapshot', join(root, 'fleet'), '--output', 'html', '--output-file', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(join(root, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context.on('request', (request) => requests.push(request.url()));
    page = await context.newPage();
    page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
    page.on('pageerror', (error) => void problems.push(error.message));
    await page.goto(pathToFileURL(file).href);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-fleet.png'), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-top.png') });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const visible = (selector: string) => page.locator(selector).evaluateAll((elements) => elements.filter((element) => (element as HTMLElement).offsetParent !== null).map((element) => (element as HTMLElement).dataset));

  it('shows every cluster: a row in the table and a section each', async () => {
    const rows = await page.locator('table.fleet tbody tr').evaluateAll((elements) => elements.map((element) => (element as HTMLElement).dataset.cluster));
    expect(rows).toEqual([
      'proj-a/us-central1/events',
      'proj-a/us-central1/healthy',
      `proj-b/europe-west1-b/${HOSTILE_CLUSTER}`,
      'proj-b/europe-west1-b/argocd',
      'proj-b/europe-west1-b/broken',
      'proj-b/europe-west1-b/web',
    ].sort((a, b) => a.localeCompare(b)));
    expect(await page.locator('section.cluster').count()).toBe(6);
    expect(await page.locator('tr.status-failing').count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-cluster="proj-b/europe-west1-b/broken"]').getAttribute('class')).toBe('status-incomplete');
  });

  it('shows the hostile cluster name as text, never as markup', async () => {
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('section.cluster h2').allTextContents()).toContain(`proj-b/europe-west1-b/${HOSTILE_CLUSTER}`);
  });

  it('filters by severity, check and project', async () => {
    const all = (await visible('.finding')).length;
    await page.selectOption('select[name="severity"]', 'error');
    const errors = await visible('.finding');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThan(all);
    expect(new Set(errors.map((finding) => finding.severity))).toEqual(new Set(['error']));
    expect(await page.locator('#shown').textContent()).toBe(`${errors.length} finding${errors.length === 1 ? '' : 's'} shown`);

    await page.selectOption('select[name="check"]', 'ingress-health-check');
    const health = await visible('.finding');
    expect(health.length).toBeGreaterThan(0);
    expect(new Set(health.map((finding) => finding.check))).toEqual(new Set(['ingress-health-check']));
    expect((await visible('section.cluster')).map((section) => section.cluster)).toEqual(['proj-b/europe-west1-b/argocd']);

    await page.selectOption('select[name="severity"]', '');
    await page.selectOption('select[name="check"]', '');
    await page.selectOption('select[name="project"]', 'proj-a');
    expect(new Set((await visible('section.cluster')).map((section) => section.project))).toEqual(new Set(['proj-a']));
    expect(new Set((await visible('table.fleet tbody tr')).map((row) => row.project))).toEqual(new Set(['proj-a']));
    expect(new Set((await visible('.finding')).map((finding) => finding.project))).toEqual(new Set(['proj-a']));
    await page.selectOption('select[name="project"]', '');
    expect((await visible('.finding')).length).toBe(all);
  });

  it('draws the health-check path of argocd-server: the Pod answers 307 where the load balancer needs 200', async () => {
    const figure = page.locator('section.cluster[data-cluster="proj-b/europe-west1-b/argocd"] .hc-path').first();
    expect(await figure.locator('.lb-lane .hop').count()).toBe(4);
    expect(await figure.locator('.probe-lane .hop').count()).toBeGreaterThanOrEqual(3);
    expect(await figure.locator('figcaption').textContent()).toContain('the Pod answers 307');
    await figure.screenshot({ path: join(ARTIFACTS, 'html-report-health-check-path.png') });
  });

  it('offers each fix command to copy', async () => {
    const block = page.locator('section.cluster[data-cluster="proj-b/europe-west1-b/web"] .commands').first();
    expect(await block.locator('pre').textContent()).toMatch(/gcloud container clusters update/);
    await block.locator('button.copy').click();
    expect(await block.locator('button.copy').textContent()).toMatch(/^(Copied|Selected: press Ctrl\+C)$/);
  });

  it("a single cluster's report: its checks and the health-check path, no fleet table", async () => {
    const file = join(root, 'single.html');
    expect(await spawnCli(['check', '--snapshot', fixturePath('seed-argocd-unhealthy'), '--output', 'html', '--output-file', file])).toMatchObject({ code: 1, stderr: '' });
    const single = await context.newPage();
    single.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
    await single.goto(pathToFileURL(file).href);
    expect(await single.locator('table.fleet').count()).toBe(0);
    expect(await single.locator('article.check').count()).toBeGreaterThan(5);
    expect(await single.locator('.hc-path figcaption').first().textContent()).toContain('the Pod answers 307');
    await single.selectOption('select[name="severity"]', 'info');
    const shown = await single.locator('.finding').evaluateAll((elements) => elements.filter((element) => (element as HTMLElement).offsetParent !== null).map((element) => (element as HTMLElement).dataset.severity));
    expect(new Set(shown)).toEqual(new Set(shown.length > 0 ? ['info'] : []));
    await single.screenshot({ path: join(ARTIFACTS, 'html-report-single.png') });
    await single.close();
  });

  it('sends no request: everything it shows is in the one file, and the policy blocked nothing of its own', async () => {
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
