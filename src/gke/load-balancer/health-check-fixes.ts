import type { ClusterState } from '../../state/cluster-state.js';
import type { Service } from '../../state/kubernetes-types.js';
import type { ServingContainer } from './health-check-inference.js';
import { probeSchemeFor } from './health-check-inference.js';
import type { ServicePort } from './ingress-backends.js';
import type { ApplicationAnswer } from './known-applications.js';
import { protocolsTheApplicationAnswers } from './known-applications.js';
import { applyManifestCommand, manifestHead } from '../manifests.js';
import type { AppProtocol } from '../services/service-annotations.js';
import { APP_PROTOCOLS_ANNOTATION, BACKEND_CONFIG_ANNOTATION, appProtocols, backendConfigNameFor, backendConfigRefs } from '../services/service-annotations.js';
import { shownPath } from '../request-path.js';

/** The comment on a request path the user must choose. */
export const REPLACE_PATH = 'replace with a path that answers 200';

export interface HealthCheckSettings {
  type?: string;
  requestPath?: string;
  port?: number;
}

/**
 * Commands that make the load balancer check `settings` for one Service port:
 * patch the BackendConfig already attached to it, or create one (complete
 * YAML) and attach it with the Service annotation. The controller applies a
 * BackendConfig's health check on every sync, also to a health check that
 * exists already (ingress-gce pkg/healthchecks/healthchecks.go sync).
 */
export function backendConfigCommands(service: Service, servicePort: ServicePort, settings: HealthCheckSettings, state: ClusterState, comment?: string): string[] {
  const namespace = service.metadata?.namespace ?? 'default';
  const serviceName = service.metadata?.name ?? '?';
  // A path's query can be a credential: the fix, printed in shared reports, names the path only.
  const healthCheck = Object.fromEntries(Object.entries({ ...settings, requestPath: settings.requestPath && shownPath(settings.requestPath) }).filter(([, value]) => value !== undefined));
  const refs = backendConfigRefs(service);
  const attached = refs.ok === true ? backendConfigNameFor(refs.value, servicePort) : undefined;
  if (attached && state.kubernetes.get('BackendConfig', namespace, attached)) {
    return [`kubectl -n ${namespace} patch backendconfig ${attached} --type merge -p '${JSON.stringify({ spec: { healthCheck } })}'`];
  }
  const name = attached ?? `${serviceName}-health-check`;
  const yaml = [
    ...manifestHead('cloud.google.com/v1', 'BackendConfig', name, namespace),
    '  healthCheck:',
    ...Object.entries(healthCheck).map(([key, value]) => `    ${key}: ${value}${key === 'requestPath' && comment ? `  # ${comment}` : ''}`),
  ];
  const commands = [applyManifestCommand(yaml)];
  if (!attached) {
    const portKey = servicePort.name || String(servicePort.port);
    const existing = refs.ok === true ? refs.value : {};
    const annotation = JSON.stringify({ ...existing, ports: { ...existing.ports, [portKey]: name } });
    commands.push(`kubectl -n ${namespace} annotate service ${serviceName} ${BACKEND_CONFIG_ANNOTATION}='${annotation}' --overwrite`);
  }
  return commands;
}

/**
 * The health-check type a fix may set: HTTPS instead of plain HTTP for an application known to
 * redirect plain HTTP and to serve TLS (argocd-server without --insecure), which answers HTTPS itself.
 */
export function healthCheckTypeFor(type: string, answers: readonly ApplicationAnswer[]): string {
  const redirectsToTls = answers.some(({ answer }) => answer.redirects === true && answer.tls === true);
  return type === 'HTTP' && redirectsToTls ? 'HTTPS' : type;
}

/** The summaries a protocol-mismatch fix can have (messages of ingress-health-check). */
export type ProtocolFixSummary = 'fixProbeHttpsOnly' | 'fixPlainHttpOnly' | 'fixProbeHttps' | 'fixProbeHttpOnly' | 'fixAppProtocolHttps';

/**
 * The way out of a readinessProbe whose scheme is not the port's app protocol (the controller then
 * ignores the probe, translator.go getHTTPProbe), weighed against what the known application
 * there does: never plain HTTP to an app that redirects it, nor HTTPS to one that serves no TLS.
 */
export function protocolMismatchFix(
  service: Service,
  servicePort: ServicePort,
  serving: ServingContainer,
  protocol: AppProtocol,
  answers: readonly ApplicationAnswer[],
): { summary: ProtocolFixSummary; data: Record<string, string | number>; commands: string[] } {
  const namespace = service.metadata?.namespace ?? 'default';
  const serviceName = service.metadata?.name ?? '?';
  const portLabel = servicePort.name ?? String(servicePort.port);
  const owner = serving.source.owner;
  const workload = owner ? `${owner.kind.toLowerCase()}/${owner.name}` : 'WORKLOAD';
  const parsed = appProtocols(service);
  const current = parsed.ok === true ? parsed.value : {};
  const probeScheme = (value: string) =>
    `kubectl -n ${namespace} patch ${workload} --type json -p '${JSON.stringify([{ op: 'add', path: `/spec/template/spec/containers/${serving.containerIndex}/readinessProbe/httpGet/scheme`, value }])}'`;
  const annotate = (value: Record<string, string>) => `kubectl -n ${namespace} annotate service ${serviceName} ${APP_PROTOCOLS_ANNOTATION}='${JSON.stringify(value)}' --overwrite`;
  const dropPort = () => annotate(Object.fromEntries(Object.entries(current).filter(([name]) => name !== servicePort.name)));
  const allowed = protocolsTheApplicationAnswers(answers);
  const redirecting = answers.find(({ answer }) => answer.redirects === true);
  const plainOnly = answers.find(({ answer }) => answer.tls === false);
  if (protocol !== 'HTTP') {
    // The Service says TLS, the probe says plain HTTP: one of them is wrong, and the known application says which.
    if (redirecting && allowed.https) {
      return { summary: 'fixProbeHttpsOnly', data: { port: portLabel, app: redirecting.application.name, status: redirecting.answer.status }, commands: [probeScheme(probeSchemeFor(protocol))] };
    }
    if (plainOnly && allowed.plainHttp) return { summary: 'fixPlainHttpOnly', data: { port: portLabel, app: plainOnly.application.name, why: plainOnly.answer.why }, commands: [dropPort()] };
    return {
      summary: 'fixProbeHttps',
      data: { port: serving.port ?? portLabel },
      commands: [
        `# if the Pod serves ${probeSchemeFor(protocol)} on that port, make the probe use it:`,
        probeScheme(probeSchemeFor(protocol)),
        '# if it serves plain HTTP, drop the port from the annotation instead:',
        dropPort(),
      ],
    };
  }
  // The probe says TLS to an application known to serve none: the probe is what is wrong.
  if (plainOnly) return { summary: 'fixProbeHttpOnly', data: { app: plainOnly.application.name, why: plainOnly.answer.why }, commands: [probeScheme('HTTP')] };
  const commands = servicePort.name
    ? [annotate({ ...current, [servicePort.name]: 'HTTPS' })]
    : ['# app-protocols names Service ports by name: name this port first (spec.ports[].name), then annotate it as HTTPS'];
  return { summary: 'fixAppProtocolHttps', data: { port: portLabel }, commands };
}

/** Sending the load balancer's request to a Pod by hand. */
export function sendRequestCommands(pod: { metadata?: { name?: string; namespace?: string } } | undefined, port: number | undefined, type: string, requestPath: string): string[] {
  if (!pod || port === undefined) return [];
  const scheme = type === 'HTTP' ? 'http' : 'https';
  return [
    `kubectl -n ${pod.metadata?.namespace} port-forward pod/${pod.metadata?.name} ${port}:${port} &`,
    `curl -si${scheme === 'https' ? 'k' : ''} ${scheme}://localhost:${port}${shownPath(requestPath)}   # the load balancer needs 200, with no redirect`,
  ];
}
