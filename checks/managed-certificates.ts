import type { CheckResult, Finding, MessageData, Severity } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { humanDuration } from '../src/gke/duration.js';
import type { DomainFailure } from '../src/gke/ingress/managed-certificates.js';
import { CERTIFICATE_FAILURES, DOMAIN_FAILURES, MANAGED_CERTIFICATES_ANNOTATION, PROVISIONING_NORMAL_MS, ingressAddresses, ingressesUsing } from '../src/gke/ingress/managed-certificates.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import { manualFix } from '../src/gke/load-balancer/manual-fix.js';

const managedCertificates = defineCheck({
  id: 'managed-certificates',
  title: 'Google-managed certificates of GCE Ingresses are Active',
  severity: 'error',
  description: `A ManagedCertificate (networking.gke.io/v1) asks Google for a certificate for its domains;
the load balancer of every Ingress that names it in networking.gke.io/managed-certificates
serves it once it is Active. Google's certificate authority checks each domain over the
internet first: the domain must resolve to the Ingress's address (FailedNotVisible
otherwise), its DNS must answer CAA queries (FailedCaaChecking) and any CAA record must let
Google's CAs issue (FailedCaaForbidden); too many requests for a domain give
FailedRateLimited. Provisioning normally takes up to 60 minutes once DNS is right; a
certificate no Ingress names is never provisioned at all. Until then clients get TLS errors.

For every ManagedCertificate not Active, this check names each failing domain with its cause
and the fix (the DNS record to set, with the Ingress's address when it has one; the CAA
record), an unreferenced certificate with the annotation to add, and a certificate
Provisioning for longer than the docs call normal.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/how-to/managed-certs',
    'https://cloud.google.com/load-balancing/docs/ssl-certificates/troubleshooting',
    'https://github.com/GoogleCloudPlatform/gke-managed-certs/blob/master/pkg/config/config.go',
  ],
  needs: ['ManagedCertificate', 'Ingress'],
  appliesTo: ['ManagedCertificate'],
  notApplicable: 'no ManagedCertificate exists',
  messages: {
    notReferenced:
      '{{certificate}} is {{status}}, and no Ingress in namespace {{namespace}} names it in {{annotation}}: the certificate is provisioned only for a load balancer that uses it.',
    FailedNotVisible:
      '{{certificate}}: domain {{domain}} is FailedNotVisible: Google\'s certificate authority could not reach the load balancer through that name. The domain must resolve (DNS A record) to {{address}}, and the load balancer must answer there on port 80 and 443.',
    FailedCaaChecking: '{{certificate}}: domain {{domain}} is FailedCaaChecking: the domain\'s DNS did not answer the CAA query, so the certificate authority may not issue; the DNS provider must answer CAA queries (an empty answer is fine).',
    FailedCaaForbidden: '{{certificate}}: domain {{domain}} is FailedCaaForbidden: a CAA record of the domain allows other certificate authorities only, not Google\'s (pki.goog) nor Let\'s Encrypt (letsencrypt.org).',
    FailedRateLimited: '{{certificate}}: domain {{domain}} is FailedRateLimited: too many certificates were requested for it lately; provisioning is retried later.',
    certificateFailed: '{{certificate}} is {{status}} (its SslCertificate {{sslCertificate}}), with no domain status saying why.',
    provisioningLong:
      '{{certificate}} has been {{status}} for {{age}} (created {{created}}), longer than the up to 60 minutes GKE\'s docs give once DNS is right: most often {{domains}} do not resolve to {{address}} yet.',
    provisioning: '{{certificate}} is {{status}} (created {{age}} ago): provisioning takes up to 60 minutes once {{domains}} resolve to {{address}}.',
    fixAnnotate: 'Name the certificate in the Ingress that serves its domains (keep any others it lists, comma-separated).',
    fixDns: 'Point {{domain}} at the Ingress\'s address with an A record ({{address}}); the certificate authority retries by itself.',
    fixCaa: 'Let the DNS provider answer CAA queries, or add a CAA record that allows Google\'s CA.',
    fixCaaForbidden: 'Add CAA records that allow Google\'s CAs beside the others: {{domain}}. CAA 0 issue "pki.goog" and {{domain}}. CAA 0 issue "letsencrypt.org".',
    fixRateLimited: 'Wait: provisioning is retried. Avoid deleting and re-creating certificates for the same domain.',
    fixCertificate: 'Read the certificate\'s SslCertificate and events; re-create the ManagedCertificate if it stays failed.',
    fixWait: 'Check that each domain resolves to the Ingress\'s address; provisioning then completes by itself.',
  },
  run(state: ClusterState, context): CheckResult {
    const findings: Finding[] = [];
    const examined: string[] = [];
    const text = (id: keyof typeof managedCertificates.messages, data: MessageData = {}) => fill(managedCertificates.messages[id], data, id);
    const now = context.now;
    for (const certificate of state.kubernetes.list('ManagedCertificate')) {
      const resource = kubernetesResourceName({ kind: 'ManagedCertificate', metadata: certificate.metadata });
      examined.push(resource);
      const status = certificate.status?.certificateStatus || 'not provisioned';
      if (status === 'Active') continue;
      const namespace = certificate.metadata?.namespace ?? 'default';
      const ingresses = ingressesUsing(certificate, state);
      const addresses = [...new Set(ingresses.flatMap(ingressAddresses))];
      const address = addresses.length > 0 ? addresses.join(' or ') : "the Ingress's address (it has none yet)";
      const base = { certificate: resource, status, namespace };
      const evidence = { certificateStatus: certificate.status?.certificateStatus ?? null, domainStatus: certificate.status?.domainStatus ?? [], ingresses: ingresses.map((ingress) => kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata })), addresses };
      const report = (messageId: keyof typeof managedCertificates.messages, severity: Severity, data: MessageData, summary: string, commands: string[]) =>
        findings.push(context.report({ messageId, severity, data: { ...base, ...data }, resource, evidence, fix: manualFix(summary, commands) }));
      if (ingresses.length === 0) {
        const command = `kubectl -n ${namespace} annotate ingress INGRESS ${MANAGED_CERTIFICATES_ANNOTATION}=${certificate.metadata?.name ?? '?'} --overwrite`;
        report('notReferenced', 'error', { annotation: MANAGED_CERTIFICATES_ANNOTATION }, text('fixAnnotate'), [command]);
        continue;
      }
      const failed = (certificate.status?.domainStatus ?? []).filter((entry): entry is { domain: string; status: DomainFailure } => DOMAIN_FAILURES.includes(entry.status as DomainFailure));
      for (const { domain, status: domainStatus } of failed) {
        const data = { domain, address };
        if (domainStatus === 'FailedNotVisible') report('FailedNotVisible', 'error', data, text('fixDns', data), [`dig +short A ${domain}`, ...addresses.slice(0, 1).map((ip) => `# expect ${ip}`)]);
        else if (domainStatus === 'FailedCaaChecking') report('FailedCaaChecking', 'error', data, text('fixCaa'), [`dig CAA ${domain}`]);
        else if (domainStatus === 'FailedCaaForbidden') report('FailedCaaForbidden', 'error', data, text('fixCaaForbidden', data), [`dig CAA ${domain}`]);
        else report('FailedRateLimited', 'warning', data, text('fixRateLimited'), []);
      }
      if (failed.length > 0) continue;
      if (CERTIFICATE_FAILURES.includes(status)) {
        const sslCertificate = certificate.status?.certificateName ?? '(none yet)';
        const project = state.target.project ? ` --project ${state.target.project}` : '';
        report('certificateFailed', 'error', { sslCertificate }, text('fixCertificate'), [`kubectl -n ${namespace} describe managedcertificate ${certificate.metadata?.name ?? '?'}`, ...(certificate.status?.certificateName ? [`gcloud compute ssl-certificates describe ${certificate.status.certificateName} --global${project}`] : [])]);
        continue;
      }
      const domains = (certificate.spec?.domains ?? []).join(', ') || 'its domains';
      const created = Date.parse(certificate.metadata?.creationTimestamp ?? '');
      const age = Number.isFinite(created) ? now.getTime() - created : undefined;
      const data = { domains, address, age: age !== undefined ? humanDuration(age) : 'an unknown time', created: certificate.metadata?.creationTimestamp ?? '?' };
      const commands = (certificate.spec?.domains ?? []).map((domain) => `dig +short A ${domain}`);
      if (age !== undefined && age > PROVISIONING_NORMAL_MS) report('provisioningLong', 'warning', data, text('fixWait'), commands);
      else report('provisioning', 'info', data, text('fixWait'), commands);
    }
    return { examined, findings };
  },
});

export default managedCertificates;
