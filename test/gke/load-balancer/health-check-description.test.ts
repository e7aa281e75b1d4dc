import { describe, expect, it } from 'vitest';
import type { ServingContainer } from '../../../src/gke/load-balancer/health-check-inference.js';
import { describeKubernetesCheck, describeLoadBalancerRequest, readinessProbeEvidence } from '../../../src/gke/load-balancer/health-check-description.js';

const serving = (readinessProbe: object): ServingContainer =>
  ({ container: { name: 'db', readinessProbe, ports: [{ containerPort: 3306 }] }, port: 3306, source: { resource: 'Pod/shop/db-0' } }) as unknown as ServingContainer;

describe('what reports say about a check never repeats what can be a credential (issue 21)', () => {
  it('an exec probe: the program, not its arguments', () => {
    const text = describeKubernetesCheck(serving({ exec: { command: ['mysqladmin', 'ping', '-uroot', '-ps3cr3t'] } }));
    expect(text).toBe('the command "mysqladmin" and its arguments (readinessProbe of container db in Pod/shop/db-0)');
  });

  it('an httpGet probe and a load balancer request: the path without its query', () => {
    expect(describeKubernetesCheck(serving({ httpGet: { path: '/ready?token=s3cr3t', port: 3306 } }))).toMatch(/^HTTP GET \/ready on port 3306,/);
    expect(describeLoadBalancerRequest({ type: 'HTTP', requestPath: '/ready?token=s3cr3t', portText: 'port 3306' }, 'x')).toBe('HTTP GET /ready on port 3306, healthy only on 200 (x)');
  });
});

describe('the readiness probe as evidence (what the HTML report draws beside the load balancer request)', () => {
  const where = { resource: 'Pod/shop/db-0', container: 'db' };
  it.each([
    ['an httpGet probe on a named port: its number, the path without its query', { httpGet: { path: '/ready?token=s3cr3t', port: 'mysql' } }, { ...where, type: 'HTTP', path: '/ready', port: 'mysql' }],
    ['an HTTPS probe', { httpGet: { scheme: 'HTTPS', port: 3306 } }, { ...where, type: 'HTTPS', path: '/', port: 3306 }],
    ['a TCP probe', { tcpSocket: { port: 3306 } }, { ...where, type: 'TCP', path: null, port: 3306 }],
    ['a gRPC probe', { grpc: { port: 9000 } }, { ...where, type: 'gRPC', path: null, port: 9000 }],
    ['an exec probe: never its command', { exec: { command: ['mysqladmin', '-ps3cr3t'] } }, { ...where, type: 'exec', path: null, port: null }],
  ])('%s', (_, probe, expected) => {
    expect(readinessProbeEvidence(serving(probe))).toEqual(expected);
  });

  it('null without a probe, undefined without a serving container', () => {
    expect(readinessProbeEvidence({ ...serving({}), container: { name: 'db' } } as unknown as ServingContainer)).toBeNull();
    expect(readinessProbeEvidence(undefined)).toBeUndefined();
  });
});
