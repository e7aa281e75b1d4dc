import { describe, expect, it } from 'vitest';
import { eachAtMost } from '../../src/each-at-most.js';
import { MIN_CLUSTER_SHARE_MS, clusterShareMs, eachWithinShare } from '../../src/fleet/schedule.js';
import { Deadline } from '../../src/state/live/deadline.js';

describe('clusterShareMs (--cluster-timeout by default)', () => {
  it.each([
    // remaining, clusters, concurrency: share
    [120_000, 4, 4, 120_000], // one wave: the whole run
    [120_000, 5, 4, 60_000], // two waves
    [600_000, 40, 4, 60_000], // ten waves
    [120_000, 100, 4, MIN_CLUSTER_SHARE_MS], // 25 waves would give 4.8s: never under 30s
    [10_000, 100, 4, 10_000], // never over what is left
    [100_500, 3, 1, 33_000], // rounded down to a second
    [Number.POSITIVE_INFINITY, 1000, 1, Number.POSITIVE_INFINITY],
  ])('%i ms left, %i clusters at %i at once: %i ms each', (remaining, clusters, concurrency, share) => {
    expect(clusterShareMs(remaining, clusters, concurrency)).toBe(share);
  });
});

describe('eachWithinShare', () => {
  it('gives each item a deadline of its share, named --cluster-timeout, and the run deadline when that ends first', async () => {
    // A clock that stands still: what is left of the run is exactly its length.
    const run = new Deadline(600_000, () => 0);
    try {
      const seen = await eachWithinShare([1, 2, 3], { concurrency: 2, deadline: run, clusterTimeoutMs: 5_000 }, async (_, own) => ({ ms: own.ms, flag: own.flag }), () => null);
      expect(seen).toEqual([1, 2, 3].map(() => ({ ms: 5_000, flag: '--cluster-timeout' })));
      const capped = await eachWithinShare([1], { concurrency: 1, deadline: run, clusterTimeoutMs: 900_000 }, async (_, own) => own, () => null);
      expect(capped).toEqual([run]);
      const byDefault = await eachWithinShare([1, 2, 3, 4, 5, 6, 7, 8], { concurrency: 2, deadline: run }, async (_, own) => own.ms, () => 0);
      expect(new Set(byDefault)).toEqual(new Set([150_000]));
    } finally {
      run.dispose();
    }
  });

  it("an item whose turn comes after the run's deadline is not visited, and says why", async () => {
    const run = new Deadline(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const visited: number[] = [];
    const results = await eachWithinShare([1, 2], { concurrency: 1, deadline: run }, async (item): Promise<string> => {
      visited.push(item);
      return 'visited';
    }, (item, reason) => `${item}: ${reason}`);
    expect(visited).toEqual([]);
    expect(results).toEqual(["1: not started before the run's deadline (--timeout 1ms)", "2: not started before the run's deadline (--timeout 1ms)"]);
  });
});

describe('eachAtMost', () => {
  it('runs at most the given number at once, and keeps the order', async () => {
    let running = 0;
    let busiest = 0;
    const results = await eachAtMost([5, 1, 4, 2, 3], 2, async (item) => {
      busiest = Math.max(busiest, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return item * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(busiest).toBe(2);
  });
});
