import { describe, expect, it } from 'vitest';
import terminatingNamespace from '../../checks/terminating-namespace.js';
import type { CheckResult } from '../../src/engine/check.js';
import type { Cluster, EventarcTrigger } from '../../src/state/gcp-types.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { checkReport, runFixture } from '../support/fixtures.js';
import { CONTEXT, clusterState } from '../support/state.js';

const CLUSTER: Cluster = { name: 'c', location: 'us-central1' };
const TRIGGER: EventarcTrigger = {
  name: 'projects/p/locations/us-central1/triggers/push',
  createTime: '2023-12-01T03:00:00Z',
  destination: { gke: { cluster: 'c', location: 'us-central1', namespace: 'app', service: 'web' } },
};

function stuck(name: string, created: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, creationTimestamp: created, deletionTimestamp: '2023-12-01T04:00:00Z', labels },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Terminating' },
  };
}

function message(namespace: KubeObject, triggers: EventarcTrigger[] = [TRIGGER], cluster: Cluster | undefined = CLUSTER): string {
  const result = terminatingNamespace.run(clusterState({ cluster, eventarcTriggers: triggers }, [namespace]), CONTEXT) as CheckResult;
  return result.findings[0]!.message;
}

const FORWARDER = /most likely the namespace Eventarc created for the event forwarder of (.*?)\. /;

describe('terminating-namespace names the Eventarc trigger whose forwarder namespace is stuck', () => {
  it.each<[string, KubeObject, EventarcTrigger[], string | null]>([
    ['events-system, created 8s after the trigger', stuck('events-system', '2023-12-01T03:00:08Z'), [TRIGGER], 'trigger push (namespace created 8s after it)'],
    ['events-system, created long before', stuck('events-system', '2023-01-01T00:00:00Z'), [TRIGGER], 'trigger push'],
    ['the knative-gcp release label', stuck('eventing', '2023-01-01T00:00:00Z', { 'events.cloud.google.com/release': 'v0.22.0' }), [TRIGGER], 'trigger push'],
    ['another name, created 2 minutes after the trigger', stuck('eventarc-forwarder-x', '2023-12-01T03:02:00Z'), [TRIGGER], 'trigger push (namespace created 2m after it)'],
    ['another name, created an hour after', stuck('team-a', '2023-12-01T04:00:00Z'), [TRIGGER], null],
    ['the trigger\'s own destination namespace', stuck('app', '2023-12-01T03:00:05Z'), [TRIGGER], null],
    ['events-system without any GKE trigger', stuck('events-system', '2023-12-01T03:00:08Z'), [], null],
    [
      'events-system with a trigger into another cluster only',
      stuck('events-system', '2023-12-01T03:00:08Z'),
      [{ ...TRIGGER, destination: { gke: { cluster: 'other', location: 'us-central1', namespace: 'app', service: 'web' } } }],
      null,
    ],
  ])('%s', (_name, namespace, triggers, expected) => {
    expect(FORWARDER.exec(message(namespace, triggers))?.[1] ?? null).toBe(expected);
  });

  it('in the seed: events-system belongs to trigger jobapp-push, and the discovery failure is still named', async () => {
    const check = checkReport(await runFixture('seed-eventarc-stuck-namespace', { only: ['terminating-namespace'] }), 'terminating-namespace');
    const [finding] = check.findings;
    expect(finding!.resource).toBe('Namespace/events-system');
    expect(finding!.message).toContain('event forwarder of trigger jobapp-push (namespace created 8s after it)');
    expect(finding!.message).toContain('NamespaceDeletionDiscoveryFailure');
    expect(finding!.evidence.eventarcTriggers).toEqual(['projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push']);
  });
});
