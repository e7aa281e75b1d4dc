import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../src/gke/duration.js';
import { FINALIZER_OWNERS, controllerStatus, finalizerOwner } from '../../src/gke/namespaces/finalizer-owners.js';
import { diagnoseNamespaceDeletion, namespaceFixCommands } from '../../src/gke/namespaces/namespace-deletion.js';
import type { Cluster } from '../../src/state/gcp-types.js';
import type { KubeObject, Namespace } from '../../src/state/kubernetes-types.js';
import { clusterState } from '../support/state.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

// k8s.io/apimachinery pkg/util/duration HumanDuration, case by case.
describe('humanDuration: ages as kubectl prints them', () => {
  it.each([
    [-5 * S, '<invalid>'],
    [-1 * S, '0s'],
    [0, '0s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [5 * M + 30 * S, '5m30s'],
    [10 * M + 30 * S, '10m'],
    [2 * H + 59 * M, '179m'],
    [3 * H, '3h'],
    [7 * H + 30 * M, '7h30m'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [6 * D + 12 * H, '6d12h'],
    [400 * D, '400d'],
    [730 * D, '2y'],
    [1094 * D + 19 * H, '2y364d'],
    [3000 * D, '8y'],
  ])('%d ms -> %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('finalizer owners from the sources', () => {
  it.each([
    ['gke.networking.io/l4-netlb-v3', 'gke-control-plane'],
    ['gke.networking.io/l4-ilb-v1', 'gke-control-plane'],
    ['gke.networking.io/l4-netlb-v1', 'gke-control-plane'],
    ['kubernetes.io/pvc-protection', 'kube-controller-manager'],
    ['kubernetes.io/pv-protection', 'kube-controller-manager'],
    ['foregroundDeletion', 'kube-controller-manager'],
    ['orphan', 'kube-controller-manager'],
    ['resources-finalizer.argocd.argoproj.io', 'argocd-application-controller'],
    ['networking.gke.io/ingress-finalizer-V2', 'gke-ingress'],
  ])('%s is removed by %s', (finalizer, controller) => expect(finalizerOwner(finalizer)?.controller).toBe(controller));

  it('every owner names its source', () => {
    for (const owner of FINALIZER_OWNERS) expect(owner.source).not.toBe('');
  });

  it('argo-cd\'s application controller: running, gone, or unknown when Pods were not read', () => {
    const controller: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'argocd-application-controller-0', namespace: 'argocd', labels: { 'app.kubernetes.io/name': 'argocd-application-controller' } },
      status: { phase: 'Running' },
    };
    expect(controllerStatus('argocd-application-controller', clusterState({}, [controller])).status).toBe('running');
    expect(controllerStatus('argocd-application-controller', clusterState({}, [])).status).toBe('gone');
    expect(controllerStatus('argocd-application-controller', clusterState({}, [], [['Pod', 'pods is forbidden']])).status).toBe('unknown');
  });
});

const NOW = new Date('2024-01-15T00:00:00Z');
const CLUSTER: Cluster = { name: 'shop', addonsConfig: { httpLoadBalancing: {} } };

function namespace(name: string, deleted: string): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, deletionTimestamp: deleted },
    spec: { finalizers: ['kubernetes'] },
    status: {
      phase: 'Terminating',
      conditions: [{ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 1 resource instances' }],
    },
  };
}

describe('waiting is not stuck (kubernetes namespaced_resources_deleter.go)', () => {
  const pod = (deletionTimestamp: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'shop', deletionTimestamp, deletionGracePeriodSeconds: 3600 },
    spec: { terminationGracePeriodSeconds: 3600, containers: [{ name: 'web', image: 'web:1' }] },
    status: { phase: 'Running' },
  });

  it('a Pod in its grace period: waiting, until its deletionTimestamp', () => {
    const deletion = diagnoseNamespaceDeletion(namespace('shop', '2024-01-14T23:40:00Z'), clusterState({ cluster: CLUSTER }, [pod('2024-01-15T00:40:00Z')]), NOW);
    expect(deletion.waiting).toBe(true);
    expect(deletion.waitingUntil).toBe('2024-01-15T00:40:00Z');
  });

  it('a Pod past its grace period: not waiting', () => {
    const deletion = diagnoseNamespaceDeletion(namespace('shop', '2024-01-10T00:00:00Z'), clusterState({ cluster: CLUSTER }, [pod('2024-01-10T01:00:00Z')]), NOW);
    expect(deletion.waiting).toBe(false);
  });

  it('a PVC held by pvc-protection: waiting on kube-controller-manager, never stripped', () => {
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-web-0', namespace: 'shop', deletionTimestamp: '2024-01-14T23:50:00Z', finalizers: ['kubernetes.io/pvc-protection'] },
    };
    const deletion = diagnoseNamespaceDeletion(namespace('shop', '2024-01-14T23:50:00Z'), clusterState({ cluster: CLUSTER }, [pvc, pod('2024-01-15T00:40:00Z')]), NOW);
    expect(deletion.waiting).toBe(true);
    expect(namespaceFixCommands(deletion).join('\n')).not.toMatch(/pvc-protection|finalizers":null/);
  });

  it('an Application whose argocd-application-controller is gone: stuck, and only that finalizer is stripped', () => {
    const application: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'guestbook', namespace: 'shop', deletionTimestamp: '2024-01-10T00:00:00Z', finalizers: ['resources-finalizer.argocd.argoproj.io', 'foregroundDeletion'] },
    };
    const deletion = diagnoseNamespaceDeletion(namespace('shop', '2024-01-10T00:00:00Z'), clusterState({ cluster: CLUSTER }, [application]), NOW);
    expect(deletion.waiting).toBe(false);
    expect(namespaceFixCommands(deletion)).toContain(`kubectl -n shop patch application.argoproj.io/guestbook --type=merge -p '{"metadata":{"finalizers":["foregroundDeletion"]}}'`);
  });
});
