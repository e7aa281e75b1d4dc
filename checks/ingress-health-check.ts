import type { CheckContext, CheckResult, Finding, MessageData, Severity } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import type { BackendHealth } from '../src/gke/load-balancer/health-check-causes.js';
import { healthCheckCauses, unexplainedCause, weighProbeAnswer } from '../src/gke/load-balancer/health-check-causes.js';
import { describeKubernetesCheck, describeLoadBalancerRequest, readinessProbeEvidence } from '../src/gke/load-balancer/health-check-description.js';
import { inferLoadBalancerHealthCheck } from '../src/gke/load-balancer/health-check-inference.js';
import type { ResolvedBackend } from '../src/gke/load-balancer/ingress-backends.js';
import { IngressBackendResolver } from '../src/gke/load-balancer/ingress-backends.js';
import { isGceIngress, requiresNegs } from '../src/gke/ingress/ingress-class.js';
import { applicationAnswers } from '../src/gke/load-balancer/known-applications.js';
import { endpointHealthOf } from '../src/gke/load-balancer/backend-health.js';
import { BACKENDS_ANNOTATION, isBackendOf, loadBalancerBackendOf } from '../src/gke/load-balancer/load-balancer-backends.js';
import { actualRequest, inferredRequest, sendToServingPod } from '../src/gke/load-balancer/load-balancer-request.js';
import { unknownHealthCheckInputs, unknownIngressFields } from '../src/gke/ingress/planned-ingress-values.js';
import { afterApplyFix, describeUnknownFields, knownAfterApplyClause } from '../src/gke/planned-values.js';
import { attachedBackendConfig, negDecisionFor } from '../src/gke/services/service-annotations.js';
import { unreadPodSources } from '../src/gke/services/service-pod-sources.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import type { Ingress } from '../src/state/kubernetes-types.js';
import { shownPath } from '../src/gke/request-path.js';

/** A finding about one backend: the backend, the status line, the cause, what each side checks, the live answer. */
const onBackend = (cause: string) => `{{backend}}{{unhealthy}}\n${cause}\n{{checks}}{{probe}}`;

const ingressHealthCheck = defineCheck({
  id: 'ingress-health-check',
  title: 'GCE Ingress backends are checked by the load balancer the way Kubernetes checks them',
  severity: 'error',
  description: `Kubernetes marks a Pod ready when its readinessProbe passes; the Google Cloud load
balancer in front of a GCE Ingress runs its own health check and sends traffic only to
backends that answer it with HTTP 200. When the two differ, Pods are Ready while the
backend is UNHEALTHY and clients get 502s, with nothing in Kubernetes saying why.

The GKE ingress controller builds the health check when it creates the backend: GET / on
the serving port by default; the readinessProbe's path only if the probe is httpGet, has
no host, no header but Host, a scheme matching the port's app protocol, and checks the
serving port itself; and a BackendConfig's spec.healthCheck overrides field by field. It
does not follow later probe changes. A 3xx is unhealthy: apps that redirect plain HTTP to
HTTPS (argocd-server without --insecure) fail the check while their probe passes.

For every backend of every GCE Ingress this check shows what Kubernetes checks and what
the load balancer checks, says why they differ, and prints the fix: the probe change, a
BackendConfig with the Service annotation, or the application flag, each weighed against
what the known application there does (a fix never makes the load balancer speak plain HTTP
to an app that redirects it, nor HTTPS to one that serves no TLS). Probe headers are named,
never their values. With --probe (live),
it sends the load balancer's request to a Pod and shows the answer.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#health_checks',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#direct_health',
    'https://github.com/kubernetes/ingress-gce/blob/master/pkg/controller/translator/translator.go',
    'https://github.com/kubernetes/ingress-gce/issues/1768',
  ],
  needs: ['Ingress', 'Service'],
  optionalNeeds: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'BackendConfig', 'ConfigMap', 'cluster', 'healthChecks', 'backendHealth'],
  appliesTo: ['Ingress'],
  notApplicable: 'no GCE Ingress routes to a Service that exists',
  messages: {
    // Findings, one per cause of a backend's health-check difference.
    redirect: onBackend(
      '{{app}} answers the load balancer\'s plain-HTTP health check with a {{status}} redirect to HTTPS: {{why}}. The load balancer receives a {{status}} where it needs a 200, and marks the backend UNHEALTHY; the kubelet follows the redirect (and skips certificate checks), so the readinessProbe passes.',
    ),
    redirectUnknown: onBackend('{{app}} answers plain HTTP with a {{status}} redirect to HTTPS unless it runs insecure, and {{why}}. The load balancer needs a 200.'),
    probeIgnored: onBackend('The ingress controller ignores the readinessProbe: {{reason}}. So the load balancer checks {{request}} instead of what Kubernetes checks.'),
    noProbe: onBackend('Container {{container}} has no readinessProbe, so the load balancer checks {{request}}, a request Kubernetes never sends: the app must answer it with 200.'),
    protocolMismatch: onBackend(
      'The Service says port {{port}} speaks {{protocol}} ({{annotation}}), but the readinessProbe uses {{scheme}}: the ingress controller ignores a probe whose scheme does not match, so the load balancer checks {{request}} instead.',
    ),
    backendConfigDisagrees: onBackend('BackendConfig {{name}} makes the load balancer check a different request from the readinessProbe: {{differences}}.'),
    stale: onBackend(
      'Health check {{name}} still checks {{actual}}, but the readinessProbe now checks {{expected}}: the controller copies the probe only when it creates the health check and does not follow later probe changes.',
    ),
    unexplained: onBackend(
      'Kubernetes and the load balancer send the same request, so the Pods answer the load balancer differently: a firewall rule must let 130.211.0.0/22 and 35.191.0.0/16 reach port {{port}}, and the app must answer that request with 200 itself (the load balancer follows no redirect).',
    ),
    healthCheckUnread: onBackend(
      'The load balancer\'s health checks could not be read ({{reason}}), so what it really sends is not known. As the controller would create it today, it sends what Kubernetes sends; but it may still check what an earlier readinessProbe said (the controller copies the probe only when it creates the health check), or a firewall rule may keep the load balancer from port {{port}}.',
    ),
    backendConfigUnread:
      '{{backend}}{{unhealthy}}\nBackendConfig {{name}}, which the Service names for this port ({{key}}), could not be read ({{reason}}): its health check overrides what the load balancer checks, so what the load balancer checks, and what would fix it, are not known.',
    probeNotAnswered: '{{backend}}{{unhealthy}}\n{{checks}}{{probe}}',
    probeAnswered: '{{backend}}\n{{checks}}\nSent the load balancer\'s request to Pod {{pod}}: {{request}} -> 200, so the load balancer\'s check passes from there.',
    probeFailed: '{{backend}}\n{{checks}}\nCould not send the load balancer\'s request to Pod {{pod}} ({{request}}): {{error}}.',
    podsUnread: '{{backend}}\nNo Pod or workload was found behind it, and they could not all be read ({{reasons}}): what Kubernetes checks, and how the load balancer\'s check compares, is not known.',
    undecided: 'What the load balancer will check for {{resource}} cannot be decided before apply: {{unknown}}.',
    // The lines around a cause.
    backend: '{{service}} port {{port}}, a backend of {{ingresses}}:',
    checks: 'Kubernetes checks: {{kubernetes}}\nload balancer checks: {{loadBalancer}}',
    unhealthy: 'The load balancer marks this backend UNHEALTHY ({{annotation}} on {{ingress}}: {{backendName}}), so clients get 502s while Kubernetes shows the Pods ready. Most likely cause:',
    unhealthyEndpoints:
      'The load balancer marks {{unhealthy}} of {{total}} endpoints of backend service {{backendName}} UNHEALTHY ({{endpoints}}; backendServices.getHealth), so clients get 502s while Kubernetes shows the Pods ready. Most likely cause:',
    allHealthy:
      'The load balancer reports all {{total}} endpoints of backend service {{backendName}} HEALTHY (backendServices.getHealth): its health check passes today, so what follows is a note, not a failure.',
    probeAnswer: 'Sent the load balancer\'s request to Pod {{pod}}: {{request}} -> {{status}}: the load balancer needs 200.',
    probeRedirected: 'Sent the load balancer\'s request to Pod {{pod}}: {{request}} -> {{status}} Location: {{location}}: the load balancer needs 200.',
    probeAnswerOk: 'Sent the load balancer\'s request to Pod {{pod}}: {{request}} -> 200, so the load balancer\'s check passes from there.',
    probeError: 'Could not send the load balancer\'s request to Pod {{pod}} ({{request}}): {{error}}.',
    fixProbeAnswer: 'Make {{request}} answer 200 on port {{port}}, or point the load balancer at a path that does with a BackendConfig.',
    fixMatchProbe: 'Make the load balancer check what the readinessProbe checks, with a BackendConfig health check on the Service port.',
    fixPatchBackendConfig: 'Align BackendConfig {{name}}\'s health check with the readinessProbe (or the probe with it, if the probe is the one that is wrong).',
    fixProbeHttps: 'Make the probe and the Service agree on the protocol the Pod serves on port {{port}}.',
    fixProbeHttpsOnly:
      'Make the readinessProbe use HTTPS, as the load balancer does, and keep HTTPS for port {{port}} in the annotation: {{app}} answers plain HTTP with a {{status}} redirect, which the load balancer takes as unhealthy.',
    fixPlainHttpOnly: 'Drop port {{port}} from the annotation so the load balancer speaks plain HTTP, as the readinessProbe does: {{app}} serves no TLS there ({{why}}).',
    fixProbeHttpOnly: 'Make the readinessProbe use HTTP and leave the annotation as it is: {{app}} serves no TLS there ({{why}}).',
    fixAppProtocolHttps: 'Tell the load balancer the Pod serves HTTPS on this port: name the port {{port}} in cloud.google.com/app-protocols.',
    fixAddProbe:
      'Give container {{container}} an httpGet readinessProbe on port {{port}} for a path that answers 200 (the controller copies it into the health check it creates), or set that path in a BackendConfig as below.',
    fixPathForExistingCheck:
      'Set a path that answers 200 in a BackendConfig, as below: the health check exists already, and the controller does not copy a readinessProbe added now into it.',
    fixReadHealthCheck:
      'Read the health check and compare it with the readinessProbe: if it checks another request, align it with a BackendConfig; if it checks the same, let 130.211.0.0/22 and 35.191.0.0/16 reach port {{port}} through the firewall.',
    fixReadBackendConfig: 'Read BackendConfig {{name}} (gke-doctor needs list on backendconfigs.cloud.google.com), then run gke-doctor again.',
    fixReadPods: 'Let gke-doctor list Pods and the workloads that make them, then run it again.',
    fixUnexplained: 'Send the load balancer\'s request yourself and look at the answer; allow the health-check ranges in the firewall.',
  },
  async run(state: ClusterState, context: CheckContext): Promise<CheckResult> {
    const examined = new Set<string>();
    const findings: Finding[] = [];
    const served: Ingress[] = [];
    for (const ingress of state.kubernetes.list('Ingress').filter(isGceIngress)) {
      const unknown = unknownIngressFields(state, ingress);
      if (unknown.length === 0) {
        served.push(ingress);
        continue;
      }
      // Its backends are known only after apply: nothing about them is guessed.
      const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
      examined.add(resource);
      findings.push(undecidedFinding(resource, [describeUnknownFields(state, resource, unknown)], unknown.length, context));
    }
    for (const { backend, ingresses } of new IngressBackendResolver(state).servedBackends(served)) {
      examined.add(kubernetesResourceName({ kind: 'Service', metadata: backend.service!.metadata }));
      findings.push(...(await diagnose(backend, ingresses, state, context)));
    }
    return { examined: [...examined], findings };
  },
});

type MessageId = keyof typeof ingressHealthCheck.messages;
type Context = CheckContext<MessageId>;
const text = (id: MessageId, data: MessageData = {}) => fill(ingressHealthCheck.messages[id], data, id);

function undecidedFinding(resource: string, parts: readonly string[], count: number, context: Context): Finding {
  return context.report({
    messageId: 'undecided',
    severity: 'warning',
    data: { resource, unknown: knownAfterApplyClause(parts, count) },
    resource,
    evidence: { knownAfterApply: parts },
    fix: afterApplyFix('set-value'),
  });
}

async function diagnose(backend: ResolvedBackend, ingresses: Ingress[], state: ClusterState, context: Context): Promise<Finding[]> {
  const service = backend.service!;
  const servicePort = backend.servicePort!;
  const resource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
  const neg = negDecisionFor(service, state, ingresses.some(requiresNegs));
  const attached = attachedBackendConfig(service, servicePort);
  const backendConfig = attached ? state.kubernetes.get('BackendConfig', backend.namespace, attached.name) : undefined;
  const undecided = unknownHealthCheckInputs(state, backend, attached?.name);
  if (undecided.parts.length > 0) return [undecidedFinding(resource, undecided.parts, undecided.count, context)];
  const inferred = inferLoadBalancerHealthCheck({ service, servicePort, podSources: backend.podSources, neg, backendConfig });
  if (inferred.probe.used === false && inferred.probe.exclusion === 'no-pods') {
    // Nothing to compare with; said only when the Pods could not be read, not when there are none.
    const reasons = unreadPodSources(state);
    return reasons.length === 0 ? [] : [context.report({ messageId: 'podsUnread', severity: 'warning', data: { backend: backendLine(backend, ingresses), reasons: reasons.join('; ') }, resource, fix: { summary: text('fixReadPods'), commands: [], terraform: null, automatic: false } })];
  }

  const { identity, status, healthCheck: realCheck, healthChecksUnread } = loadBalancerBackendOf(backend, ingresses, neg.enabled, state);
  const expected = inferredRequest(inferred);
  const actual = actualRequest(expected, inferred, realCheck, healthChecksUnread);

  const lines = {
    backend: backendLine(backend, ingresses),
    checks: text('checks', { kubernetes: describeKubernetesCheck(inferred.serving), loadBalancer: describeLoadBalancerRequest(actual, actual.origin) }),
  };
  const evidence: Record<string, unknown> = {
    service: `${identity.namespace}/${identity.service}`,
    servicePort: servicePort.port,
    backend: inferred.backendKind,
    negOrigin: neg.origin,
    loadBalancerCheck: { type: actual.type, requestPath: shownPath(actual.requestPath), port: actual.podPort ?? null, origin: actual.origin },
    probeUsedByController: inferred.probe.used,
    probeExclusion: inferred.probe.used ? null : inferred.probe.exclusion,
    backendStatus: status?.status ?? null,
    backendName: status?.backendName ?? realCheck?.name ?? null,
  };
  const readinessProbe = readinessProbeEvidence(inferred.serving);
  if (readinessProbe !== undefined) evidence.readinessProbe = readinessProbe;
  // What the load balancer says of each endpoint now (getHealth) outweighs the annotation, which the controller writes when it syncs.
  const realHealth = endpointHealthOf(state.backendHealth, (name) => isBackendOf(name, identity));
  if (realHealth) evidence.backendHealth = { backendService: realHealth.backendService, healthy: realHealth.healthy, unhealthy: realHealth.unhealthy, total: realHealth.total, unhealthyEndpoints: realHealth.unhealthyEndpoints };
  const healthyNote = realHealth?.allHealthy ? text('allHealthy', { total: realHealth.total, backendName: realHealth.backendService }) : undefined;
  const unhealthyLine =
    realHealth && realHealth.unhealthy > 0
      ? text('unhealthyEndpoints', { unhealthy: realHealth.unhealthy, total: realHealth.total, backendName: realHealth.backendService, endpoints: realHealth.unhealthyEndpoints.slice(0, 5).join(', ') + (realHealth.unhealthyEndpoints.length > 5 ? ', …' : '') })
      : !realHealth && status?.status === 'UNHEALTHY'
        ? text('unhealthy', { annotation: BACKENDS_ANNOTATION, ingress: status.ingressResource, backendName: status.backendName })
        : undefined;
  const unhealthyBackendName = realHealth?.backendService ?? status?.backendName ?? '?';
  const backendConfigUnread = attached && !backendConfig ? state.unavailable.get('BackendConfig') : undefined;
  if (attached && backendConfigUnread) {
    // The override decides the request: nothing about it, nor a fix, is guessed without it.
    return [
      context.report({
        messageId: 'backendConfigUnread',
        severity: unhealthyLine ? 'error' : 'warning',
        data: { ...lines, unhealthy: unhealthyLine ? `\n${unhealthyLine}` : '', name: attached.name, key: attached.key, reason: backendConfigUnread },
        resource,
        evidence: { ...evidence, backendConfig: attached.name, unread: { BackendConfig: backendConfigUnread } },
        fix: { summary: text('fixReadBackendConfig', { name: attached.name }), commands: [`kubectl -n ${backend.namespace} get backendconfig ${attached.name} -o yaml`], terraform: null, automatic: false },
      }),
    ];
  }
  if (healthChecksUnread) evidence.unread = { healthChecks: healthChecksUnread };

  // Every fix is weighed against what the known application there does.
  const answers = applicationAnswers(inferred.serving, state, context.redirectingApplications);
  const health: BackendHealth = { backend, inferred, expected, actual, realCheck, healthCheckExists: realCheck !== undefined || status !== undefined, answers, state };
  const causes = healthCheckCauses(health);
  const probe = await sendToServingPod(context.probe, inferred, actual);
  const weighed = probe ? weighProbeAnswer(probe, causes, health) : { causes, line: undefined };
  const probeLine = weighed.line && text(weighed.line.messageId, weighed.line.data);
  if (probe && !probe.response.error && probe.response.statusCode !== 200) {
    evidence.probe = { request: probe.request, statusCode: probe.response.statusCode, location: probe.response.location ?? null };
  }
  const finalCauses = unhealthyLine && weighed.causes.length === 0 ? [unexplainedCause(health, healthChecksUnread, unhealthyBackendName)] : weighed.causes;
  if (finalCauses.length === 0) {
    if (!probe || !probeLine) return [];
    const data = { ...lines, pod: probe.pod, request: probe.request, ...(probe.response.error ? { error: probe.response.error } : {}) };
    return [context.report({ messageId: probe.response.error ? 'probeFailed' : 'probeAnswered', severity: 'info', data, resource, evidence })];
  }
  // "No readinessProbe, so the load balancer checks GET /" is a warning only with evidence that it will not answer 200
  // (a known app that redirects, an UNHEALTHY backend, a live answer): many apps answer 200 on /.
  const evidenced = Boolean(unhealthyLine) || finalCauses.some((cause) => cause.messageId === 'redirect' || cause.messageId === 'redirectUnknown');
  const severityOf = (cause: (typeof finalCauses)[number], index: number): Severity => {
    // All endpoints HEALTHY: the load balancer's check passes, whatever the inference says.
    if (healthyNote) return 'info';
    if (index === 0 && unhealthyLine) return 'error';
    if (cause.messageId === 'noProbe' && cause.severity === 'warning' && !evidenced) return 'info';
    return cause.severity;
  };
  const statusLine = unhealthyLine ?? healthyNote;
  // The first finding carries the backend status and the live answer.
  return finalCauses.map((cause, index) =>
    context.report({
      messageId: cause.messageId,
      severity: severityOf(cause, index),
      data: { ...cause.data, ...lines, unhealthy: index === 0 && statusLine ? `\n${statusLine}` : '', probe: index === 0 && probeLine ? `\n${probeLine}` : '' },
      resource,
      evidence: { ...evidence, ...cause.evidence },
      fix: { summary: 'text' in cause.fix.summary ? cause.fix.summary.text : text(cause.fix.summary.messageId, cause.fix.summary.data), commands: cause.fix.commands, terraform: null, automatic: false },
    }),
  );
}

/** `Service/ns/name port http (80), a backend of Ingress/ns/name:` */
function backendLine({ service, servicePort }: ResolvedBackend, ingresses: readonly Ingress[]): string {
  return text('backend', {
    service: kubernetesResourceName({ kind: 'Service', metadata: service!.metadata }),
    port: servicePort!.name ? `${servicePort!.name} (${servicePort!.port})` : servicePort!.port,
    ingresses: ingresses.map((ingress) => kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata })).join(', '),
  });
}

export default ingressHealthCheck;
