import { describe, expect, it } from 'vitest';
import { finalizerOwner } from '../../../src/gke/namespaces/finalizer-owners.js';
import type { KubeObject } from '../../../src/state/kubernetes-types.js';

const object = (kind: string, name: string, namespace: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'x/v1', kind, metadata: { name, namespace, labels } });

describe("operators' finalizers: each string from its project's source, with where its controller runs", () => {
  it.each([
    ['cnrm.cloud.google.com/finalizer', 'cnrm-system', { 'cnrm.cloud.google.com/component': 'cnrm-controller-manager' }],
    ['finalizer.acme.cert-manager.io', undefined, { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' }],
    ['acme.cert-manager.io/finalizer', undefined, { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' }],
    ['finalizer.apiextensions.crossplane.io', undefined, { app: 'crossplane' }],
    ['composite.apiextensions.crossplane.io', undefined, { app: 'crossplane' }],
    ['istio-finalizer.install.istio.io', undefined, { name: 'istio-operator' }],
    ['restores.velero.io/external-resources-finalizer', undefined, { component: 'velero', deploy: 'velero' }],
    ['externalsecrets.external-secrets.io/externalsecret-cleanup', undefined, { 'app.kubernetes.io/name': 'external-secrets' }],
    ['pushsecret.externalsecrets.io/finalizer', undefined, { 'app.kubernetes.io/name': 'external-secrets' }],
    ['configsync.gke.io/reconciler-manager', 'config-management-system', { app: 'reconciler-manager' }],
    ['routes.serving.knative.dev', 'knative-serving', { app: 'controller' }],
  ])('%s', (finalizer, namespace, podLabels) => {
    const owner = finalizerOwner(finalizer)!;
    expect(owner.controller).toBe('workload');
    const workload = owner.workload!(object('X', 'x', 'shop'));
    expect([workload.namespace, workload.podLabels]).toEqual([namespace, podLabels]);
    expect(owner.stripping!(object('X', 'x', 'shop'))).not.toBe('');
  });

  it("Config Sync's reconciler of a RepoSync, named as kpt-config-sync pkg/core/names.go names it", () => {
    const owner = finalizerOwner('configsync.gke.io/reconciler')!;
    expect(owner.workload!(object('RepoSync', 'repo-sync', 'team-a')).podLabels).toEqual({ 'configsync.gke.io/reconciler': 'ns-reconciler-team-a' });
    expect(owner.workload!(object('RepoSync', 'apps', 'team-a')).podLabels).toEqual({ 'configsync.gke.io/reconciler': 'ns-reconciler-team-a-apps-4' });
    expect(owner.workload!(object('RootSync', 'root-sync', 'config-management-system')).podLabels).toEqual({ 'configsync.gke.io/reconciler': 'root-reconciler' });
  });

  it("Strimzi's Topic Operator runs in the entity operator of the topic's Kafka cluster", () => {
    const owner = finalizerOwner('strimzi.io/topic-operator')!;
    expect(owner.workload!(object('KafkaTopic', 'orders', 'kafka', { 'strimzi.io/cluster': 'my-cluster' })).podLabels).toEqual({ 'strimzi.io/name': 'my-cluster-entity-operator' });
  });

  it('a finalizer named like a Knative resource of another group is not taken for Serving', () => expect(finalizerOwner('brokers.eventing.knative.dev')).toBeUndefined());
});
