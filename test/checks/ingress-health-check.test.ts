import { describe, expect, it } from 'vitest';
import ingressHealthCheck from '../../checks/ingress-health-check.js';
import type { ProbeResponse } from '../../src/engine/check.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { runCheck } from '../support/state.js';
import { FIXTURE_NOW, checkReport, fixturePath, runFixture } from '../support/fixtures.js';

const ID = 'ingress-health-check';

async function run(fixture: string, probe?: (request: { namespace: string; pod: string; port: number; path: string; scheme: 'HTTP' | 'HTTPS' }) => Promise<ProbeResponse>) {
  return checkReport(await runFixture(fixture, { only: [ID], context: probe ? { probe } : {} }), ID);
}

describe('ingress-health-check on fixtures', () => {
  const cases: { fixture: string; status: string; findings: { severity: string; resource: string; message: RegExp[]; fix?: RegExp[] }[] }[] = [
    {
      fixture: 'seed-argocd-unhealthy',
      status: 'failed',
      findings: [
        {
          severity: 'error',
          resource: 'Service/argocd/argocd-server',
          message: [/UNHEALTHY/, /argocd-server answers the load balancer's plain-HTTP health check with a 307 redirect to HTTPS: it runs without --insecure, and ARGOCD_SERVER_INSECURE comes from key server.insecure of ConfigMap argocd\/argocd-cmd-params-cm, which is not set\. /, /receives a 307 where it needs a 200/, /Kubernetes checks: HTTP GET \/healthz on port 8080/, /load balancer checks: HTTP GET \/healthz/],
          fix: [/patch configmap argocd-cmd-params-cm --type merge -p '\{"data":\{"server.insecure":"true"\}\}'/, /rollout restart deployment\/argocd-server/],
        },
      ],
    },
    { fixture: 'ingress-argocd-insecure', status: 'passed', findings: [] },
    { fixture: 'ingress-backendconfig-fix', status: 'passed', findings: [] },
    { fixture: 'ingress-named-ports', status: 'passed', findings: [] },
    { fixture: 'ingress-multi-container', status: 'passed', findings: [] },
    { fixture: 'ingress-https-backend', status: 'passed', findings: [] },
    {
      fixture: 'ingress-probe-other-port',
      status: 'failed',
      findings: [
        {
          severity: 'error',
          resource: 'Service/shop/web',
          message: [/UNHEALTHY/, /ignores the readinessProbe: the readinessProbe checks port 8081, not the serving port 8080/, /Kubernetes checks: HTTP GET \/healthz on port 8081/, /load balancer checks: HTTP GET \/ on port 8080/],
          fix: [/kind: BackendConfig\n[\s\S]*requestPath: \/healthz\n\s+port: 8081/, /annotate service web cloud.google.com\/backend-config='\{"ports":\{"http":"web-health-check"\}\}'/],
        },
      ],
    },
    {
      fixture: 'ingress-tcp-probe',
      status: 'failed',
      findings: [
        {
          severity: 'warning',
          resource: 'Service/shop/web',
          message: [/is tcpSocket, and the controller uses only httpGet probes/, /Kubernetes checks: a TCP connection to port 8080/, /load balancer checks: HTTP GET \/ on port 8080/],
          fix: [/^Set a path that answers 200 in a BackendConfig.*does not copy a readinessProbe added now/, /requestPath: \/healthz/],
        },
      ],
    },
    {
      fixture: 'ingress-no-readiness-probe',
      status: 'failed',
      findings: [
        {
          severity: 'error',
          resource: 'Service/shop/web',
          message: [/UNHEALTHY/, /has no readinessProbe/, /load balancer checks: HTTP GET \/ on port 8080/],
          fix: [/^Set a path that answers 200 in a BackendConfig/, /annotate service web cloud.google.com\/backend-config=/],
        },
      ],
    },
    {
      fixture: 'ingress-protocol-mismatch',
      status: 'failed',
      findings: [
        {
          severity: 'warning',
          resource: 'Service/shop/web',
          message: [/speaks HTTPS \(cloud.google.com\/app-protocols\), but the readinessProbe uses HTTP/, /load balancer checks: HTTPS GET \/ on port 8443/],
          fix: [/readinessProbe\/httpGet\/scheme","value":"HTTPS"/, /cloud.google.com\/app-protocols='\{\}'/],
        },
      ],
    },
    {
      fixture: 'ingress-backendconfig-mismatch',
      status: 'failed',
      findings: [
        {
          severity: 'warning',
          resource: 'Service/shop/web',
          message: [/BackendConfig web-health-check makes the load balancer check a different request from the readinessProbe/, /load balancer path \/status, probe path \/healthz/],
          fix: [/patch backendconfig web-health-check --type merge -p '\{"spec":\{"healthCheck":\{"type":"HTTP","requestPath":"\/healthz"\}\}\}'/],
        },
      ],
    },
    {
      fixture: 'ingress-stale-health-check',
      status: 'failed',
      findings: [
        {
          severity: 'error',
          resource: 'Service/shop/web',
          message: [/Health check k8s1-7c1a2b3d-shop-web-80-[0-9a-f]{8} still checks HTTP GET \/healthz/, /but the readinessProbe now checks HTTP GET \/ready on port 8080: the controller copies/],
          fix: [/requestPath: \/ready/],
        },
      ],
    },
  ];

  it.each(cases)('$fixture -> $status', async ({ fixture, status, findings }) => {
    const report = await run(fixture);
    expect(report.status).toBe(status);
    expect(report.findings.map(({ severity, resource }) => ({ severity, resource }))).toEqual(findings.map(({ severity, resource }) => ({ severity, resource })));
    report.findings.forEach((finding, index) => {
      const expected = findings[index]!;
      for (const pattern of expected.message) expect(finding.message).toMatch(pattern);
      // Every finding shows both checks side by side.
      expect(finding.message).toMatch(/^Kubernetes checks: /m);
      expect(finding.message).toMatch(/^load balancer checks: /m);
      expect(finding.fix).not.toBeNull();
      const fixText = [finding.fix!.summary, ...finding.fix!.commands].join('\n');
      for (const pattern of expected.fix ?? []) expect(fixText).toMatch(pattern);
    });
  });

  it('names the Services it examined', async () => {
    expect((await run('seed-argocd-unhealthy')).examined).toEqual(['Service/argocd/argocd-server']);
  });
});

describe('ingress-health-check with the live --probe capability', () => {
  it('sends the load balancer request to the first Pod and reports a redirect as the evidence', async () => {
    const requests: unknown[] = [];
    const report = await run('seed-argocd-unhealthy', async (request) => {
      requests.push(request);
      return { statusCode: 307, location: 'https://10.8.1.17:8080/healthz' };
    });
    expect(requests).toEqual([{ namespace: 'argocd', pod: expect.stringMatching(/^argocd-server-/), port: 8080, path: '/healthz', scheme: 'HTTP' }]);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.severity).toBe('error');
    expect(report.findings[0]!.message).toMatch(/HTTP GET \/healthz on port 8080 -> 307 Location: https:\/\/10.8.1.17:8080\/healthz: the load balancer needs 200\./);
    expect(report.findings[0]!.evidence.probe).toEqual({ request: 'HTTP GET /healthz on port 8080', statusCode: 307, location: 'https://10.8.1.17:8080/healthz' });
  });

  it('drops the configuration guess when the Pod answers the load balancer request with 200', async () => {
    const report = await run('ingress-tcp-probe', async () => ({ statusCode: 200 }));
    expect(report.status).toBe('passed');
    expect(report.findings.map((finding) => finding.severity)).toEqual(['info']);
    expect(report.findings[0]!.message).toMatch(/HTTP GET \/ on port 8080 -> 200/);
  });

  it('turns a passing configuration into an error when the Pod does not answer 200', async () => {
    const report = await run('ingress-named-ports', async () => ({ statusCode: 404 }));
    expect(report.findings.map((finding) => finding.severity)).toEqual(['error']);
    expect(report.findings[0]!.message).toMatch(/HTTP GET \/healthz on port 8080 -> 404: the load balancer needs 200/);
    expect(report.findings[0]!.fix!.commands.join('\n')).toMatch(/kind: BackendConfig/);
  });

  it('keeps an UNHEALTHY backend an error even when the Pod answers 200', async () => {
    const report = await run('ingress-no-readiness-probe', async () => ({ statusCode: 200 }));
    expect(report.findings.map((finding) => finding.severity)).toEqual(['error']);
    expect(report.findings[0]!.message).toMatch(/firewall rule must let 130.211.0.0\/22 and 35.191.0.0\/16/);
    expect(report.findings[0]!.message).toMatch(/-> 200/);
  });

  it('says when the request could not be sent, and keeps the configuration finding', async () => {
    const report = await run('ingress-tcp-probe', async () => ({ statusCode: 0, error: 'connect ECONNREFUSED 10.8.1.17:8080' }));
    expect(report.findings.map((finding) => finding.severity)).toEqual(['warning']);
    expect(report.findings[0]!.message).toMatch(/Could not send the load balancer's request .*ECONNREFUSED/);
  });
});

describe('ingress-health-check when no container declares the named targetPort', () => {
  it('says which getHTTPProbe rule excluded the probe', async () => {
    const state = await new SnapshotSource(fixturePath('ingress-named-ports')).collect(new Set(['Ingress', 'Service', 'Pod']));
    const service = state.kubernetes.get('Service', 'shop', 'web')!;
    service.spec!.ports![0]!.targetPort = 'web';
    const result = await runCheck(ingressHealthCheck, state, { now: FIXTURE_NOW, stuckAfterMs: 0 });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]!.message).toMatch(/ignores the readinessProbe: no container declares a containerPort matching the Service targetPort "web"/);
  });
});
