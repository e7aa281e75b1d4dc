import { describe, expect, it } from 'vitest';
import { IngressBackendResolver } from '../../../src/gke/load-balancer/ingress-backends.js';
import type { Container, PodSource } from '../../../src/gke/load-balancer/ingress-backends.js';
import { REDIRECTING_APPLICATIONS } from '../../../src/gke/load-balancer/known-applications.js';
import { isBackendOf } from '../../../src/gke/load-balancer/load-balancer-backends.js';
import type { ClusterState } from '../../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../../src/state/cluster-state.js';
import type { KubeObject } from '../../../src/state/kubernetes-types.js';

function state(objects: KubeObject[], unavailable: [string, string][] = []): ClusterState {
  return {
    target: { source: 'test', project: null, location: null, cluster: null },
    kubernetes: new KubernetesObjects(objects),
    unavailable: new Map(unavailable) as ClusterState['unavailable'],
    locations: new Map(),
  };
}

describe('isBackendOf: load balancer backend names (ingress-gce namer)', () => {
  const port = { namespace: 'argocd', service: 'argocd-server', port: 80, neg: true };
  it.each([
    ['k8s1-7c1a2b3d-argocd-argocd-server-80-3ca2416b', port, true],
    ['k8s1-7c1a2b3d-argocd-argocd-server-443-82e191db', port, false],
    ['k8s1-7c1a2b3d-argocd-argocd-server-api-80-3ca2416b', port, false],
    ['k8s1-7c1a2b3d-kube-system-default-http-backend-80-2f4e6a8c', port, false],
    // 63 characters: every field trimmed (TrimFieldsEvenly).
    [
      'k8s1-7c1a2b3d-a-very-long-namespace-nam-a-very-long-service-na-8-0a1b2c3d',
      { namespace: 'a-very-long-namespace-name-for-the-team', service: 'a-very-long-service-name-for-the-api', port: 8080, neg: true },
      true,
    ],
    ['k8s-be-30080--9b1e5c3a7d2f4e6a', { namespace: 'shop', service: 'web', port: 80, nodePort: 30080, neg: false }, true],
    ['k8s-be-30081--9b1e5c3a7d2f4e6a', { namespace: 'shop', service: 'web', port: 80, nodePort: 30080, neg: false }, false],
  ])('%s', (name, identity, expected) => {
    expect(isBackendOf(name, identity)).toBe(expected);
  });
});

describe('IngressBackendResolver', () => {
  it('resolves backends to Pods, oldest first, and falls back to pod templates when no Pod runs', () => {
    const service = (name: string, selector: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'shop' },
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const pod = (name: string, created: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop', creationTimestamp: created, labels: { app: 'web', 'pod-template-hash': 'abc12' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc12', uid: 'u', controller: true }] },
      spec: { containers: [{ name: 'web' }] },
    });
    const ingress: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'shop' },
      spec: {
        defaultBackend: { service: { name: 'web', port: { name: 'http' } } },
        rules: [{ host: 'a.example.com', http: { paths: [{ path: '/*', pathType: 'ImplementationSpecific', backend: { service: { name: 'worker', port: { number: 80 } } } }] } }],
      },
    };
    const worker: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'worker', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'worker' } }, template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'worker' }] } } },
    };
    const other: KubeObject = { ...pod('elsewhere', '2020-01-01T00:00:00Z'), metadata: { name: 'elsewhere', namespace: 'other', labels: { app: 'web' } } };
    const resolver = new IngressBackendResolver(
      state([service('web', { app: 'web' }), service('worker', { app: 'worker' }), pod('web-abc12-b', '2024-01-02T00:00:00Z'), pod('web-abc12-a', '2024-01-02T00:00:00Z'), pod('web-abc12-c', '2024-01-01T00:00:00Z'), other, worker, ingress as KubeObject]),
    );
    const refs = resolver.backendsOf(ingress as never);
    expect(refs.map((ref) => [ref.field, ref.serviceName])).toEqual([
      ['spec.defaultBackend', 'web'],
      ['spec.rules[0].http.paths[0]', 'worker'],
    ]);
    const web = resolver.resolve(refs[0]!);
    expect(web.targetPort).toBe('http');
    expect(web.podSources.map((source) => source.resource)).toEqual(['Pod/shop/web-abc12-c', 'Pod/shop/web-abc12-a', 'Pod/shop/web-abc12-b']);
    expect(web.podSources[0]!.owner).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(resolver.resolve(refs[1]!).podSources.map((source) => source.resource)).toEqual(['StatefulSet/shop/worker']);
  });

  // Scaling is measured in bench/, not timed here.
  it('shares the label index between resolvers of one state, and sees Pods added to it since', () => {
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', namespace: 'shop' }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } },
    ];
    const shared = state(objects);
    const pods = (resolver: IngressBackendResolver) => resolver.resolve(resolver.backendsOf(objects[1] as never)[0]!).podSources.map((source) => source.resource);
    expect(pods(new IngressBackendResolver(shared))).toEqual([]);
    shared.kubernetes.add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] } });
    expect(pods(new IngressBackendResolver(shared))).toEqual(['Pod/shop/web-0']);
  });

  it('resolves each of many Services to exactly its own Pods', () => {
    const objects: KubeObject[] = [];
    for (let s = 0; s < 200; s++) {
      const namespace = `team-${s % 50}`;
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${s}`, namespace }, spec: { selector: { app: `app-${s}`, tier: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
      for (let p = 0; p < 20; p++) {
        objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${s}-${p}`, namespace, labels: { app: `app-${s}`, tier: 'web' } }, spec: { containers: [{ name: 'app' }] } });
      }
    }
    const resolver = new IngressBackendResolver(state(objects));
    for (const object of objects) {
      if (object.kind !== 'Service') continue;
      const app = object.metadata!.name!.replace('svc-', 'app-');
      const sources = resolver.podSourcesFor(object as never);
      expect(sources).toHaveLength(20);
      expect(sources.every((source) => source.resource.startsWith(`Pod/${object.metadata!.namespace}/pod-${app.slice(4)}-`))).toBe(true);
    }
  });
});

describe('known applications: argocd-server answers plain HTTP with a 307 unless insecure', () => {
  const argocd = REDIRECTING_APPLICATIONS.find((application) => application.name === 'argocd-server')!;
  const configMap = (data?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cmd-params-cm', namespace: 'argocd' }, ...(data ? { data } : {}) });
  const fromConfigMap = [{ name: 'ARGOCD_SERVER_INSECURE', valueFrom: { configMapKeyRef: { name: 'argocd-cmd-params-cm', key: 'server.insecure', optional: true } } }];
  const server = (extra: Partial<Container>): Container => ({ name: 'argocd-server', image: 'quay.io/argoproj/argocd:v2.9.3', args: ['/usr/local/bin/argocd-server'], ...extra });
  const source: PodSource = { resource: 'Pod/argocd/argocd-server-1', spec: { containers: [] }, owner: { kind: 'Deployment', namespace: 'argocd', name: 'argocd-server' } };

  it.each([
    ['stock manifest, ConfigMap without server.insecure', server({ env: fromConfigMap }), [configMap()], true],
    ['server.insecure: "true"', server({ env: fromConfigMap }), [configMap({ 'server.insecure': 'true' })], false],
    ['server.insecure: "false"', server({ env: fromConfigMap }), [configMap({ 'server.insecure': 'false' })], true],
    ['--insecure flag', server({ args: ['/usr/local/bin/argocd-server', '--insecure'] }), [], false],
    ['--insecure=false beats the env', server({ args: ['/usr/local/bin/argocd-server', '--insecure=false'], env: [{ name: 'ARGOCD_SERVER_INSECURE', value: 'true' }] }), [], true],
    ['ARGOCD_SERVER_INSECURE=true literal', server({ env: [{ name: 'ARGOCD_SERVER_INSECURE', value: 'true' }] }), [], false],
    // util/env/env.go ParseBoolFromEnv reads only true/false (any case): "1" is the default, false.
    ['ARGOCD_SERVER_INSECURE=1 is not read as true', server({ env: [{ name: 'ARGOCD_SERVER_INSECURE', value: '1' }] }), [], true],
    ['ARGOCD_SERVER_INSECURE=True', server({ env: [{ name: 'ARGOCD_SERVER_INSECURE', value: 'True' }] }), [], false],
    ['--insecure=1 on the command line (Go flag package: strconv.ParseBool)', server({ args: ['/usr/local/bin/argocd-server', '--insecure=1'] }), [], false],
    ['envFrom a ConfigMap', server({ envFrom: [{ configMapRef: { name: 'argocd-env' } }] }), [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-env', namespace: 'argocd' }, data: { ARGOCD_SERVER_INSECURE: 'true' } }], false],
  ] as [string, Container, KubeObject[], boolean][])('%s', (_name, container, objects, redirects) => {
    expect(argocd.matches(container)).toBe(true);
    expect(argocd.plainHttpAnswer(source, container, 0, state(objects)).redirects).toBe(redirects);
  });

  it('cannot tell when ConfigMaps could not be read', () => {
    expect(argocd.plainHttpAnswer(source, server({ env: fromConfigMap }), 0, state([], [['ConfigMap', 'forbidden']])).redirects).toBe('unknown');
  });

  it('does not take other containers for argocd-server', () => {
    expect(argocd.matches({ name: 'argocd-repo-server', image: 'quay.io/argoproj/argocd:v2.9.3', command: ['argocd-repo-server'] })).toBe(false);
    expect(argocd.matches({ name: 'web', image: 'nginx:1.25' })).toBe(false);
  });

  it('without a ConfigMap reference, the fix adds --insecure to the args', () => {
    const answer = argocd.plainHttpAnswer(source, server({}), 0, state([]));
    expect(answer.fix.commands).toEqual([`kubectl -n argocd patch deployment/argocd-server --type json -p '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--insecure"}]'`]);
  });
});
