import { describe, expect, it } from 'vitest';
import type { ServingContainer } from '../../../src/gke/load-balancer/health-check-inference.js';
import { describeKubernetesCheck, describeLoadBalancerRequest } from '../../../src/gke/load-balancer/health-check-description.js';

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
