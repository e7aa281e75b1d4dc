import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { Report } from '../../src/engine/report.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { runCli } from '../support/cli.js';
import { permissionDenied } from '../support/fake-gcp.js';
import { FIXTURE_NOW, checkReport, fixturePath, runFixture } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { comparable, serveFixture } from '../support/live.js';
import { runChecks } from '../support/run-checks.js';

// Data read from other data: the Shared VPC host's policy from the cluster's network, the Pub/Sub
// topics and subscriptions from the triggers' transport.

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const live = (fixture: ServedFixture) => new LiveSource({ env: fixture.env, kubeconfig: fixture.kubeconfig });
const runLive = (fixture: ServedFixture) => runChecks(builtinChecks, live(fixture), { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 });
const sameCheck = (report: Report, id: string) => ({ ...checkReport(report, id), durationMs: 0 });
const gcpRequests = (fixture: ServedFixture) => fixture.gcp.requests.map((request) => `${request.method} ${request.path}`);

describe("the Shared VPC host project's policy", () => {
  it('is read from the project the cluster network is in, at version 3, as host-iam-policy.json holds it', async () => {
    served = await serveFixture('gke-shared-vpc-host-no-firewall');
    const state = await live(served).collect(new Set<DataKey>(['hostIamPolicy']));
    expect(state.hostIamPolicy).toEqual(JSON.parse(await readFile(fixturePath('gke-shared-vpc-host-no-firewall/host-iam-policy.json'), 'utf8')));
    const request = served.gcp.requests.find((candidate) => candidate.path === '/v3/projects/acme-net-host:getIamPolicy');
    expect(request?.body).toEqual({ options: { requestedPolicyVersion: 3 } });
    // The cluster it is found from is read first.
    expect(gcpRequests(served)[0]).toMatch(/^GET \/v1\/projects\/acme-orders-prod\/locations\/us-central1\/clusters\/orders-cluster$/);
  });

  it('is not read, and not missing, when the network is the project\'s own', async () => {
    served = await serveFixture('eventarc-initialised');
    const state = await live(served).collect(new Set<DataKey>(['hostIamPolicy']));
    expect(state.hostIamPolicy).toBeUndefined();
    expect(state.unavailable.has('hostIamPolicy')).toBe(false);
    expect(gcpRequests(served).filter((request) => request.includes(':getIamPolicy'))).toEqual([]);
  });

  it('live gives the snapshot\'s report', async () => {
    served = await serveFixture('gke-shared-vpc-host-no-firewall');
    const [fromLive, fromSnapshot] = await Promise.all([runLive(served), runFixture('gke-shared-vpc-host-no-firewall')]);
    expect(sameCheck(fromLive, 'gke-service-agent')).toEqual(sameCheck(fromSnapshot, 'gke-service-agent'));
    expect(checkReport(fromLive, 'gke-service-agent').findings.map((finding) => finding.messageId)).toEqual(['hostFirewallMissing']);
  });

  it('a 403 on it makes gke-service-agent incomplete, naming the permission and a role, and nothing else', async () => {
    served = await serveFixture('gke-shared-vpc-host-no-firewall');
    const healthy = await runLive(served);
    served.gcp.inject({ path: '/v3/projects/acme-net-host:getIamPolicy', status: 403, body: permissionDenied('resourcemanager.projects.getIamPolicy', 'cloudresourcemanager.googleapis.com', 'projects/acme-net-host') });
    const report = await runLive(served);
    const agent = checkReport(report, 'gke-service-agent');
    expect(agent.status).toBe('incomplete');
    expect(agent.reason).toContain('resourcemanager.projects.getIamPolicy');
    expect(agent.reason).toContain('roles/iam.securityReviewer');
    for (const check of report.checks.filter((candidate) => candidate.id !== 'gke-service-agent')) expect(sameCheck(report, check.id)).toEqual(sameCheck(healthy, check.id));
  });
});

describe("the triggers' Pub/Sub transport", () => {
  it('is read one GET per name the triggers hold (never a list), and a 404 means it is gone', async () => {
    served = await serveFixture('eventarc-subscription-deleted');
    const state = await live(served).collect(new Set<DataKey>(['pubsubTopics', 'pubsubSubscriptions']));
    expect(state.pubsubTopics).toEqual([{ name: 'projects/acme-orders-prod/topics/eventarc-us-central1-orders-uploads-072' }]);
    expect(state.pubsubSubscriptions).toEqual([]);
    expect(state.unavailable.size).toBe(0);
    expect(gcpRequests(served).filter((request) => !request.includes('/triggers'))).toEqual(
      expect.arrayContaining(['GET /v1/projects/acme-orders-prod/topics/eventarc-us-central1-orders-uploads-072', 'GET /v1/projects/acme-orders-prod/subscriptions/eventarc-us-central1-orders-uploads-sub-318']),
    );
    expect(gcpRequests(served).filter((request) => /\/(topics|subscriptions)$/.test(request))).toEqual([]);
  });

  it('live gives the snapshot\'s report', async () => {
    served = await serveFixture('eventarc-topic-deleted');
    const [fromLive, fromSnapshot] = await Promise.all([runLive(served), runFixture('eventarc-topic-deleted')]);
    expect(sameCheck(fromLive, 'eventarc-gke-delivery')).toEqual(sameCheck(fromSnapshot, 'eventarc-gke-delivery'));
    expect(checkReport(fromLive, 'eventarc-gke-delivery').findings.map((finding) => finding.messageId)).toEqual(['subscriptionDetached', 'transportGone']);
  });

  it('a 403 makes eventarc-gke-delivery incomplete, naming the permission and a role', async () => {
    served = await serveFixture('eventarc-initialised');
    served.gcp.inject({ path: /\/topics\//, status: 403, body: permissionDenied('pubsub.topics.get', 'pubsub.googleapis.com', 'projects/acme-orders-prod/topics/eventarc-us-central1-orders-uploads-072') });
    const report = await runLive(served);
    const delivery = checkReport(report, 'eventarc-gke-delivery');
    expect(delivery.status).toBe('incomplete');
    expect(delivery.reason).toContain('pubsub.topics.get');
    expect(delivery.reason).toContain('roles/pubsub.viewer');
    expect(checkReport(report, 'eventarc-gke-trigger').status).toBe('passed');
  });

  it('triggers that could not be read leave the transport unread, saying why', async () => {
    served = await serveFixture('eventarc-initialised');
    served.gcp.inject({ path: /\/triggers$/, status: 403, body: permissionDenied('eventarc.triggers.list', 'eventarc.googleapis.com', 'projects/acme-orders-prod') });
    const state = await live(served).collect(new Set<DataKey>(['eventarcTriggers', 'pubsubTopics']));
    expect(state.unavailable.get('pubsubTopics')).toBe("cannot read the Eventarc triggers' Pub/Sub topics: it is found from Eventarc triggers, which could not be read");
  });
});

describe('gke-doctor snapshot DIR', () => {
  for (const fixture of ['eventarc-subscription-deleted', 'gke-shared-vpc-host-no-firewall']) {
    it(`${fixture}: writes the transport and the host policy, and the replay gives the live report`, async () => {
      served = await serveFixture(fixture);
      const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-snap-')), 'out');
      await runCli(['snapshot', directory], { env: served.env });
      // Only what triggers name is read, and written: nothing for a project without triggers.
      for (const file of ['pubsub-topics.json', 'pubsub-subscriptions.json', 'host-iam-policy.json']) {
        const original = await readFile(fixturePath(`${fixture}/${file}`), 'utf8').catch(() => undefined);
        const written = await readFile(join(directory, file), 'utf8').catch(() => undefined);
        expect(written === undefined ? undefined : JSON.parse(written), file).toEqual(original === undefined ? undefined : JSON.parse(original));
      }
      const fromLive = JSON.parse((await runCli(['check', '--output', 'json'], { env: served.env })).stdout) as Report;
      const replay = JSON.parse((await runCli(['check', '--snapshot', directory, '--output', 'json'])).stdout) as Report;
      expect(comparable(replay)).toEqual(comparable(fromLive));
    });
  }
});
