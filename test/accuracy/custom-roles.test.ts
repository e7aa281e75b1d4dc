import { afterEach, describe, expect, it } from 'vitest';
import { evaluateRole } from '../../src/gke/iam/iam.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

const ACCOUNT = 'serviceAccount:orders-events@acme-orders-prod.iam.gserviceaccount.com';
const ROLE = 'projects/acme-orders-prod/roles/eventarcGkeForwarder';
const KEYS = new Set<DataKey>(['iamPolicy']);

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe('custom roles are read with the IAM policy', () => {
  it('snapshot: roles/ROLE_ID.json, by the full name it holds', async () => {
    const state = await new SnapshotSource(fixturePath('eventarc-custom-role')).collect(KEYS);
    expect(state.customRoles?.get(ROLE)?.includedPermissions).toContain('monitoring.timeSeries.create');
  });

  it('live: IAM roles.get for each custom role the policy binds, a GET', async () => {
    served = await serveFixture('eventarc-custom-role');
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(KEYS);
    expect(state.customRoles?.get(ROLE)?.title).toBe('Eventarc GKE forwarder');
    expect(served.gcp.requests.filter((request) => request.path.includes('/roles/')).map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /v1/${ROLE}`,
    ]);
  });

  it('live: a role that cannot be read is left out (so a check says it was not read)', async () => {
    served = await serveFixture('eventarc-custom-role-unread');
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(KEYS);
    expect(state.customRoles?.has(ROLE)).toBe(false);
  });

  it.each([
    ['eventarc-custom-role', 'roles/monitoring.metricWriter', 'granted-through-role'],
    ['eventarc-custom-role', 'roles/eventarc.eventReceiver', 'granted-through-role'],
    ['eventarc-custom-role-lacking', 'roles/monitoring.metricWriter', 'not-granted'],
    ['eventarc-custom-role-lacking', 'roles/pubsub.subscriber', 'granted-through-role'],
    ['eventarc-custom-role-unread', 'roles/pubsub.subscriber', 'custom-role-unread'],
  ])('%s: %s is %s', async (fixture, role, status) => {
    const state = await new SnapshotSource(fixturePath(fixture)).collect(KEYS);
    expect(evaluateRole(state.iamPolicy!, ACCOUNT, role, { customRoles: state.customRoles }).status).toBe(status);
  });
});
