import type { CheckResult, Finding, MessageData } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { gkeGateways } from '../src/gke/gateway/gateway-classes.js';
import { isGceIngress } from '../src/gke/ingress/ingress-class.js';
import type { ControllerEvent, EventCause } from '../src/gke/load-balancer/controller-events.js';
import { controllerEventOf, explainEvent, isComplaint, printable } from '../src/gke/load-balancer/controller-events.js';
import type { CappedList, ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import { manualFix } from '../src/gke/load-balancer/manual-fix.js';
import type { Condition } from '../src/state/kubernetes-types.js';
import { addToList } from '../src/list-map.js';

/** The kinds whose events are read: what the GKE load-balancer controllers (ingress-gce, its NEG controller, the Gateway and managed-certificate controllers) report on. */
const KINDS = ['Ingress', 'Service', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ManagedCertificate'];

/** A cause after what the controller said. */
const onEvent = (cause: string) => `{{said}}\n${cause}`;

const loadBalancerEvents = defineCheck({
  id: 'load-balancer-events',
  title: 'The GKE load-balancer controllers report no errors on Ingresses, Services, Gateways, routes and ManagedCertificates',
  severity: 'error',
  description: `When GKE's controllers cannot build a load balancer, they say why only in Kubernetes
events: ingress-gce's "Translation failed" (a * in a Prefix path, a missing Service, a
ClusterIP Service without NEGs: no load balancer for any rule of the Ingress), "Error syncing
to GCP" (often a Compute quota), the NEG controller's sync failures on a Service (endpoints
never reach the load balancer), the firewall change a Shared VPC security admin must make
("Firewall change required by security admin: gcloud compute firewall-rules …"), the
managed-certificate controller's "ManagedCertificate … missing", and the Gateway
controller's "failed to translate Gateway … Error GWCER…". Events are easy to miss and
expire an hour after they were last recorded (kube-apiserver --event-ttl).

This check reads the Warning events (and ingress-gce's XPN firewall notices) of Ingresses,
Services, Gateways, HTTPRoutes, GRPCRoutes and ManagedCertificates, names the cause of every
message it knows with the fix, and shows any other Warning verbatim (control characters
escaped) on the object it is about: none is dropped. For an object that is failing (an
Ingress without an address or with an UNHEALTHY backend, a Gateway or route not accepted or
programmed, a ManagedCertificate not Active) with no event left, it says the events may have
expired. Live, events are read only in the namespaces of Ingresses, Gateways, routes and
ManagedCertificates, Warning ones only, at most 500 per namespace; where there were more,
it says so (how many were read, and at most how many were not: the API server does not count
the rest of a field-selected list, so the bound is the namespace's count of every event), and
a failing object with no event among those read gets that note instead of "no events left".`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshoot-load-balancing',
    'https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshoot-gateways',
    'https://github.com/kubernetes/ingress-gce/blob/master/pkg/controller/controller.go',
    'https://github.com/kubernetes/ingress-gce/blob/master/pkg/firewalls/firewalls.go',
    'https://github.com/kubernetes/ingress-gce/blob/master/pkg/neg/syncers/syncer.go',
    'https://github.com/GoogleCloudPlatform/gke-managed-certs/blob/master/pkg/clients/event/event.go',
  ],
  needs: ['Event'],
  optionalNeeds: ['Ingress', 'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ManagedCertificate', 'cluster'],
  appliesTo: ['Ingress', 'Gateway'],
  notApplicable: 'no Ingress, Gateway, route or ManagedCertificate, and no event about one',
  messages: {
    said: '{{object}}: {{source}} reported {{reason}} {{times}}(last {{lastSeen}}): "{{message}}"',
    quotaExceeded: onEvent(
      'The project\'s Compute Engine quota {{quota}} (limit {{limit}}{{where}}) is used up, so the controller cannot create what this object needs; it retries, and fails until the quota is raised or resources are freed.',
    ),
    firewallChangeRequired: onEvent(
      'The cluster is on a Shared VPC, and ingress-gce may not change the host project\'s firewall: until a security admin of the host project runs the command it printed, the rule that lets the load balancer and its health checks (130.211.0.0/22, 35.191.0.0/16) reach the backends is missing or stale, and backends stay UNHEALTHY.',
    ),
    translationWildcard: onEvent(
      'In a {{pathType}} path a * is no wildcard, so the controller refuses {{path}}, and with it the whole Ingress: no load balancer is built or updated for any of its rules.',
    ),
    translationServiceMissing: onEvent('The Ingress routes to Service {{service}}, which does not exist: the controller refuses the whole Ingress until it does.'),
    translationServiceType: onEvent(
      'Service {{service}} is of type {{type}} without NEGs: behind a GCE Ingress a Service must be NodePort or LoadBalancer, or use NEGs; the controller refuses the whole Ingress.',
    ),
    translationBackendConfig: onEvent('Service {{service}} names a BackendConfig for port {{port}} that the controller cannot use ({{error}}): it refuses the whole Ingress.'),
    translationPortMissing: onEvent('The Ingress routes to port {{port}} of Service {{service}}, which has no such port: the controller refuses the whole Ingress.'),
    translationFailed: onEvent('The controller refuses the Ingress spec ({{error}}): no load balancer is built or updated for any of its rules until it is fixed.'),
    syncFailed: onEvent('The controller could not create or update the load balancer\'s resources in Google Cloud ({{error}}); it retries, and fails until the cause is removed.'),
    tlsCertificateMissing: onEvent('A TLS Secret the Ingress names does not exist ({{error}}): the load balancer serves without that certificate.'),
    negSyncFailed: onEvent(
      'The NEG controller cannot keep the Pods\' endpoints in the network endpoint group{{neg}}: the load balancer does not send traffic to Pods it does not know, whatever Kubernetes shows.',
    ),
    managedCertificateMissing: onEvent('The Ingress names ManagedCertificate {{namespace}}/{{name}} (networking.gke.io/managed-certificates), which does not exist: the load balancer gets no such certificate.'),
    tooManyCertificates: onEvent('The project has as many SSL certificates as its quota allows ({{error}}): the managed-certificate controller cannot create this one.'),
    certificateBackendError: onEvent('The managed-certificate controller could not create or read the certificate in Google Cloud ({{error}}).'),
    ingressClassUnsupported: onEvent('This cluster does not serve the gce Ingress class: use gce-regional-external.'),
    gatewayTranslationFailed: onEvent(
      'The Gateway controller refuses the configuration of Gateway {{gateway}}{{code}} ({{error}}): it does not build or update its load balancer until it is fixed.',
    ),
    gatewaySyncFailed: onEvent('The Gateway controller could not create or update the load balancer in Google Cloud ({{error}}).'),
    garbageCollectionFailed: onEvent('The controller could not delete load-balancer resources it no longer needs ({{error}}): they are left in the project (and count against its quotas).'),
    unmapped: onEvent('gke-doctor does not know this message; it is shown as the controller wrote it.'),
    eventsCapped:
      'Namespace {{namespace}} holds more events ({{fieldSelector}}) than gke-doctor reads in one namespace: {{read}} were read, and {{unread}} were not. What the controllers said about objects there may be among those not read: this check judged the {{read}} only.',
    noEventsAmongRead:
      '{{object}} {{failing}}, and none of the events read in namespace {{namespace}} is about it; {{unread}} were not read (gke-doctor reads at most {{read}} per namespace), so what the controller said may be among them.',
    noEventsLeft:
      '{{object}} {{failing}}, and no Warning event about it is left: Kubernetes keeps events for one hour after they were last recorded (kube-apiserver --event-ttl), so what the controller said may be gone. The other checks say what they can tell from its configuration.',
    fixQuota: 'Raise the {{quota}} quota of the project (Console: IAM & Admin > Quotas), or delete what uses it up (load-balancer resources left by deleted Ingresses and Services).',
    fixFirewall: 'Have a security admin of the Shared VPC host project run the command the controller printed (or grant the cluster project\'s GKE service agent the Compute Security Admin role on the host project), then mark the Ingress done with networking.gke.io/suppress-firewall-xpn-error.',
    fixWildcard: 'Write the path without the *: path /v1 with pathType Prefix matches /v1 and everything below it; or keep /v1/* with pathType ImplementationSpecific.',
    fixService: 'Point the Ingress at a Service that exists, or create {{service}}.',
    fixServiceType: 'Give the Service NEGs (cloud.google.com/neg: \'{"ingress": true}\', on a VPC-native cluster), or make it a NodePort Service.',
    fixBackendConfig: 'Create the BackendConfig the Service names, or correct the name in its cloud.google.com/backend-config annotation.',
    fixPort: 'Use a port the Service has in the Ingress backend, or add the port to the Service.',
    fixIngressSpec: 'Fix the Ingress spec as the message says; the controller retries by itself.',
    fixSync: 'Fix the cause the message names; the controller retries by itself.',
    fixTls: 'Create the TLS Secret the Ingress names in spec.tls (type kubernetes.io/tls, in the Ingress\'s namespace), or remove it from spec.tls.',
    fixNeg: 'Read the NEG controller\'s error on the Service: a quota, a NEG left by another cluster (conflicting description), or a permission; fix it and the syncer retries.',
    fixManagedCertificate: 'Create ManagedCertificate {{name}} in namespace {{namespace}}, or correct networking.gke.io/managed-certificates on the Ingress.',
    fixTooManyCertificates: 'Delete SSL certificates the project no longer uses, or raise its SSL_CERTIFICATES quota.',
    fixIngressClass: 'Use the gce-regional-external Ingress class.',
    fixGateway: 'Correct the Gateway or route the message names; the Gateway controller retries by itself.',
    fixGarbage: 'Delete the resources the message names, or let the controller retry once the cause is fixed.',
    fixRead: 'Read the object\'s events and fix what they say.',
    fixCappedEvents: 'Read the namespace\'s events yourself, newest first (the command below), or clear out old ones; gke-doctor reads at most {{read}} per namespace so that a noisy namespace does not make the run slow.',
    fixNoEvents: 'Look at the object\'s status now, and at the events as they come (kubectl get events -w); GKE also keeps them in Cloud Logging.',
  },
  run(state: ClusterState, context): CheckResult {
    const findings: Finding[] = [];
    const examined = new Set<string>();
    const text = (id: keyof typeof loadBalancerEvents.messages, data: MessageData = {}) => fill(loadBalancerEvents.messages[id], data, id);
    const complaints = state.kubernetes
      .list('Event')
      .map(controllerEventOf)
      .filter((event) => KINDS.includes(event.object.kind) && isComplaint(event));
    const byObject = new Map<string, ControllerEvent[]>();
    for (const event of complaints) {
      const resource = kubernetesResourceName({ kind: event.object.kind, metadata: { name: event.object.name, namespace: event.object.namespace } });
      // One finding per distinct message: the same complaint repeated is counted, not repeated.
      const known = byObject.get(resource) ?? [];
      const same = known.find((candidate) => candidate.reason === event.reason && candidate.message === event.message);
      if (same) {
        same.count += event.count;
        if ((event.lastSeen ?? '') > (same.lastSeen ?? '')) same.lastSeen = event.lastSeen;
      } else byObject.set(resource, [...known, { ...event }]);
    }
    for (const [resource, events] of [...byObject].sort(([a], [b]) => a.localeCompare(b))) {
      examined.add(resource);
      // The latest first; then by reason and message, so the order does not depend on how the events were listed.
      const order = (a: ControllerEvent, b: ControllerEvent) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '') || a.reason.localeCompare(b.reason) || a.message.localeCompare(b.message);
      for (const event of events.sort(order)) {
        const said = text('said', {
          object: resource,
          source: event.source ?? 'a controller',
          reason: printable(event.reason) || '(no reason)',
          times: event.count > 1 ? `${event.count} times ` : '',
          lastSeen: event.lastSeen ?? 'time unknown',
          message: printable(event.message),
        });
        const evidence = { event: { type: event.type, reason: printable(event.reason), message: printable(event.message), count: event.count, lastSeen: event.lastSeen ?? null, source: event.source ?? null } };
        const explained = explainEvent(event);
        if (!explained) {
          findings.push(context.report({ messageId: 'unmapped', severity: 'warning', data: { said }, resource, evidence, fix: manualFix(text('fixRead'), [describeCommand(event)]) }));
          continue;
        }
        const { summary, commands } = fixFor(explained.cause, explained.found, event, state, text);
        const data: MessageData = {
          said,
          ...explained.found,
          where: explained.found.region ? ` in region ${explained.found.region}` : explained.found.quota ? ' globally' : '',
          neg: explained.found.neg ? ` ${explained.found.neg}` : '',
          code: explained.found.code ? ` (${explained.found.code})` : '',
          error: explained.found.error ?? printable(event.message),
        };
        findings.push(
          context.report({
            messageId: explained.cause,
            severity: explained.severity,
            data,
            resource,
            evidence: { ...evidence, cause: explained.cause, ...explained.found },
            fix: manualFix(summary, commands),
          }),
        );
      }
    }
    // Every object whose controller reports through events was looked at, with events or without.
    const watched = [
      ...state.kubernetes.list('Ingress').filter(isGceIngress).map((ingress) => kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata })),
      ...gkeGateways(state).map((gateway) => kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata })),
      ...state.kubernetes.list('ManagedCertificate').map((certificate) => kubernetesResourceName({ kind: 'ManagedCertificate', metadata: certificate.metadata })),
    ];
    for (const resource of watched) examined.add(resource);
    // A list cut at gke-doctor's cap is said, never passed over: what was not read may hold the controller's complaint.
    const capped = new Map<string, CappedList[]>();
    for (const list of state.cappedLists?.get('Event') ?? []) addToList(capped, list.namespace, list);
    for (const [namespace, lists] of [...capped].sort(([a], [b]) => a.localeCompare(b))) {
      const resource = `Namespace/${namespace}`;
      examined.add(resource);
      for (const list of lists) {
        const data = { namespace, fieldSelector: list.fieldSelector, read: list.read, unread: unreadText(list) };
        const command = `kubectl -n ${namespace} get events --field-selector ${list.fieldSelector} --sort-by=.lastTimestamp`;
        findings.push(context.report({ messageId: 'eventsCapped', severity: 'info', data, resource, evidence: { ...list, unreadAtMost: list.unreadAtMost ?? null }, fix: manualFix(text('fixCappedEvents', { read: list.read }), [command]) }));
      }
    }
    for (const { resource, namespace, failing, command } of failingObjects(state, context.now)) {
      examined.add(resource);
      if (byObject.has(resource)) continue;
      const cut = namespace === undefined ? [] : (capped.get(namespace) ?? []);
      if (cut.length > 0) {
        const data = { object: resource, failing, namespace: namespace!, read: cut[0]!.read, unread: cut.map(unreadText).join(', ') };
        findings.push(context.report({ messageId: 'noEventsAmongRead', severity: 'info', data, resource, evidence: { failing, cappedLists: cut }, fix: manualFix(text('fixNoEvents'), [command]) }));
        continue;
      }
      findings.push(context.report({ messageId: 'noEventsLeft', severity: 'info', data: { object: resource, failing }, resource, evidence: { failing }, fix: manualFix(text('fixNoEvents'), [command]) }));
    }
    return { examined: [...examined], findings };
  },
});

/**
 * How many events a capped list left unread: the API server does not count the rest of a field-selected list
 * (k8s.io/apimachinery ListMeta.remainingItemCount), so the bound is the namespace's count of events of every type.
 */
function unreadText(list: CappedList): string {
  return list.unreadAtMost === undefined
    ? `an unknown number more (the API server does not count what is left of a list read with a field selector)`
    : `at most ${list.unreadAtMost} more (the namespace holds ${list.read + list.unreadAtMost} events of every type at most)`;
}

type Text = (id: keyof typeof loadBalancerEvents.messages, data?: MessageData) => string;

/** `kubectl describe` of the object an event is about: its events and status together. */
function describeCommand(event: ControllerEvent): string {
  const kind = event.object.kind.toLowerCase();
  return `kubectl${event.object.namespace ? ` -n ${event.object.namespace}` : ''} describe ${kind} ${event.object.name}`;
}

function fixFor(cause: EventCause, found: Record<string, string>, event: ControllerEvent, state: ClusterState, text: Text): { summary: string; commands: string[] } {
  const describe = describeCommand(event);
  const project = state.target.project ? ` --project ${state.target.project}` : '';
  const [namespace, name] = (found.service ?? '').split('/');
  switch (cause) {
    case 'quotaExceeded':
      return {
        summary: text('fixQuota', { quota: found.quota ?? '?' }),
        commands: found.region
          ? [`gcloud compute regions describe ${found.region}${project} --flatten=quotas --filter="quotas.metric=${found.quota}" --format="table(quotas.metric,quotas.limit,quotas.usage)"`]
          : [`gcloud compute project-info describe${project} --flatten=quotas --filter="quotas.metric=${found.quota}" --format="table(quotas.metric,quotas.limit,quotas.usage)"`],
      };
    case 'firewallChangeRequired':
      // The command is the controller's own, printed to be run as it is (by someone allowed to).
      return { summary: text('fixFirewall'), commands: [found.command ?? describe, `kubectl -n ${event.object.namespace ?? 'default'} annotate ingress ${event.object.name} networking.gke.io/suppress-firewall-xpn-error=true`] };
    case 'translationWildcard':
      return { summary: text('fixWildcard'), commands: [`kubectl -n ${event.object.namespace ?? 'default'} edit ingress ${event.object.name}`] };
    case 'translationServiceMissing':
      return { summary: text('fixService', { service: found.service ?? '?' }), commands: [`kubectl -n ${namespace} get service ${name}`, `kubectl -n ${event.object.namespace ?? 'default'} edit ingress ${event.object.name}`] };
    case 'translationServiceType':
      return {
        summary: text('fixServiceType'),
        commands: [`kubectl -n ${namespace} annotate service ${name} cloud.google.com/neg='{"ingress": true}' --overwrite`, `kubectl -n ${namespace} patch service ${name} -p '{"spec":{"type":"NodePort"}}'`],
      };
    case 'translationBackendConfig':
      return { summary: text('fixBackendConfig'), commands: [`kubectl -n ${namespace} get backendconfig`, `kubectl -n ${namespace} get service ${name} -o jsonpath='{.metadata.annotations}'`] };
    case 'translationPortMissing':
      return { summary: text('fixPort'), commands: [`kubectl -n ${namespace} get service ${name} -o jsonpath='{.spec.ports}'`, `kubectl -n ${event.object.namespace ?? 'default'} edit ingress ${event.object.name}`] };
    case 'translationFailed':
      return { summary: text('fixIngressSpec'), commands: [`kubectl -n ${event.object.namespace ?? 'default'} edit ingress ${event.object.name}`] };
    case 'tlsCertificateMissing':
      return { summary: text('fixTls'), commands: [`kubectl -n ${event.object.namespace ?? 'default'} get ingress ${event.object.name} -o jsonpath='{.spec.tls}'`] };
    case 'negSyncFailed':
      return { summary: text('fixNeg'), commands: [describe, ...(found.neg ? [`gcloud compute network-endpoint-groups list${project} --filter="name=${found.neg}"`] : [])] };
    case 'managedCertificateMissing':
      return { summary: text('fixManagedCertificate', { name: found.name ?? '?', namespace: found.namespace ?? '?' }), commands: [`kubectl -n ${found.namespace ?? 'default'} get managedcertificate`] };
    case 'tooManyCertificates':
      return { summary: text('fixTooManyCertificates'), commands: [`gcloud compute ssl-certificates list${project}`] };
    case 'ingressClassUnsupported':
      return { summary: text('fixIngressClass'), commands: [`kubectl -n ${event.object.namespace ?? 'default'} annotate ingress ${event.object.name} kubernetes.io/ingress.class=gce-regional-external --overwrite`] };
    case 'gatewayTranslationFailed':
    case 'gatewaySyncFailed':
      return { summary: text('fixGateway'), commands: [describe] };
    case 'garbageCollectionFailed':
      return { summary: text('fixGarbage'), commands: [describe] };
    default:
      return { summary: text('fixSync'), commands: [describe] };
  }
}

/** Ingresses are given this long to get an address before the lack of one counts as failing. */
const ADDRESS_GRACE_MS = 10 * 60_000;

/** Objects that are failing now, by their own status: where the absence of events needs saying. */
function failingObjects(state: ClusterState, now: Date): { resource: string; namespace?: string; failing: string; command: string }[] {
  const failing: { resource: string; namespace?: string; failing: string; command: string }[] = [];
  const describe = (kind: string, namespace: string | undefined, name: string | undefined) => `kubectl${namespace ? ` -n ${namespace}` : ''} describe ${kind} ${name ?? '?'}`;
  for (const ingress of state.kubernetes.list('Ingress').filter((candidate) => isGceIngress(candidate) && !candidate.metadata?.deletionTimestamp)) {
    const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
    const command = describe('ingress', ingress.metadata?.namespace, ingress.metadata?.name);
    const created = Date.parse(ingress.metadata?.creationTimestamp ?? '');
    const addressed = (ingress.status?.loadBalancer?.ingress ?? []).some((entry) => entry.ip || entry.hostname);
    if (!addressed && Number.isFinite(created) && now.getTime() - created > ADDRESS_GRACE_MS) failing.push({ resource, namespace: ingress.metadata?.namespace, failing: 'has no load-balancer address', command });
    else if (/"UNHEALTHY"/.test(ingress.metadata?.annotations?.['ingress.kubernetes.io/backends'] ?? '')) failing.push({ resource, namespace: ingress.metadata?.namespace, failing: 'has an UNHEALTHY backend (ingress.kubernetes.io/backends)', command });
  }
  const falseConditions = (conditions: readonly Condition[] | undefined) => (conditions ?? []).filter((condition) => condition.status === 'False' && ['Accepted', 'Programmed', 'ResolvedRefs'].includes(condition.type)).map((condition) => condition.type);
  for (const gateway of gkeGateways(state)) {
    const bad = falseConditions(gateway.status?.conditions);
    if (bad.length > 0) failing.push({ resource: kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata }), namespace: gateway.metadata?.namespace, failing: `is not ${bad.join(', ')}`, command: describe('gateway', gateway.metadata?.namespace, gateway.metadata?.name) });
  }
  for (const kind of ['HTTPRoute', 'GRPCRoute'] as const) {
    for (const route of state.kubernetes.list(kind)) {
      const bad = [...new Set((route.status?.parents ?? []).flatMap((parent) => falseConditions(parent.conditions)))];
      if (bad.length > 0) failing.push({ resource: kubernetesResourceName({ kind, metadata: route.metadata }), namespace: route.metadata?.namespace, failing: `is not ${bad.join(', ')} by its Gateway`, command: describe(kind.toLowerCase(), route.metadata?.namespace, route.metadata?.name) });
    }
  }
  for (const certificate of state.kubernetes.list('ManagedCertificate')) {
    const status = certificate.status?.certificateStatus;
    if (status === 'Active') continue;
    failing.push({ resource: kubernetesResourceName({ kind: 'ManagedCertificate', metadata: certificate.metadata }), namespace: certificate.metadata?.namespace, failing: `is ${status ? status : 'not provisioned yet'}`, command: describe('managedcertificate', certificate.metadata?.namespace, certificate.metadata?.name) });
  }
  return failing;
}

export default loadBalancerEvents;
