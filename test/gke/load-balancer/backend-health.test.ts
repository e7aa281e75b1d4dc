import { describe, expect, it } from 'vitest';
import { endpointHealthOf, isGatewayBackendOf } from '../../../src/gke/load-balancer/backend-health.js';
import { backendServicesInUse, gatewayBackendServices } from '../../../src/gke/load-balancer/backend-services-in-use.js';
import type { Gateway, Ingress } from '../../../src/state/kubernetes-types.js';

describe('isGatewayBackendOf: backend service names quoted in public kubectl describe gateway outputs', () => {
  it.each<[string, { namespace: string; service: string; port: number }, boolean]>([
    ['gkegw1-rxra-kuar-demo-kuard-http-server-80-v49bg5xn0q9o', { namespace: 'kuar-demo', service: 'kuard-http-server', port: 80 }, true],
    ['gkegw1-crnq-admin-portal-prod-admin-portal-3000-xp2utdv9rk38', { namespace: 'admin-portal-prod', service: 'admin-portal', port: 3000 }, true],
    ['gkegw1-crnq-admin-portal-prod-admin-portal-3000-xp2utdv9rk38', { namespace: 'admin-portal-prod', service: 'admin-portal', port: 300 }, false],
    ['gkemcg1-kube-system-gw-serve404-80-7cq0brelgzex', { namespace: 'kube-system', service: 'gw-serve404', port: 80 }, true],
    ['k8s1-7c1a2b3d-shop-web-80-626c200e', { namespace: 'shop', service: 'web', port: 80 }, false],
  ])('%s', (name, port, expected) => expect(isGatewayBackendOf(name, port)).toBe(expected));
});

describe('which backend services are read', () => {
  it('takes a Gateway annotation by path (scope) or bare name (older controllers)', () => {
    const gateway = (value: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { annotations: { 'networking.gke.io/backend-services': value } } }) as Gateway;
    expect(gatewayBackendServices(gateway('/projects/1/global/backendServices/gkegw1-a-x-80-abc, /projects/1/regions/europe-west1/backendServices/gkegw1-b-y-80-def'))).toEqual([
      { name: 'gkegw1-a-x-80-abc', scope: 'global' },
      { name: 'gkegw1-b-y-80-def', scope: { region: 'europe-west1' } },
    ]);
    expect(gatewayBackendServices(gateway('gkegw-eimu-kube-system-gw-serve404-80-7cq0brelgzex'))).toEqual([{ name: 'gkegw-eimu-kube-system-gw-serve404-80-7cq0brelgzex' }]);
  });

  it('takes the keys of ingress.kubernetes.io/backends, once each, and never a name Compute would refuse', () => {
    const ingress = (value: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { annotations: { 'ingress.kubernetes.io/backends': value } } }) as Ingress;
    expect(backendServicesInUse([ingress('{"k8s-be-30001--abc":"HEALTHY","../../x":"HEALTHY"}'), ingress('{"k8s-be-30001--abc":"UNHEALTHY"}'), ingress('not json')], [])).toEqual([{ name: 'k8s-be-30001--abc' }]);
  });
});

describe('endpointHealthOf', () => {
  it('sums the endpoints over backend groups; no endpoint reported is no evidence', () => {
    const entries = [{ backendService: 'bs', health: [{ backend: 'neg-a', status: { healthStatus: [{ healthState: 'HEALTHY', ipAddress: '10.0.0.1', port: 80 }] } }, { backend: 'neg-b', status: { healthStatus: [{ healthState: 'UNHEALTHY', ipAddress: '10.0.0.2', port: 80 }] } }] }];
    expect(endpointHealthOf(entries, (name) => name === 'bs')).toMatchObject({ total: 2, healthy: 1, unhealthy: 1, unhealthyEndpoints: ['10.0.0.2:80'], allHealthy: false });
    expect(endpointHealthOf([{ backendService: 'bs', health: [{ backend: 'neg-a', status: {} }] }], () => true)).toBeUndefined();
  });
});
