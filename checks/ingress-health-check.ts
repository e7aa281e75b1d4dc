import type { CheckContext, CheckResult, Finding, Fix, MessageData, ProbeResponse, Severity } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { describeKubernetesCheck, describeLoadBalancerRequest } from '../src/gke/health-check-description.js';
import { backendConfigCommands } from '../src/gke/health-check-fixes.js';
import type { InferredHealthCheck } from '../src/gke/health-check-inference.js';
import { healthCheckRequestPath, inferLoadBalancerHealthCheck, probePortNumber, probeSchemeFor } from '../src/gke/health-check-inference.js';
import type { ResolvedBackend } from '../src/gke/ingress-backends.js';
import { IngressBackendResolver } from '../src/gke/ingress-backends.js';
import { isGceIngress, requiresNegs } from '../src/gke/ingress-class.js';
import { afterApplyFix, describeUnknownFields, knownAfterApplyClause, unknownFields, unknownIngressFields, unknownPodSourceFields, unknownServiceFields } from '../src/gke/planned-values.js';
import type { ApplicationAnswer } from '../src/gke/known-applications.js';
import { applicationAnswers, protocolsTheApplicationAnswers } from '../src/gke/known-applications.js';
import type { ServicePortIdentity } from '../src/gke/load-balancer-backends.js';
import { BACKENDS_ANNOTATION, healthCheckOf, healthCheckRequest, statusOf } from '../src/gke/load-balancer-backends.js';
import type { AppProtocol } from '../src/gke/service-annotations.js';
import { APP_PROTOCOLS_ANNOTATION, appProtocols, backendConfigNameFor, backendConfigRefs, negDecisionFor } from '../src/gke/service-annotations.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import type { HealthCheck } from '../src/state/gcp-types.js';
import type { Ingress, Service } from '../src/state/kubernetes-types.js';

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
  optionalNeeds: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'BackendConfig', 'ConfigMap', 'cluster', 'healthChecks'],
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
    undecided: 'What the load balancer will check for {{resource}} cannot be decided before apply: {{unknown}}.',
    // The lines around a cause.
    backend: '{{service}} port {{port}}, a backend of {{ingresses}}:',
    checks: 'Kubernetes checks: {{kubernetes}}\nload balancer checks: {{loadBalancer}}',
    unhealthy: 'The load balancer marks this backend UNHEALTHY ({{annotation}} on {{ingress}}: {{backendName}}), so clients get 502s while Kubernetes shows the Pods ready. Most likely cause:',
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
    fixUnexplained: 'Send the load balancer\'s request yourself and look at the answer; allow the health-check ranges in the firewall.',
    replacePath: 'replace with a path that answers 200',
  },
  async run(state: ClusterState, context: CheckContext): Promise<CheckResult> {
    const resolver = new IngressBackendResolver(state);
    const backends = new Map<string, { backend: ResolvedBackend; ingresses: Ingress[] }>();
    const examined = new Set<string>();
    const findings: Finding[] = [];
    for (const ingress of state.kubernetes.list('Ingress').filter(isGceIngress)) {
      const unknown = unknownIngressFields(state, ingress);
      if (unknown.length > 0) {
        // Its backends are known only after apply: nothing about them is guessed.
        const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
        examined.add(resource);
        findings.push(undecidedFinding(resource, [describeUnknownFields(state, resource, unknown)], unknown.length, context));
        continue;
      }
      for (const ref of resolver.backendsOf(ingress)) {
        const backend = resolver.resolve(ref);
        if (!backend.service || !backend.servicePort) continue;
        const key = `${backend.namespace}/${backend.service.metadata?.name}/${backend.servicePort.port}`;
        const entry = backends.get(key) ?? { backend, ingresses: [] };
        if (!entry.ingresses.includes(ingress)) entry.ingresses.push(ingress);
        backends.set(key, entry);
      }
    }
    for (const { backend, ingresses } of backends.values()) {
      examined.add(kubernetesResourceName({ kind: 'Service', metadata: backend.service!.metadata }));
      findings.push(...(await diagnose(backend, ingresses, state, context)));
    }
    return { examined: [...examined], findings };
  },
});

type MessageId = keyof typeof ingressHealthCheck.messages;
type Context = CheckContext<MessageId>;
const text = (id: MessageId, data: MessageData = {}) => fill(ingressHealthCheck.messages[id], data, id);

/** Inputs of the inference a plan knows only after apply (ClusterState.unknownUntilApply): `FIELD of RESOURCE (ADDRESS)` each. */
function unknownInputs(state: ClusterState, service: Service, backend: ResolvedBackend, backendConfigName: string | undefined): { parts: string[]; count: number } {
  const serviceResource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
  const backendConfigResource = `BackendConfig/${backend.namespace}/${backendConfigName}`;
  const inputs: [string, string[]][] = [
    [serviceResource, unknownServiceFields(state, service)],
    ...(backendConfigName ? [[backendConfigResource, unknownFields(state, backendConfigResource, ['spec.healthCheck'])] as [string, string[]]] : []),
    ...backend.podSources.map((source): [string, string[]] => [source.resource, unknownPodSourceFields(state, source.resource)]),
  ];
  const known = inputs.filter(([, fields]) => fields.length > 0);
  return { parts: known.map(([resource, fields]) => describeUnknownFields(state, resource, fields)), count: known.reduce((sum, [, fields]) => sum + fields.length, 0) };
}

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

/** What the load balancer sends, from its real health check when the snapshot has it, else as inferred. */
interface LoadBalancerRequest {
  type: string;
  requestPath: string;
  /** The Pod port the check reaches, when known. */
  podPort?: number;
  portText: string;
  host?: string;
  origin: string;
}

/** The load balancer's request, sent live to the serving Pod (`--probe`). */
interface LiveProbe {
  pod: string;
  request: string;
  response: ProbeResponse;
}

interface Cause {
  severity: Severity;
  /** The finding's message, and the data of its cause sentence. */
  messageId: MessageId;
  data: MessageData;
  fix: Fix;
  evidence: Record<string, unknown>;
  /** Fixed by the load balancer's request answering 200 (a live probe shows it does). */
  answeredByProbe: boolean;
}

async function diagnose(backend: ResolvedBackend, ingresses: Ingress[], state: ClusterState, context: Context): Promise<Finding[]> {
  const service = backend.service!;
  const servicePort = backend.servicePort!;
  const neg = negDecisionFor(service, state, ingresses.some(requiresNegs));
  const refs = backendConfigRefs(service);
  const backendConfigName = refs.ok === true ? backendConfigNameFor(refs.value, servicePort) : undefined;
  const backendConfig = backendConfigName ? state.kubernetes.get('BackendConfig', backend.namespace, backendConfigName) : undefined;
  const undecided = unknownInputs(state, service, backend, backendConfigName);
  if (undecided.parts.length > 0) return [undecidedFinding(kubernetesResourceName({ kind: 'Service', metadata: service.metadata }), undecided.parts, undecided.count, context)];
  const inferred = inferLoadBalancerHealthCheck({ service, servicePort, podSources: backend.podSources, neg, backendConfig });
  if (inferred.probe.used === false && inferred.probe.exclusion === 'no-pods') return [];

  const identity: ServicePortIdentity = { namespace: backend.namespace, service: service.metadata?.name ?? '?', port: servicePort.port, nodePort: servicePort.nodePort, neg: neg.enabled };
  const status = statusOf(ingresses, identity, (ingress) => kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata }));
  const realCheck = healthCheckOf(state.healthChecks, identity);
  const expected = inferredRequest(inferred);
  // Only a backend the controller has served has real health checks to miss.
  const healthChecksUnread = status ? state.unavailable.get('healthChecks') : undefined;
  const actual = realCheck ? realRequest(realCheck, inferred) : healthChecksUnread ? { ...expected, origin: `${expected.origin}; the real health check could not be read` } : expected;

  const lines = {
    backend: text('backend', {
      service: kubernetesResourceName({ kind: 'Service', metadata: service.metadata }),
      port: servicePort.name ? `${servicePort.name} (${servicePort.port})` : servicePort.port,
      ingresses: ingresses.map((ingress) => kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata })).join(', '),
    }),
    checks: text('checks', { kubernetes: describeKubernetesCheck(inferred.serving), loadBalancer: describeLoadBalancerRequest(actual, actual.origin) }),
  };
  const evidence: Record<string, unknown> = {
    service: `${identity.namespace}/${identity.service}`,
    servicePort: servicePort.port,
    backend: inferred.backendKind,
    negOrigin: neg.origin,
    loadBalancerCheck: { type: actual.type, requestPath: actual.requestPath, port: actual.podPort ?? null, origin: actual.origin },
    probeUsedByController: inferred.probe.used,
    probeExclusion: inferred.probe.used ? null : inferred.probe.exclusion,
    backendStatus: status?.status ?? null,
    backendName: status?.backendName ?? realCheck?.name ?? null,
  };

  const unhealthyLine = status?.status === 'UNHEALTHY'
    ? text('unhealthy', { annotation: BACKENDS_ANNOTATION, ingress: status.ingressResource, backendName: status.backendName })
    : undefined;
  const resource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
  const backendConfigUnread = backendConfigName && !backendConfig ? state.unavailable.get('BackendConfig') : undefined;
  if (backendConfigName && backendConfigUnread && refs.ok === true) {
    // The override decides the request: nothing about it, nor a fix, is guessed without it.
    return [
      context.report({
        messageId: 'backendConfigUnread',
        severity: unhealthyLine ? 'error' : 'warning',
        data: { ...lines, unhealthy: unhealthyLine ? `\n${unhealthyLine}` : '', name: backendConfigName, key: refs.key, reason: backendConfigUnread },
        resource,
        evidence: { ...evidence, backendConfig: backendConfigName, unread: { BackendConfig: backendConfigUnread } },
        fix: { summary: text('fixReadBackendConfig', { name: backendConfigName }), commands: [`kubectl -n ${backend.namespace} get backendconfig ${backendConfigName} -o yaml`], terraform: null, automatic: false },
      }),
    ];
  }
  if (healthChecksUnread) evidence.unread = { healthChecks: healthChecksUnread };

  const healthCheckExists = realCheck !== undefined || status !== undefined;
  // A transparent health check answers with the Pod's readiness (ingress-gce OverwriteWithTHC): neither the probe nor the app's own answer decides it.
  // Every fix below is weighed against what the known application there does.
  const answers = applicationAnswers(inferred.serving, state, context.redirectingApplications);
  const causes = inferred.transparent
    ? []
    : [...knownApplicationCauses(inferred, actual, answers), ...mismatchCauses(backend, inferred, expected, actual, realCheck, healthCheckExists, answers, state)];

  const probe = await probeLoadBalancerRequest(inferred, actual, context);
  const weighed = probe ? weighProbeAnswer(probe, causes, () => unansweredProbeCause(backend, actual, answers, state)) : { causes, line: undefined };
  if (probe && !probe.response.error && probe.response.statusCode !== 200) {
    evidence.probe = { request: probe.request, statusCode: probe.response.statusCode, location: probe.response.location ?? null };
  }

  const unexplained = () => (healthChecksUnread ? healthCheckUnreadCause(actual, healthChecksUnread, status!.backendName, state) : unexplainedCause(inferred, actual));
  const finalCauses = unhealthyLine && weighed.causes.length === 0 ? [unexplained()] : weighed.causes;
  if (finalCauses.length === 0) {
    if (!probe || !weighed.line) return [];
    const data = { ...lines, pod: probe.pod, request: probe.request, ...(probe.response.error ? { error: probe.response.error } : {}) };
    return [context.report({ messageId: probe.response.error ? 'probeFailed' : 'probeAnswered', severity: 'info', data, resource, evidence })];
  }
  // The first finding carries the backend status and the live answer.
  return finalCauses.map((cause, index) =>
    context.report({
      messageId: cause.messageId,
      severity: index === 0 && unhealthyLine ? 'error' : cause.severity,
      data: {
        ...cause.data,
        ...lines,
        unhealthy: index === 0 && unhealthyLine ? `\n${unhealthyLine}` : '',
        probe: index === 0 && weighed.line ? `\n${weighed.line}` : '',
      },
      resource,
      evidence: { ...evidence, ...cause.evidence },
      fix: cause.fix,
    }),
  );
}

/** What a live answer to the load balancer's request does to the causes: a 200 rules out those it would fix; anything else makes the first an error. */
function weighProbeAnswer(probe: LiveProbe, causes: Cause[], unanswered: () => Cause): { causes: Cause[]; line: string } {
  const { pod, request, response } = probe;
  if (response.error) return { causes, line: text('probeError', { pod, request, error: response.error }) };
  if (response.statusCode === 200) return { causes: causes.filter((cause) => !cause.answeredByProbe), line: text('probeAnswerOk', { pod, request }) };
  const line = response.location
    ? text('probeRedirected', { pod, request, status: response.statusCode, location: response.location })
    : text('probeAnswer', { pod, request, status: response.statusCode });
  const [first, ...rest] = causes.length > 0 ? causes : [unanswered()];
  return { causes: [{ ...first!, severity: 'error' }, ...rest], line };
}

/** The Pod does not answer the load balancer's request with 200, and nothing else explains why. */
function unansweredProbeCause(backend: ResolvedBackend, actual: LoadBalancerRequest, answers: readonly ApplicationAnswer[], state: ClusterState): Cause {
  return {
    severity: 'error',
    messageId: 'probeNotAnswered',
    data: {},
    evidence: {},
    answeredByProbe: true,
    fix: {
      summary: text('fixProbeAnswer', { request: `${actual.type} GET ${actual.requestPath}`, port: actual.podPort ?? actual.portText }),
      commands: backendConfigCommands(backend.service!, backend.servicePort!, { type: typeTheApplicationAnswers(actual.type, answers), requestPath: actual.requestPath }, state, text('replacePath')),
      terraform: null,
      automatic: false,
    },
  };
}

/** UNHEALTHY although the load balancer sends what Kubernetes sends. */
function unexplainedCause(inferred: InferredHealthCheck, actual: LoadBalancerRequest): Cause {
  return {
    severity: 'error',
    messageId: 'unexplained',
    data: { port: actual.podPort ?? actual.portText },
    evidence: {},
    answeredByProbe: false,
    fix: { summary: text('fixUnexplained'), commands: unexplainedCommands(inferred, actual), terraform: null, automatic: false },
  };
}

/** UNHEALTHY, the real health check unread: it may be stale or blocked, and only reading it tells. */
function healthCheckUnreadCause(actual: LoadBalancerRequest, reason: string, backendName: string, state: ClusterState): Cause {
  const port = actual.podPort ?? actual.portText;
  const project = state.target.project ? ` --project ${state.target.project}` : '';
  return {
    severity: 'error',
    messageId: 'healthCheckUnread',
    data: { reason, port },
    evidence: {},
    answeredByProbe: false,
    fix: { summary: text('fixReadHealthCheck', { port }), commands: [`gcloud compute health-checks list${project} --filter="name=${backendName}" --format=json`], terraform: null, automatic: false },
  };
}

/** Known applications that answer the load balancer's plain-HTTP check with a redirect. */
function knownApplicationCauses(inferred: InferredHealthCheck, actual: LoadBalancerRequest, answers: readonly ApplicationAnswer[]): Cause[] {
  const serving = inferred.serving;
  if (!serving || actual.type !== 'HTTP' || (actual.podPort !== undefined && actual.podPort !== serving.port)) return [];
  const causes: Cause[] = [];
  for (const { application, answer } of answers) {
    if (answer.redirects === false) continue;
    causes.push({
      severity: answer.redirects === true ? 'error' : 'warning',
      messageId: answer.redirects === true ? 'redirect' : 'redirectUnknown',
      data: { app: application.name, status: answer.status, why: answer.why },
      evidence: { application: application.name, redirectStatus: answer.status, references: application.references },
      answeredByProbe: true,
      fix: { summary: answer.fix.summary, commands: answer.fix.commands, terraform: null, automatic: false },
    });
  }
  return causes;
}

/** Why the load balancer's request differs from the readinessProbe's, if it does. */
function mismatchCauses(
  backend: ResolvedBackend,
  inferred: InferredHealthCheck,
  expected: LoadBalancerRequest,
  actual: LoadBalancerRequest,
  realCheck: HealthCheck | undefined,
  healthCheckExists: boolean,
  answers: readonly ApplicationAnswer[],
  state: ClusterState,
): Cause[] {
  const service = backend.service!;
  const servicePort = backend.servicePort!;
  const serving = inferred.serving;
  const probe = serving?.container.readinessProbe;
  const httpGet = probe?.httpGet;
  const request = `${actual.type} GET ${actual.requestPath} on ${actual.portText}`;
  const cause = (severity: Severity, messageId: MessageId, data: MessageData, fix: Omit<Fix, 'terraform' | 'automatic'>, evidence: Record<string, unknown> = {}): Cause => ({
    severity,
    messageId,
    data,
    fix: { ...fix, terraform: null, automatic: false },
    evidence,
    answeredByProbe: true,
  });
  // A fixed port only when the probe checks another port than the serving one (and on NEGs, where it is a Pod port).
  const matchProbe = (settings: { type?: string; requestPath?: string; port?: number }) =>
    backendConfigCommands(
      service,
      servicePort,
      { ...settings, type: settings.type && typeTheApplicationAnswers(settings.type, answers), port: inferred.neg.enabled && settings.port !== serving?.port ? settings.port : undefined },
      state,
    );

  const override = inferred.backendConfigName ? state.kubernetes.get('BackendConfig', backend.namespace, inferred.backendConfigName)?.spec?.healthCheck : undefined;
  if (!httpGet || !serving) {
    // Kubernetes checks something the load balancer cannot (TCP, exec, gRPC) or nothing at all;
    // a BackendConfig path is the user's deliberate answer to that.
    if (override?.requestPath !== undefined) return [];
    const portText = serving?.port ?? actual.portText;
    const fix = {
      // The controller keeps an existing health check's path (healthchecks.go mergeUserSettings): a new probe changes nothing.
      summary: healthCheckExists ? text('fixPathForExistingCheck') : text('fixAddProbe', { container: serving?.container.name ?? '?', port: portText }),
      commands: backendConfigCommands(service, servicePort, { type: typeTheApplicationAnswers(actual.type, answers), requestPath: '/healthz' }, state, text('replacePath')),
    };
    if (serving && !probe) return [cause('warning', 'noProbe', { container: serving.container.name, request }, fix)];
    const reason = inferred.probe.used ? '' : inferred.probe.detail;
    return [cause('warning', 'probeIgnored', { reason, request }, fix)];
  }

  const probeRequest = {
    type: httpGet.scheme ?? 'HTTP',
    requestPath: healthCheckRequestPath(httpGet.path),
    port: probePortNumber(httpGet.port, serving.container),
  };
  const differences = differencesFrom(actual, probeRequest);
  if (differences.length === 0) return [];
  const settings = { type: probeRequest.type, requestPath: probeRequest.requestPath, port: probeRequest.port };

  if (realCheck && differencesFrom(actual, { type: expected.type, requestPath: expected.requestPath, port: expected.podPort }).length > 0) {
    return [
      cause(
        'warning',
        'stale',
        {
          name: realCheck.name,
          actual: `${actual.type} GET ${actual.requestPath} on ${actual.portText}`,
          expected: `${probeRequest.type} GET ${probeRequest.requestPath} on port ${probeRequest.port ?? httpGet.port}`,
        },
        { summary: text('fixMatchProbe'), commands: matchProbe(settings) },
        { healthCheck: realCheck.name },
      ),
    ];
  }
  if (override && (override.requestPath !== undefined || override.port !== undefined || override.type !== undefined)) {
    return [
      cause(
        'warning',
        'backendConfigDisagrees',
        { name: inferred.backendConfigName!, differences: differences.join(', ') },
        { summary: text('fixPatchBackendConfig', { name: inferred.backendConfigName! }), commands: matchProbe(settings) },
        { backendConfig: inferred.backendConfigName },
      ),
    ];
  }
  if (inferred.probe.used === false && inferred.probe.exclusion === 'scheme-mismatch') {
    return [protocolMismatch(backend, inferred, request, probeRequest.type, serving.containerIndex, answers, cause)];
  }
  const reason = inferred.probe.used ? 'it does not match the serving port' : inferred.probe.detail;
  return [cause('warning', 'probeIgnored', { reason, request }, { summary: text('fixMatchProbe'), commands: matchProbe(settings) })];
}

function protocolMismatch(
  backend: ResolvedBackend,
  inferred: InferredHealthCheck,
  request: string,
  scheme: string,
  containerIndex: number,
  answers: readonly ApplicationAnswer[],
  cause: (severity: Severity, messageId: MessageId, data: MessageData, fix: Omit<Fix, 'terraform' | 'automatic'>) => Cause,
): Cause {
  const service = backend.service!;
  const servicePort = backend.servicePort!;
  const namespace = backend.namespace;
  const serviceName = service.metadata?.name ?? '?';
  const protocol: AppProtocol = inferred.protocol.value;
  const portLabel = servicePort.name ?? String(servicePort.port);
  const owner = inferred.serving?.source.owner;
  const workload = owner ? `${owner.kind.toLowerCase()}/${owner.name}` : 'WORKLOAD';
  const data = { port: portLabel, protocol, annotation: APP_PROTOCOLS_ANNOTATION, scheme, request };
  const parsed = appProtocols(service);
  const current = parsed.ok === true ? parsed.value : {};
  const probeSchemePatch = (value: string) =>
    `kubectl -n ${namespace} patch ${workload} --type json -p '${JSON.stringify([{ op: 'add', path: `/spec/template/spec/containers/${containerIndex}/readinessProbe/httpGet/scheme`, value }])}'`;
  const allowed = protocolsTheApplicationAnswers(answers);
  const redirecting = answers.find(({ answer }) => answer.redirects === true);
  const plainOnly = answers.find(({ answer }) => answer.tls === false);
  const dropPort = () => `kubectl -n ${namespace} annotate service ${serviceName} ${APP_PROTOCOLS_ANNOTATION}='${JSON.stringify(Object.fromEntries(Object.entries(current).filter(([name]) => name !== servicePort.name)))}' --overwrite`;
  const servingPort = inferred.serving?.port ?? portLabel;
  if (protocol !== 'HTTP') {
    // The Service says TLS, the probe says plain HTTP: one of them is wrong, and the known application says which.
    if (redirecting && allowed.https) {
      return cause('warning', 'protocolMismatch', data, {
        summary: text('fixProbeHttpsOnly', { port: portLabel, app: redirecting.application.name, status: redirecting.answer.status }),
        commands: [probeSchemePatch(probeSchemeFor(protocol))],
      });
    }
    if (plainOnly && allowed.plainHttp) {
      return cause('warning', 'protocolMismatch', data, { summary: text('fixPlainHttpOnly', { port: portLabel, app: plainOnly.application.name, why: plainOnly.answer.why }), commands: [dropPort()] });
    }
    return cause('warning', 'protocolMismatch', data, {
      summary: text('fixProbeHttps', { port: servingPort }),
      commands: [
        `# if the Pod serves ${probeSchemeFor(protocol)} on that port, make the probe use it:`,
        probeSchemePatch(probeSchemeFor(protocol)),
        '# if it serves plain HTTP, drop the port from the annotation instead:',
        dropPort(),
      ],
    });
  }
  if (plainOnly) {
    // The probe says TLS to an application known to serve none: the probe is what is wrong.
    return cause('warning', 'protocolMismatch', data, { summary: text('fixProbeHttpOnly', { app: plainOnly.application.name, why: plainOnly.answer.why }), commands: [probeSchemePatch('HTTP')] });
  }
  const commands = servicePort.name
    ? [`kubectl -n ${namespace} annotate service ${serviceName} ${APP_PROTOCOLS_ANNOTATION}='${JSON.stringify({ ...current, [servicePort.name]: 'HTTPS' })}' --overwrite`]
    : ['# app-protocols names Service ports by name: name this port first (spec.ports[].name), then annotate it as HTTPS'];
  return cause('warning', 'protocolMismatch', data, { summary: text('fixAppProtocolHttps', { port: servicePort.name ?? String(servicePort.port) }), commands });
}

/**
 * The health-check type a fix may set: HTTPS instead of plain HTTP for an application known to
 * redirect plain HTTP and to serve TLS (argocd-server without --insecure), which answers HTTPS itself.
 */
function typeTheApplicationAnswers(type: string, answers: readonly ApplicationAnswer[]): string {
  const redirectsToTls = answers.some(({ answer }) => answer.redirects === true && answer.tls === true);
  return type === 'HTTP' && redirectsToTls ? 'HTTPS' : type;
}

function differencesFrom(request: LoadBalancerRequest, probe: { type: string; requestPath: string; port?: number }): string[] {
  const differences: string[] = [];
  if (probeSchemeFor(asProtocol(request.type)) !== probe.type || !['HTTP', 'HTTPS', 'HTTP2'].includes(request.type)) {
    differences.push(`load balancer ${request.type}, probe ${probe.type}`);
  }
  if (request.requestPath !== probe.requestPath) differences.push(`load balancer path ${request.requestPath}, probe path ${probe.requestPath}`);
  if (request.podPort !== undefined && probe.port !== undefined && request.podPort !== probe.port) {
    differences.push(`load balancer port ${request.podPort}, probe port ${probe.port}`);
  }
  return differences;
}

function asProtocol(type: string): AppProtocol {
  return type === 'HTTPS' || type === 'HTTP2' ? type : 'HTTP';
}

function inferredRequest(inferred: InferredHealthCheck): LoadBalancerRequest {
  const fixed = inferred.portSpecification.value === 'USE_FIXED_PORT';
  // "port N" only with a real number: an unknown node port or Pod port is said in words.
  const podPort = inferred.podPort !== undefined ? ` (Pod port ${inferred.podPort})` : '';
  const portText = !inferred.neg.enabled && !inferred.backendConfigName
    ? inferred.port.value !== undefined ? `node port ${inferred.port.value}${podPort}` : `the Service's node port${podPort}`
    : fixed && inferred.port.value !== undefined ? `port ${inferred.port.value}` : inferred.podPort !== undefined ? `port ${inferred.podPort}` : 'the serving port';
  const origins = [inferred.requestPath.origin, ...(inferred.type.origin === inferred.protocol.origin && inferred.type.value === 'HTTP' ? [] : [inferred.type.origin])];
  return {
    type: inferred.type.value,
    requestPath: inferred.requestPath.value,
    podPort: inferred.podPort,
    portText,
    // Never the header's value: only that the readinessProbe sets it.
    host: inferred.host.value !== undefined ? 'from the readinessProbe\'s Host header' : undefined,
    origin: `as the ingress controller creates it: ${[...new Set(origins)].join('; ')}; ${inferred.backendKind} backend, ${inferred.neg.origin}`,
  };
}

function realRequest(healthCheck: HealthCheck, inferred: InferredHealthCheck): LoadBalancerRequest {
  const request = healthCheckRequest(healthCheck);
  const serving = request.portSpecification === 'USE_SERVING_PORT' || request.port === undefined;
  const podPort = serving ? inferred.serving?.port : inferred.neg.enabled ? request.port : request.port === inferred.port.value ? inferred.serving?.port : undefined;
  return {
    type: request.type,
    requestPath: request.requestPath,
    podPort,
    portText: serving ? `the serving port${podPort ? ` (${podPort})` : ''}` : `port ${request.port}`,
    host: request.host,
    origin: `compute health check ${healthCheck.name}`,
  };
}

async function probeLoadBalancerRequest(
  inferred: InferredHealthCheck,
  actual: LoadBalancerRequest,
  context: CheckContext,
): Promise<LiveProbe | undefined> {
  const pod = inferred.serving?.source.pod;
  if (!context.probe || !pod || actual.podPort === undefined || !['HTTP', 'HTTPS'].includes(actual.type)) return undefined;
  const scheme = actual.type as 'HTTP' | 'HTTPS';
  const request = `${scheme} GET ${actual.requestPath} on port ${actual.podPort}`;
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '?';
  let response: ProbeResponse;
  try {
    response = await context.probe({ namespace, pod: name, port: actual.podPort, path: actual.requestPath, scheme });
  } catch (error) {
    response = { statusCode: 0, error: (error as Error).message ?? String(error) };
  }
  return { pod: `${namespace}/${name}`, request, response };
}

function unexplainedCommands(inferred: InferredHealthCheck, actual: LoadBalancerRequest): string[] {
  const pod = inferred.serving?.source.pod;
  const port = actual.podPort;
  if (!pod || port === undefined) return [];
  const scheme = actual.type === 'HTTP' ? 'http' : 'https';
  return [
    `kubectl -n ${pod.metadata?.namespace} port-forward pod/${pod.metadata?.name} ${port}:${port} &`,
    `curl -si${scheme === 'https' ? 'k' : ''} ${scheme}://localhost:${port}${actual.requestPath}   # the load balancer needs 200, with no redirect`,
  ];
}

export default ingressHealthCheck;
