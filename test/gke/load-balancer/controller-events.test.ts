import { describe, expect, it } from 'vitest';
import type { ControllerEvent } from '../../../src/gke/load-balancer/controller-events.js';
import { explainEvent, printable } from '../../../src/gke/load-balancer/controller-events.js';

const event = (reason: string, message: string, kind = 'Ingress'): ControllerEvent => ({ object: { kind, name: 'web', namespace: 'shop' }, type: 'Warning', reason, message, count: 1 });

describe('explainEvent: the controllers\' messages, as public threads quote them', () => {
  it.each<[string, string, string, string, Record<string, string>]>([
    ['ingress-gce ErrSvcNotFound', 'Translate', 'Translation failed: invalid ingress spec: could not find service "default/whereami"', 'translationServiceMissing', { service: 'default/whereami' }],
    [
      'ingress-gce ErrBadSvcType',
      'Translate',
      'Translation failed: invalid ingress spec: service "default/ingress-service" is type "ClusterIP", expected "NodePort" or "LoadBalancer"',
      'translationServiceType',
      { service: 'default/ingress-service', type: 'ClusterIP' },
    ],
    [
      'ingress-gce ErrSvcBackendConfig',
      'Translate',
      'Translation failed: invalid ingress spec: error getting BackendConfig for port "&ServiceBackendPort{Name:,Number:8080,}" on service "service-dev/service-cdn", err: no BackendConfig for service port exists.',
      'translationBackendConfig',
      { service: 'service-dev/service-cdn' },
    ],
    ['ingress-gce validateAndGetPaths', 'Translate', 'Translation failed: invalid ingress spec: failed to validate exact path /a* due to invalid wildcard', 'translationWildcard', { pathType: 'exact', path: '/a*' }],
    ['a quota inside a sync error (kubeflow/website#489)', 'Sync', "Error during sync: googleapi: Error 403: Quota 'BACKEND_SERVICES' exceeded. Limit: 5.0 globally., quotaExceeded", 'quotaExceeded', { quota: 'BACKEND_SERVICES', limit: '5.0' }],
    ['another sync error', 'Sync', 'Error syncing to GCP: error running backend syncing routine: googleapi: Error 400: Invalid value', 'syncFailed', {}],
    ['gke-managed-certs MissingCertificate', 'MissingCertificate', 'ManagedCertificate shop:shop-cert missing', 'managedCertificateMissing', { namespace: 'shop', name: 'shop-cert' }],
    ['ingress-gce toRuntimeInfo', 'Sync', 'Could not find TLS certificate: secret "shop-tls" does not exist', 'tlsCertificateMissing', {}],
  ])('%s', (_, reason, message, cause, found) => {
    const explained = explainEvent(event(reason, message));
    expect(explained?.cause).toBe(cause);
    expect(explained?.found).toMatchObject(found);
  });

  it('reads a NEG sync failure on a Service, naming the NEG', () => {
    const explained = explainEvent(event('SyncNetworkEndpointGroupFailed', 'Failed to sync NEG "k8s1-33a31ddd-default-svc-80-37ffc26f" (will retry): conflicting description', 'Service'));
    expect(explained).toMatchObject({ cause: 'negSyncFailed', found: { neg: 'k8s1-33a31ddd-default-svc-80-37ffc26f' } });
  });

  it('leaves a message it does not know unexplained (shown verbatim by the check)', () => {
    expect(explainEvent(event('Sync', 'Scheduled for sync'))).toBeUndefined();
    expect(explainEvent(event('BackendConfigOverridesTHC', 'BackendConfig overrides the transparent health check'))).toBeUndefined();
  });
});

describe('printable', () => {
  it('escapes control characters, so a message cannot move the cursor or forge a line', () => {
    expect(printable('a\u001b[2Jb\r\nc\td\u0000\u009b\u2028')).toBe('a\\x1b[2Jb\\r\\nc\\td\\x00\\x9b\\u2028');
  });

  it('cuts what is too long to read', () => {
    expect(printable('x'.repeat(5000))).toHaveLength(1001);
  });
});
