import { describe, expect, it } from 'vitest';
import { clusterEndpoint } from '../../src/fleet/cluster-endpoint.js';
import { globPattern } from '../../src/fleet/live-fleet.js';
import type { Cluster } from '../../src/state/gcp-types.js';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

/** Fields of container v1 Cluster as `gcloud container clusters describe --format=json` prints them for a cluster with the DNS-based endpoint on. */
const cluster: Cluster = {
  name: 'prod-cluster',
  location: 'asia-northeast1',
  selfLink: 'https://container.googleapis.com/v1/projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster',
  endpoint: '34.84.10.20',
  masterAuth: { clusterCaCertificate: CA },
  privateClusterConfig: { privateEndpoint: '10.146.0.2', publicEndpoint: '34.84.10.20' },
  controlPlaneEndpointsConfig: {
    dnsEndpointConfig: { allowExternalTraffic: true, endpoint: 'gke-4c1f2b7e9a0d4e6f8b3c5d7e9f1a2b3c-123456789012.asia-northeast1.gke.goog' },
    ipEndpointsConfig: { enabled: true, enablePublicEndpoint: true, globalAccess: false, privateEndpoint: '10.146.0.2', publicEndpoint: '34.84.10.20' },
  },
};

/** GKE Hub v1 Membership of a GKE cluster (gcloud container fleet memberships describe --format=json). */
const membership = {
  name: 'projects/acme-jobs-prod/locations/asia-northeast1/memberships/prod-cluster',
  endpoint: { gkeCluster: { resourceLink: '//container.googleapis.com/projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster' } },
};
const gateway = { origin: 'https://connectgateway.googleapis.com', projectNumber: '123456789012', memberships: [membership] };

describe('the endpoint a cluster is reached at', () => {
  it('public and private: the IP with the cluster CA, as get-credentials (--internal-ip) writes it', () => {
    expect(clusterEndpoint(cluster, 'public', undefined)).toEqual({ server: 'https://34.84.10.20', caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
    expect(clusterEndpoint(cluster, 'private', undefined)).toMatchObject({ server: 'https://10.146.0.2' });
  });

  it('dns: the DNS-based endpoint, with a publicly trusted certificate (no cluster CA)', () => {
    expect(clusterEndpoint(cluster, 'dns', undefined)).toEqual({ server: 'https://gke-4c1f2b7e9a0d4e6f8b3c5d7e9f1a2b3c-123456789012.asia-northeast1.gke.goog' });
  });

  it('connect-gateway: the gkeMemberships URL of the membership that points at the cluster, by project number', () => {
    expect(clusterEndpoint(cluster, 'connect-gateway', gateway)).toEqual({
      server: 'https://connectgateway.googleapis.com/v1/projects/123456789012/locations/asia-northeast1/gkeMemberships/prod-cluster',
    });
  });

  it('says why when the cluster has no such endpoint', () => {
    const bare: Cluster = { name: 'old', location: 'us-central1', endpoint: '35.1.2.3' };
    expect(clusterEndpoint(bare, 'dns', undefined)).toEqual({ unreachable: expect.stringContaining('no DNS-based control-plane endpoint') });
    expect(clusterEndpoint(bare, 'private', undefined)).toEqual({ unreachable: 'the cluster has no private endpoint' });
    expect(clusterEndpoint(bare, 'connect-gateway', gateway)).toEqual({ unreachable: expect.stringContaining('not registered to a fleet') });
    const privateOnly: Cluster = { ...cluster, controlPlaneEndpointsConfig: { ipEndpointsConfig: { enabled: true, enablePublicEndpoint: false, privateEndpoint: '10.146.0.2' } } };
    expect(clusterEndpoint(privateOnly, 'public', undefined)).toEqual({ unreachable: expect.stringContaining('no public endpoint') });
  });
});

describe('--cluster-filter', () => {
  it('matches names with * and ?, nothing else special', () => {
    expect(['prod-a', 'prod-b', 'staging', 'prod.x'].filter((name) => globPattern('prod-?').test(name))).toEqual(['prod-a', 'prod-b']);
    expect(globPattern('*').test('anything')).toBe(true);
    expect(globPattern('prod.*').test('prodx-1')).toBe(false);
  });
});
