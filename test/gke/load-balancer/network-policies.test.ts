import { describe, expect, it } from 'vitest';
import { addressSet, describeAddresses } from '../../../src/gke/load-balancer/address-ranges.js';
import { admittedSources, isolatingPolicies, networkPolicyEnforcement, selectorMatches } from '../../../src/gke/load-balancer/network-policies.js';
import type { NetworkPolicy, Pod } from '../../../src/state/kubernetes-types.js';

const HEALTH_CHECKS = addressSet(['35.191.0.0/16', '130.211.0.0/22']);
const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'payments', labels: { app: 'web', tier: 'front' } } };
const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'payments' }, spec });
const refused = (policies: NetworkPolicy[], port = { number: 8080, name: 'http' }) => describeAddresses(admittedSources(policies, HEALTH_CHECKS, port).refused);

// Semantics from https://kubernetes.io/docs/concepts/services-networking/network-policies/ and networking/v1 NetworkPolicySpec.
describe('NetworkPolicy ingress semantics', () => {
  it('an empty podSelector selects every Pod; policyTypes default to Ingress; an Egress-only policy does not isolate ingress', () => {
    expect(isolatingPolicies(pod, [policy('all', { podSelector: {} })])).toHaveLength(1);
    expect(isolatingPolicies(pod, [policy('egress', { podSelector: {}, policyTypes: ['Egress'] })])).toHaveLength(0);
    expect(isolatingPolicies(pod, [{ ...policy('elsewhere', { podSelector: {} }), metadata: { name: 'elsewhere', namespace: 'other' } }])).toHaveLength(0);
  });
  it('matchExpressions In, NotIn, Exists, DoesNotExist', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }, { key: 'canary', operator: 'DoesNotExist' }] }, pod.metadata!.labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, pod.metadata!.labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, pod.metadata!.labels)).toBe(true);
  });
  it('no ingress rules deny all; a rule without from admits all; pod and namespace selectors admit no outside address', () => {
    expect(refused([policy('deny', { podSelector: {}, policyTypes: ['Ingress'] })])).toBe('35.191.0.0/16, 130.211.0.0/22');
    expect(refused([policy('open', { podSelector: {}, ingress: [{}] })])).toBe('');
    expect(refused([policy('pods', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: {} }] }] })])).toBe('35.191.0.0/16, 130.211.0.0/22');
  });
  it('ipBlock with except; policies are additive', () => {
    const partial = policy('partial', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '35.191.0.0/16', except: ['35.191.128.0/17'] } }] }] });
    expect(refused([partial])).toBe('35.191.128.0/17, 130.211.0.0/22');
    const rest = policy('rest', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '35.191.128.0/17' } }, { ipBlock: { cidr: '130.211.0.0/22' } }] }] });
    expect(refused([partial, rest])).toBe('');
  });
  it('ports: by number, by the container port name, with endPort, protocol defaulting to TCP', () => {
    const rule = (ports: NonNullable<NonNullable<NetworkPolicy['spec']>['ingress']>[number]['ports']) => [policy('p', { podSelector: {}, ingress: [{ ports }] })];
    expect(refused(rule([{ port: 8080 }]))).toBe('');
    expect(refused(rule([{ port: 'http' }]))).toBe('');
    expect(refused(rule([{ port: 'metrics' }]))).not.toBe('');
    expect(refused(rule([{ port: 8000, endPort: 8100 }]))).toBe('');
    expect(refused(rule([{ protocol: 'UDP', port: 8080 }]))).not.toBe('');
  });
  it('enforced by GKE network policy (with its addon) or Dataplane V2', () => {
    expect(networkPolicyEnforcement({ networkConfig: { datapathProvider: 'ADVANCED_DATAPATH' } })).toBe('dataplane-v2');
    expect(networkPolicyEnforcement({ networkPolicy: { enabled: true, provider: 'CALICO' }, addonsConfig: { networkPolicyConfig: {} } })).toBe('network-policy');
    expect(networkPolicyEnforcement({ networkPolicy: { enabled: true }, addonsConfig: { networkPolicyConfig: { disabled: true } } })).toBeUndefined();
    expect(networkPolicyEnforcement({ addonsConfig: { networkPolicyConfig: { disabled: true } } })).toBeUndefined();
  });
});
