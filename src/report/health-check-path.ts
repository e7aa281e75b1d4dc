import type { Finding } from '../engine/check.js';
import type { Markup } from './html-markup.js';
import { html } from './html-markup.js';

/** What a health-check finding's evidence says of one request: its protocol, path and Pod port. */
interface Request {
  type: string | null;
  path: string | null;
  port: number | string | null;
}

/** The two paths to the serving Pod the diagram sets side by side, read from a finding's evidence. */
export interface HealthCheckPath {
  /** NEG: the load balancer reaches Pod IPs on the Pod port; instance group: the nodes on the Service's node port. */
  backend: 'NEG' | 'instance group';
  backendService: string | null;
  /** What the load balancer says of the backend now (UNHEALTHY, 2 of 3 endpoints unhealthy), when known. */
  verdict: string | null;
  loadBalancer: Request;
  /** The kubelet's readiness probe; null when the container has none, undefined when not known. */
  probe: (Request & { container: string; resource: string }) | null | undefined;
  servingContainer: string | null;
  /** What the Pod answers the load balancer's request, when known (a redirect the check recognised, a live answer). */
  answer: number | null;
  differs: { type: boolean; path: boolean; port: boolean; answer: boolean };
}

/**
 * The request paths of an ingress-health-check or gateway-health-check finding, from the
 * evidence those checks write (checks/ingress-health-check.ts: `backend`, `loadBalancerCheck`,
 * `backendStatus`, `backendHealth`, `redirectStatus`, `probe`; checks/gateway-health-check.ts:
 * `loadBalancer`, `servingContainer`; both: `readinessProbe`). Undefined for any other finding.
 */
export function healthCheckPath(checkId: string, finding: Finding): HealthCheckPath | undefined {
  const evidence = finding.evidence ?? {};
  const check = record(evidence.loadBalancerCheck) ?? record(evidence.loadBalancer);
  if (!['ingress-health-check', 'gateway-health-check'].includes(checkId) || !check) return undefined;
  const loadBalancer: Request = { type: text(check.type), path: text(check.requestPath), port: port(check.port) };
  const serving = record(evidence.servingContainer);
  const probeEvidence = record(evidence.readinessProbe);
  const probe =
    evidence.readinessProbe === null
      ? null
      : probeEvidence
        ? { type: text(probeEvidence.type), path: text(probeEvidence.path), port: port(probeEvidence.port), container: text(probeEvidence.container) ?? '?', resource: text(probeEvidence.resource) ?? '?' }
        : undefined;
  const health = record(evidence.backendHealth);
  const verdict = health
    ? `${num(health.unhealthy) ?? '?'} of ${num(health.total) ?? '?'} endpoints UNHEALTHY`
    : text(evidence.backendStatus);
  const live = record(evidence.probe);
  const answer = num(evidence.redirectStatus) ?? num(live?.statusCode);
  const httpProbe = probe && (probe.type === 'HTTP' || probe.type === 'HTTPS');
  return {
    // The Gateway controller always uses NEGs (container-native load balancing).
    backend: evidence.backend === 'instance group' ? 'instance group' : 'NEG',
    backendService: text(health?.backendService) ?? text(evidence.backendName),
    verdict,
    loadBalancer,
    probe,
    servingContainer: text(serving?.container) ?? probe?.container ?? null,
    answer,
    differs: {
      type: Boolean(probe && probe.type !== loadBalancer.type),
      path: Boolean(httpProbe && loadBalancer.path !== null && probe.path !== loadBalancer.path),
      port: Boolean(probe && probe.port !== null && loadBalancer.port !== null && String(probe.port) !== String(loadBalancer.port)),
      // The load balancer takes only 200 as healthy (ingress-gce #1768); the kubelet any 200-399 (kubernetes pkg/probe/http/http.go DoHTTPProbe).
      answer: answer !== null && answer !== 200,
    },
  };
}

/** The diagram: the load balancer's path to the Pod above, the kubelet's readiness probe below, each difference marked. */
export function renderHealthCheckPath(path: HealthCheckPath): Markup {
  const { loadBalancer: lb, probe, differs } = path;
  const mark = (differ: boolean) => (differ ? ' differs' : '');
  const hop = path.backend === 'NEG' ? html`NEG: Pod IP, port ${lb.port ?? '?'}` : html`instance group: node port of the Service, then Pod port ${lb.port ?? '?'}`;
  const answer =
    path.answer === null
      ? html`answers: not known`
      : html`answers ${path.answer}${path.answer === 200 ? '' : path.answer >= 200 && path.answer < 400 ? ' (kubelet: ready; load balancer: unhealthy)' : ''}`;
  const probeBoxes =
    probe === undefined
      ? html`<li class="hop">readiness probe: not known</li>`
      : probe === null
        ? html`<li class="hop differs">no readiness probe: ready once the container starts</li>`
        : html`<li class="hop${mark(differs.type || differs.path)}">readinessProbe <b class="type${mark(differs.type)}">${probe.type ?? '?'}</b>${probe.path !== null ? html` GET <b class="path${mark(differs.path)}">${probe.path}</b>` : ''}, ready on 200-399</li>
          <li class="hop${mark(differs.port)}">Pod port <b class="port${mark(differs.port)}">${probe.port ?? '?'}</b></li>`;
  return html`<figure class="hc-path" aria-label="health check path">
  <ol class="lane lb-lane">
    <li class="hop${path.verdict && /UNHEALTHY/.test(path.verdict) && !/^0 of/.test(path.verdict) ? ' bad' : ''}">load balancer${path.backendService ? html`<br><small>${path.backendService}</small>` : ''}${path.verdict ? html`<br><small>${path.verdict}</small>` : ''}</li>
    <li class="hop${mark(differs.type || differs.path)}">health check <b class="type${mark(differs.type)}">${lb.type ?? '?'}</b> GET <b class="path${mark(differs.path)}">${lb.path ?? '?'}</b>, healthy only on 200</li>
    <li class="hop${mark(differs.port)}">${hop}</li>
    <li class="hop${mark(differs.answer)}">Pod${path.servingContainer ? html` (${path.servingContainer})` : ''}<br><small>${answer}</small></li>
  </ol>
  <ol class="lane probe-lane">
    <li class="hop">kubelet</li>
    ${probeBoxes}
    <li class="hop">Pod${probe?.container ? html` (${probe.container})` : ''}${probe && path.answer !== null && (probe.type === 'HTTP' || probe.type === 'HTTPS') && !differs.path && !differs.port ? html`<br><small>answers ${path.answer}: ${path.answer >= 200 && path.answer < 400 ? 'ready' : 'not ready'}</small>` : ''}</li>
  </ol>
  <figcaption>${differenceText(path)}</figcaption>
</figure>`;
}

function differenceText({ differs, probe, answer }: HealthCheckPath): string {
  const parts = [
    differs.type && 'protocol',
    differs.path && 'path',
    differs.port && 'port',
    differs.answer && `what counts as healthy (the Pod answers ${answer})`,
  ].filter(Boolean);
  if (probe === null) parts.push('the kubelet sends no request at all');
  return parts.length > 0 ? `Where they differ: ${parts.join(', ')}.` : 'The two requests agree on protocol, path and port.';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function port(value: unknown): number | string | null {
  return typeof value === 'number' || typeof value === 'string' ? value : null;
}
