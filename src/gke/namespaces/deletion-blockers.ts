import type { ClusterState, DataKey, UnreadKind } from '../../state/cluster-state.js';
import type { KubeObject, Namespace } from '../../state/kubernetes-types.js';
import type { BlockingWebhook } from './admission-webhooks.js';
import { finalizePatchRequests, webhooksRefusing } from './admission-webhooks.js';
import type { BrokenConversion, DeletionCondition, UnreadConversionFailure } from './conversion-webhooks.js';
import { brokenConversionWebhooks, unreadConversionFailures } from './conversion-webhooks.js';

/** What the API server itself keeps from finishing a namespace: conversion and admission webhooks it cannot call. */
export interface DeletionBlockers {
  brokenConversions: BrokenConversion[];
  /** Failed conversion calls the namespace's conditions name, for kinds whose CRD was not read. */
  conversionFailures: UnreadConversionFailure[];
  refusingWebhooks: BlockingWebhook[];
  /** Why the CRDs or webhook configurations could not be read (then neither is known), or null. */
  unread: string | null;
}

/** The kinds read to find them; an unread one means the namespace is never called waiting, nor finalized by --fix. */
export const BLOCKER_KINDS = ['CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const satisfies readonly DataKey[];

export function deletionBlockers(
  namespace: Namespace,
  conditions: readonly DeletionCondition[],
  unreadKinds: readonly UnreadKind[],
  blocked: readonly { object: KubeObject; resource: string }[],
  state: ClusterState,
): DeletionBlockers {
  const unread = BLOCKER_KINDS.flatMap((kind) => {
    const reason = state.unavailable.get(kind);
    return reason ? [`${kind} (${reason})`] : [];
  });
  return {
    brokenConversions: brokenConversionWebhooks(conditions, unreadKinds, state),
    conversionFailures: unreadConversionFailures(conditions, state),
    refusingWebhooks: webhooksRefusing(finalizePatchRequests(namespace, blocked, state), state),
    unread: unread.length > 0 ? unread.join('; ') : null,
  };
}

/** What to repair first, as commands: the CRDs' conversion, then the admission webhooks that refuse the patches. */
export function blockerCommands(blockers: DeletionBlockers, step: () => number): string[] {
  const commands: string[] = [];
  for (const broken of blockers.brokenConversions) {
    commands.push(`# ${step()}. CRD ${broken.crd}: its conversion webhook (Service ${broken.service}) cannot be called, so no list of ${broken.kind} objects succeeds`);
    if (!broken.serviceNamespaceTerminating) commands.push(`#    Best: restore Service ${broken.service} and the Pods behind it (reinstall what served it); nothing is lost. Else:`);
    else commands.push(`#    Its Service was in a namespace being deleted, which accepts no new objects: turn the conversion off.`);
    commands.push(`#    Conversion None serves objects stored at other versions unconverted (only the apiVersion changes): safe only when the versions' schemas agree.`);
    commands.push(`kubectl patch crd ${broken.crd} --type=merge -p '{"spec":{"conversion":{"strategy":"None","webhook":null}}}'`);
    commands.push(`#    (kubectl delete crd ${broken.crd} would delete every ${broken.kind} in every namespace.)`);
  }
  for (const failure of blockers.conversionFailures) {
    commands.push(`# ${step()}. The CRD of ${failure.kind} (${failure.group}): its conversion webhook fails; find it and the Service it calls:`);
    commands.push(`kubectl get crd -o custom-columns=NAME:.metadata.name,KIND:.spec.names.kind,GROUP:.spec.group,SERVICE:.spec.conversion.webhook.clientConfig.service | grep -w ${failure.kind}`);
    commands.push(`#    Restore that Service, or: kubectl patch crd NAME --type=merge -p '{"spec":{"conversion":{"strategy":"None","webhook":null}}}' (safe only when its versions' schemas agree)`);
  }
  for (const webhook of blockers.refusingWebhooks) {
    const resource = webhook.kind.toLowerCase();
    commands.push(`# ${step()}. ${webhook.configuration}: webhook ${webhook.webhook} (failurePolicy Fail) cannot reach Service ${webhook.service}, so it refuses ${webhook.refuses.join(', ')}`);
    commands.push(`#    Best: restore the Service and its Pods. Else stop it failing closed (it then admits what it would have checked, until set back):`);
    commands.push(`kubectl patch ${resource} ${webhook.name} --type=json -p '[{"op":"replace","path":"/webhooks/${webhook.index}/failurePolicy","value":"Ignore"}]'`);
  }
  return commands;
}

/** Nothing of them was found and nothing was unread. */
export function noBlockers(blockers: DeletionBlockers): boolean {
  return blockers.brokenConversions.length === 0 && blockers.conversionFailures.length === 0 && blockers.refusingWebhooks.length === 0 && blockers.unread === null;
}
