import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FakeGcpFleet } from '../support/fake-gcp-fleet.js';

/** Cluster and location names from `clusters.list` are API data too: a hostile answer must not place a snapshot outside DIR (issue 21). */
let fleet: FakeGcpFleet;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  fleet = await FakeGcpFleet.serve([{ fixture: 'seed-eventarc-stuck-namespace', clusters: [{ location: '..', name: '../../../escaped', fixture: 'healthy' }] }]);
  env = fleet.clientEnv(await mkdtemp(join(tmpdir(), 'gke-doctor-home-')));
});
afterAll(() => fleet.close());

describe('snapshot DIR --all-clusters with hostile cluster names', () => {
  it('writes every cluster below DIR/PROJECT/', async () => {
    const parent = join(await mkdtemp(join(tmpdir(), 'gke-doctor-fleet-hostile-')), 'a', 'b');
    await mkdir(parent, { recursive: true });
    const directory = join(parent, 'fleet');
    const written = await runCli(['snapshot', directory, '--all-clusters', '--project', 'acme-jobs-prod'], { env });
    expect(written.stderr).toMatch(/wrote .*fleet\/acme-jobs-prod\//);
    expect(await readdir(parent)).toEqual(['fleet']);
    expect(await readdir(join(parent, '..'))).toEqual(['b']);
    expect(await readdir(directory)).toEqual(['acme-jobs-prod']);
  });
});
