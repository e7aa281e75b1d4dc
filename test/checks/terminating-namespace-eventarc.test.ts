import { expect } from 'vitest';
import terminatingNamespace from '../../checks/terminating-namespace.js';
import type { Cluster, EventarcTrigger } from '../../src/state/gcp-types.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import type { InvalidCase } from '../support/check-tester.js';
import { testCheck } from '../support/check-tester.js';
import { clusterState } from '../support/state.js';

const CLUSTER: Cluster = { name: 'c', location: 'us-central1' };
const TRIGGER: EventarcTrigger = {
  name: 'projects/p/locations/us-central1/triggers/push',
  createTime: '2023-12-01T03:00:00Z',
  destination: { gke: { cluster: 'c', location: 'us-central1', namespace: 'app', service: 'web' } },
};
const OTHER_CLUSTER: EventarcTrigger = { ...TRIGGER, destination: { gke: { cluster: 'other', location: 'us-central1', namespace: 'app', service: 'web' } } };

function stuck(name: string, created: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, creationTimestamp: created, deletionTimestamp: '2023-12-01T04:00:00Z', labels },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Terminating' },
  };
}

/** A stuck namespace, and the trigger the finding names as the owner of its forwarder (null: none), in the evidence and in the words. */
function forwarderCase(name: string, namespace: KubeObject, triggers: EventarcTrigger[], owner: string | null): InvalidCase {
  return {
    name,
    state: clusterState({ cluster: CLUSTER, eventarcTriggers: triggers }, [namespace]),
    findings: [{ messageId: 'stuck', resource: `Namespace/${namespace.metadata!.name}`, severity: 'error' }],
    then: ({ findings: [finding] }) => {
      expect(finding!.evidence.eventarcTriggers).toEqual(owner ? [TRIGGER.name] : []);
      expect(/most likely the namespace Eventarc created for the event forwarder of (.*?)\. /.exec(finding!.message)?.[1] ?? null).toBe(owner);
    },
  };
}

testCheck(terminatingNamespace, {
  invalid: [
    forwarderCase('events-system, created 8s after the trigger', stuck('events-system', '2023-12-01T03:00:08Z'), [TRIGGER], 'trigger push (namespace created 8s after it)'),
    forwarderCase('events-system, created long before', stuck('events-system', '2023-01-01T00:00:00Z'), [TRIGGER], 'trigger push'),
    forwarderCase('the knative-gcp release label', stuck('eventing', '2023-01-01T00:00:00Z', { 'events.cloud.google.com/release': 'v0.22.0' }), [TRIGGER], 'trigger push'),
    forwarderCase('another name, created 2 minutes after the trigger', stuck('eventarc-forwarder-x', '2023-12-01T03:02:00Z'), [TRIGGER], 'trigger push (namespace created 2m after it)'),
    forwarderCase('another name, created an hour after', stuck('team-a', '2023-12-01T04:00:00Z'), [TRIGGER], null),
    forwarderCase("the trigger's own destination namespace", stuck('app', '2023-12-01T03:00:05Z'), [TRIGGER], null),
    forwarderCase('events-system without any GKE trigger', stuck('events-system', '2023-12-01T03:00:08Z'), [], null),
    forwarderCase('events-system with a trigger into another cluster only', stuck('events-system', '2023-12-01T03:00:08Z'), [OTHER_CLUSTER], null),
    {
      name: 'seed: events-system belongs to trigger jobapp-push, and the discovery failure is still named',
      fixture: 'seed-eventarc-stuck-namespace',
      findings: [{ messageId: 'stuck', resource: 'Namespace/events-system', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('event forwarder of trigger jobapp-push (namespace created 8s after it)');
        expect(finding!.message).toContain('NamespaceDeletionDiscoveryFailure');
        expect(finding!.evidence.eventarcTriggers).toEqual(['projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push']);
      },
    },
  ],
});
