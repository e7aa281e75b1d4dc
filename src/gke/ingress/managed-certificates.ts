import type { ClusterState } from '../../state/cluster-state.js';
import type { Ingress, ManagedCertificate } from '../../state/kubernetes-types.js';

/**
 * Names the ManagedCertificates an Ingress uses, comma-separated, in its own namespace
 * (GoogleCloudPlatform/gke-managed-certs pkg/config/config.go AnnotationManagedCertificatesKey;
 * GKE docs "Using Google-managed SSL certificates").
 */
export const MANAGED_CERTIFICATES_ANNOTATION = 'networking.gke.io/managed-certificates';

/**
 * How long provisioning may take before it is worth saying: GKE's managed-certificate docs give up to
 * 60 minutes once DNS points at the load balancer (https://cloud.google.com/kubernetes-engine/docs/how-to/managed-certs).
 */
export const PROVISIONING_NORMAL_MS = 60 * 60_000;

/** The Ingresses of the certificate's namespace that name it. */
export function ingressesUsing(certificate: ManagedCertificate, state: ClusterState): Ingress[] {
  const namespace = certificate.metadata?.namespace ?? 'default';
  const name = certificate.metadata?.name;
  return state.kubernetes
    .list('Ingress')
    .filter((ingress) => (ingress.metadata?.namespace ?? 'default') === namespace)
    .filter((ingress) => (ingress.metadata?.annotations?.[MANAGED_CERTIFICATES_ANNOTATION] ?? '').split(',').map((entry) => entry.trim()).includes(name ?? ''));
}

/** The addresses an Ingress's load balancer answers on (status.loadBalancer.ingress). */
export function ingressAddresses(ingress: Ingress): string[] {
  return (ingress.status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip ?? entry.hostname ?? '').filter((address) => address !== '');
}

/**
 * The per-domain failures the managed-certificate controller copies from the SslCertificate
 * (gke-managed-certs pkg/config/config.go: FAILED_NOT_VISIBLE -> FailedNotVisible, …), and what each
 * means (Cloud Load Balancing "Troubleshooting SSL certificates", Google-managed certificate status):
 * the domain does not resolve to the load balancer, the DNS provider fails CAA lookups, a CAA record
 * forbids Google's CAs, or too many certificates were asked for the domain.
 */
export type DomainFailure = 'FailedNotVisible' | 'FailedCaaChecking' | 'FailedCaaForbidden' | 'FailedRateLimited';
export const DOMAIN_FAILURES: readonly DomainFailure[] = ['FailedNotVisible', 'FailedCaaChecking', 'FailedCaaForbidden', 'FailedRateLimited'];

/** The certificate-level failures (config.go certificateStatuses): PROVISIONING_FAILED, _PERMANENTLY, RENEWAL_FAILED. */
export const CERTIFICATE_FAILURES: readonly string[] = ['ProvisioningFailed', 'ProvisioningFailedPermanently', 'RenewalFailed'];
