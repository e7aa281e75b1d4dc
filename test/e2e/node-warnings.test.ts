import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';

it('a Node warning (MetadataLookupWarning: the metadata server resets the connection) never adds a line to stderr', async () => {
  // What a machine without Google credentials meets when something answers on the metadata address badly.
  const server = createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const home = await mkdtemp(join(tmpdir(), 'gke-doctor-home-'));
  try {
    const result = await spawnCli(['check', '--project', 'p', '--location', 'l', '--cluster', 'c', '--only', 'http-load-balancing-addon'], {
      env: {
        HOME: home,
        CLOUDSDK_CONFIG: join(home, 'gcloud'),
        KUBECONFIG: join(home, 'kubeconfig'),
        GOOGLE_APPLICATION_CREDENTIALS: undefined,
        GOOGLE_OAUTH_ACCESS_TOKEN: undefined,
        METADATA_SERVER_DETECTION: undefined,
        GCE_METADATA_HOST: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gke-doctor: no usable Google credentials .*\n$/);
    expect(result.stderr).not.toMatch(/Warning/);
  } finally {
    server.close();
  }
});
