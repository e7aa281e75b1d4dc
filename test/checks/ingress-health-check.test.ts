import { expect } from 'vitest';
import ingressHealthCheck from '../../checks/ingress-health-check.js';
import { configuredRedirectingApplications } from '../../src/config/redirecting-applications.js';
import type { ProbeResponse } from '../../src/engine/check.js';
import type { CheckReport } from '../../src/engine/report.js';
import { dataKeysFor } from '../../src/engine/runner.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { permissionDenied } from '../support/fake-gcp.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

const SERVICE = 'Service/shop/web';
const ARGOCD = 'Service/argocd/argocd-server';

/** The message of finding `index`, and its fix (summary and commands), as one text. */
const message = (report: CheckReport, index = 0) => report.findings[index]!.message;
const fix = (report: CheckReport, index = 0) => [report.findings[index]!.fix!.summary, ...report.findings[index]!.fix!.commands].join('\n');

/** What the live `--probe` capability answers, recording what it was asked. */
function answering(response: ProbeResponse, requests: unknown[] = []) {
  return async (request: unknown) => {
    requests.push(request);
    return response;
  };
}

// ingress-named-ports, where the Service targetPort names a port no container declares.
const unnamedTarget = await new SnapshotSource(fixturePath('ingress-named-ports')).collect(new Set(['Ingress', 'Service', 'Pod']));
unnamedTarget.kubernetes.get('Service', 'shop', 'web')!.spec!.ports![0]!.targetPort = 'web';

const probeRequests: unknown[] = [];

/** What the live source reads of a fixture served by the fakes, with a failure injected. */
async function readLive(fixture: string, inject: (served: ServedFixture) => void) {
  const served = await serveFixture(fixture);
  try {
    inject(served);
    return await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(dataKeysFor([ingressHealthCheck]));
  } finally {
    await served.close();
  }
}

// Compute health checks denied, and BackendConfigs denied, as the real APIs answer.
const healthChecksDenied = await readLive('ingress-stale-health-check', (served) =>
  served.gcp.inject({ path: /\/healthChecks$/, status: 403, body: permissionDenied('compute.healthChecks.list', 'compute.googleapis.com', 'projects/acme-platform') }),
);
const backendConfigsDenied = (fixture: string) =>
  readLive(fixture, (served) => served.kube.inject({ path: /\/backendconfigs$/, status: 403, body: forbidden('list', 'backendconfigs', 'cloud.google.com') }));
const backendConfigFixDenied = await backendConfigsDenied('ingress-backendconfig-fix');
const podsDenied = await readLive('ingress-named-ports', (served) =>
  served.kube.inject({ path: /\/(pods|deployments|statefulsets|daemonsets|replicasets)$/, status: 403, body: forbidden('list', 'pods') }),
);
const backendConfigMismatchDenied = await backendConfigsDenied('ingress-backendconfig-mismatch');

testCheck(ingressHealthCheck, {
  valid: [
    'ingress-argocd-insecure',
    'ingress-backendconfig-fix',
    'ingress-named-ports',
    'ingress-multi-container',
    'ingress-https-backend',
    // argocd-server serving TLS behind an HTTPS backend, probed over HTTPS.
    'ingress-argocd-https-backend-probe-https',
    // Preflight: manifests without an Ingress hold nothing this check judges (Check.appliesTo).
    { name: 'manifests without an Ingress', manifests: ['preflight/gateway-argocd-manifests'], examined: [] },
  ],
  invalid: [
    {
      fixture: 'seed-argocd-unhealthy',
      findings: [{ messageId: 'redirect', resource: ARGOCD, severity: 'error' }],
      examined: [ARGOCD],
      then: (report) => {
        expect(message(report)).toMatch(
          /UNHEALTHY[\s\S]*argocd-server answers the load balancer's plain-HTTP health check with a 307 redirect to HTTPS: it runs without --insecure, and ARGOCD_SERVER_INSECURE comes from key server.insecure of ConfigMap argocd\/argocd-cmd-params-cm, which is not set\. [\s\S]*Kubernetes checks: HTTP GET \/healthz on port 8080[\s\S]*load balancer checks: HTTP GET \/healthz/,
        );
        expect(fix(report)).toMatch(/patch configmap argocd-cmd-params-cm --type merge -p '\{"data":\{"server.insecure":"true"\}\}'[\s\S]*rollout restart deployment\/argocd-server/);
      },
    },
    {
      fixture: 'ingress-probe-other-port',
      findings: [{ messageId: 'probeIgnored', resource: SERVICE, severity: 'error' }],
      then: (report) => {
        expect(message(report)).toMatch(/the readinessProbe checks port 8081, not the serving port 8080[\s\S]*load balancer checks: HTTP GET \/ on the serving port \(8080\)/);
        expect(fix(report)).toMatch(/kind: BackendConfig\n[\s\S]*requestPath: \/healthz\n\s+port: 8081[\s\S]*cloud.google.com\/backend-config='\{"ports":\{"http":"web-health-check"\}\}'/);
      },
    },
    {
      fixture: 'ingress-tcp-probe',
      findings: [{ messageId: 'probeIgnored', resource: SERVICE, severity: 'warning' }],
      then: (report) => expect(fix(report)).toMatch(/^Set a path that answers 200 in a BackendConfig.*does not copy a readinessProbe added now/),
    },
    {
      fixture: 'ingress-no-readiness-probe',
      findings: [{ messageId: 'noProbe', resource: SERVICE, severity: 'error' }],
    },
    {
      // The load balancer's own word (backendServices.getHealth) confirms the inference, whatever the annotation says.
      fixture: 'ingress-backend-health-unhealthy',
      findings: [{ messageId: 'noProbe', resource: SERVICE, severity: 'error' }],
      then: (report) => {
        expect(report.findings[0]!.message).toMatch(/marks 2 of 2 endpoints of backend service k8s1-7c1a2b3d-shop-web-80-626c200e UNHEALTHY \(10\.8\.1\.17:8080, 10\.8\.2\.18:8080/);
        expect(report.findings[0]!.evidence.backendHealth).toMatchObject({ unhealthy: 2, total: 2 });
      },
    },
    {
      // Every endpoint HEALTHY: never reported as failing its health check; the inference is a note.
      fixture: 'ingress-backend-health-healthy',
      findings: [{ messageId: 'noProbe', resource: SERVICE, severity: 'info' }],
      then: (report) => expect(report.findings[0]!.message).toMatch(/reports all 2 endpoints .* HEALTHY/),
    },
    {
      // Both ways out: the Pod's protocol is not known.
      fixture: 'ingress-protocol-mismatch',
      findings: [{ messageId: 'protocolMismatch', resource: SERVICE, severity: 'warning' }],
      then: (report) => expect(fix(report)).toMatch(/readinessProbe\/httpGet\/scheme","value":"HTTPS"[\s\S]*cloud.google.com\/app-protocols='\{\}'/),
    },
    {
      // argocd-server redirects plain HTTP: dropping HTTPS from the annotation (or its TLS) would break a working backend.
      fixture: 'ingress-argocd-https-backend',
      findings: [{ messageId: 'protocolMismatch', resource: ARGOCD, severity: 'warning' }],
      then: (report) => {
        expect(fix(report)).toMatch(/readinessProbe\/httpGet\/scheme","value":"HTTPS"/);
        expect(fix(report)).not.toMatch(/app-protocols=|insecure/);
      },
    },
    {
      // Insecure argocd-server serves no TLS: only dropping HTTPS from the annotation helps.
      fixture: 'ingress-argocd-insecure-https-backend',
      findings: [{ messageId: 'protocolMismatch', resource: ARGOCD, severity: 'error' }],
      then: (report) => {
        expect(fix(report)).toContain(`kubectl -n argocd annotate service argocd-server cloud.google.com/app-protocols='{}' --overwrite`);
        expect(fix(report)).not.toMatch(/"value":"HTTPS"/);
      },
    },
    {
      fixture: 'ingress-backendconfig-mismatch',
      findings: [{ messageId: 'backendConfigDisagrees', resource: SERVICE, severity: 'warning' }],
      then: (report) => {
        expect(message(report)).toMatch(/load balancer path \/status, probe path \/healthz/);
        expect(fix(report)).toMatch(/patch backendconfig web-health-check --type merge -p '\{"spec":\{"healthCheck":\{"type":"HTTP","requestPath":"\/healthz"\}\}\}'/);
      },
    },
    {
      fixture: 'ingress-stale-health-check',
      findings: [{ messageId: 'stale', resource: SERVICE, severity: 'error' }],
      then: (report) => {
        expect(message(report)).toMatch(/Health check k8s1-7c1a2b3d-shop-web-80-[0-9a-f]{8} still checks HTTP GET \/healthz[\s\S]*now checks HTTP GET \/ready on port 8080/);
        expect(fix(report)).toMatch(/requestPath: \/ready/);
      },
    },
    {
      // Health checks unread: the stale check cannot be seen, and must not be taken for a firewall problem.
      name: 'ingress-stale-health-check, compute health checks denied (live)',
      state: healthChecksDenied,
      findings: [{ messageId: 'healthCheckUnread', resource: SERVICE, severity: 'error' }],
      then: (report) => {
        expect(message(report)).toMatch(/health checks could not be read \(.*compute.healthChecks.list[\s\S]*may still check what an earlier readinessProbe said/);
        expect(message(report)).toMatch(/load balancer checks: .*the real health check could not be read/);
        expect(fix(report)).toMatch(/gcloud compute health-checks list --project acme-platform --filter="name=k8s1-7c1a2b3d-shop-web-80-/);
      },
    },
    {
      // The BackendConfig already fixes the path: with it unread, nothing is passed and no fix is proposed again.
      name: 'ingress-backendconfig-fix, BackendConfigs denied (live)',
      state: backendConfigFixDenied,
      findings: [{ messageId: 'backendConfigUnread', resource: SERVICE, severity: 'warning' }],
      then: (report) => {
        expect(message(report)).toMatch(/BackendConfig web-health-check, which the Service names for this port .*could not be read \(.*backendconfigs/);
        expect(fix(report)).not.toMatch(/kind: BackendConfig|annotate|patch/);
      },
    },
    {
      // No Pod found because none could be read is not "nothing to check".
      name: 'ingress-named-ports, Pods and workloads denied (live)',
      state: podsDenied,
      findings: [{ messageId: 'podsUnread', resource: SERVICE, severity: 'warning' }],
      then: (report) => expect(message(report)).toMatch(/could not all be read \(.*pods/),
    },
    {
      name: 'ingress-backendconfig-mismatch, BackendConfigs denied (live)',
      state: backendConfigMismatchDenied,
      findings: [{ messageId: 'backendConfigUnread', resource: SERVICE, severity: 'warning' }],
    },
    {
      // A probe header can be a credential: its name is said, never its value.
      fixture: 'ingress-probe-auth-header',
      findings: [{ messageId: 'probeIgnored', resource: SERVICE, severity: 'warning' }],
      then: (report) => {
        expect(message(report)).toMatch(/sends headers \(Authorization\)[\s\S]*with header Authorization,/);
        expect(JSON.stringify(report)).not.toContain('gkd-planted-probe-token');
      },
    },
    {
      name: 'ingress-named-ports, targetPort naming no declared container port',
      state: unnamedTarget,
      findings: [{ messageId: 'probeIgnored', resource: SERVICE, severity: 'warning' }],
      then: (report) => expect(message(report)).toMatch(/no container declares a containerPort matching the Service targetPort "web"/),
    },
    {
      // An application the user's config declares as redirecting plain HTTP.
      name: 'ingress-named-ports with shop-web declared redirecting in the config',
      fixture: 'ingress-named-ports',
      context: { redirectingApplications: configuredRedirectingApplications([{ name: 'shop-web', image: '*-docker.pkg.dev/acme-platform/apps/shop-web:*', status: 301 }], '.gke-doctor.yaml') },
      findings: [{ messageId: 'redirect', resource: SERVICE, severity: 'error' }],
      then: (report) => expect(message(report)).toMatch(/shop-web answers the load balancer's plain-HTTP health check with a 301 redirect to HTTPS: .gke-doctor.yaml declares/),
    },
    // With the live --probe capability: the load balancer's request sent to the first Pod.
    {
      name: 'seed-argocd-unhealthy, --probe answering 307',
      fixture: 'seed-argocd-unhealthy',
      context: { probe: answering({ statusCode: 307, location: 'https://10.8.1.17:8080/healthz' }, probeRequests) },
      findings: [{ messageId: 'redirect', resource: ARGOCD, severity: 'error' }],
      then: (report) => {
        expect(probeRequests).toEqual([{ namespace: 'argocd', pod: expect.stringMatching(/^argocd-server-/), port: 8080, path: '/healthz', scheme: 'HTTP' }]);
        expect(message(report)).toMatch(/HTTP GET \/healthz on port 8080 -> 307 Location: https:\/\/10.8.1.17:8080\/healthz: the load balancer needs 200\./);
        expect(report.findings[0]!.evidence.probe).toEqual({ request: 'HTTP GET /healthz on port 8080', statusCode: 307, location: 'https://10.8.1.17:8080/healthz' });
      },
    },
    {
      // A 200 rules out the configuration guess.
      name: 'ingress-tcp-probe, --probe answering 200',
      fixture: 'ingress-tcp-probe',
      context: { probe: answering({ statusCode: 200 }) },
      findings: [{ messageId: 'probeAnswered', resource: SERVICE, severity: 'info' }],
      then: (report) => expect(message(report)).toMatch(/HTTP GET \/ on port 8080 -> 200/),
    },
    {
      name: 'ingress-named-ports, --probe answering 404',
      fixture: 'ingress-named-ports',
      context: { probe: answering({ statusCode: 404 }) },
      findings: [{ messageId: 'probeNotAnswered', resource: SERVICE, severity: 'error' }],
      then: (report) => {
        expect(message(report)).toMatch(/HTTP GET \/healthz on port 8080 -> 404: the load balancer needs 200/);
        expect(fix(report)).toMatch(/kind: BackendConfig/);
      },
    },
    {
      // UNHEALTHY stays an error even when the Pod answers 200.
      name: 'ingress-no-readiness-probe, --probe answering 200',
      fixture: 'ingress-no-readiness-probe',
      context: { probe: answering({ statusCode: 200 }) },
      findings: [{ messageId: 'unexplained', resource: SERVICE, severity: 'error' }],
      then: (report) => expect(message(report)).toMatch(/firewall rule must let 130.211.0.0\/22 and 35.191.0.0\/16[\s\S]*-> 200/),
    },
    {
      name: 'ingress-tcp-probe, --probe failing',
      fixture: 'ingress-tcp-probe',
      context: { probe: answering({ statusCode: 0, error: 'connect ECONNREFUSED 10.8.1.17:8080' }) },
      findings: [{ messageId: 'probeIgnored', resource: SERVICE, severity: 'warning' }],
      then: (report) => expect(message(report)).toMatch(/Could not send the load balancer's request .*ECONNREFUSED/),
    },
  ],
});
