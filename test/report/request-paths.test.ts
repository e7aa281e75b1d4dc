import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixturePath, FIXTURE_NOW } from '../support/fixtures.js';
import { temporaryFixture } from '../support/live.js';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'json-lines'];

/** A copy of `fixture` with `edits` made to its files' text (the same fixture, a query planted in its paths). */
async function variant(fixture: string, edits: [RegExp, string][]): Promise<string> {
  const directory = fixturePath(fixture);
  const files: Record<string, string> = {};
  for (const file of await readdir(directory, { recursive: true })) {
    if (!/\.(json|ya?ml)$/.test(file)) continue;
    let text = await readFile(join(directory, file), 'utf8');
    for (const [pattern, replacement] of edits) text = text.replace(pattern, replacement);
    files[file] = text;
  }
  return temporaryFixture(files);
}

/**
 * Issue 21: a probe's or a health check's request path can carry a credential in its query
 * (`/ready?token=…`); reports print the path only. Modelled on ingress-stale-health-check (a
 * readinessProbe and a stale load balancer health check) and gateway-argocd-healthy (a
 * HealthCheckPolicy), with a token planted in each path's query.
 */
describe('reports print request paths without their query', () => {
  it.each([
    ['ingress-stale-health-check', [[/path: \/ready$/gm, 'path: /ready?token=PLANTED-probe-query'], [/"requestPath": "\/healthz"/g, '"requestPath": "/healthz?token=PLANTED-lb-query"']], ['/ready', '/healthz']],
    ['gateway-argocd-healthy', [[/requestPath: \/healthz$/gm, 'requestPath: /healthz?token=PLANTED-policy-query']], ['/healthz']],
  ] as [string, [RegExp, string][], string[]][])('%s with a token in its paths', async (fixture, edits, paths) => {
    const directory = await variant(fixture, edits);
    for (const format of FORMATS) {
      const result = await runCli(['check', '--snapshot', directory, '--output', format], { now: () => FIXTURE_NOW });
      expect([0, 1, 3]).toContain(result.code);
      expect(result.stdout + result.stderr).not.toMatch(/PLANTED-[a-z-]+/);
      for (const path of paths) expect(result.stdout).toContain(path);
    }
  });
});
