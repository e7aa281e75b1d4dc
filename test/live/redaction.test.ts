import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { redactCluster, redactGcpData, redactObject } from '../../src/state/snapshot/redaction.js';

const object = (value: Record<string, unknown>) => value as KubeObject;

function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value)) deepFrozen(field);
    Object.freeze(value);
  }
  return value;
}

describe('redactObject', () => {
  it.each([
    [
      'a Secret: no check reads it, only its metadata is kept',
      object({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: 'c2VjcmV0' }, stringData: { password: 'hunter2' }, type: 'Opaque' }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
    ],
    [
      'a custom resource of a kind no check reads (left in a Terminating namespace): metadata only',
      object({
        apiVersion: 'example.com/v1',
        kind: 'Database',
        metadata: { name: 'db', namespace: 'doomed', finalizers: ['example.com/cleanup'], deletionTimestamp: '2024-01-01T00:00:00Z' },
        spec: { connection: 'postgres://admin:hunter2@db:5432/app' },
        status: { phase: 'Deleting' },
      }),
      { apiVersion: 'example.com/v1', kind: 'Database', metadata: { name: 'db', namespace: 'doomed', finalizers: ['example.com/cleanup'], deletionTimestamp: '2024-01-01T00:00:00Z' } },
    ],
    [
      'container args and command: values of flags and assignments, scripts; flags, the program and --insecure kept in place',
      object({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          template: {
            metadata: { annotations: { 'vault.hashicorp.com/agent-inject-secret-db': 'secret/db', 'cloud.google.com/neg': '{"ingress":true}' } },
            spec: {
              containers: [
                { name: 'app', command: ['/bin/app', '--token=s3cr3t', '--verbose', '--password', 'hunter2', 'API_KEY=k3y'], args: ['--insecure=false', '-c', 'echo s3cr3t'] },
                { name: 'sh', command: ['sh', '-c', 'curl -H "Authorization: Bearer t0k3n" http://x'] },
              ],
            },
          },
        },
      }),
      {
        spec: {
          template: {
            metadata: { annotations: { 'vault.hashicorp.com/agent-inject-secret-db': 'REDACTED', 'cloud.google.com/neg': '{"ingress":true}' } },
            spec: {
              containers: [
                { name: 'app', command: ['/bin/app', '--token=REDACTED', '--verbose', '--password', 'REDACTED', 'API_KEY=REDACTED'], args: ['--insecure=false', '-c', 'REDACTED'] },
                { name: 'sh', command: ['sh', '-c', 'REDACTED'] },
              ],
            },
          },
        },
      },
    ],
    [
      'an event about a Pod (an exec probe\'s output can hold anything): its message goes',
      object({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'p.1' }, involvedObject: { kind: 'Pod', name: 'p' }, type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: password=hunter2' }),
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'p.1' }, involvedObject: { kind: 'Pod', name: 'p' }, type: 'Warning', reason: 'Unhealthy', message: 'REDACTED' },
    ],
    [
      'probe header values, but Host (the load balancer sends it)',
      object({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: {
          containers: [
            {
              name: 'web',
              readinessProbe: { httpGet: { path: '/healthz', port: 8080, httpHeaders: [{ name: 'Authorization', value: 'Bearer t0k3n' }, { name: 'Host', value: 'shop.example.com' }] } },
              livenessProbe: { httpGet: { path: '/', port: 8080, httpHeaders: [{ name: 'X-Api-Key', value: 'k3y' }] } },
            },
          ],
        },
      }),
      {
        spec: {
          containers: [
            {
              name: 'web',
              readinessProbe: { httpGet: { httpHeaders: [{ name: 'Authorization', value: 'REDACTED' }, { name: 'Host', value: 'shop.example.com' }] } },
              livenessProbe: { httpGet: { httpHeaders: [{ name: 'X-Api-Key', value: 'REDACTED' }] } },
            },
          ],
        },
      },
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
      'ConfigMap binaryData values (still base64)',
      object({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'certs' }, binaryData: { 'key.p12': 'c2VjcmV0' } }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'certs' }, binaryData: { 'key.p12': 'UkVEQUNURUQ=' } },
    ],
    [
      'init containers of a workload\'s pod template, beside its containers',
      object({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db' },
        spec: { template: { spec: { initContainers: [{ name: 'init', env: [{ name: 'ROOT_PASSWORD', value: 'hunter2' }] }], containers: [{ name: 'db', args: ['--password=hunter2'] }] } } },
      }),
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db' },
        spec: { template: { spec: { initContainers: [{ name: 'init', env: [{ name: 'ROOT_PASSWORD', value: 'REDACTED' }] }], containers: [{ name: 'db', args: ['--password=REDACTED'] }] } } },
      },
    ],
    [
      'managedFields, and annotation values except those checks read',
      object({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 's',
          managedFields: [{ manager: 'kubectl' }],
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': '{"secret":1}',
            'example.com/webhook-token': 't0k3n',
            'cloud.google.com/backend-config': '{"default":"bc"}',
            'networking.gke.io/transparent-health-checker': '{"enabled":true}',
            'kubernetes.io/ingress.class': 'gce',
            'gke-doctor.io/ignore': 'ingress-config',
            'gke-doctor.io/ignore-reason': 'known',
            'argocd.argoproj.io/tracking-id': 'app:/Service:ns/s',
          },
        },
      }),
      {
        metadata: {
          name: 's',
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': 'REDACTED',
            'example.com/webhook-token': 'REDACTED',
            'cloud.google.com/backend-config': '{"default":"bc"}',
            'networking.gke.io/transparent-health-checker': '{"enabled":true}',
            'kubernetes.io/ingress.class': 'gce',
            'gke-doctor.io/ignore': 'ingress-config',
            'gke-doctor.io/ignore-reason': 'known',
            'argocd.argoproj.io/tracking-id': 'app:/Service:ns/s',
          },
        },
      },
    ],
    [
      'probe exec commands, lifecycle hooks, a short flag with its value attached, URL credentials, probe path queries',
      object({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: {
          containers: [
            {
              name: 'db',
              args: ['https://deploy:s3cr3t@git.example.com/app.git', '--verbose', '-v', '2'],
              readinessProbe: { exec: { command: ['mysqladmin', 'ping', '-uroot', '-ps3cr3t'] } },
              livenessProbe: { exec: { command: ['/bin/sh', '-c', 'redis-cli -a s3cr3t ping'] } },
              startupProbe: { httpGet: { path: '/healthz?token=s3cr3t&verbose', port: 8080 } },
              lifecycle: {
                postStart: { exec: { command: ['/bin/register', '--token', 's3cr3t'] } },
                preStop: { httpGet: { path: '/drain?key=s3cr3t', port: 8080, httpHeaders: [{ name: 'Host', value: 'h' }, { name: 'X-Drain-Token', value: 's3cr3t' }] } },
              },
            },
          ],
        },
      }),
      {
        spec: {
          containers: [
            {
              name: 'db',
              args: ['https://REDACTED@git.example.com/app.git', '--verbose', '-v', 'REDACTED'],
              readinessProbe: { exec: { command: ['mysqladmin', 'ping', '-uREDACTED', '-pREDACTED'] } },
              livenessProbe: { exec: { command: ['/bin/sh', '-c', 'REDACTED'] } },
              startupProbe: { httpGet: { path: '/healthz?token=REDACTED&verbose=REDACTED', port: 8080 } },
              lifecycle: {
                postStart: { exec: { command: ['/bin/register', '--token', 'REDACTED'] } },
                preStop: { httpGet: { path: '/drain?key=REDACTED', port: 8080, httpHeaders: [{ name: 'Host', value: 'REDACTED' }, { name: 'X-Drain-Token', value: 'REDACTED' }] } },
              },
            },
          ],
        },
      },
    ],
    [
      'volumes: a gitRepo URL’s credentials, CSI volumeAttributes and flexVolume options values',
      object({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          template: {
            spec: {
              containers: [{ name: 'c' }],
              volumes: [
                { name: 'content', gitRepo: { repository: 'https://x-access-token:ghp_s3cr3t@github.com/acme/content.git', revision: 'main' } },
                { name: 'public', gitRepo: { repository: 'https://github.com/acme/public.git' } },
                { name: 'store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'app', apiKey: 's3cr3t' } } },
                { name: 'legacy', flexVolume: { driver: 'example.com/cifs', options: { password: 's3cr3t' } } },
              ],
            },
          },
        },
      }),
      {
        spec: {
          template: {
            spec: {
              volumes: [
                { name: 'content', gitRepo: { repository: 'https://REDACTED@github.com/acme/content.git', revision: 'main' } },
                { name: 'public', gitRepo: { repository: 'https://github.com/acme/public.git' } },
                { name: 'store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'REDACTED', apiKey: 'REDACTED' } } },
                { name: 'legacy', flexVolume: { driver: 'example.com/cifs', options: { password: 'REDACTED' } } },
              ],
            },
          },
        },
      },
    ],
    [
      'HTTPRoute header modifiers (rule and backendRef filters): values, names kept',
      object({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'r', namespace: 'n' },
        spec: {
          rules: [
            {
              filters: [
                { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'Authorization', value: 'Bearer s3cr3t' }], add: [{ name: 'X-Key', value: 's3cr3t' }], remove: ['Cookie'] } },
              ],
              backendRefs: [{ name: 'web', port: 80, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'X-Debug', value: 's3cr3t' }] } }] }],
            },
          ],
        },
      }),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'r', namespace: 'n' },
        spec: {
          rules: [
            {
              filters: [
                { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'Authorization', value: 'REDACTED' }], add: [{ name: 'X-Key', value: 'REDACTED' }], remove: ['Cookie'] } },
              ],
              backendRefs: [{ name: 'web', port: 80, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'X-Debug', value: 'REDACTED' }] } }] }],
            },
          ],
        },
      },
    ],
    [
      'BackendConfig custom header values and its health check path’s query values',
      object({
        apiVersion: 'cloud.google.com/v1',
        kind: 'BackendConfig',
        metadata: { name: 'b', namespace: 'n' },
        spec: { healthCheck: { requestPath: '/healthz?token=s3cr3t' }, customRequestHeaders: { headers: ['X-Client-Region:{client_region}', 'X-Api-Key: s3cr3t'] }, customResponseHeaders: { headers: ['X-Debug:s3cr3t'] } },
      }),
      {
        apiVersion: 'cloud.google.com/v1',
        kind: 'BackendConfig',
        metadata: { name: 'b', namespace: 'n' },
        spec: { healthCheck: { requestPath: '/healthz?token=REDACTED' }, customRequestHeaders: { headers: ['X-Client-Region:REDACTED', 'X-Api-Key:REDACTED'] }, customResponseHeaders: { headers: ['X-Debug:REDACTED'] } },
      },
    ],
    [
      'HealthCheckPolicy request path query values',
      object({
        apiVersion: 'networking.gke.io/v1',
        kind: 'HealthCheckPolicy',
        metadata: { name: 'h', namespace: 'n' },
        spec: { default: { config: { type: 'HTTP', httpHealthCheck: { requestPath: '/ready?token=s3cr3t', port: 8080 } } }, targetRef: { group: '', kind: 'Service', name: 'web' } },
      }),
      {
        apiVersion: 'networking.gke.io/v1',
        kind: 'HealthCheckPolicy',
        metadata: { name: 'h', namespace: 'n' },
        spec: { default: { config: { type: 'HTTP', httpHealthCheck: { requestPath: '/ready?token=REDACTED', port: 8080 } } }, targetRef: { group: '', kind: 'Service', name: 'web' } },
      },
    ],
  ])('%s', (_name, input, expected) => {
    const before = structuredClone(input);
    // The redaction copies what it changes: writing into the object read (the cluster's state) throws.
    const { object: redacted, redactions } = redactObject(deepFrozen(input), 'X');
    expect(redacted).toMatchObject(expected);
    if (!['Pod', 'Deployment', 'Service', 'ConfigMap'].includes(input.kind)) expect(redacted).toEqual(expected);
    expect(redactions.length).toBeGreaterThan(0);
    expect(input).toEqual(before);
    if ('managedFields' in (input.metadata ?? {})) expect(redacted.metadata).not.toHaveProperty('managedFields');
  });

  it('keeps the message of an event about a kind load-balancer-events reads: the controller\'s words', () => {
    const event = object({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'i.1' }, regarding: { kind: 'Ingress', name: 'web' }, type: 'Warning', reason: 'Translate', note: 'Translation failed: invalid ingress spec' });
    expect(redactObject(event, 'X')).toEqual({ object: event, redactions: [] });
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

  it('redacts node instance metadata (startup scripts), keys kept', () => {
    const { cluster, redactions } = redactCluster(
      {
        name: 'c',
        nodeConfig: { machineType: 'e2-medium', metadata: { 'startup-script': 'export DB_PASSWORD=hunter2', 'disable-legacy-endpoints': 'true' } },
        nodePools: [{ name: 'default-pool', config: { workloadMetadataConfig: { mode: 'GKE_METADATA' }, metadata: { 'startup-script': 'export DB_PASSWORD=hunter2' } } }],
      },
      'cluster c',
    );
    expect(cluster.nodeConfig).toEqual({ machineType: 'e2-medium', metadata: { 'startup-script': 'REDACTED', 'disable-legacy-endpoints': 'REDACTED' } });
    expect(cluster.nodePools).toEqual([{ name: 'default-pool', config: { workloadMetadataConfig: { mode: 'GKE_METADATA' }, metadata: { 'startup-script': 'REDACTED' } } }]);
    expect(redactions.map((redaction) => redaction.what)).toEqual([
      'nodeConfig.metadata values of startup-script, disable-legacy-endpoints',
      'nodePools[default-pool].config.metadata values of startup-script',
    ]);
  });
});

describe('redactGcpData', () => {
  it('Eventarc triggers: label values, destination paths, an HTTP endpoint’s path and credentials; what checks read stays', () => {
    const trigger = {
      name: 'projects/p/locations/l/triggers/t',
      labels: { team: 'shop', 'webhook-token': 's3cr3t' },
      eventFilters: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }],
      serviceAccount: 'sa@p.iam.gserviceaccount.com',
      destination: { gke: { cluster: 'c', location: 'l', namespace: 'n', service: 's', path: '/hooks/s3cr3t?key=s3cr3t' } },
    };
    const endpoint = { name: 'projects/p/locations/l/triggers/h', destination: { httpEndpoint: { uri: 'https://user:s3cr3t@hooks.example.com/in?token=s3cr3t' } } };
    const { value, redactions } = redactGcpData('eventarcTriggers', [trigger, endpoint]);
    expect(value).toEqual([
      { ...trigger, labels: { team: 'REDACTED', 'webhook-token': 'REDACTED' }, destination: { gke: { cluster: 'c', location: 'l', namespace: 'n', service: 's', path: '/REDACTED' } } },
      { ...endpoint, destination: { httpEndpoint: { uri: 'https://REDACTED@hooks.example.com/REDACTED' } } },
    ]);
    expect(redactions.map(({ what }) => what)).toEqual(['labels values of team, webhook-token', 'destination.gke.path', 'destination.httpEndpoint.uri path and credentials']);
  });

  it('IAM condition descriptions; the title and expression, which checks read, stay', () => {
    const condition = { title: 'until-2024', description: 'ticket s3cr3t', expression: 'request.time < timestamp("2024-01-01T00:00:00Z")' };
    const { value } = redactGcpData('iamPolicy', { bindings: [{ role: 'roles/pubsub.subscriber', members: ['user:a@example.com'], condition }], etag: 'e', version: 3 });
    expect(value.bindings![0]!.condition).toEqual({ ...condition, description: 'REDACTED' });
  });

  it('health check request path query values; backend service custom header values', () => {
    const checks = redactGcpData('healthChecks', [{ name: 'hc', type: 'HTTP', httpHealthCheck: { port: 8080, requestPath: '/healthz?token=s3cr3t' } }]);
    expect(checks.value[0]!.httpHealthCheck).toEqual({ port: 8080, requestPath: '/healthz?token=REDACTED' });
    const services = redactGcpData('backendServices', [{ name: 'bs', customRequestHeaders: ['X-Api-Key:s3cr3t'] } as never]);
    expect(services.value[0]).toEqual({ name: 'bs', customRequestHeaders: ['X-Api-Key:REDACTED'] });
  });
});

describe('REDACTED.md', () => {
  it('names what could not be read: data, kinds in a Terminating namespace, API groups whose discovery failed', async () => {
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeSnapshot } = await import('../../src/state/snapshot/snapshot-writer.js');
    const { KubernetesObjects } = await import('../../src/state/cluster-state.js');
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-redacted-')), 'snapshot');
    await writeSnapshot(
      directory,
      {
        target: { source: 'live', project: 'p', location: 'l', cluster: 'c' },
        kubernetes: new KubernetesObjects([object({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'doomed' }, data: { k: 'dg==' } })]),
        unavailable: new Map([['healthChecks', 'cannot read health checks (compute.googleapis.com): permission compute.healthChecks.list denied']]),
        unreadInNamespaces: new Map([['doomed', [{ resource: 'secrets', reason: '403 secrets is forbidden' }]]]),
        undiscovered: [{ resource: 'metrics.k8s.io/v1beta1', reason: '503 the server is currently unable to handle the request' }],
        locations: new Map(),
      },
      new Date('2024-01-15T00:00:00Z'),
    );
    const readme = await readFile(join(directory, 'REDACTED.md'), 'utf8');
    expect(readme).toContain('- Secret/doomed/s: data (a kind no check reads: metadata kept)');
    expect(readme).toContain('- healthChecks: cannot read health checks (compute.googleapis.com): permission compute.healthChecks.list denied');
    expect(readme).toContain('- secrets in namespace doomed: 403 secrets is forbidden');
    expect(readme).toContain('- API group metrics.k8s.io/v1beta1 (discovery failed, its kinds are unknown): 503 the server is currently unable to handle the request');
  });
});
