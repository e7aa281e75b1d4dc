// The benchmark's network (test/support/network-delay.ts): a new TLS connection costs the TCP and
// TLS handshakes' round trips, a kept-alive one a single round trip per exchange; and the fakes take
// hundreds of connections at once (more than a backlog of 128; one that dropped some would time the fake).
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TLS } from '../support/fake-http.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver.js';
import { fixturePath } from '../support/fixtures.js';

const RTT_MS = 60;

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    request(`${url}/api/v1/namespaces`, { agent, ca: TEST_TLS.ca }, (response) => {
      response.resume();
      response.on('end', () => resolve(performance.now() - started));
    })
      .on('error', reject)
      .end();
  });
}

describe('the benchmark network', () => {
  let fake: FakeKubeApiServer;
  beforeAll(async () => (fake = await FakeKubeApiServer.serve(fixturePath('seed-eventarc-stuck-namespace'), { tls: true, rttMs: RTT_MS })));
  afterAll(() => fake.close());

  it('charges a new TLS connection its handshakes, and a kept-alive one a round trip', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: TEST_TLS.ca });
    try {
      const first = await get(fake.url, agent);
      const second = await get(fake.url, agent);
      // TCP handshake, TLS 1.3 handshake, the exchange: three round trips; then one.
      expect(first).toBeGreaterThanOrEqual(3 * RTT_MS - 5);
      expect(second).toBeGreaterThanOrEqual(RTT_MS - 5);
      expect(second).toBeLessThan(first - RTT_MS);
    } finally {
      agent.destroy();
    }
  });

  it('answers 150 connections opened at once', async () => {
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity, ca: TEST_TLS.ca });
    const times = await Promise.all(Array.from({ length: 150 }, () => get(fake.url, agent)));
    expect(times).toHaveLength(150);
  });
});
