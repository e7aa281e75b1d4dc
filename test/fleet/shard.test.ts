import { describe, expect, it } from 'vitest';
import { inShard, parseShard, resolveShard, shardOf } from '../../src/fleet/shard.js';

const fleet = Array.from({ length: 200 }, (_, index) => ({ project: `project-${index % 7}`, location: ['us-central1', 'europe-west1-b', 'asia-northeast1'][index % 3]!, cluster: `cluster-${index}` }));

describe('sharding', () => {
  it('puts every cluster in exactly one shard, for every count', () => {
    for (let count = 1; count <= 9; count++) {
      const shards = Array.from({ length: count }, (_, index) => fleet.filter((ref) => inShard(ref, { index, count })));
      expect(shards.flat()).toHaveLength(fleet.length);
      expect(new Set(shards.flat()).size).toBe(fleet.length);
      // A hash spreads the clusters: no shard of a 200-cluster fleet is empty.
      if (count > 1) expect(shards.every((shard) => shard.length > 0)).toBe(true);
    }
  });

  it('is stable across runs and machines: a hash of project/location/cluster, pinned here', () => {
    // sha256("prod-a/us-central1/payments"), first 8 bytes big-endian, modulo the count (computed with Python hashlib).
    expect([2, 3, 4, 8, 16].map((count) => shardOf({ project: 'prod-a', location: 'us-central1', cluster: 'payments' }, count))).toEqual([0, 0, 2, 6, 14]);
    expect(shardOf({ project: 'prod-a', location: 'us-central1', cluster: 'payments' }, 16)).toBe(shardOf({ cluster: 'payments', location: 'us-central1', project: 'prod-a' }, 16));
  });

  it('does not depend on the other clusters of the fleet', () => {
    const before = fleet.map((ref) => shardOf(ref, 5));
    const grown = [...fleet, { project: 'new', location: 'us-east1', cluster: 'x' }];
    expect(grown.slice(0, fleet.length).map((ref) => shardOf(ref, 5))).toEqual(before);
  });
});

describe('--shard and the job engines', () => {
  it('parses INDEX/COUNT', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow('shard index 4 is not below the count 4');
    expect(() => parseShard('1-4')).toThrow('expected INDEX/COUNT');
    expect(() => parseShard('0/0')).toThrow('at least 1');
  });

  it('takes the index of a Kubernetes Indexed Job with --shard-count', () => {
    expect(resolveShard({ shardCount: '5' }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 5 });
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: '3' })).toThrow('pass --shard-count');
    expect(() => resolveShard({ shardCount: '3' }, { JOB_COMPLETION_INDEX: '3' })).toThrow('not below the count 3');
  });

  it('takes index and count of a Cloud Run job task', () => {
    expect(resolveShard({}, { CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '10' })).toEqual({ index: 0, count: 10 });
    expect(() => resolveShard({}, { CLOUD_RUN_TASK_INDEX: '0' })).toThrow('CLOUD_RUN_TASK_COUNT is not set');
  });

  it('prefers --shard, and runs unsharded outside a job', () => {
    expect(resolveShard({ shard: '1/2' }, { CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '10' })).toEqual({ index: 1, count: 2 });
    expect(resolveShard({}, {})).toBeNull();
    expect(() => resolveShard({ shardCount: '3' }, {})).toThrow('--shard-count needs JOB_COMPLETION_INDEX');
    expect(() => resolveShard({ shard: '0/2', shardCount: '2' }, {})).toThrow('--shard already names both');
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: 'x' })).toThrow('pass --shard-count');
    expect(() => resolveShard({ shardCount: '2' }, { JOB_COMPLETION_INDEX: 'x' })).toThrow('JOB_COMPLETION_INDEX is "x"');
  });
});
