import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { redactCluster, redactObject } from '../../src/state/snapshot/redaction.js';

const object = (value: Record<string, unknown>) => value as KubeObject;

describe('redactObject', () => {
  it.each([
    [
      'Secret data (keys kept, values base64 "REDACTED")',
      object({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: 'c2VjcmV0' }, stringData: { password: 'hunter2' } }),
      { data: { token: 'UkVEQUNURUQ=' }, stringData: { password: 'REDACTED' } },
    ],
    [
      'Pod env values (names kept, valueFrom kept, ARGOCD_SERVER_INSECURE kept)',
      object({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: {
          containers: [
            {
              name: 'app',
              env: [
                { name: 'DB_PASSWORD', value: 'hunter2' },
                { name: 'ARGOCD_SERVER_INSECURE', value: 'true' },
                { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
              ],
            },
          ],
        },
      }),
      {
        spec: {
          containers: [
            {
              name: 'app',
              env: [
                { name: 'DB_PASSWORD', value: 'REDACTED' },
                { name: 'ARGOCD_SERVER_INSECURE', value: 'true' },
                { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
              ],
            },
          ],
        },
      },
    ],
    [
      'pod templates of workloads',
      object({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'API_KEY', value: 'k' }] }] } } } }),
      { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'API_KEY', value: 'REDACTED' }] }] } } } },
    ],
    [
      'ConfigMap data except the keys checks read',
      object({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cmd-params-cm' }, data: { 'server.insecure': 'true', 'redis.server': 'r:6379' } }),
      { data: { 'server.insecure': 'true', 'redis.server': 'REDACTED' } },
    ],
    [
      'managedFields and the last-applied annotation',
      object({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"secret":1}', keep: 'me' } },
      }),
      { metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'REDACTED', keep: 'me' } } },
    ],
  ])('%s', (_name, input, expected) => {
    const before = structuredClone(input);
    const { object: redacted, redactions } = redactObject(input, 'X');
    expect(redacted).toMatchObject(expected);
    expect(redactions.length).toBeGreaterThan(0);
    expect(input).toEqual(before);
    if ('managedFields' in (input.metadata ?? {})) expect(redacted.metadata).not.toHaveProperty('managedFields');
  });

  it('leaves an object with nothing secret alone', () => {
    const input = object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
    expect(redactObject(input, 'Namespace/n')).toEqual({ object: input, redactions: [] });
  });

  it('removes cluster credentials, keeps the CA certificate', () => {
    const { cluster, redactions } = redactCluster({ name: 'c', masterAuth: { clusterCaCertificate: 'CA', password: 'p', clientKey: 'k' } }, 'cluster c');
    expect(cluster.masterAuth).toEqual({ clusterCaCertificate: 'CA' });
    expect(redactions.map((redaction) => redaction.what)).toEqual(['masterAuth.password', 'masterAuth.clientKey']);
  });
});
