import type { CheckResult, Finding, Fix, ProbeResponse, Severity } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import type { GatewayHealthCheck, LoadBalancerRequest } from '../src/gke/gateway/gateway-health-check.js';
import { POLICY_PROTOCOL_FIELDS, healthCheckPoliciesFor, healthCheckPolicyManifest, inferGatewayHealthCheck, loadBalancerRequest, readinessRequest, requestDifferences } from '../src/gke/gateway/gateway-health-check.js';
import type { GatewayBackend } from '../src/gke/gateway/gateway-routes.js';
import { gatewayBackends, undecidedGatewayRoutes } from '../src/gke/gateway/gateway-routes.js';
import { describeKubernetesCheck, describeLoadBalancerRequest, readinessProbeEvidence } from '../src/gke/load-balancer/health-check-description.js';
import { endpointHealthOf, isGatewayBackendOf } from '../src/gke/load-balancer/backend-health.js';
import { applyManifestCommand } from '../src/gke/manifests.js';
import { REDIRECTING_APPLICATIONS } from '../src/gke/load-balancer/known-applications.js';
import { ServicePodSources, unreadPodSources } from '../src/gke/services/service-pod-sources.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import type { HealthCheckPolicy, Service } from '../src/state/kubernetes-types.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import { shownPath } from '../src/gke/request-path.js';

/** A cause, between the backend it is about and what each side checks (and, live, the Pod's answer). */
const onBackend = (cause: string) => `{{backend}}{{health}}\n${cause}{{probe}}\n{{checks}}`;

const gatewayHealthCheck = defineCheck({
  id: 'gateway-health-check',
  title: 'GKE Gateway backends are checked by the load balancer the way Kubernetes checks them',
  severity: 'error',
  description: `Kubernetes marks a Pod ready when its readinessProbe passes; the Google Cloud load
balancer behind a GKE Gateway runs its own health check against every endpoint and sends
traffic only to those that answer it with HTTP 200. Unlike the Ingress controller, GKE's
Gateway controller does not read readinessProbes at all: without a HealthCheckPolicy
(networking.gke.io/v1) targeting the Service, the load balancer checks HTTP GET / on the
serving port. An app whose / does not answer 200, or that redirects plain HTTP to HTTPS
(argocd-server without --insecure answers 307), stays UNHEALTHY while its Pods are Ready,
and clients get "no healthy upstream".

For every Service port an HTTPRoute or GRPCRoute sends traffic to through a GKE Gateway
(GatewayClasses gke-l7-*) it attaches to (parentRef, sectionName and port, the listener's
allowedRoutes and hostname, and GKE's own Accepted condition on the route, which wins when
it disagrees; a route attached to nothing sends nothing, and gateway-config reports it), this check shows what Kubernetes checks and what the load
balancer checks (the default, or the HealthCheckPolicy field by field: config.type and its
per-protocol requestPath, port and portSpecification: unset, port wins over portName, and
with neither the serving port is checked), says why they differ, and prints
the fix: the application setting, and a complete HealthCheckPolicy (YAML and Terraform
kubernetes_manifest). The Gateway controller applies a policy to the existing load
balancer; nothing needs to be recreated. With --probe (live), it sends the load balancer's
request to a Pod and shows the answer. A policy whose port cannot be used is a warning:
USE_NAMED_PORT (or portName without port) names an instance group's named port, which a
Gateway's NEG endpoints do not have (Compute lists USE_NAMED_PORT as not supported), and
USE_FIXED_PORT needs a port.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_health_check',
    'https://googlecloudplatform.github.io/gke-gateway-api/#healthcheckpolicy',
    'https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks',
    'https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshoot-gateways',
  ],
  needs: ['Service', 'Gateway', 'HTTPRoute', 'HealthCheckPolicy'],
  // Namespace: a listener's allowedRoutes selector is matched against the route namespace's labels.
  optionalNeeds: ['GRPCRoute', 'GatewayClass', 'Namespace', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ConfigMap', 'backendHealth'],
  appliesTo: ['Gateway'],
  notApplicable: 'no route attached to a GKE Gateway sends traffic to a Service that exists',
  messages: {
    redirect: onBackend(
      '{{app}} answers the load balancer\'s plain-HTTP health check {{request}} with a {{status}} redirect to HTTPS: {{why}}. The load balancer receives a {{status}} where it needs a 200 and marks every endpoint UNHEALTHY, while the kubelet follows the redirect and the readinessProbe passes.',
    ),
    redirectUnknown: onBackend('{{app}} answers plain HTTP with a {{status}} redirect to HTTPS unless it runs insecure, and {{why}}. The load balancer ({{request}}) needs a 200.'),
    defaultDiffers: onBackend(
      'No HealthCheckPolicy targets the Service, and the Gateway controller does not read readinessProbes: the load balancer checks {{request}}, which Kubernetes never sends ({{differences}}). Unless the app answers that with 200, every endpoint is UNHEALTHY.',
    ),
    policyDiffers: onBackend('HealthCheckPolicy {{name}} makes the load balancer check something else than the readinessProbe: {{differences}}.'),
    noProbe: onBackend('Container {{container}} has no httpGet readinessProbe, so nothing in Kubernetes tells whether the app answers {{request}} with 200; the load balancer needs it to.'),
    appProtocol: onBackend(
      'Service port {{port}} sets appProtocol {{appProtocol}}; which health check the Gateway controller gives such a backend by default is not documented, so it is not compared here. A HealthCheckPolicy makes it explicit.',
    ),
    policyPortUnusable: onBackend(
      '{{why}}, so the load balancer has no port to check. {{reason}} The health check the policy asks for cannot be built as written{{resolved}}.',
    ),
    unhealthyUnexplained: onBackend(
      'Kubernetes and the load balancer send the same request ({{request}}), yet the load balancer marks endpoints UNHEALTHY: a firewall rule must let 130.211.0.0/22 and 35.191.0.0/16 reach port {{port}} of the Pods, and the app must answer that request with 200 itself (the load balancer follows no redirect).',
    ),
    // The lines around a cause.
    backend: '{{service}} port {{port}}, behind {{gateways}} (through {{routes}}):',
    unhealthyEndpoints: 'The load balancer marks {{unhealthy}} of {{total}} endpoints of backend service {{backendName}} UNHEALTHY ({{endpoints}}; backendServices.getHealth), so clients get errors while Kubernetes shows the Pods ready.',
    allHealthy: 'The load balancer reports all {{total}} endpoints of backend service {{backendName}} HEALTHY (backendServices.getHealth): its health check passes today, so what follows is a note, not a failure.',
    fixPolicyPort:
      'Give the HealthCheckPolicy a port the load balancer can use: USE_SERVING_PORT for the serving port, or USE_FIXED_PORT with the port number (what the container port name stands for); in Terraform or Git, change the same fields.',
    fixUnexplained: 'Send the load balancer\'s request to a Pod yourself and look at the answer; let the health-check ranges reach the Pods\' port through the firewall.',
    checks: 'Kubernetes checks: {{kubernetes}}\nload balancer checks: {{loadBalancer}}',
    probeAnswer: 'Sent the load balancer\'s request to Pod {{pod}}: {{request}} -> {{status}}{{location}}: the load balancer needs 200.',
    probeAnswerOk: 'Sent the load balancer\'s request to Pod {{pod}}: {{request}} -> 200, so the load balancer\'s check passes from there.',
    probeError: 'Could not send the load balancer\'s request to Pod {{pod}} ({{request}}): {{error}}.',
    fixRedirect: '{{appFix}} Then make the load balancer check what the readinessProbe checks, with this HealthCheckPolicy (the Gateway controller updates the load balancer in place).',
    fixPolicy: 'Make the load balancer check what the readinessProbe checks: apply this HealthCheckPolicy (the Gateway controller updates the load balancer in place).',
    fixPolicyPath: 'Point the load balancer at a path that answers 200 with this HealthCheckPolicy (replace /healthz if the app serves another).',
  },
  async run(state, context) {
    const podSources = new ServicePodSources(state);
    const examined: string[] = [];
    const findings: Finding[] = [];
    const unread = undecidedGatewayRoutes(state);
    const unreadSources = unreadPodSources(state);
    for (const backend of gatewayBackends(state)) {
      const resource = kubernetesResourceName({ kind: 'Service', metadata: backend.service.metadata });
      if (!examined.includes(resource)) examined.push(resource);
      // No Pod or pod template found, and some could not be read: what the container serves is unknown, not absent.
      if (unreadSources.length > 0 && podSources.podSourcesFor(backend.service).length === 0) {
        unread.push(`the Pods behind ${resource} are not known (${unreadSources.join('; ')}), so its health check was not judged`);
        continue;
      }
      findings.push(...(await judgeBackend(state, context, backend, podSources)));
    }
    // A route whose attachment is not known is not judged, and the check does not pass for want of looking.
    return { examined, findings, unread } satisfies CheckResult;
  },
});

type Context = Parameters<typeof gatewayHealthCheck.run>[1];
type MessageId = keyof typeof gatewayHealthCheck.messages;
const text = (id: MessageId, data: Record<string, string | number> = {}) => fill(gatewayHealthCheck.messages[id], data, id);

async function judgeBackend(state: ClusterState, context: Context, { service, servicePort, refs }: GatewayBackend, podSources: ServicePodSources): Promise<Finding[]> {
  const resource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
  // configure-gateway-resources: of two policies on one target, the oldest applies.
  const policies = healthCheckPoliciesFor(service, state).sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
  const policy = policies[0];
  const inferred = inferGatewayHealthCheck({ service, servicePort, podSources: podSources.podSourcesFor(service), policy });
  const serving = inferred.serving;
  const request = loadBalancerRequest(inferred);
  const gateways = [...new Set(refs.flatMap((ref) => ref.route.gateways.map((gateway) => kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata }))))];
  const routes = [...new Set(refs.map((ref) => ref.route.resource))];
  const port = servicePort.name ? `${servicePort.port} (${servicePort.name})` : String(servicePort.port);
  const origin = [...new Set([inferred.type.origin, inferred.requestPath.origin])].join('; ');
  // What the load balancer says of each endpoint now (getHealth), when read: evidence that outweighs any inference.
  const identity = { namespace: service.metadata?.namespace ?? 'default', service: service.metadata?.name ?? '?', port: servicePort.port };
  const realHealth = endpointHealthOf(state.backendHealth, (name) => isGatewayBackendOf(name, identity));
  const unhealthy = realHealth !== undefined && realHealth.unhealthy > 0;
  const healthLine = !realHealth
    ? ''
    : unhealthy
      ? text('unhealthyEndpoints', { unhealthy: realHealth.unhealthy, total: realHealth.total, backendName: realHealth.backendService, endpoints: realHealth.unhealthyEndpoints.slice(0, 5).join(', ') + (realHealth.unhealthyEndpoints.length > 5 ? ', …' : '') })
      : realHealth.allHealthy
        ? text('allHealthy', { total: realHealth.total, backendName: realHealth.backendService })
        : '';
  const lines = {
    health: healthLine ? `\n${healthLine}` : '',
    backend: text('backend', { service: resource, port, gateways: gateways.join(', '), routes: routes.join(', ') }),
    checks: text('checks', { kubernetes: describeKubernetesCheck(serving), loadBalancer: describeLoadBalancerRequest({ ...request, host: inferred.host.value }, origin) }),
    probe: '',
  };
  const evidence = {
    gateways,
    routes,
    healthCheckPolicy: policy?.metadata?.name ?? null,
    loadBalancer: { type: request.type, requestPath: shownPath(request.requestPath), port: request.podPort ?? null },
    servingContainer: serving ? { resource: serving.source.resource, container: serving.container.name, port: serving.port ?? null } : null,
    ...(serving ? { readinessProbe: readinessProbeEvidence(serving) } : {}),
    ...(realHealth ? { backendHealth: { backendService: realHealth.backendService, healthy: realHealth.healthy, unhealthy: realHealth.unhealthy, total: realHealth.total, unhealthyEndpoints: realHealth.unhealthyEndpoints } } : {}),
  };
  // All endpoints HEALTHY: the load balancer's check passes, whatever the inference says; any UNHEALTHY one confirms it.
  const weigh = (severity: Severity): Severity => (realHealth?.allHealthy ? 'info' : unhealthy ? 'error' : severity);
  const report = (messageId: MessageId, data: Record<string, string | number>, severity: Severity, fix: Fix | null, more: Record<string, unknown> = {}) =>
    context.report({ messageId, data: { ...lines, ...data }, resource, severity: weigh(severity), evidence: { ...evidence, ...more }, fix });

  if (!policy && servicePort.appProtocol && !/^(http|kubernetes\.io\/http)$/i.test(servicePort.appProtocol)) {
    return [report('appProtocol', { port, appProtocol: servicePort.appProtocol }, 'info', null)];
  }

  if (policy && inferred.unusablePort) return [unusablePortFinding(inferred, policy, service, report)];

  const live = await probeLoadBalancerRequest(inferred, request, context);
  const answered = live?.response.statusCode === 200;
  if (live) lines.probe = `\n${liveAnswerLine(live)}`;

  const probeRequest = readinessRequest(serving);
  const policyFix = (summary: string, path = probeRequest?.requestPath ?? '/healthz', type = probeRequest?.type ?? 'HTTP'): Fix => {
    const manifest = healthCheckPolicyManifest(service, {
      type: type === 'HTTPS' ? 'HTTPS' : 'HTTP',
      requestPath: path,
      port: probeRequest?.port !== undefined && probeRequest.port !== serving?.port ? probeRequest.port : undefined,
    });
    return { summary, commands: [applyManifestCommand(manifest.yaml)], terraform: manifest.terraform, automatic: false };
  };

  // Known applications that redirect the load balancer's plain-HTTP check (unless the live answer says otherwise).
  if (!answered && serving && request.type === 'HTTP' && (request.podPort === undefined || request.podPort === serving.port)) {
    for (const application of REDIRECTING_APPLICATIONS) {
      if (!application.matches(serving.container)) continue;
      const answer = application.plainHttpAnswer(serving.source, serving.container, serving.containerIndex, state);
      if (answer.redirects === false) continue;
      const policyNeeded = probeRequest && requestDifferences(request, probeRequest).length > 0;
      const fix: Fix = policyNeeded
        ? { ...policyFix(text('fixRedirect', { appFix: answer.fix.summary })), commands: [...answer.fix.commands, ...policyFix('').commands] }
        : { summary: answer.fix.summary, commands: answer.fix.commands, terraform: null, automatic: false };
      const severity: Severity = answer.redirects === true || (live && !answered) ? 'error' : 'warning';
      const data = { app: application.name, status: answer.status, why: answer.why, request: request.text };
      return [report(answer.redirects === true ? 'redirect' : 'redirectUnknown', data, severity, fix, { application: application.name, redirectStatus: answer.status })];
    }
  }

  if (!probeRequest) {
    if (answered) return [];
    // A warning only with evidence that the request will not answer 200 (the live answer, UNHEALTHY endpoints): many apps answer 200 on /.
    return [report('noProbe', { container: serving?.container.name ?? '?', request: request.text }, live ? 'error' : 'info', policyFix(text('fixPolicyPath')))];
  }
  const differing = requestDifferences(request, probeRequest);
  if (differing.length === 0 && unhealthy) {
    const commands = serving?.source.pod
      ? [`kubectl -n ${serving.source.pod.metadata?.namespace ?? 'default'} port-forward pod/${serving.source.pod.metadata?.name ?? '?'} ${request.podPort ?? serving.port}:${request.podPort ?? serving.port} & curl -si http://127.0.0.1:${request.podPort ?? serving.port}${request.requestPath}`]
      : [];
    return [report('unhealthyUnexplained', { request: request.text, port: request.podPort ?? serving?.port ?? '?' }, 'error', { summary: text('fixUnexplained'), commands, terraform: null, automatic: false })];
  }
  if (differing.length === 0 || answered) return [];
  const severity: Severity = live ? 'error' : 'warning';
  if (policy) return [report('policyDiffers', { name: policy.metadata?.name ?? '?', differences: differing.join(', ') }, severity, policyFix(text('fixPolicy')))];
  return [report('defaultDiffers', { request: request.text, differences: differing.join(', ') }, severity, policyFix(text('fixPolicy')))];
}

/**
 * A policy whose port specification names no port the load balancer can check (inferGatewayHealthCheck: USE_NAMED_PORT,
 * or USE_FIXED_PORT without port). The fix keeps the policy's type and path and says the port as a number: the serving
 * container's port of that name (a Kubernetes name, which Compute does not know), USE_SERVING_PORT when it is the serving port.
 */
function unusablePortFinding(
  inferred: GatewayHealthCheck,
  policy: HealthCheckPolicy,
  service: Service,
  report: (messageId: MessageId, data: Record<string, string | number>, severity: Severity, fix: Fix | null, more?: Record<string, unknown>) => Finding,
): Finding {
  const { why, portName } = inferred.unusablePort!;
  const serving = inferred.serving;
  const named = portName !== undefined ? serving?.container.ports?.find((port) => port.name === portName) : undefined;
  const port = named?.containerPort;
  const reason =
    inferred.portSpecification.value === 'USE_NAMED_PORT'
      ? 'Named ports belong to instance groups: a Gateway\'s backends are NEGs, whose endpoints have port numbers only, and Compute Engine health checks do not support USE_NAMED_PORT.'
      : 'Compute Engine needs a port with USE_FIXED_PORT.';
  const resolved = named && serving ? ` (container ${serving.container.name} names port ${port} ${portName}${port === serving.port ? ', the serving port' : ''})` : '';
  let fix: Fix = { summary: text('fixPolicyPort'), commands: [], terraform: null, automatic: false };
  // Only a port the serving container names resolves the intent; otherwise which port was meant is the user's to say.
  // A JSON merge patch of the policy's own protocol field changes the port alone (null removes portName), keeping the rest.
  const field = POLICY_PROTOCOL_FIELDS[inferred.type.value as keyof typeof POLICY_PROTOCOL_FIELDS];
  if (port !== undefined && field) {
    const ports = port === serving?.port ? { portSpecification: 'USE_SERVING_PORT', port: null, portName: null } : { portSpecification: 'USE_FIXED_PORT', port, portName: null };
    const patch = JSON.stringify({ spec: { default: { config: { [field]: ports } } } });
    fix = { ...fix, commands: [`kubectl -n ${policy.metadata?.namespace ?? 'default'} patch healthcheckpolicy ${policy.metadata?.name ?? '?'} --type merge -p '${patch}'`] };
  }
  return report('policyPortUnusable', { why, reason, resolved }, 'warning', fix, { portSpecification: inferred.portSpecification.value, portName: portName ?? null });
}

interface LiveProbe {
  pod: string;
  request: string;
  response: ProbeResponse;
}

async function probeLoadBalancerRequest(inferred: GatewayHealthCheck, request: LoadBalancerRequest, context: Context): Promise<LiveProbe | undefined> {
  const pod = inferred.serving?.source.pod;
  if (!context.probe || !pod || request.podPort === undefined || (request.type !== 'HTTP' && request.type !== 'HTTPS')) return undefined;
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '?';
  let response: ProbeResponse;
  try {
    response = await context.probe({ namespace, pod: name, port: request.podPort, path: request.requestPath, scheme: request.type });
  } catch (error) {
    response = { statusCode: 0, error: (error as Error).message ?? String(error) };
  }
  return { pod: `${namespace}/${name}`, request: `${request.type} GET ${shownPath(request.requestPath)} on port ${request.podPort}`, response };
}

function liveAnswerLine({ pod, request, response }: LiveProbe): string {
  if (response.error) return text('probeError', { pod, request, error: response.error });
  if (response.statusCode === 200) return text('probeAnswerOk', { pod, request });
  return text('probeAnswer', { pod, request, status: response.statusCode, location: response.location ? ` Location: ${response.location}` : '' });
}

export default gatewayHealthCheck;
