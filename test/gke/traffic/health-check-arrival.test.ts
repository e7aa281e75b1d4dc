import { describe, expect, it } from 'vitest';
import { addressSet } from '../../../src/gke/load-balancer/address-ranges.js';
import { loadBalancerPaths } from '../../../src/gke/traffic/load-balancer-paths.js';
import type { KubeObject } from '../../../src/state/kubernetes-types.js';
import { clusterState } from '../../support/state.js';

// Shapes as in fixtures/lb-firewall-health-check-port-blocked (a GCE Ingress, a Service, its Pod, a BackendConfig).
const ingress: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop', annotations: { 'kubernetes.io/ingress.class': 'gce' } }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } } as KubeObject;
const service = (annotations: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', annotations }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 31380 }] } }) as KubeObject;
const pod = (name: string, ip: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: 'web' }, creationTimestamp: '2026-06-01T08:00:00Z' }, spec: { containers: [{ name: 'web', image: 'web', ports: [{ name: 'http', containerPort: 8080 }] }] }, status: { podIP: ip } }) as KubeObject;
const backendConfig = (port: number): KubeObject => ({ apiVersion: 'cloud.google.com/v1', kind: 'BackendConfig', metadata: { name: 'web-hc', namespace: 'shop' }, spec: { healthCheck: { port } } }) as KubeObject;
const NEG = { 'cloud.google.com/neg': '{"ingress": true}', 'cloud.google.com/backend-config': '{"default": "web-hc"}' };
const IG = { 'cloud.google.com/backend-config': '{"default": "web-hc"}' };
const arrival = (...objects: KubeObject[]) => loadBalancerPaths(clusterState({}, [ingress, ...objects]))[0]!.healthChecks;

describe('where the health checks of a backend arrive', () => {
  it('NEG, no BackendConfig port: each endpoint serving port, as the requests', () => {
    expect(arrival(service({ 'cloud.google.com/neg': '{"ingress": true}' }), pod('a', '10.20.1.7'))).toMatchObject({ known: true, servingPort: true, endpoints: [{ port: { number: 8080 } }] });
  });
  it('NEG, BackendConfig port: that port on every Pod IP (USE_FIXED_PORT), seen by the Pods', () => {
    const found = arrival(service(NEG), pod('a', '10.20.1.7'), pod('b', '10.20.2.9'), backendConfig(9000));
    expect(found).toMatchObject({ known: true, servingPort: false, endpoints: [{ port: { number: 9000 }, destinations: addressSet(['10.20.1.7', '10.20.2.9']) }], podEndpoints: [{ port: { number: 9000 } }] });
  });
  it('instance groups, BackendConfig port: that port of the nodes, and no Pod known to answer it', () => {
    const found = arrival(service(IG), pod('a', '10.20.1.7'), backendConfig(10256));
    expect(found).toMatchObject({ known: true, servingPort: false, endpoints: [{ port: { number: 10256 } }] });
    expect(found.known && found.podEndpoints).toBeFalsy();
    expect(found.known && found.podsUnknown).toContain('not this Service port\'s node port');
  });
  it('instance groups, BackendConfig port equal to the node port: the serving path', () => {
    expect(arrival(service(IG), pod('a', '10.20.1.7'), backendConfig(31380))).toMatchObject({ known: true, servingPort: true, endpoints: [{ port: { number: 31380 } }] });
  });
  it('transparent health checks: port 7877 on the Pod IPs, answered by the node, so no NetworkPolicy sees them', () => {
    const found = arrival(service({ 'cloud.google.com/neg': '{"ingress": true}', 'networking.gke.io/transparent-health-checker': '{"enabled": true}' }), pod('a', '10.20.1.7'));
    expect(found).toMatchObject({ known: true, servingPort: false, endpoints: [{ port: { number: 7877 } }] });
    expect(found.known && found.podEndpoints).toBeUndefined();
  });
  it('the BackendConfig unreadable: not known, naming it', () => {
    const state = clusterState({}, [ingress, service(NEG), pod('a', '10.20.1.7')], [['BackendConfig', '403 forbidden']]);
    expect(loadBalancerPaths(state)[0]!.healthChecks).toEqual({ known: false, reason: "BackendConfig shop/web-hc, which may set the health check's port, could not be read (403 forbidden)" });
  });
});
