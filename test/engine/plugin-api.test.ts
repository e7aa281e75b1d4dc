import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Check as EngineCheck, CheckContext as EngineCheckContext, Finding as EngineFinding, RunContext as EngineRunContext } from '../../src/engine/check.js';
import type { Report as EngineReport } from '../../src/engine/report.js';
import { runChecksOn } from '../../src/engine/runner.js';
import type { ClusterState as EngineClusterState, DataKey as EngineDataKey, Target as EngineTarget } from '../../src/state/cluster-state.js';
import type { KubernetesKind as EngineKubernetesKind, KubeObject as EngineKubeObject } from '../../src/state/kubernetes-types.js';
import type { Check, CheckContext, ClusterState, DataKey, Finding, KubeObject, KubernetesKind, Report, RunContext, Target } from '../../src/index.js';
import { KubernetesObjects, defineCheck, isGceIngress } from '../../src/index.js';
import { CONTEXT, clusterState } from '../support/state.js';

/**
 * The public API (src/plugin-api.ts) declares its types without any dependency so the published
 * declarations need none; the engine takes the shapes that name no dependency from it, and sees
 * through its own types (client-node's, googleapis') what the API gives as plain JSON. These
 * assertions (checked by tsc in `npm run lint`) keep the two views one, and a check written
 * against the API runs in the engine.
 */
describe('the plugin API', () => {
  it('names the same data, findings and context as the engine', () => {
    expectTypeOf<DataKey>().toEqualTypeOf<EngineDataKey>();
    expectTypeOf<KubernetesKind>().toEqualTypeOf<EngineKubernetesKind>();
    expectTypeOf<Finding>().toEqualTypeOf<EngineFinding>();
    expectTypeOf<Target>().toEqualTypeOf<EngineTarget>();
    expectTypeOf<Omit<Report, 'target'>>().toMatchTypeOf<Omit<EngineReport, 'target' | 'fixes'>>();
    expectTypeOf<EngineRunContext>().toMatchTypeOf<RunContext>();
    expectTypeOf<EngineCheckContext<'m'>>().toMatchTypeOf<CheckContext<'m'>>();
    // What the runner hands a plugin's check is the engine's state.
    expectTypeOf<EngineClusterState>().toMatchTypeOf<ClusterState>();
    // The engine runs a plugin's check as one of its own.
    const asEngineCheck = (check: Check<'m'>): EngineCheck<'m'> => check;
    expect(asEngineCheck).toBeTypeOf('function');
  });

  it('a check written against it runs in the engine: messages, report, the objects read', async () => {
    const pods: EngineKubeObject[] = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx:latest' }] } }];
    const check = defineCheck({
      id: 'no-latest-tag',
      title: 'No container runs an image tagged latest',
      severity: 'warning',
      description: 'd',
      references: [],
      needs: ['Pod'],
      notApplicable: 'no Pods',
      messages: { latest: 'Pod {{pod}} runs an image tagged latest.' },
      run(state, context) {
        const found = state.kubernetes.list('Pod');
        return { examined: found.map((pod) => `Pod/${pod.metadata?.name}`), findings: found.map((pod) => context.report({ messageId: 'latest', data: { pod: pod.metadata?.name ?? '' }, resource: `Pod/${pod.metadata?.name}` })) };
      },
    });
    const report = await runChecksOn(clusterState({}, pods), [check], CONTEXT);
    expect(report.checks[0]!.findings.map((finding) => finding.message)).toEqual(['Pod web runs an image tagged latest.']);
  });

  it('its runtime helpers are the engine\'s', () => {
    const ingress: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop', annotations: { 'kubernetes.io/ingress.class': 'nginx' } } };
    expect(new KubernetesObjects([ingress]).get('Ingress', 'shop', 'web')).toEqual(ingress);
    expect(isGceIngress(ingress)).toBe(false);
    expect(isGceIngress({ ...ingress, metadata: { name: 'web' } })).toBe(true);
  });
});
