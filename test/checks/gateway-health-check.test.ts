import { expect } from 'vitest';
import gatewayHealthCheck from '../../checks/gateway-health-check.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS, KubernetesObjects } from '../../src/state/cluster-state.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { fixturePath } from '../support/fixtures.js';

/** Google's whereami Gateway as the load balancer sees it when foo's endpoints fail their health check (getHealth UNHEALTHY). */
async function whereamiUnhealthy() {
  const state = await new SnapshotSource(fixturePath('gateway-whereami')).collect(new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS]));
  const backendHealth = state.backendHealth!.map((entry) =>
    entry.backendService.includes('-foo-')
      ? { ...entry, health: entry.health.map((group) => ({ ...group, status: { ...group.status, healthStatus: group.status.healthStatus!.map((status) => ({ ...status, healthState: 'UNHEALTHY' })) } })) }
      : entry,
  );
  return { ...state, backendHealth };
}

/** The same, with no readinessProbe on foo's container and no backend health read: nothing says GET / fails. */
async function whereamiWithoutProbe() {
  const state = await new SnapshotSource(fixturePath('gateway-whereami')).collect(new Set<DataKey>([...GCP_DATA_KEYS.filter((key) => key !== 'backendHealth'), ...KUBERNETES_KINDS]));
  const objects = state.kubernetes.all().map((object) => {
    if (object.kind !== 'Deployment' || object.metadata?.name !== 'foo') return object;
    const copy = structuredClone(object) as unknown as { spec: { template: { spec: { containers: { readinessProbe?: unknown }[] } } } };
    for (const container of copy.spec.template.spec.containers) delete container.readinessProbe;
    return copy as unknown as typeof object;
  });
  return { ...state, kubernetes: new KubernetesObjects(objects) };
}

const ARGOCD = 'Service/argocd/argocd-server';

testCheck(gatewayHealthCheck, {
  valid: [
    // The twin: argocd-server insecure, and a HealthCheckPolicy for what the probe checks.
    'gateway-argocd-healthy',
    // Google's whereami sample, with a HealthCheckPolicy per Service.
    'gateway-whereami',
    // No GKE Gateway: nothing to look at.
    { fixture: 'seed-argocd-unhealthy', examined: [] },
    {
      name: '--probe: the Pod answers the load balancer\'s GET / with 200 after all (the live answer wins)',
      fixture: 'gateway-argocd',
      context: { probe: async () => ({ statusCode: 200 }) },
    },
    { name: 'the manifests and the plan that applies the fix', manifests: ['preflight/gateway-argocd-manifests'], plan: 'preflight/gateway-argocd-fix.tfplan.json' },
    // Preflight inputs without a Gateway (appliesTo): not applicable, never incomplete.
    { name: 'the fix plan alone', plan: 'preflight/gateway-argocd-fix.tfplan.json', examined: [] },
    { name: 'a plan without Kubernetes objects', plan: 'preflight/seed-eventarc.tfplan.json', examined: [] },
    { name: 'Ingress manifests alone', manifests: ['preflight/argocd-manifests'], examined: [] },
  ],
  invalid: [
    {
      name: 'no readinessProbe and no evidence that the request fails: a note, not a warning (many apps answer 200)',
      state: await whereamiWithoutProbe(),
      findings: [{ messageId: 'noProbe', resource: 'Service/gxlb-demo-ns1/foo', severity: 'info' }],
    },
    {
      name: 'the load balancer marks endpoints UNHEALTHY where Kubernetes and it send the same request: an error, the firewall and the app\'s answer to look at',
      state: await whereamiUnhealthy(),
      findings: [{ messageId: 'unhealthyUnexplained', resource: 'Service/gxlb-demo-ns1/foo', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toMatch(/marks 2 of 2 endpoints of backend service gkegw1-x3lf-gxlb-demo-ns1-foo-8080-0kq3va1s9ybx UNHEALTHY/);
        expect(finding!.evidence.backendHealth).toMatchObject({ unhealthy: 2, total: 2 });
      },
    },
    {
      name: 'seed behind a Gateway: argocd-server answers the default GET / with 307, and the fix is the app setting plus a HealthCheckPolicy',
      fixture: 'gateway-argocd',
      findings: [{ messageId: 'redirect', resource: ARGOCD, severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('behind Gateway/argocd/argocd (through HTTPRoute/argocd/argocd-server)');
        expect(finding!.message).toContain('HTTP GET / on the serving port 8080');
        expect(finding!.message).toContain('307 redirect to HTTPS');
        expect(finding!.message).toContain('no HealthCheckPolicy targets the Service');
        expect(finding!.evidence.loadBalancer).toEqual({ type: 'HTTP', requestPath: '/', port: 8080 });
        const fix = finding!.fix!;
        expect(fix.commands[0]).toBe('kubectl -n argocd patch configmap argocd-cmd-params-cm --type merge -p \'{"data":{"server.insecure":"true"}}\'');
        expect(fix.commands.at(-1)).toContain(['kind: HealthCheckPolicy', 'metadata:', '  name: argocd-server-health-check', '  namespace: argocd'].join('\n'));
        expect(fix.commands.at(-1)).toContain(['      type: HTTP', '      httpHealthCheck:', '        portSpecification: USE_SERVING_PORT', '        requestPath: /healthz'].join('\n'));
        expect(fix.commands.at(-1)).toContain(['  targetRef:', '    group: ""', '    kind: Service', '    name: argocd-server'].join('\n'));
        expect(fix.terraform).toContain('resource "kubernetes_manifest" "argocd-server-health-check" {');
        expect(fix.terraform).toContain('requestPath = "/healthz"');
      },
    },
    {
      name: 'the same from --manifests, before anything is applied',
      manifests: ['preflight/gateway-argocd-manifests'],
      findings: [{ messageId: 'redirect', resource: ARGOCD, severity: 'error' }],
    },
    {
      name: 'a HealthCheckPolicy that targets nothing leaves bar on the default GET /, which the probe never sends',
      fixture: 'gateway-policy-orphan',
      findings: [{ messageId: 'defaultDiffers', resource: 'Service/gxlb-demo-ns2/bar', severity: 'warning' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('load balancer path /, probe path /healthz');
        expect(finding!.fix!.commands[0]).toContain('requestPath: /healthz');
      },
    },
    {
      name: '--probe: the load balancer\'s request sent to the Pod gets the 307',
      fixture: 'gateway-argocd',
      context: { probe: async () => ({ statusCode: 307, location: 'https://10.8.1.14:8080/' }) },
      findings: [{ messageId: 'redirect', resource: ARGOCD, severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain("Sent the load balancer's request to Pod argocd/argocd-server-6b8d4c7f59-q4m7t: HTTP GET / on port 8080 -> 307 Location: https://10.8.1.14:8080/");
      },
    },
  ],
});
