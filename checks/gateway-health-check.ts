import type { CheckResult, Finding, Fix, ProbeResponse, Severity } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import type { GatewayHealthCheck } from '../src/gke/gateway-health-check.js';
import { healthCheckPoliciesFor, healthCheckPolicyManifest, inferGatewayHealthCheck } from '../src/gke/gateway-health-check.js';
import type { GatewayBackendRef } from '../src/gke/gateway-routes.js';
import { backendRefsOf, isServiceRef, routesOfGkeGateways } from '../src/gke/gateway-routes.js';
import { describeKubernetesCheck, describeLoadBalancerRequest } from '../src/gke/health-check-description.js';
import { healthCheckRequestPath, probePortNumber } from '../src/gke/health-check-inference.js';
import type { ServicePort } from '../src/gke/ingress-backends.js';
import { findServicePort } from '../src/gke/ingress-backends.js';
import { REDIRECTING_APPLICATIONS } from '../src/gke/known-applications.js';
import { ServicePodSources } from '../src/gke/service-pod-sources.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import type { Service } from '../src/state/kubernetes-types.js';

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
(GatewayClasses gke-l7-*), this check shows what Kubernetes checks and what the load
balancer checks (the default, or the HealthCheckPolicy field by field: config.type and its
per-protocol requestPath, port and portSpecification), says why they differ, and prints
the fix: the application setting, and a complete HealthCheckPolicy (YAML and Terraform
kubernetes_manifest). The Gateway controller applies a policy to the existing load
balancer; nothing needs to be recreated. With --probe (live), it sends the load balancer's
request to a Pod and shows the answer.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_health_check',
    'https://googlecloudplatform.github.io/gke-gateway-api/#healthcheckpolicy',
    'https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshoot-gateways',
  ],
  needs: ['Service', 'Gateway', 'HTTPRoute', 'HealthCheckPolicy'],
  optionalNeeds: ['GRPCRoute', 'GatewayClass', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ConfigMap'],
  notApplicable: 'no route of a GKE Gateway sends traffic to a Service that exists',
  messages: {
    backend: '{{service}} port {{port}}, behind {{gateways}} (through {{routes}}):',
    kubernetesChecks: 'Kubernetes checks: {{check}}',
    loadBalancerChecks: 'load balancer checks: {{check}}',
    redirect:
      '{{app}} answers the load balancer\'s plain-HTTP health check {{request}} with a {{status}} redirect to HTTPS: {{why}}. The load balancer receives a {{status}} where it needs a 200 and marks every endpoint UNHEALTHY, while the kubelet follows the redirect and the readinessProbe passes.',
    redirectUnknown: '{{app}} answers plain HTTP with a {{status}} redirect to HTTPS unless it runs insecure, and {{why}}. The load balancer ({{request}}) needs a 200.',
    defaultDiffers:
      'No HealthCheckPolicy targets the Service, and the Gateway controller does not read readinessProbes: the load balancer checks {{request}}, which Kubernetes never sends ({{differences}}). Unless the app answers that with 200, every endpoint is UNHEALTHY.',
    policyDiffers: 'HealthCheckPolicy {{name}} makes the load balancer check something else than the readinessProbe: {{differences}}.',
    noProbe: 'Container {{container}} has no httpGet readinessProbe, so nothing in Kubernetes tells whether the app answers {{request}} with 200; the load balancer needs it to.',
    appProtocol:
      'Service port {{port}} sets appProtocol {{appProtocol}}; which health check the Gateway controller gives such a backend by default is not documented, so it is not compared here. A HealthCheckPolicy makes it explicit.',
    probeAnswer: 'Sent the load balancer\'s request to Pod {{pod}}: {{request}} -> {{status}}{{location}}: the load balancer needs 200.',
    probeAnswerOk: 'Sent the load balancer\'s request to Pod {{pod}}: {{request}} -> 200, so the load balancer\'s check passes from there.',
    probeError: 'Could not send the load balancer\'s request to Pod {{pod}} ({{request}}): {{error}}.',
    fixRedirect: '{{appFix}} Then make the load balancer check what the readinessProbe checks, with this HealthCheckPolicy (the Gateway controller updates the load balancer in place).',
    fixPolicy: 'Make the load balancer check what the readinessProbe checks: apply this HealthCheckPolicy (the Gateway controller updates the load balancer in place).',
    fixPolicyPath: 'Point the load balancer at a path that answers 200 with this HealthCheckPolicy (replace /healthz if the app serves another).',
  },
  async run(state, context) {
    const podSources = new ServicePodSources(state);
    const backends = new Map<string, { service: Service; servicePort: ServicePort; refs: GatewayBackendRef[] }>();
    for (const attached of routesOfGkeGateways(state)) {
      for (const ref of backendRefsOf(attached)) {
        if (!isServiceRef(ref) || ref.port === undefined) continue;
        const service = state.kubernetes.get('Service', ref.namespace, ref.name);
        const servicePort = service ? findServicePort(service, { number: ref.port }) : undefined;
        // A missing Service or port is gateway-config's to report.
        if (!service || !servicePort) continue;
        const key = `${ref.namespace}/${ref.name}/${servicePort.port}`;
        const entry = backends.get(key) ?? { service, servicePort, refs: [] };
        entry.refs.push(ref);
        backends.set(key, entry);
      }
    }
    const examined: string[] = [];
    const findings: Finding[] = [];
    for (const { service, servicePort, refs } of backends.values()) {
      const resource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
      if (!examined.includes(resource)) examined.push(resource);
      findings.push(...(await judgeBackend(state, context, service, servicePort, refs, podSources)));
    }
    return { examined, findings } satisfies CheckResult;
  },
});

type Messages = typeof gatewayHealthCheck.messages;
type Context = Parameters<typeof gatewayHealthCheck.run>[1];
type Report = Context['report'];

interface Request {
  type: string;
  requestPath: string;
  podPort: number | undefined;
  portText: string;
  text: string;
}

async function judgeBackend(
  state: ClusterState,
  context: Context,
  service: Service,
  servicePort: ServicePort,
  refs: GatewayBackendRef[],
  podSources: ServicePodSources,
): Promise<Finding[]> {
  const report: Report = context.report;
  const resource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
  const policies = healthCheckPoliciesFor(service, state).sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
  const policy = policies[0];
  const inferred = inferGatewayHealthCheck({ service, servicePort, podSources: podSources.podSourcesFor(service), policy });
  const serving = inferred.serving;
  const request = loadBalancerRequest(inferred);
  const gateways = [...new Set(refs.flatMap((ref) => ref.route.gateways.map((gateway) => kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata }))))];
  const routes = [...new Set(refs.map((ref) => ref.route.resource))];
  const header = {
    service: resource,
    port: servicePort.name ? `${servicePort.port} (${servicePort.name})` : String(servicePort.port),
    gateways: gateways.join(', '),
    routes: routes.join(', '),
  };
  const evidence = {
    gateways,
    routes,
    healthCheckPolicy: policy?.metadata?.name ?? null,
    loadBalancer: { type: request.type, requestPath: request.requestPath, port: request.podPort ?? null },
    servingContainer: serving ? { resource: serving.source.resource, container: serving.container.name, port: serving.port ?? null } : null,
  };
  const lines = (...body: string[]) =>
    [
      fill(gatewayHealthCheck.messages.backend, header),
      ...body,
      fill(gatewayHealthCheck.messages.kubernetesChecks, { check: describeKubernetesCheck(serving) }),
      fill(gatewayHealthCheck.messages.loadBalancerChecks, { check: describeLoadBalancerRequest({ ...request, host: inferred.host.value }, [inferred.type.origin, inferred.requestPath.origin].filter(unique).join('; ')) }),
    ].join('\n');

  if (!policy && servicePort.appProtocol && !/^(http|kubernetes\.io\/http)$/i.test(servicePort.appProtocol)) {
    return [finding(report, 'appProtocol', { port: header.port, appProtocol: servicePort.appProtocol }, resource, 'info', evidence, null, lines)];
  }

  const live = await probeLoadBalancerRequest(inferred, request, context);
  const answered = live?.response.statusCode === 200;
  const liveLine = live ? liveAnswerLine(live) : undefined;
  const withLive = (text: string) => (liveLine ? `${text}\n${liveLine}` : text);

  const httpGet = serving?.container.readinessProbe?.httpGet;
  const probeRequest = httpGet && serving ? { type: httpGet.scheme ?? 'HTTP', requestPath: healthCheckRequestPath(httpGet.path), port: probePortNumber(httpGet.port, serving.container) } : undefined;
  const policyFix = (summary: string, path = probeRequest?.requestPath ?? '/healthz', type = probeRequest?.type ?? 'HTTP'): Fix => {
    const manifest = healthCheckPolicyManifest(service, {
      type: type === 'HTTPS' ? 'HTTPS' : 'HTTP',
      requestPath: path,
      port: probeRequest?.port !== undefined && probeRequest.port !== serving?.port ? probeRequest.port : undefined,
    });
    return { summary, commands: [['kubectl apply -f - <<\'EOF\'', manifest.yaml, 'EOF'].join('\n')], terraform: manifest.terraform, automatic: false };
  };

  // Known applications that redirect the load balancer's plain-HTTP check (unless the live answer says otherwise).
  if (!answered && serving && request.type === 'HTTP' && (request.podPort === undefined || request.podPort === serving.port)) {
    for (const application of REDIRECTING_APPLICATIONS) {
      if (!application.matches(serving.container)) continue;
      const answer = application.plainHttpAnswer(serving.source, serving.container, serving.containerIndex, state);
      if (answer.redirects === false) continue;
      const data = { app: application.name, status: answer.status, why: answer.why, request: request.text };
      const policyNeeded = probeRequest && differences(request, probeRequest).length > 0;
      const fix: Fix = policyNeeded
        ? { ...policyFix(fill(gatewayHealthCheck.messages.fixRedirect, { appFix: answer.fix.summary })), commands: [...answer.fix.commands, ...policyFix('').commands] }
        : { summary: answer.fix.summary, commands: answer.fix.commands, terraform: null, automatic: false };
      const severity: Severity = answer.redirects === true || (live && !answered) ? 'error' : 'warning';
      return [
        finding(report, answer.redirects === true ? 'redirect' : 'redirectUnknown', data, resource, severity, { ...evidence, application: application.name, redirectStatus: answer.status }, fix, (text) => lines(withLive(text))),
      ];
    }
  }

  if (!probeRequest) {
    if (answered) return [];
    const severity: Severity = live && !answered ? 'error' : 'warning';
    return [finding(report, 'noProbe', { container: serving?.container.name ?? '?', request: request.text }, resource, severity, evidence, policyFix(gatewayHealthCheck.messages.fixPolicyPath), (text) => lines(withLive(text)))];
  }
  const differing = differences(request, probeRequest);
  if (differing.length === 0 || answered) return [];
  const severity: Severity = live ? 'error' : 'warning';
  if (policy) {
    return [finding(report, 'policyDiffers', { name: policy.metadata?.name ?? '?', differences: differing.join(', ') }, resource, severity, evidence, policyFix(gatewayHealthCheck.messages.fixPolicy), (text) => lines(withLive(text)))];
  }
  return [finding(report, 'defaultDiffers', { request: request.text, differences: differing.join(', ') }, resource, severity, evidence, policyFix(gatewayHealthCheck.messages.fixPolicy), (text) => lines(withLive(text)))];
}

function finding(
  report: Report,
  messageId: keyof Messages & string,
  data: Record<string, string | number>,
  resource: string,
  severity: Severity,
  evidence: Record<string, unknown>,
  fix: Fix | null,
  wrap: (text: string) => string,
): Finding {
  const made = report({ messageId, data, resource, severity, evidence, fix });
  return { ...made, message: wrap(made.message) };
}

function loadBalancerRequest(inferred: GatewayHealthCheck): Request {
  const port = inferred.podPort;
  const portText = inferred.portSpecification.value === 'USE_SERVING_PORT' ? `the serving port${port !== undefined ? ` ${port}` : ''}` : port !== undefined ? `port ${port}` : `named port (${inferred.portSpecification.value})`;
  const pathless = inferred.type.value === 'TCP' || inferred.type.value === 'GRPC';
  return {
    type: inferred.type.value,
    requestPath: inferred.requestPath.value,
    podPort: port,
    portText,
    text: pathless ? `${inferred.type.value} on ${portText}` : `${inferred.type.value} GET ${inferred.requestPath.value} on ${portText}`,
  };
}

function differences(request: Request, probe: { type: string; requestPath: string; port?: number }): string[] {
  const found: string[] = [];
  if (request.type !== probe.type) found.push(`load balancer ${request.type}, probe ${probe.type}`);
  if (request.requestPath !== probe.requestPath) found.push(`load balancer path ${request.requestPath}, probe path ${probe.requestPath}`);
  if (request.podPort !== undefined && probe.port !== undefined && request.podPort !== probe.port) found.push(`load balancer port ${request.podPort}, probe port ${probe.port}`);
  return found;
}

interface LiveProbe {
  pod: string;
  request: string;
  response: ProbeResponse;
}

async function probeLoadBalancerRequest(inferred: GatewayHealthCheck, request: Request, context: Context): Promise<LiveProbe | undefined> {
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
  return { pod: `${namespace}/${name}`, request: `${request.type} GET ${request.requestPath} on port ${request.podPort}`, response };
}

function liveAnswerLine({ pod, request, response }: LiveProbe): string {
  const { messages } = gatewayHealthCheck;
  if (response.error) return fill(messages.probeError, { pod, request, error: response.error });
  if (response.statusCode === 200) return fill(messages.probeAnswerOk, { pod, request });
  return fill(messages.probeAnswer, { pod, request, status: response.statusCode, location: response.location ? ` Location: ${response.location}` : '' });
}

function unique<T>(value: T, index: number, all: T[]): boolean {
  return all.indexOf(value) === index;
}

export default gatewayHealthCheck;
