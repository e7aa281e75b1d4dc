import type { MessageData, Severity } from '../../engine/check.js';
import type { ClusterState } from '../../state/cluster-state.js';
import type { HealthCheck } from '../../state/gcp-types.js';
import type { ProtocolFixSummary } from './health-check-fixes.js';
import { REPLACE_PATH, backendConfigCommands, healthCheckTypeFor, protocolMismatchFix, sendRequestCommands } from './health-check-fixes.js';
import type { InferredHealthCheck } from './health-check-inference.js';
import { healthCheckRequestPath, probePortNumber } from './health-check-inference.js';
import type { ResolvedBackend } from './ingress-backends.js';
import type { ApplicationAnswer } from './known-applications.js';
import type { LiveProbe, LoadBalancerRequest } from './load-balancer-request.js';
import { differencesFrom } from './load-balancer-request.js';
import { APP_PROTOCOLS_ANNOTATION } from '../services/service-annotations.js';
import { shownPath } from '../request-path.js';

/** The ingress-health-check messages a cause is told with (its cause sentence) and fixed with (its summary). */
export type CauseMessageId = 'redirect' | 'redirectUnknown' | 'probeIgnored' | 'noProbe' | 'protocolMismatch' | 'backendConfigDisagrees' | 'stale' | 'unexplained' | 'healthCheckUnread' | 'probeNotAnswered';
export type FixMessageId = ProtocolFixSummary | 'fixProbeAnswer' | 'fixMatchProbe' | 'fixPatchBackendConfig' | 'fixAddProbe' | 'fixPathForExistingCheck' | 'fixUnexplained' | 'fixReadHealthCheck';

/** Why a backend's health check differs from its readinessProbe, and the fix: the summary a message (or the known application's own words). */
export interface Cause {
  severity: Severity;
  messageId: CauseMessageId;
  data: MessageData;
  fix: { summary: { messageId: FixMessageId; data?: MessageData } | { text: string }; commands: string[] };
  evidence: Record<string, unknown>;
  /** Fixed by the load balancer's request answering 200 (a live probe shows it does). */
  answeredByProbe: boolean;
}

/** What the causes are judged on: one backend, its inferred and real requests, and what the known application there does. */
export interface BackendHealth {
  backend: ResolvedBackend;
  inferred: InferredHealthCheck;
  expected: LoadBalancerRequest;
  actual: LoadBalancerRequest;
  realCheck?: HealthCheck;
  healthCheckExists: boolean;
  answers: readonly ApplicationAnswer[];
  state: ClusterState;
}

const cause = (severity: Severity, messageId: CauseMessageId, data: MessageData, fix: Cause['fix'], evidence: Record<string, unknown> = {}, answeredByProbe = true): Cause => ({
  severity,
  messageId,
  data,
  fix,
  evidence,
  answeredByProbe,
});

/**
 * Why the load balancer's check of a backend can fail where the readinessProbe passes. None behind a
 * transparent health check, which answers with the Pod's readiness (ingress-gce OverwriteWithTHC):
 * neither the probe nor the app's own answer decides it.
 */
export function healthCheckCauses(health: BackendHealth): Cause[] {
  return health.inferred.transparent ? [] : [...knownApplicationCauses(health), ...mismatchCauses(health)];
}

/** Known applications that answer the load balancer's plain-HTTP check with a redirect. */
function knownApplicationCauses({ inferred, actual, answers }: BackendHealth): Cause[] {
  const serving = inferred.serving;
  if (!serving || actual.type !== 'HTTP' || (actual.podPort !== undefined && actual.podPort !== serving.port)) return [];
  return answers
    .filter(({ answer }) => answer.redirects !== false)
    .map(({ application, answer }) =>
      cause(
        answer.redirects === true ? 'error' : 'warning',
        answer.redirects === true ? 'redirect' : 'redirectUnknown',
        { app: application.name, status: answer.status, why: answer.why },
        { summary: { text: answer.fix.summary }, commands: answer.fix.commands },
        { application: application.name, redirectStatus: answer.status, references: application.references },
      ),
    );
}

/** Why the load balancer's request differs from the readinessProbe's, if it does. */
function mismatchCauses(health: BackendHealth): Cause[] {
  const { backend, inferred, expected, actual, realCheck, healthCheckExists, answers, state } = health;
  const service = backend.service!;
  const servicePort = backend.servicePort!;
  const serving = inferred.serving;
  const probe = serving?.container.readinessProbe;
  const httpGet = probe?.httpGet;
  const request = `${actual.type} GET ${shownPath(actual.requestPath)} on ${actual.portText}`;
  // A fixed port only when the probe checks another port than the serving one (and on NEGs, where it is a Pod port).
  const matchProbe = (settings: { type: string; requestPath: string; port?: number }) =>
    backendConfigCommands(service, servicePort, { ...settings, type: healthCheckTypeFor(settings.type, answers), port: inferred.neg.enabled && settings.port !== serving?.port ? settings.port : undefined }, state);

  const override = inferred.backendConfigName ? state.kubernetes.get('BackendConfig', backend.namespace, inferred.backendConfigName)?.spec?.healthCheck : undefined;
  if (!httpGet || !serving) {
    // Kubernetes checks something the load balancer cannot (TCP, exec, gRPC) or nothing at all;
    // a BackendConfig path is the user's deliberate answer to that.
    if (override?.requestPath !== undefined) return [];
    const fix: Cause['fix'] = {
      // The controller keeps an existing health check's path (healthchecks.go mergeUserSettings): a new probe changes nothing.
      summary: healthCheckExists
        ? { messageId: 'fixPathForExistingCheck' }
        : { messageId: 'fixAddProbe', data: { container: serving?.container.name ?? '?', port: serving?.port ?? actual.portText } },
      commands: backendConfigCommands(service, servicePort, { type: healthCheckTypeFor(actual.type, answers), requestPath: '/healthz' }, state, REPLACE_PATH),
    };
    if (serving && !probe) return [cause('warning', 'noProbe', { container: serving.container.name, request }, fix)];
    return [cause('warning', 'probeIgnored', { reason: inferred.probe.used ? '' : inferred.probe.detail, request }, fix)];
  }

  const probeRequest = { type: httpGet.scheme ?? 'HTTP', requestPath: healthCheckRequestPath(httpGet.path), port: probePortNumber(httpGet.port, serving.container) };
  const differences = differencesFrom(actual, probeRequest);
  if (differences.length === 0) return [];

  if (realCheck && differencesFrom(actual, { type: expected.type, requestPath: expected.requestPath, port: expected.podPort }).length > 0) {
    const data = { name: realCheck.name ?? '?', actual: request, expected: `${probeRequest.type} GET ${shownPath(probeRequest.requestPath)} on port ${probeRequest.port ?? httpGet.port}` };
    return [cause('warning', 'stale', data, { summary: { messageId: 'fixMatchProbe' }, commands: matchProbe(probeRequest) }, { healthCheck: realCheck.name })];
  }
  if (override && (override.requestPath !== undefined || override.port !== undefined || override.type !== undefined)) {
    const name = inferred.backendConfigName!;
    const fix: Cause['fix'] = { summary: { messageId: 'fixPatchBackendConfig', data: { name } }, commands: matchProbe(probeRequest) };
    return [cause('warning', 'backendConfigDisagrees', { name, differences: differences.join(', ') }, fix, { backendConfig: name })];
  }
  if (inferred.probe.used === false && inferred.probe.exclusion === 'scheme-mismatch') {
    const protocol = inferred.protocol.value;
    const data = { port: servicePort.name ?? String(servicePort.port), protocol, annotation: APP_PROTOCOLS_ANNOTATION, scheme: probeRequest.type, request };
    const { summary, data: summaryData, commands } = protocolMismatchFix(service, servicePort, serving, protocol, answers);
    return [cause('warning', 'protocolMismatch', data, { summary: { messageId: summary, data: summaryData }, commands })];
  }
  const reason = inferred.probe.used ? 'it does not match the serving port' : inferred.probe.detail;
  return [cause('warning', 'probeIgnored', { reason, request }, { summary: { messageId: 'fixMatchProbe' }, commands: matchProbe(probeRequest) })];
}

/** The Pod does not answer the load balancer's request with 200, and nothing else explains why. */
function unansweredProbeCause({ backend, actual, answers, state }: BackendHealth): Cause {
  const commands = backendConfigCommands(backend.service!, backend.servicePort!, { type: healthCheckTypeFor(actual.type, answers), requestPath: actual.requestPath }, state, REPLACE_PATH);
  return cause('error', 'probeNotAnswered', {}, { summary: { messageId: 'fixProbeAnswer', data: { request: `${actual.type} GET ${shownPath(actual.requestPath)}`, port: actual.podPort ?? actual.portText } }, commands });
}

/**
 * UNHEALTHY although the load balancer sends what Kubernetes sends: a firewall, or the app's own
 * answer. When the real health checks could not be read, they may differ (stale), and only reading them tells.
 */
export function unexplainedCause({ inferred, actual, state }: BackendHealth, healthChecksUnread: string | undefined, backendName: string): Cause {
  const port = actual.podPort ?? actual.portText;
  if (healthChecksUnread) {
    const project = state.target.project ? ` --project ${state.target.project}` : '';
    const commands = [`gcloud compute health-checks list${project} --filter="name=${backendName}" --format=json`];
    return cause('error', 'healthCheckUnread', { reason: healthChecksUnread, port }, { summary: { messageId: 'fixReadHealthCheck', data: { port } }, commands }, {}, false);
  }
  const commands = sendRequestCommands(inferred.serving?.source.pod, actual.podPort, actual.type, actual.requestPath);
  return cause('error', 'unexplained', { port }, { summary: { messageId: 'fixUnexplained' }, commands }, {}, false);
}

/** The ingress-health-check messages that say what the serving Pod answered the load balancer's request. */
export type ProbeAnswerMessageId = 'probeError' | 'probeAnswerOk' | 'probeRedirected' | 'probeAnswer';

/**
 * What a live answer to the load balancer's request (`--probe`) does to the causes: a 200 rules out
 * those it would fix; anything else makes the first an error (or, with none, that the Pod does not answer 200).
 */
export function weighProbeAnswer(probe: LiveProbe, causes: Cause[], health: BackendHealth): { causes: Cause[]; line: { messageId: ProbeAnswerMessageId; data: MessageData } } {
  const { pod, request, response } = probe;
  if (response.error) return { causes, line: { messageId: 'probeError', data: { pod, request, error: response.error } } };
  if (response.statusCode === 200) return { causes: causes.filter((cause) => !cause.answeredByProbe), line: { messageId: 'probeAnswerOk', data: { pod, request } } };
  const line: { messageId: ProbeAnswerMessageId; data: MessageData } = response.location
    ? { messageId: 'probeRedirected', data: { pod, request, status: response.statusCode, location: response.location } }
    : { messageId: 'probeAnswer', data: { pod, request, status: response.statusCode } };
  const [first, ...rest] = causes.length > 0 ? causes : [unansweredProbeCause(health)];
  return { causes: [{ ...first!, severity: 'error' }, ...rest], line };
}
