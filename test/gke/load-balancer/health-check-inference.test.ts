import { describe, expect, it } from 'vitest';
import type { InferredHealthCheck, Probe } from '../../../src/gke/load-balancer/health-check-inference.js';
import { healthCheckRequestPath, inferLoadBalancerHealthCheck } from '../../../src/gke/load-balancer/health-check-inference.js';
import type { Container, PodSource } from '../../../src/gke/load-balancer/ingress-backends.js';
import type { NegDecision } from '../../../src/gke/services/service-annotations.js';
import type { BackendConfig, Service } from '../../../src/state/kubernetes-types.js';

const NEG: NegDecision = { enabled: true, certain: true, origin: 'cloud.google.com/neg: {"ingress": true}' };
const INSTANCE_GROUP: NegDecision = { enabled: false, certain: true, origin: 'NodePort' };

function httpGet(port: number | string, path = '/healthz', extra: Partial<NonNullable<Probe['httpGet']>> = {}, probe: Partial<Probe> = {}): Probe {
  return { httpGet: { port, path, scheme: 'HTTP', ...extra }, periodSeconds: 10, timeoutSeconds: 1, ...probe };
}

function app(readinessProbe?: Probe, ports: Container['ports'] = [{ containerPort: 8080, name: 'http' }], name = 'web'): Container {
  return { name, image: 'web:1', ports, readinessProbe };
}

function pod(name: string, containers: Container[], created = '2024-01-01T00:00:00Z'): PodSource {
  return {
    resource: `Pod/shop/${name}`,
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', creationTimestamp: created } },
    spec: { containers },
  };
}

function service(targetPort: number | string = 8080, annotations: Record<string, string> = {}, portName = 'http'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: portName, port: 80, targetPort, nodePort: 30080 }] },
  };
}

function backendConfig(healthCheck: NonNullable<BackendConfig['spec']>['healthCheck']): BackendConfig {
  return { apiVersion: 'cloud.google.com/v1', kind: 'BackendConfig', metadata: { name: 'web-hc', namespace: 'shop' }, spec: { healthCheck } };
}

function infer(svc: Service, sources: PodSource[], neg = NEG, bc?: BackendConfig): InferredHealthCheck {
  return inferLoadBalancerHealthCheck({ service: svc, servicePort: svc.spec!.ports![0]!, podSources: sources, neg, backendConfig: bc });
}

const HTTPS = { 'cloud.google.com/app-protocols': '{"http": "HTTPS"}' };
const HTTP2 = { 'cloud.google.com/app-protocols': '{"http": "HTTP2"}' };

// Each rule of ingress-gce's getHTTPProbe (pkg/controller/translator/translator.go) and isSimpleHTTPProbe, one case each.
describe('getHTTPProbe: when the readinessProbe is used', () => {
  const cases: { name: string; svc: Service; sources: PodSource[]; used: boolean; exclusion?: string; path?: string }[] = [
    { name: 'simple httpGet on the serving port is used', svc: service(), sources: [pod('a', [app(httpGet(8080))])], used: true, path: '/healthz' },
    { name: 'no Pod at all', svc: service(), sources: [], used: false, exclusion: 'no-pods' },
    { name: 'no readinessProbe', svc: service(), sources: [pod('a', [app()])], used: false, exclusion: 'no-readiness-probe' },
    { name: 'tcpSocket probe is not httpGet', svc: service(), sources: [pod('a', [app({ tcpSocket: { port: 8080 } })])], used: false, exclusion: 'not-http-get' },
    { name: 'exec probe is not httpGet', svc: service(), sources: [pod('a', [app({ exec: { command: ['true'] } })])], used: false, exclusion: 'not-http-get' },
    { name: 'host set', svc: service(), sources: [pod('a', [app(httpGet(8080, '/healthz', { host: '10.0.0.1' }))])], used: false, exclusion: 'host-set' },
    {
      name: 'a header other than Host',
      svc: service(),
      sources: [pod('a', [app(httpGet(8080, '/healthz', { httpHeaders: [{ name: 'X-Probe', value: '1' }] }))])],
      used: false,
      exclusion: 'extra-headers',
    },
    {
      name: 'two headers, even with Host',
      svc: service(),
      sources: [pod('a', [app(httpGet(8080, '/healthz', { httpHeaders: [{ name: 'Host', value: 'a' }, { name: 'X', value: 'b' }] }))])],
      used: false,
      exclusion: 'extra-headers',
    },
    { name: 'only a Host header is allowed', svc: service(), sources: [pod('a', [app(httpGet(8080, '/healthz', { httpHeaders: [{ name: 'Host', value: 'web.example.com' }] }))])], used: true },
    { name: 'HTTP probe, HTTPS app protocol', svc: service(8080, HTTPS), sources: [pod('a', [app(httpGet(8080))])], used: false, exclusion: 'scheme-mismatch' },
    { name: 'HTTPS probe, default HTTP app protocol', svc: service(), sources: [pod('a', [app(httpGet(8080, '/healthz', { scheme: 'HTTPS' }))])], used: false, exclusion: 'scheme-mismatch' },
    { name: 'HTTPS probe, HTTPS app protocol', svc: service(8080, HTTPS), sources: [pod('a', [app(httpGet(8080, '/healthz', { scheme: 'HTTPS' }))])], used: true },
    { name: 'HTTP2 counts as HTTPS (getProbeScheme)', svc: service(8080, HTTP2), sources: [pod('a', [app(httpGet(8080, '/healthz', { scheme: 'HTTPS' }))])], used: true },
    { name: 'scheme absent defaults to HTTP', svc: service(), sources: [pod('a', [app({ httpGet: { port: 8080, path: '/healthz' } })])], used: true },
    { name: 'probe on another port', svc: service(), sources: [pod('a', [app(httpGet(8081), [{ containerPort: 8080 }, { containerPort: 8081 }])])], used: false, exclusion: 'probe-port-mismatch' },
    { name: 'targetPort not declared as a containerPort', svc: service(), sources: [pod('a', [app(httpGet(8080), [])])], used: false, exclusion: 'target-port-not-declared' },
    { name: 'named targetPort, numeric probe port', svc: service('http'), sources: [pod('a', [app(httpGet(8080))])], used: true },
    { name: 'numeric targetPort, named probe port', svc: service(8080), sources: [pod('a', [app(httpGet('http'))])], used: true },
    { name: 'named targetPort, named probe port', svc: service('http'), sources: [pod('a', [app(httpGet('http'))])], used: true },
    { name: 'named probe port naming another port', svc: service('http'), sources: [pod('a', [app(httpGet('admin'), [{ containerPort: 8080, name: 'http' }, { containerPort: 8081, name: 'admin' }])])], used: false, exclusion: 'probe-port-mismatch' },
    { name: 'named targetPort that no container declares', svc: service('web'), sources: [pod('a', [app(httpGet(8080))])], used: false, exclusion: 'target-port-not-declared' },
    {
      name: 'the serving container, not a sidecar listed first',
      svc: service(),
      sources: [pod('a', [app(httpGet(9090, '/readiness'), [{ containerPort: 9090 }], 'proxy'), app(httpGet(8080, '/healthz'))])],
      used: true,
      path: '/healthz',
    },
    {
      name: 'the first Pod (oldest) wins',
      svc: service(),
      sources: [pod('old', [app(httpGet(8080, '/old'))], '2024-01-01T00:00:00Z'), pod('new', [app(httpGet(8080, '/new'))], '2024-01-02T00:00:00Z')],
      used: true,
      path: '/old',
    },
    {
      name: 'a later Pod with a usable probe when the first has none',
      svc: service(),
      sources: [pod('a', [app()]), pod('b', [app(httpGet(8080, '/healthz'))])],
      used: true,
      path: '/healthz',
    },
  ];
  it.each(cases)('$name', ({ svc, sources, used, exclusion, path }) => {
    const check = infer(svc, sources);
    expect(check.probe.used).toBe(used);
    if (!check.probe.used) expect(check.probe.exclusion).toBe(exclusion);
    expect(check.requestPath.value).toBe(used ? (path ?? '/healthz') : '/');
  });
});

describe('inferLoadBalancerHealthCheck: fields and their origins', () => {
  it('defaults for NEG backends: GET / on the serving port, 15 s, 15 s, 1, 2', () => {
    const check = infer(service(), [pod('a', [app()])]);
    expect(check).toMatchObject({
      type: { value: 'HTTP' },
      requestPath: { value: '/', origin: expect.stringContaining('default') },
      portSpecification: { value: 'USE_SERVING_PORT' },
      port: { value: 8080 },
      checkIntervalSec: { value: 15 },
      timeoutSec: { value: 15 },
      healthyThreshold: { value: 1 },
      unhealthyThreshold: { value: 2 },
    });
  });

  it('defaults for instance groups: the nodePort, 60 s, 60 s, 1, 10', () => {
    const check = infer(service(), [pod('a', [app()])], INSTANCE_GROUP);
    expect(check).toMatchObject({ port: { value: 30080 }, podPort: 8080, checkIntervalSec: { value: 60 }, timeoutSec: { value: 60 }, unhealthyThreshold: { value: 10 } });
  });

  it('copies path, Host header, timeout and period from the probe (NEG)', () => {
    const probe = httpGet(8080, 'healthz', { httpHeaders: [{ name: 'Host', value: 'web.example.com' }] }, { periodSeconds: 30, timeoutSeconds: 5 });
    const check = infer(service(), [pod('a', [app(probe)])]);
    expect(check.requestPath).toEqual({ value: '/healthz', origin: expect.stringContaining('readinessProbe of container web') });
    expect(check.host.value).toBe('web.example.com');
    expect(check.checkIntervalSec.value).toBe(30);
    expect(check.timeoutSec.value).toBe(5);
  });

  it('adds 60 s to the probe period for instance groups', () => {
    const check = infer(service(), [pod('a', [app(httpGet(8080, '/healthz', {}, { periodSeconds: 30 }))])], INSTANCE_GROUP);
    expect(check.checkIntervalSec.value).toBe(90);
  });

  it('applies the API defaults of a probe without period and timeout', () => {
    const check = infer(service(), [pod('a', [app({ httpGet: { port: 8080, path: '/healthz' } })])]);
    expect([check.checkIntervalSec.value, check.timeoutSec.value]).toEqual([10, 1]);
  });

  it('takes the app protocol from cloud.google.com/app-protocols by port name', () => {
    expect(infer(service(8080, HTTP2), [pod('a', [app()])]).type).toEqual({ value: 'HTTP2', origin: expect.stringContaining('app-protocols') });
    expect(infer(service(8080, HTTPS, 'web'), [pod('a', [app()])]).type.value).toBe('HTTP');
  });

  it('lets a BackendConfig override field by field', () => {
    const bc = backendConfig({ requestPath: '/status', port: 8081, type: 'HTTPS', checkIntervalSec: 5 });
    const check = infer(service(), [pod('a', [app(httpGet(8080, '/healthz', {}, { timeoutSeconds: 3 }))])], NEG, bc);
    expect(check.requestPath).toEqual({ value: '/status', origin: 'BackendConfig web-hc spec.healthCheck' });
    expect(check.type.value).toBe('HTTPS');
    expect(check.port.value).toBe(8081);
    expect(check.portSpecification.value).toBe('USE_FIXED_PORT');
    expect(check.podPort).toBe(8081);
    expect(check.checkIntervalSec.value).toBe(5);
    expect(check.timeoutSec).toEqual({ value: 3, origin: expect.stringContaining('timeoutSeconds') });
  });
});

describe('healthCheckRequestPath (ApplyProbeSettingsToHC: GCE requires a leading "/")', () => {
  it.each([
    { path: '/healthz', expected: '/healthz' },
    { path: 'healthz', expected: '/healthz' },
    { path: '', expected: '/' },
    { path: undefined, expected: '/' },
  ])('$path -> $expected', ({ path, expected }) => {
    expect(healthCheckRequestPath(path)).toBe(expected);
  });
});
