import type { CheckContext, CheckResult, Finding } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { humanDuration } from '../src/gke/duration.js';
import type { ForwarderTrigger } from '../src/gke/eventarc/eventarc.js';
import { forwarderTriggers, looksLikeForwarderNamespace, shortTriggerName, triggersIntoCluster } from '../src/gke/eventarc/eventarc.js';
import type { Holdup, NamespaceDeletion, RemainingObject, UnavailableApiService } from '../src/gke/namespaces/namespace-deletion.js';
import { NAMESPACE_DELETION_CONDITIONS, apiServiceRepairCommands, describeUnread, diagnoseNamespaceDeletion, finalizeNamespaceAction, noCauseKnown } from '../src/gke/namespaces/namespace-deletion.js';
import { isTerminating, leftInNamespace, namespaceFixCommands, rootCauseSteps, stuckEvidence, unavailableReason } from '../src/gke/namespaces/namespace-deletion.js';
import { isProtectedNamespace } from '../src/fix/protected-namespaces.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import type { Namespace } from '../src/state/kubernetes-types.js';

const terminatingNamespace = defineCheck({
  id: 'terminating-namespace',
  title: 'No namespace is stuck Terminating',
  severity: 'error',
  description: `A namespace stays Terminating when the namespace controller cannot finish: an aggregated
APIService (often v1beta1.metrics.k8s.io) is unavailable so API discovery fails, objects
inside carry finalizers whose controller will not remove them, or deleting some content
failed. The controller records why in the namespace's status conditions.

The API server itself can hold a namespace: a CustomResourceDefinition whose conversion webhook
cannot be called (its Service often deleted with the very namespace: an operator that served its
own CRDs) makes every list of its kind fail, so the namespace controller never finishes; an
admission webhook with failurePolicy Fail whose Service is gone refuses the patches that would
remove finalizers. gke-doctor names these first, with the fix the upstream projects document
(restore the Service; or patch the CRD's conversion to None, safe only when its versions'
schemas agree; or set the webhook's failurePolicy to Ignore). Finalizers of operators (Config
Connector, cert-manager, Crossplane, Knative Serving, Istio, Velero, Strimzi, External Secrets,
Config Sync) name their controller, whether its Pods run, crash-loop or are gone, and what
removing the finalizer by hand skips (for Config Connector: the Google Cloud resource is
orphaned unless the object says cnrm.cloud.google.com/deletion-policy: abandon).

The fix, in the order of GKE's troubleshooting guide: repair or delete the unavailable
APIService; remove what still blocks; only then, if the namespace is still stuck, empty
spec.finalizers and PUT the namespace to /api/v1/namespaces/NAME/finalize. Finalizing skips
cleanup and can orphan resources, so gke-doctor names the root cause first and finalizes
only with --fix (after a backup and a confirmation).

Eventarc GKE triggers create a namespace for their event forwarder; a trigger created
without the roles it needs can leave that namespace Terminating for good.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshooting-namespaces',
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/',
    'https://github.com/kubernetes/kubernetes/issues/66735',
    'https://github.com/kubernetes/kubernetes/issues/118357',
    'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/',
  ],
  needs: ['Namespace', 'ObjectsInTerminatingNamespaces'],
  // Pod: whether the controllers that remove finalizers run (src/gke/namespaces/finalizer-owners.ts). Service, CRDs and webhook
  // configurations: conversion and admission webhooks the API server cannot call (read live only while a namespace is Terminating).
  optionalNeeds: ['APIService', 'cluster', 'eventarcTriggers', 'Pod', 'Service', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  // A preflight without a Namespace has none being deleted.
  appliesTo: ['Namespace'],
  notApplicable: 'no Namespace objects were read',
  messages: {
    stuck: 'Namespace {{name}} has been Terminating for {{age}}.\n{{causes}}',
    notStuckYet: 'Namespace {{name}} has been Terminating for {{age}}; it counts as stuck after {{threshold}}.',
    // kubernetes namespaced_resources_deleter.go: the controller waits for Pod grace periods and for finalizers their controllers remove.
    waiting: 'Namespace {{name}} has been Terminating for {{age}} and is waiting, not stuck: {{waits}}.',
    waitGracePeriod: '{{resource}} is in its termination grace period until {{until}} (in {{left}})',
    waitController: '{{resource}} waits for {{finalizer}}, removed by {{owner}}, which runs ({{why}})',
    waitClaimInUse: '{{resource}} waits for {{finalizer}} while {{pods}} still use it',
    ownerGone: '{{resource}} waits for {{finalizer}}, but {{owner}} is not running ({{why}}): it can never finish deleting unless that finalizer is removed.',
    ownerUnknown: '{{resource}} waits for {{finalizer}}, removed by {{owner}}; whether it runs is not known ({{why}}).',
    noOwnerKnown: '{{resource}} waits for {{finalizer}}, whose controller gke-doctor does not know: check that it runs before removing the finalizer.',
    gracePeriodOver: '{{resource}}: its grace period ended at {{since}} and it is still there: the kubelet has not confirmed it stopped (is its node gone?).',
    apiServiceShared: 'APIService {{name}} is unavailable: reported once, on APIService/{{name}}.',
    sharedApiService:
      'APIService {{name}} is unavailable{{service}}: {{reason}}. The namespace controller cannot list every API group, so none of these namespaces can finish deleting: {{namespaces}}.',
    fixSharedApiService: 'Repair the APIService (make the Pods behind its Service ready){{orDelete}}; the namespaces then finish deleting by themselves.',
    fixSummaryProtected:
      'Fix the root cause first ({{steps}}), then finalize only if the namespace is still stuck. {{name}} is run by Kubernetes or GKE itself: `gke-doctor check --fix --force` finalizes it (with a backup); --fix alone leaves it alone.',
    // The lines of a stuck namespace's causes, each a sentence of its own.
    condition: '{{type}}: {{message}}',
    unavailableApiService: 'APIService {{name}} is unavailable: {{reason}}. Until it answers, no namespace can finish deleting.',
    unavailableApiServiceBehindService:
      'APIService {{name}} is unavailable (served by Service {{service}}): {{reason}}. Until it answers, no namespace can finish deleting.',
    remaining: '{{count}} object(s) still in the namespace; with finalizers: {{blocking}}.',
    finalizerOwner: '{{resource}} waits for {{finalizer}}, removed by {{owner}}, which runs ({{why}}).',
    ownerNeverRuns:
      '{{resource}} waits for {{finalizer}}, but {{owner}} never runs while the HTTP load-balancing addon is disabled: it can never finish deleting. Enabling the addon lets the controller delete the load balancer and remove the finalizer itself; removing the finalizer by hand leaves the load balancer behind.',
    apiServicesUnread:
      'APIServices could not be read ({{reason}}): whether an unavailable one (the usual cause of NamespaceDeletionDiscoveryFailure) holds the namespace is not known.',
    undiscovered: 'Kinds that could not be seen: {{groups}}: their objects in this namespace are not known (where a group version\'s discovery fails, the namespace controller cannot list them either).',
    unreadKinds: 'These kinds could not be read in the namespace, so what is left in it is not fully known: {{kinds}}.',
    specFinalizers: 'spec.finalizers: {{finalizers}} (emptied by finalizing).',
    noCauseInSnapshot: 'No deletion condition, unavailable APIService or remaining object explains it in the data read; `kubectl get namespace {{name}} -o yaml` shows the controller\'s conditions.',
    orphanWarning: 'Finalizing skips the rest of the cleanup: what is still in the namespace, and the cloud resources behind it, can be orphaned (kubernetes#66735).',
    eventarcForwarder:
      'This is most likely the namespace Eventarc created for the event forwarder of {{triggers}}. A GKE trigger created without the IAM roles it needs leaves it Terminating: see eventarc-gke-iam and eventarc-gke-trigger, and grant the roles before recreating the trigger, or the next forwarder namespace will stick too.',
    triggersUnread: 'Eventarc triggers could not be read ({{reason}}): whether this is the namespace of a GKE trigger\'s event forwarder is not known.',
    trigger: 'trigger {{trigger}}',
    triggerCreatedBefore: 'trigger {{trigger}} (namespace created {{delay}} after it)',
    fixSummary: 'Fix the root cause first ({{steps}}), then finalize only if the namespace is still stuck. `gke-doctor check --fix` finalizes it for you, with a backup.',
    noStepsFound: 'none found in the data read',
    stepRepairApiService: 'repair the unavailable APIService',
    stepRepairOrDeleteApiService: 'repair or delete the unavailable APIService',
    stepRemoveFinalizers: 'remove the finalizers that block',
    stepRepairController: 'repair the failing controller whose finalizers hold it (its Pods are named above)',
    stepRepairConversion: "repair the CRD's conversion webhook (or turn its conversion off)",
    stepRepairWebhook: 'repair the admission webhook that refuses the finalizer patches (or set its failurePolicy to Ignore)',
    // apiextensions-apiserver webhook_converter.go: a list that meets an object stored at another version calls the webhook, and fails with it.
    brokenConversion:
      'CustomResourceDefinition {{crd}} is the root cause: its conversion webhook (Service {{service}}) cannot be called ({{why}}), so every list of {{kind}} objects fails and the namespace controller can never finish: "{{call}}".',
    brokenConversionService:
      'CustomResourceDefinition {{crd}} is the root cause: its conversion webhook (Service {{service}}) cannot be called ({{why}}) while {{kind}} objects are stored at {{stored}}, so listing them fails and the namespace controller can never finish.',
    conversionFix:
      "{{serviceFix}} Else patch the CRD's conversion to None (kubectl patch crd {{crd}} --type=merge -p '{\"spec\":{\"conversion\":{\"strategy\":\"None\",\"webhook\":null}}}'): objects stored at other versions are then served unconverted, which is only safe when the versions' schemas agree. Deleting the CRD deletes every {{kind}} in every namespace.",
    conversionCallFailed:
      'The conversion webhook of the CRD serving {{kind}} ({{group}}) fails, so every list of {{kind}} objects fails and the namespace controller can never finish: "{{call}}". That CRD is the root cause (it was not read: `kubectl get crd` finds it); restore the Service it calls, or patch its conversion to None, which is only safe when its versions\' schemas agree.',
    conversionServiceRestorable: 'Restoring Service {{service}} and its Pods (reinstalling what served it) loses nothing.',
    conversionServiceGoneWithNamespace: 'Service {{service}} cannot be restored: its namespace is being deleted and accepts no new objects.',
    // k8s.io/apiserver admission webhooks: failurePolicy Fail turns a call that cannot be made into a refusal.
    refusingWebhook:
      '{{configuration}}: webhook {{webhook}} (failurePolicy: Fail) cannot reach Service {{service}}, and it matches the UPDATE of {{refuses}}{{conditional}}: removing their finalizers (or finalizing) fails with "{{error}}". Repair it first: restore the Service, or set its failurePolicy to Ignore.',
    conditional: ' (unless its matchConditions, not evaluated here, exclude them)',
    blockersUnread: 'CRDs or admission webhook configurations could not be read ({{reasons}}): whether a conversion or admission webhook holds the namespace is not known.',
    ownerFailing:
      '{{resource}} waits for {{finalizer}}, removed by {{owner}}, which is deployed but failing: {{why}}. The namespace is stuck, not waiting, until those Pods run.',
    strippingCost: 'Removing {{finalizer}} from {{resource}} by hand: {{cost}}.',
  },
  run(state: ClusterState, context): CheckResult {
    const namespaces = state.kubernetes.list('Namespace');
    const triggers = triggersIntoCluster(state);
    const deletions = namespaces.filter(isTerminating).map((namespace) => ({ namespace, deletion: diagnoseNamespaceDeletion(namespace, state, context.now) }));
    const stuck = deletions.filter(({ deletion }) => deletion.terminatingForMs >= context.stuckAfterMs && !deletion.waiting);
    // Several namespaces behind the same unavailable APIService: the cause is said once, on the APIService.
    const shared = stuck.length > 1 ? (stuck[0]?.deletion.unavailableApiServices ?? []) : [];
    const findings = deletions.map(({ namespace, deletion }) => {
      if (deletion.terminatingForMs < context.stuckAfterMs) return notStuckYet(deletion, context);
      if (deletion.waiting) return waitingFinding(deletion, context);
      const triggersUnread = looksLikeForwarderNamespace(namespace) ? state.unavailable.get('eventarcTriggers') : undefined;
      return stuckFinding(namespace, deletion, forwarderTriggers(namespace, triggers), context, shared.length > 0, triggersUnread);
    });
    for (const apiService of shared) findings.unshift(sharedApiServiceFinding(apiService, stuck.map(({ deletion }) => deletion.name), context));
    return { examined: namespaces.map((namespace) => `Namespace/${namespace.metadata?.name}`), findings };
  },
});

type Context = CheckContext<keyof typeof terminatingNamespace.messages>;
const text = (id: keyof typeof terminatingNamespace.messages, data: Record<string, string | number> = {}) => fill(terminatingNamespace.messages[id], data, id);

function stuckFinding(namespace: Namespace, deletion: NamespaceDeletion, forwarder: ForwarderTrigger[], context: Context, apiServiceShared: boolean, triggersUnread?: string): Finding {
  const steps = rootCauseSteps(deletion).map((step) => text(step));
  return context.report({
    messageId: 'stuck',
    data: { name: deletion.name, age: humanDuration(deletion.terminatingForMs), causes: causes(deletion, forwarder, apiServiceShared, triggersUnread).join('\n') },
    resource: `Namespace/${deletion.name}`,
    evidence: stuckEvidence(deletion, forwarder.map(({ trigger }) => trigger.name)),
    fix: {
      summary: text(isProtectedNamespace(deletion.name) ? 'fixSummaryProtected' : 'fixSummary', { steps: steps.length > 0 ? steps.join(', then ') : text('noStepsFound'), name: deletion.name }),
      commands: namespaceFixCommands(deletion),
      terraform: null,
      automatic: true,
      // Bound to the object read: --fix finalizes this uid, with these finalizers, or nothing (src/fix/finalize-namespace.ts).
      action: {
        ...finalizeNamespaceAction(deletion),
        uid: namespace.metadata?.uid,
        resourceVersion: namespace.metadata?.resourceVersion,
        specFinalizers: deletion.specFinalizers,
        metadataFinalizers: deletion.metadataFinalizers,
      },
    },
  });
}

/** One line per cause, most likely first, and the orphaning warning last. */
function causes(deletion: NamespaceDeletion, forwarder: ForwarderTrigger[], apiServiceShared: boolean, triggersUnread?: string): string[] {
  // The conversion and admission webhooks first: nothing else can be done while they fail.
  const lines: string[] = blockerLines(deletion);
  if (triggersUnread) lines.push(text('triggersUnread', { reason: triggersUnread }));
  if (forwarder.length > 0) {
    const triggers = forwarder.map(({ trigger, createdAfterMs }) => {
      const name = shortTriggerName(trigger);
      return createdAfterMs !== null && createdAfterMs >= 0 ? text('triggerCreatedBefore', { trigger: name, delay: humanDuration(createdAfterMs) }) : text('trigger', { trigger: name });
    });
    lines.push(text('eventarcForwarder', { triggers: triggers.join(', ') }));
  }
  for (const condition of deletion.conditions) {
    lines.push(text('condition', { type: condition.type, message: condition.message ?? NAMESPACE_DELETION_CONDITIONS[condition.type] ?? '' }));
  }
  for (const apiService of deletion.unavailableApiServices) {
    if (apiServiceShared) {
      lines.push(text('apiServiceShared', { name: apiService.name }));
      continue;
    }
    const reason = unavailableReason(apiService);
    lines.push(
      apiService.service
        ? text('unavailableApiServiceBehindService', { name: apiService.name, service: apiService.service, reason })
        : text('unavailableApiService', { name: apiService.name, reason }),
    );
  }
  if (deletion.apiServicesUnread) lines.push(text('apiServicesUnread', { reason: deletion.apiServicesUnread }));
  if (deletion.undiscovered.length > 0) lines.push(text('undiscovered', { groups: describeUnread(deletion.undiscovered) }));
  if (deletion.unreadKinds.length > 0) lines.push(text('unreadKinds', { kinds: describeUnread(deletion.unreadKinds) }));
  const blocking = deletion.remaining.filter((object) => object.finalizers.length > 0);
  if (deletion.remaining.length > 0) {
    lines.push(
      text('remaining', {
        count: deletion.remaining.length,
        blocking: blocking.map((object) => `${object.resource} [${object.finalizers.join(', ')}]`).join(', ') || 'none',
      }),
    );
  }
  for (const object of deletion.remaining) lines.push(...object.holdups.flatMap((holdup) => holdupLine(object, holdup, deletion)));
  if (deletion.specFinalizers.length > 0) lines.push(text('specFinalizers', { finalizers: deletion.specFinalizers.join(', ') }));
  if (noCauseKnown(deletion)) lines.push(text('noCauseInSnapshot', { name: deletion.name }));
  lines.push(text('orphanWarning'));
  return lines;
}

/** The CRDs whose conversion webhook fails and the admission webhooks that refuse the finalizer patches, root cause first. */
function blockerLines({ blockers }: NamespaceDeletion): string[] {
  const lines = blockers.brokenConversions.flatMap((broken) => {
    const data = { crd: broken.crd, service: broken.service, why: broken.why, kind: broken.kind };
    const found = broken.failedCall
      ? text('brokenConversion', { ...data, call: broken.failedCall })
      : text('brokenConversionService', { ...data, stored: broken.storedVersions.join(', ') });
    const serviceFix = text(broken.serviceNamespaceTerminating ? 'conversionServiceGoneWithNamespace' : 'conversionServiceRestorable', { service: broken.service });
    return [found, text('conversionFix', { serviceFix, crd: broken.crd, kind: broken.kind })];
  });
  for (const failure of blockers.conversionFailures) lines.push(text('conversionCallFailed', { ...failure }));
  for (const webhook of blockers.refusingWebhooks) {
    const { configuration, service, error } = webhook;
    lines.push(text('refusingWebhook', { configuration, webhook: webhook.webhook, service, error, refuses: webhook.refuses.join(', '), conditional: webhook.conditional ? text('conditional') : '' }));
  }
  if (blockers.unread) lines.push(text('blockersUnread', { reasons: blockers.unread }));
  return lines;
}

/** Why one remaining object holds the namespace, as a line of a stuck namespace's finding. */
function holdupLine(object: RemainingObject, holdup: Holdup, deletion: NamespaceDeletion): string[] {
  const resource = object.resource;
  switch (holdup.kind) {
    case 'grace-period-over':
      return [text('gracePeriodOver', { resource, since: holdup.since })];
    case 'finalizer': {
      const { finalizer, owner, controller } = holdup;
      if (!owner || !controller) return [text('noOwnerKnown', { resource, finalizer })];
      if (controller.status === 'running') return [text('finalizerOwner', { resource, finalizer, owner: owner.owner, why: controller.why })];
      if (owner.needsHttpLoadBalancing && deletion.httpLoadBalancingDisabled) return [text('ownerNeverRuns', { resource, finalizer, owner: owner.owner })];
      const line = text(controller.status === 'failing' ? 'ownerFailing' : controller.status === 'gone' ? 'ownerGone' : 'ownerUnknown', { resource, finalizer, owner: owner.owner, why: controller.why });
      return holdup.cost ? [line, text('strippingCost', { finalizer, resource, cost: holdup.cost })] : [line];
    }
    default:
      return [];
  }
}

/** What a namespace that is only waiting waits for: grace periods (until when) and running controllers. */
function waitingFinding(deletion: NamespaceDeletion, context: Context): Finding {
  const waits = deletion.remaining.flatMap((object) =>
    object.holdups.flatMap((holdup) => {
      if (holdup.kind === 'grace-period') {
        return [text('waitGracePeriod', { resource: object.resource, until: holdup.until, left: humanDuration(Date.parse(holdup.until) - context.now.getTime()) })];
      }
      if (holdup.kind !== 'finalizer' || !holdup.owner || !holdup.controller) return [];
      if (holdup.usedBy && holdup.usedBy.length > 0) return [text('waitClaimInUse', { resource: object.resource, finalizer: holdup.finalizer, pods: holdup.usedBy.join(', ') })];
      return [text('waitController', { resource: object.resource, finalizer: holdup.finalizer, owner: holdup.owner.owner, why: holdup.controller.why })];
    }),
  );
  return context.report({
    messageId: 'waiting',
    severity: 'info',
    data: { name: deletion.name, age: humanDuration(deletion.terminatingForMs), waits: waits.join('; ') },
    resource: `Namespace/${deletion.name}`,
    evidence: { deletionTimestamp: deletion.deletionTimestamp, waitingUntil: deletion.waitingUntil, remainingObjects: leftInNamespace(deletion) },
  });
}

/** One finding for an unavailable APIService that holds several namespaces. */
function sharedApiServiceFinding(apiService: UnavailableApiService, namespaces: string[], context: Context): Finding {
  const reason = unavailableReason(apiService);
  return context.report({
    messageId: 'sharedApiService',
    data: { name: apiService.name, service: apiService.service ? ` (served by Service ${apiService.service})` : '', reason, namespaces: namespaces.join(', ') },
    resource: `APIService/${apiService.name}`,
    evidence: { apiService, namespaces },
    fix: {
      summary: text('fixSharedApiService', { orDelete: apiService.managedByGke ? '' : ', or delete it if nothing should serve it any more' }),
      commands: apiServiceRepairCommands(apiService),
      terraform: null,
      automatic: false,
    },
  });
}

function notStuckYet(deletion: NamespaceDeletion, context: Context): Finding {
  return context.report({
    messageId: 'notStuckYet',
    severity: 'info',
    data: { name: deletion.name, age: humanDuration(deletion.terminatingForMs), threshold: humanDuration(context.stuckAfterMs) },
    resource: `Namespace/${deletion.name}`,
    evidence: { deletionTimestamp: deletion.deletionTimestamp },
  });
}

export default terminatingNamespace;
