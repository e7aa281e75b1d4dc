import { expect } from 'vitest';
import terminatingNamespace from '../../checks/terminating-namespace.js';
import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { fixturePath } from '../support/fixtures.js';

const read = (fixture: string) => new SnapshotSource(fixturePath(fixture)).collect(new Set<DataKey>(['cluster', 'ObjectsInTerminatingNamespaces', ...KUBERNETES_KINDS]));

/** A fixture with its objects changed, or with some data unread. */
async function changed(fixture: string, change: (objects: KubeObject[]) => KubeObject[], unavailable: [DataKey, string][] = []): Promise<ClusterState> {
  const state = await read(fixture);
  return { ...state, kubernetes: new KubernetesObjects(change(structuredClone(state.kubernetes.all()))), unavailable: new Map([...state.unavailable, ...unavailable]) };
}

const stuck = (namespace: string) => ({ messageId: 'stuck', resource: `Namespace/${namespace}`, severity: 'error' as const });
const waiting = (namespace: string) => ({ messageId: 'waiting', resource: `Namespace/${namespace}`, severity: 'info' as const });
const CRDS_FORBIDDEN = 'cannot list CustomResourceDefinition objects: Kubernetes RBAC denies it (customresourcedefinitions.apiextensions.k8s.io is forbidden)';
const lines = (message: string) => message.split('\n');

testCheck(terminatingNamespace, {
  valid: [],
  invalid: [
    // The passing twins: waiting (info), the check passes, and no CRD or webhook is named.
    ...(
      [
        ['namespace-conversion-webhook-served', 'shop', 'Pod/shop/storefront-0 is in its termination grace period'],
        ['namespace-cert-manager-running', 'shop', "removed by cert-manager's controller, after cleaning up the ACME challenge, which runs (Pod cert-manager/cert-manager-5c9d8879fd-7kq2m is ready)"],
        ['namespace-config-connector-running', 'team-a', "removed by Config Connector's controller manager, after deleting the Google Cloud resource, which runs (Pod cnrm-system/cnrm-controller-manager-0 is ready)"],
      ] as const
    ).map(([fixture, namespace, why]) => ({
      name: `${fixture}: waiting, not stuck`,
      fixture,
      findings: [waiting(namespace)],
      then: ({ findings: [finding] }: { findings: { message: string }[] }) => {
        expect(finding!.message).toContain(why);
        expect(finding!.message).not.toMatch(/CustomResourceDefinition|WebhookConfiguration/);
      },
    })),
    {
      // kubernetes#118357, cert-manager#2752: the CRD is named first, before the condition that quotes the failed call.
      name: 'a CRD whose conversion webhook Service went with the namespace: the CRD is the root cause, named first, and its conversion is patched to None',
      fixture: 'namespace-conversion-webhook-gone',
      findings: [stuck('cert-manager')],
      then: ({ findings: [finding] }) => {
        const [, first, fix] = lines(finding!.message);
        expect(first).toMatch(/^CustomResourceDefinition certificates\.cert-manager\.io is the root cause: its conversion webhook \(Service cert-manager\/cert-manager-webhook\) cannot be called \(service "cert-manager-webhook" not found\)/);
        expect(first).toContain('"conversion webhook for cert-manager.io/v1alpha2, Kind=Certificate failed: Post "https://cert-manager-webhook.cert-manager.svc:443/convert?timeout=30s": service "cert-manager-webhook" not found"');
        expect(fix).toContain('Service cert-manager/cert-manager-webhook cannot be restored: its namespace is being deleted');
        expect(fix).toContain('only safe when the versions\' schemas agree');
        expect(fix).toContain('Deleting the CRD deletes every Certificate in every namespace');
        expect(finding!.message).not.toContain('issuers.cert-manager.io');
        expect(finding!.fix!.commands[3]).toBe(`kubectl patch crd certificates.cert-manager.io --type=merge -p '{"spec":{"conversion":{"strategy":"None","webhook":null}}}'`);
        expect(finding!.fix!.summary).toMatch(/^Fix the root cause first \(repair the CRD's conversion webhook/);
        expect(finding!.evidence.brokenConversionWebhooks).toEqual([expect.objectContaining({ crd: 'certificates.cert-manager.io', service: 'cert-manager/cert-manager-webhook', serviceNamespaceTerminating: true })]);
      },
    },
    {
      // A snapshot assembled without `kubectl get crd`: the condition still names the kind whose conversion fails.
      name: 'the CRDs not in the snapshot: the failed conversion call the condition names is still the root cause, said first',
      state: await changed('namespace-conversion-webhook-gone', (objects) => objects.filter((object) => object.kind !== 'CustomResourceDefinition')),
      findings: [stuck('cert-manager')],
      then: ({ findings: [finding] }) => {
        expect(lines(finding!.message)[1]).toMatch(/^The conversion webhook of the CRD serving Certificate \(cert-manager\.io\) fails, so every list of Certificate objects fails .*"conversion webhook for cert-manager\.io\/v1alpha2, Kind=Certificate failed: Post "https:\/\/cert-manager-webhook\.cert-manager\.svc:443\/convert\?timeout=30s": service "cert-manager-webhook" not found"\./);
        expect(finding!.fix!.commands[1]).toMatch(/^kubectl get crd -o custom-columns=.* \| grep -w Certificate$/);
      },
    },
    {
      name: 'the same Service gone while its namespace lives: restoring it is the fix that loses nothing',
      state: await changed('namespace-conversion-webhook-served', (objects) => objects.filter((object) => object.metadata?.name !== 'cert-manager-webhook' || object.kind !== 'Service')),
      // shop only waits for a Pod, but Certificates stored at v1alpha2 cannot be listed anywhere: not a confident "waiting".
      findings: [stuck('shop')],
      then: ({ findings: [finding] }) => {
        expect(lines(finding!.message)[1]).toMatch(/^CustomResourceDefinition certificates\.cert-manager\.io is the root cause: .* while Certificate objects are stored at v1alpha2, v1/);
        expect(lines(finding!.message)[2]).toMatch(/^Restoring Service cert-manager\/cert-manager-webhook and its Pods \(reinstalling what served it\) loses nothing\. Else patch/);
      },
    },
    {
      name: 'its webhook Pods not ready: no endpoints, in the API server\'s words',
      state: await changed('namespace-conversion-webhook-served', (objects) =>
        objects.map((object) => (object.kind === 'Pod' && object.metadata?.name?.startsWith('cert-manager-webhook') ? { ...object, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } } : object)),
      ),
      findings: [stuck('shop')],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('cannot be called (no endpoints available for service "cert-manager-webhook")'),
    },
    {
      name: 'an admission webhook whose Service is gone refuses the finalizer patch: it is named first, and set to Ignore before the patch',
      fixture: 'namespace-webhook-refuses-finalizer-patch',
      findings: [stuck('shop')],
      then: ({ findings: [finding] }) => {
        expect(lines(finding!.message)[1]).toBe(
          'ValidatingWebhookConfiguration/cert-manager-webhook: webhook webhook.cert-manager.io (failurePolicy: Fail) cannot reach Service cert-manager/cert-manager-webhook, and it matches the UPDATE of Challenge/shop/storefront-tls-1-1568510716-1516881485: removing their finalizers (or finalizing) fails with "failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post "https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=10s": service "cert-manager-webhook" not found". Repair it first: restore the Service, or set its failurePolicy to Ignore.',
        );
        expect(finding!.message).toContain("but cert-manager's controller, after cleaning up the ACME challenge is not running (no Pod labelled app.kubernetes.io/name=cert-manager,app.kubernetes.io/component=controller");
        expect(finding!.message).toContain('by hand: the challenge\'s solver is not cleaned up: a DNS-01 TXT record stays in the DNS zone.');
        const commands = finding!.fix!.commands;
        const ignore = commands.indexOf(`kubectl patch validatingwebhookconfiguration cert-manager-webhook --type=json -p '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]'`);
        const patch = commands.findIndex((command) => command.startsWith('kubectl -n shop patch challenge.acme.cert-manager.io/'));
        expect(ignore).toBeGreaterThanOrEqual(0);
        expect(patch).toBeGreaterThan(ignore);
      },
    },
    {
      // namespace/matcher.go: the namespace's labels decide; cert-manager's chart exempts namespaces labelled disable-validation.
      name: 'the same webhook whose namespaceSelector excludes the namespace refuses nothing: only the finalizer blocks',
      state: await changed('namespace-webhook-refuses-finalizer-patch', (objects) =>
        objects.map((object) =>
          object.kind === 'Namespace' ? { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, 'cert-manager.io/disable-validation': 'true' } } } : object,
        ),
      ),
      findings: [stuck('shop')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).not.toContain('ValidatingWebhookConfiguration');
        expect(finding!.evidence.refusingAdmissionWebhooks).toEqual([]);
      },
    },
    {
      name: 'failurePolicy Ignore: a webhook that cannot be called admits the patch',
      state: await changed('namespace-webhook-refuses-finalizer-patch', (objects) =>
        objects.map((object) => (object.kind === 'ValidatingWebhookConfiguration' ? { ...object, webhooks: (object.webhooks as object[]).map((webhook) => ({ ...webhook, failurePolicy: 'Ignore' })) } : object)),
      ),
      findings: [stuck('shop')],
      then: ({ findings: [finding] }) => expect(finding!.message).not.toContain('ValidatingWebhookConfiguration'),
    },
    {
      name: 'a controller deployed but crash-looping: stuck, not waiting, naming the Pod and its container statuses, and repairing it comes before stripping',
      fixture: 'namespace-config-connector-crashloop',
      findings: [stuck('team-a')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain(
          "StorageBucket/team-a/acme-platform-team-a-exports waits for cnrm.cloud.google.com/finalizer, removed by Config Connector's controller manager, after deleting the Google Cloud resource, which is deployed but failing: none of its Pods is ready: cnrm-system/cnrm-controller-manager-0 (container manager waiting: CrashLoopBackOff, last terminated: Error, exit code 1, 57 restarts).",
        );
        expect(finding!.message).toContain('the Google Cloud resource behind StorageBucket acme-platform-team-a-exports is not deleted and no longer managed: it is orphaned');
        expect(finding!.fix!.commands).toContain('kubectl -n cnrm-system logs cnrm-controller-manager-0 --all-containers --previous');
        expect(finding!.fix!.summary).toContain('repair the failing controller whose finalizers hold it');
      },
    },
    {
      name: 'cnrm.cloud.google.com/deletion-policy: abandon: stripping leaves the Google Cloud resource, as asked',
      state: await changed('namespace-config-connector-crashloop', (objects) =>
        objects.map((object) =>
          object.kind === 'StorageBucket' ? { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, 'cnrm.cloud.google.com/deletion-policy': 'abandon' } } } : object,
        ),
      ),
      findings: [stuck('team-a')],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('by hand: the Google Cloud resource stays, as its cnrm.cloud.google.com/deletion-policy: abandon asked.'),
    },
    {
      name: 'Config Connector uninstalled: its controller manager is gone',
      state: await changed('namespace-config-connector-crashloop', (objects) => objects.filter((object) => object.kind !== 'Pod')),
      findings: [stuck('team-a')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('no Pod labelled cnrm.cloud.google.com/component=cnrm-controller-manager in namespace cnrm-system');
        expect(finding!.message).toContain('no Pod named cnrm-deletiondefender-* in namespace cnrm-system');
      },
    },
    {
      name: 'CRDs unreadable: never a confident "waiting", and the finding says what is not known',
      state: await changed('namespace-conversion-webhook-served', (objects) => objects, [['CustomResourceDefinition', CRDS_FORBIDDEN]]),
      findings: [stuck('shop')],
      then: ({ findings: [finding] }) =>
        expect(finding!.message).toContain(`CRDs or admission webhook configurations could not be read (CustomResourceDefinition (${CRDS_FORBIDDEN})): whether a conversion or admission webhook holds the namespace is not known.`),
    },
  ],
});
