import { expect } from 'vitest';
import terminatingNamespace from '../../checks/terminating-namespace.js';
import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { fixturePath } from '../support/fixtures.js';

/** A fixture as a live read that could not list everything would give it. */
async function withFailures(
  fixture: string,
  failures: Pick<ClusterState, 'unreadInNamespaces' | 'undiscovered'> & { apiServices?: string; cluster?: string; eventarcTriggers?: string },
): Promise<ClusterState> {
  const read = await new SnapshotSource(fixturePath(fixture)).collect(new Set<DataKey>(['cluster', 'eventarcTriggers', 'ObjectsInTerminatingNamespaces', ...KUBERNETES_KINDS]));
  const state = { ...read, ...(failures.cluster ? { cluster: undefined } : {}), ...(failures.eventarcTriggers ? { eventarcTriggers: undefined } : {}) };
  const unavailable = new Map(state.unavailable);
  if (failures.apiServices) unavailable.set('APIService', failures.apiServices);
  if (failures.cluster) unavailable.set('cluster', failures.cluster);
  if (failures.eventarcTriggers) unavailable.set('eventarcTriggers', failures.eventarcTriggers);
  const objects = state.kubernetes.all().filter((object) => !(failures.apiServices && object.kind === 'APIService'));
  const { unreadInNamespaces, undiscovered } = failures;
  return { ...state, unreadInNamespaces, undiscovered, unavailable, kubernetes: new KubernetesObjects(objects) };
}

const SECRETS_FORBIDDEN = { resource: 'secrets', reason: 'secrets is forbidden: User "viewer@acme-platform.iam.gserviceaccount.com" cannot list resource "secrets" in API group "" in the namespace "argocd" (403; RBAC)' };

/** The twin whose Gateway controller runs, on a cluster whose Gateway API has been turned off. */
async function gatewayApiOff() {
  const state = await new SnapshotSource(fixturePath('namespace-gateway-controller-running')).collect(new Set<DataKey>(['cluster', 'ObjectsInTerminatingNamespaces', ...KUBERNETES_KINDS]));
  return { ...state, cluster: { ...state.cluster, networkConfig: { ...state.cluster!.networkConfig, gatewayApiConfig: undefined } } };
}

const stuck = (namespace: string) => ({ messageId: 'stuck', resource: `Namespace/${namespace}`, severity: 'error' as const });

testCheck(terminatingNamespace, {
  valid: [
    'healthy',
    'seed-ingress-addon-disabled',
    // Preflight inputs without a Namespace (appliesTo): none is being deleted, so not applicable rather than incomplete.
    { name: 'a plan alone', plan: 'preflight/seed-eventarc.tfplan.json', examined: [] },
    { name: 'healthy Gateway manifests and their plan', manifests: ['preflight/gateway-argocd-manifests'], plan: 'preflight/gateway-argocd-fix.tfplan.json', examined: [] },
    { name: 'manifests with a Namespace not being deleted', manifests: ['-'], stdin: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n', examined: ['Namespace/web'] },
  ],
  invalid: [
    {
      name: 'a kind that could not be listed in the namespace is named with why, and the finding says what is left is not fully known',
      state: await withFailures('namespace-argocd-controller-gone', { unreadInNamespaces: new Map([['argocd', [SECRETS_FORBIDDEN]]]) }),
      findings: [stuck('argocd')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain(`These kinds could not be read in the namespace, so what is left in it is not fully known: secrets (${SECRETS_FORBIDDEN.reason}).`);
        expect(finding!.evidence.notRead).toMatchObject({ kindsInNamespace: [SECRETS_FORBIDDEN] });
      },
    },
    {
      name: 'a namespace that looks only waiting is not called waiting when a kind in it could not be read',
      state: await withFailures('namespace-gateway-controller-running', { unreadInNamespaces: new Map([['argocd', [SECRETS_FORBIDDEN]]]) }),
      findings: [stuck('argocd')],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('secrets (secrets is forbidden'),
    },
    {
      name: 'API group versions whose discovery failed are named',
      state: await withFailures('namespace-argocd-controller-gone', { undiscovered: [{ resource: 'metrics.k8s.io/v1beta1', reason: '503 the server is currently unable to handle the request' }] }),
      findings: [stuck('argocd')],
      then: ({ findings: [finding] }) =>
        expect(finding!.message).toContain('Kinds that could not be seen: metrics.k8s.io/v1beta1 (503 the server is currently unable to handle the request): their objects in this namespace are not known'),
    },
    {
      name: 'a discovery failure an unavailable APIService explains is said once, as the APIService (live and snapshot agree)',
      state: await withFailures('seed-eventarc-stuck-namespace', { undiscovered: [{ resource: 'metrics.k8s.io/v1beta1', reason: '503 the server is currently unable to handle the request' }] }),
      findings: [stuck('events-system')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('APIService v1beta1.metrics.k8s.io is unavailable');
        expect(finding!.message).not.toContain('could not be seen');
      },
    },
    {
      name: 'the cluster unreadable: whether the ingress controller runs is unknown, and the finding says why, naming the API',
      state: await withFailures('remaining-finalizers', { cluster: 'container.googleapis.com: 403 permission container.clusters.get denied' }),
      findings: [{ messageId: 'notStuckYet', resource: 'Namespace/scratch', severity: 'info' }, stuck('shop')],
      then: ({ findings: [, shop] }) =>
        expect(shop!.message).toContain('whether it runs is not known (the cluster could not be read (container.googleapis.com: 403 permission container.clusters.get denied)'),
    },
    {
      name: 'seed with the Eventarc triggers unreadable: says so instead of silently dropping the trigger',
      state: await withFailures('seed-eventarc-stuck-namespace', { eventarcTriggers: 'eventarc.googleapis.com: 403 permission eventarc.triggers.list denied' }),
      findings: [stuck('events-system')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain("Eventarc triggers could not be read (eventarc.googleapis.com: 403 permission eventarc.triggers.list denied): whether this is the namespace of a GKE trigger's event forwarder is not known.");
        expect(finding!.message).not.toContain('This is most likely the namespace Eventarc created');
      },
    },
    {
      name: 'seed with the APIService list failing: the root-cause line is replaced by saying the APIServices could not be read',
      state: await withFailures('seed-eventarc-stuck-namespace', { apiServices: 'apiservices.apiregistration.k8s.io is forbidden (403; RBAC)' }),
      findings: [stuck('events-system')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).not.toContain('APIService v1beta1.metrics.k8s.io is unavailable');
        expect(finding!.message).toContain(
          'APIServices could not be read (apiservices.apiregistration.k8s.io is forbidden (403; RBAC)): whether an unavailable one (the usual cause of NamespaceDeletionDiscoveryFailure) holds the namespace is not known.',
        );
        expect(finding!.message).not.toContain('No deletion condition');
      },
    },
    {
      // The twin of namespace-gateway-controller-gone: an info finding, and the check passes.
      name: "a Gateway's finalizer while GKE's Gateway controller runs: waiting, not stuck",
      fixture: 'namespace-gateway-controller-running',
      findings: [{ messageId: 'waiting', resource: 'Namespace/argocd', severity: 'info' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain("removed by GKE's Gateway controller (networking.gke.io/gateway), which runs"),
    },
    {
      name: "a Gateway's finalizer with the HTTP load-balancing addon disabled: the Gateway controller never runs, so it blocks",
      fixture: 'namespace-gateway-controller-gone',
      findings: [stuck('argocd')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain(
          "Gateway/argocd/argocd waits for gateway.finalizer.networking.gke.io, but GKE's Gateway controller (networking.gke.io/gateway) never runs while the HTTP load-balancing addon is disabled",
        );
        expect(finding!.message).toContain('Enabling the addon lets the controller delete the load balancer');
        expect(finding!.fix!.commands).toContain(`kubectl -n argocd patch gateway.gateway.networking.k8s.io/argocd --type=merge -p '{"metadata":{"finalizers":null}}'`);
      },
    },
    {
      name: "a Gateway's finalizer with the cluster's Gateway API off: no Gateway controller runs, so it blocks",
      state: await gatewayApiOff(),
      findings: [stuck('argocd')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain("but GKE's Gateway controller (networking.gke.io/gateway) is not running (the cluster's Gateway API is off");
        expect(finding!.fix!.action!.orphans).toEqual([{ resource: 'Gateway/argocd/argocd', finalizers: ['gateway.finalizer.networking.gke.io'] }]);
      },
    },
    {
      // The seed report: its wording is what the user reads first.
      name: 'seed: the discovery failure, the unavailable APIService and its Service, measured to the snapshot time',
      fixture: 'seed-eventarc-stuck-namespace',
      findings: [stuck('events-system')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('Terminating for 3d5h');
        expect(finding!.message).toContain('NamespaceDeletionDiscoveryFailure: Discovery failed for some groups');
        expect(finding!.message).toContain('APIService v1beta1.metrics.k8s.io is unavailable (served by Service kube-system/metrics-server): FailedDiscoveryCheck');
        expect(finding!.message).toContain('can be orphaned');
        expect(finding!.evidence.unavailableApiServices).toEqual([expect.objectContaining({ name: 'v1beta1.metrics.k8s.io', managedByGke: true })]);
      },
    },
    {
      name: 'seed: repair the APIService, then finalize with the exact PUT to /finalize, as an automatic finalize-namespace action',
      fixture: 'seed-eventarc-stuck-namespace',
      findings: [stuck('events-system')],
      then: ({ findings: [finding] }) => {
        const fix = finding!.fix;
        expect(fix!.automatic).toBe(true);
        const commands = fix!.commands;
        const repair = commands.findIndex((c) => c.includes('describe service metrics-server'));
        const finalize = commands.indexOf(
          "kubectl get namespace events-system -o json | jq '.spec.finalizers = []' | kubectl replace --raw /api/v1/namespaces/events-system/finalize -f -",
        );
        expect(repair).toBeGreaterThanOrEqual(0);
        expect(finalize).toBe(commands.length - 1);
        // The metrics APIService is reconciled by GKE's addon manager: deleting it would be undone.
        expect(commands).not.toContain('kubectl delete apiservice v1beta1.metrics.k8s.io');
        expect(fix!.action).toMatchObject({ kind: 'finalize-namespace', namespace: 'events-system', orphans: [] });
        // The action's manual steps are the commands before finalizing, without the finalize itself.
        expect(fix!.action!.manualSteps).toEqual(commands.slice(0, repair + 3));
      },
    },
    {
      name: 'remaining finalizers: objects with their owners, the ingress controller never runs, a young namespace is not stuck yet',
      fixture: 'remaining-finalizers',
      findings: [{ messageId: 'notStuckYet', resource: 'Namespace/scratch', severity: 'info' }, stuck('shop')],
      then: ({ findings: [, shop] }) => {
        expect(shop!.evidence.remainingObjects).toEqual([
          { resource: 'Ingress/shop/storefront', finalizers: ['networking.gke.io/ingress-finalizer-V2'] },
          { resource: 'ServiceNetworkEndpointGroup/shop/k8s1-3c4d5e6f-shop-storefront-80-7a8b9c0d', finalizers: ['networking.gke.io/neg-finalizer'] },
        ]);
        expect(shop!.message).toContain('never runs while the HTTP load-balancing addon is disabled');
        expect(shop!.fix!.commands).toContain(`kubectl -n shop patch ingress.networking.k8s.io/storefront --type=merge -p '{"metadata":{"finalizers":null}}'`);
        const patch = shop!.fix!.commands.findIndex((c) => c.includes('patch ingress'));
        const finalize = shop!.fix!.commands.findIndex((c) => c.includes('/finalize'));
        expect(patch).toBeLessThan(finalize);
        expect(shop!.fix!.action!.orphans).toEqual(shop!.evidence.remainingObjects);
      },
    },
    {
      name: 'a namespace counts as stuck only after --stuck-after',
      fixture: 'remaining-finalizers',
      context: { stuckAfterMs: 60_000 },
      findings: [stuck('scratch'), stuck('shop')],
    },
    {
      name: 'a namespace from manifests on stdin is located at its file and line',
      manifests: ['-'],
      stdin: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: gone\n  deletionTimestamp: "2024-01-01T00:00:00Z"\nstatus:\n  phase: Terminating\n',
      findings: [stuck('gone')],
      then: ({ findings: [finding] }) => expect(finding!.location).toEqual({ file: '<stdin>', line: 1 }),
    },
  ],
});
