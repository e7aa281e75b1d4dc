import { expect } from 'vitest';
import managedCertificates from '../../checks/managed-certificates.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { testCheck } from '../support/check-tester.js';
import { clusterState } from '../support/state.js';

const CERTIFICATE = 'ManagedCertificate/shop/shop-cert';

/** A ManagedCertificate as `kubectl get managedcertificate -o yaml` prints it (gke-managed-certs apis/networking.gke.io/v1). */
const certificate = (status: Record<string, unknown> | undefined, created = '2024-01-14T23:30:00Z') =>
  ({
    apiVersion: 'networking.gke.io/v1',
    kind: 'ManagedCertificate',
    metadata: { name: 'shop-cert', namespace: 'shop', creationTimestamp: created },
    spec: { domains: ['shop.example.com', 'www.shop.example.com'] },
    ...(status ? { status } : {}),
  }) as KubeObject;
const ingress = (annotation?: string) =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop', annotations: { 'kubernetes.io/ingress.class': 'gce', ...(annotation ? { 'networking.gke.io/managed-certificates': annotation } : {}) } },
    spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
    status: { loadBalancer: { ingress: [{ ip: '34.120.45.67' }] } },
  }) as KubeObject;
const provisioning = (domainStatus: string) => ({ certificateStatus: 'Provisioning', domainStatus: [{ domain: 'shop.example.com', status: domainStatus }, { domain: 'www.shop.example.com', status: 'Provisioning' }] });

testCheck(managedCertificates, {
  valid: ['managed-certificate-active', { fixture: 'ingress-translation-ok', examined: [] }],
  invalid: [
    {
      fixture: 'managed-certificate-not-visible',
      findings: [{ messageId: 'FailedNotVisible', resource: CERTIFICATE, severity: 'error' }],
      then: (report) => {
        expect(report.findings[0]!.message).toMatch(/shop\.example\.com is FailedNotVisible: .*must resolve \(DNS A record\) to 34\.120\.45\.67/);
        expect(report.findings[0]!.fix?.commands).toEqual(['dig +short A shop.example.com', '# expect 34.120.45.67']);
      },
    },
    {
      name: 'no Ingress names it: never provisioned',
      state: clusterState({}, [certificate(provisioning('Provisioning'), '2024-01-10T00:00:00Z'), ingress('other-cert')]),
      findings: [{ messageId: 'notReferenced', resource: CERTIFICATE, severity: 'error' }],
      then: (report) => expect(report.findings[0]!.fix?.commands).toEqual(['kubectl -n shop annotate ingress INGRESS networking.gke.io/managed-certificates=shop-cert --overwrite']),
    },
    {
      name: 'CAA forbids Google\'s CAs',
      state: clusterState({}, [certificate(provisioning('FailedCaaForbidden')), ingress('shop-cert')]),
      findings: [{ messageId: 'FailedCaaForbidden', resource: CERTIFICATE, severity: 'error' }],
      then: (report) => expect(report.findings[0]!.fix?.summary).toContain('shop.example.com. CAA 0 issue "pki.goog"'),
    },
    {
      name: 'the DNS provider fails CAA lookups',
      state: clusterState({}, [certificate(provisioning('FailedCaaChecking')), ingress('shop-cert')]),
      findings: [{ messageId: 'FailedCaaChecking', resource: CERTIFICATE, severity: 'error' }],
    },
    {
      name: 'rate limited: retried by itself',
      state: clusterState({}, [certificate(provisioning('FailedRateLimited')), ingress('other-cert, shop-cert')]),
      findings: [{ messageId: 'FailedRateLimited', resource: CERTIFICATE, severity: 'warning' }],
    },
    {
      name: 'Provisioning for a day: longer than the docs call normal',
      state: clusterState({}, [certificate(provisioning('Provisioning'), '2024-01-14T00:00:00Z'), ingress('shop-cert')]),
      findings: [{ messageId: 'provisioningLong', resource: CERTIFICATE, severity: 'warning' }],
      then: (report) => expect(report.findings[0]!.message).toMatch(/for 24h .*shop\.example\.com, www\.shop\.example\.com do not resolve to 34\.120\.45\.67/),
    },
    {
      name: 'Provisioning for half an hour: normal, a note',
      state: clusterState({}, [certificate(provisioning('Provisioning')), ingress('shop-cert')]),
      findings: [{ messageId: 'provisioning', resource: CERTIFICATE, severity: 'info' }],
    },
    {
      name: 'ProvisioningFailedPermanently with no domain status',
      state: clusterState({}, [certificate({ certificateStatus: 'ProvisioningFailedPermanently', certificateName: 'mcrt-1', domainStatus: [] }), ingress('shop-cert')]),
      findings: [{ messageId: 'certificateFailed', resource: CERTIFICATE, severity: 'error' }],
    },
  ],
});
