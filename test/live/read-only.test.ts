import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURE_NOW } from '../support/fixtures.js';
import { serveFixture, snapshotFixtures } from '../support/live.js';

/** Runs at once: each waits mostly on its fakes. */
const CONCURRENCY = 6;

it('check mode is read-only: across every fixture served live, with --probe, only GETs are sent (and getIamPolicy and backendServices.getHealth, reads the APIs define as POSTs)', async () => {
  const fixtures = await snapshotFixtures();
  const writes: string[] = [];
  let requests = 0;
  let probes = 0;
  let next = 0;
  const worker = async () => {
    while (next < fixtures.length) {
      const fixture = fixtures[next++]!;
      const served = await serveFixture(fixture);
      try {
        const result = await runCli(['check', '--probe', '--quiet', '--output', 'json'], { env: served.env, now: () => FIXTURE_NOW });
        expect([0, 1, 3], `${fixture}: ${result.stderr}`).toContain(result.code);
        const sent = [...served.gcp.requests, ...served.kube.requests];
        requests += sent.length;
        probes += sent.filter((request) => request.path.includes('/proxy/') || request.path.endsWith('/proxy')).length;
        for (const request of sent) {
          const postRead = /^\/v3\/projects\/[^/]+:getIamPolicy$|^\/compute\/v1\/projects\/[^/]+\/(global|regions\/[^/]+)\/backendServices\/[^/]+\/getHealth$/;
          if (request.method !== 'GET' && !(request.method === 'POST' && postRead.test(request.path))) writes.push(`${fixture}: ${request.method} ${request.path}`);
        }
      } finally {
        await served.close();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  expect(writes).toEqual([]);
  expect(requests).toBeGreaterThan(fixtures.length * 10);
  expect(probes, 'some fixture sends a --probe request').toBeGreaterThan(0);
}, 120_000);
