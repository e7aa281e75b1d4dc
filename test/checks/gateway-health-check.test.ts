import { expect } from 'vitest';
import gatewayHealthCheck from '../../checks/gateway-health-check.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS, KubernetesObjects } from '../../src/state/cluster-state.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { fixturePath } from '../support/fixtures.js';
import { fixtureStateWith, withAccepted } from '../support/route-status.js';
import type { Route } from '../../src/state/kubernetes-types.js';

/** gateway-route-namespace-not-selected with namespace argocd labelled for the shared Gateway, the route accepted: now it attaches. */
const argocdNamespaceSelected = () =>
  fixtureStateWith('gateway-route-namespace-not-selected', (object) => {
    if (object.kind === 'Namespace' && object.metadata?.name === 'argocd') object.metadata.labels = { ...object.metadata.labels, 'shared-gateway-access': 'true' };
    if (object.kind === 'HTTPRoute') return withAccepted(object as Route, { status: 'True', reason: 'Accepted' });
    return object;
  });

/** gateway-health-check-named-port with foo's policy's httpHealthCheck replaced. */
const whereamiFooPolicy = (httpHealthCheck: Record<string, unknown>) =>
  fixtureStateWith('gateway-health-check-named-port', (object) => {
    if (object.kind !== 'HealthCheckPolicy' || object.metadata?.name !== 'foo-health-check') return object;
    (object as unknown as { spec: { default: { config: { httpHealthCheck: unknown } } } }).spec.default.config.httpHealthCheck = httpHealthCheck;
    return object;
  });

/** gateway-argocd with GKE's controller saying Accepted=False on the route (the spec reads as attached). */
const argocdRejected = (generations?: { generation: number; observedGeneration: number }) =>
  fixtureStateWith('gateway-argocd', (object) => (object.kind === 'HTTPRoute' ? withAccepted(object as Route, { status: 'False', reason: 'UnsupportedValue' }, generations) : object));

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
    // The twin of gateway-route-namespace-not-selected: the namespace labelled, argocd-server repaired.
    'gateway-route-namespace-selected',
    // The route is not admitted by the shared Gateway's listener: the load balancer never checks argocd-server, so its 307 is no finding.
    { fixture: 'gateway-route-namespace-not-selected', examined: [] },
    {
      name: 'GKE\'s controller says Accepted=False on the route the spec reads as attached: its status is taken, the backend not judged',
      state: await argocdRejected(),
      examined: [],
    },
    {
      name: 'the same Namespace-selector listener with Namespaces unread and no route status: incomplete, not judged',
      state: await fixtureStateWith('gateway-route-namespace-selected', (object) => (object.kind === 'HTTPRoute' ? { ...object, status: undefined } : object)).then((state) => ({
        ...state,
        kubernetes: new KubernetesObjects(state.kubernetes.all().filter((object) => object.kind !== 'Namespace')),
        unavailable: new Map([...state.unavailable, ['Namespace', '403 namespaces is forbidden'] as const]),
      })),
      status: 'incomplete',
      then: (report) => expect(report.reason).toBe('whether HTTPRoute/argocd/argocd-server attaches to Gateway/infra/shared-gateway is not known (Namespace could not be read (403 namespaces is forbidden), so listener http\'s namespace selector was not checked), so its backends were not judged for it'),
    },
    {
      // Every Pod of whereami comes from a Deployment: with Deployments unread, what foo serves is unknown, so nothing is said of it.
      name: 'Deployments unread and no Pod read either: incomplete, no diagnosis of what the container serves',
      state: await whereamiUnhealthy().then((state) => ({
        ...state,
        kubernetes: new KubernetesObjects(state.kubernetes.all().filter((object) => object.kind !== 'Deployment')),
        unavailable: new Map([...state.unavailable, ['Deployment', '503 the server is currently unable to handle the request'] as const]),
      })),
      status: 'incomplete',
      then: (report) => {
        expect(report.findings).toEqual([]);
        expect(report.reason).toContain('the Pods behind Service/gxlb-demo-ns1/foo are not known (503 the server is currently unable to handle the request), so its health check was not judged');
      },
    },
    // The twin of gateway-health-check-named-port: port and portName both set, no portSpecification: port wins (USE_FIXED_PORT 8080).
    'gateway-health-check-port-over-port-name',
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
      name: 'gateway-route-namespace-not-selected with the namespace labelled: the route attaches, and the 307 is found again',
      state: await argocdNamespaceSelected(),
      findings: [{ messageId: 'redirect', resource: ARGOCD, severity: 'error' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('behind Gateway/infra/shared-gateway (through HTTPRoute/argocd/argocd-server)'),
    },
    {
      name: 'a controller\'s Accepted=False written for an older generation of the route is out of date: the spec reading decides',
      state: await argocdRejected({ generation: 2, observedGeneration: 1 }),
      findings: [{ messageId: 'redirect', resource: ARGOCD, severity: 'error' }],
    },
    {
      name: 'a HealthCheckPolicy with USE_NAMED_PORT: no port a NEG endpoint has; the container port name resolved, the policy patched in place',
      fixture: 'gateway-health-check-named-port',
      findings: [{ messageId: 'policyPortUnusable', resource: 'Service/gxlb-demo-ns1/foo', severity: 'warning' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('HealthCheckPolicy foo-health-check config.httpHealthCheck sets USE_NAMED_PORT (portName http), so the load balancer has no port to check.');
        expect(finding!.message).toContain('(container whereami names port 8080 http, the serving port)');
        expect(finding!.message).toContain('load balancer checks: HTTP GET /healthz on a port named http (USE_NAMED_PORT)');
        expect(finding!.evidence).toMatchObject({ portSpecification: 'USE_NAMED_PORT', portName: 'http', loadBalancer: { port: null } });
        expect(finding!.fix!.commands).toEqual([
          'kubectl -n gxlb-demo-ns1 patch healthcheckpolicy foo-health-check --type merge -p \'{"spec":{"default":{"config":{"httpHealthCheck":{"portSpecification":"USE_SERVING_PORT","port":null,"portName":null}}}}}\'',
        ]);
      },
    },
    {
      name: 'portName without port or portSpecification means USE_NAMED_PORT (healthcheck_types.go CommonHealthCheck)',
      state: await whereamiFooPolicy({ portName: 'http', requestPath: '/healthz' }),
      findings: [{ messageId: 'policyPortUnusable', resource: 'Service/gxlb-demo-ns1/foo', severity: 'warning' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('sets portName http without port, which means USE_NAMED_PORT'),
    },
    {
      name: 'USE_FIXED_PORT without a port: Compute needs one; which port was meant is not guessed',
      state: await whereamiFooPolicy({ portSpecification: 'USE_FIXED_PORT', requestPath: '/healthz' }),
      findings: [{ messageId: 'policyPortUnusable', resource: 'Service/gxlb-demo-ns1/foo', severity: 'warning' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('sets USE_FIXED_PORT without a port');
        expect(finding!.fix!.commands).toEqual([]);
      },
    },
    {
      name: 'USE_NAMED_PORT naming a management port the container declares: patched to USE_FIXED_PORT on its number',
      state: await fixtureStateWith('gateway-health-check-named-port', (object) => {
        if (object.kind === 'HealthCheckPolicy' && object.metadata?.name === 'foo-health-check') {
          (object as unknown as { spec: { default: { config: { httpHealthCheck: unknown } } } }).spec.default.config.httpHealthCheck = { portSpecification: 'USE_NAMED_PORT', portName: 'management', requestPath: '/healthz' };
        }
        if (object.kind === 'Deployment' && object.metadata?.name === 'foo') {
          (object as unknown as { spec: { template: { spec: { containers: { ports: unknown[] }[] } } } }).spec.template.spec.containers[0]!.ports.push({ containerPort: 8081, name: 'management', protocol: 'TCP' });
        }
        return object;
      }),
      findings: [{ messageId: 'policyPortUnusable', resource: 'Service/gxlb-demo-ns1/foo', severity: 'warning' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('(container whereami names port 8081 management)');
        expect(finding!.fix!.commands[0]).toContain('{"httpHealthCheck":{"portSpecification":"USE_FIXED_PORT","port":8081,"portName":null}}');
      },
    },
    {
      name: 'USE_NAMED_PORT naming a port the container does not declare: no command, the port is the user\'s to say',
      state: await whereamiFooPolicy({ portSpecification: 'USE_NAMED_PORT', portName: 'management', requestPath: '/healthz' }),
      findings: [{ messageId: 'policyPortUnusable', resource: 'Service/gxlb-demo-ns1/foo', severity: 'warning' }],
      then: ({ findings: [finding] }) => expect(finding!.fix!.commands).toEqual([]),
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
