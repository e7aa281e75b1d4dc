import type { CheckResult } from '../src/engine/check.js';
import { defineCheck } from '../src/engine/check.js';
import { clusterResourceName } from '../src/gke/cluster/cluster-name.js';
import { enableHttpLoadBalancingFix, httpLoadBalancingDisabled } from '../src/gke/cluster/cluster-settings.js';
import { gkeGateways } from '../src/gke/gateway/gateway-classes.js';
import { isGceIngress } from '../src/gke/ingress/ingress-class.js';
import { afterApplyFix, unknownFields, unknownFieldsClause } from '../src/gke/planned-values.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';

const httpLoadBalancingAddon = defineCheck({
  id: 'http-load-balancing-addon',
  title: 'The HTTP load-balancing addon is enabled where GCE Ingresses or GKE Gateways exist',
  severity: 'error',
  description: `GKE runs its ingress controller (which creates Google Cloud load balancers for Ingresses
of class gce, gce-internal and gce-regional-external, or of no class at all) and its Gateway
controller (which does the same for Gateways of GKE's GatewayClasses: gke-l7-*, global,
regional, internal and multi-cluster) only while the cluster's HTTP load-balancing addon is
enabled. With the addon disabled, a GCE Ingress or a GKE Gateway stays without an address
forever: no event, no error, no log says why. Ingresses and Gateways carrying the
controllers' finalizers can then never be deleted either, and neither can their namespace.

Fix: gcloud container clusters update CLUSTER --location LOCATION --update-addons=HttpLoadBalancing=ENABLED
or, in Terraform, addons_config { http_load_balancing { disabled = false } }.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/how-to/load-balance-ingress',
    'https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#controller_summary',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways#gateway-controller-requirements',
    'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_cluster#http_load_balancing',
  ],
  needs: ['cluster'],
  optionalNeeds: ['Ingress', 'Gateway', 'GatewayClass'],
  // It judges the cluster's addon setting: a preflight without a cluster has nothing to judge (its reason says so), even with Ingresses or Gateways.
  appliesTo: ['cluster'],
  notApplicable: 'no cluster was read',
  messages: {
    disabledWithIngresses:
      'The HTTP load-balancing addon is disabled, so the GKE ingress controller does not run: {{resources}} will never get a load balancer, and nothing logs why (no event, no error on the Ingress).',
    disabledWithGateways:
      'The HTTP load-balancing addon is disabled, so the GKE Gateway controller does not run: {{resources}} will never get a load balancer, and nothing logs why (no event, no error on the Gateway).',
    disabledWithIngressesAndGateways:
      'The HTTP load-balancing addon is disabled, so neither the GKE ingress controller nor the GKE Gateway controller runs: {{resources}} will never get a load balancer, and nothing logs why.',
    disabled: 'The HTTP load-balancing addon is disabled. No GCE Ingress or GKE Gateway exists yet, but the first one created will never get a load balancer.',
    unknownUntilApply: 'Whether the HTTP load-balancing addon will be enabled cannot be decided before apply: {{unknown}}. It must be, for {{resources}}.',
    disabledIngressesUnknown:
      'The HTTP load-balancing addon is disabled; {{unread}}, so whether a GCE Ingress or GKE Gateway needs it is not known: any will never get a load balancer.',
    fixSummary: 'Enable the HTTP load-balancing addon (the cluster keeps running; the ingress and Gateway controllers start and pick up existing Ingresses and Gateways).',
  },
  run(state: ClusterState, context): CheckResult {
    const resource = clusterResourceName(state);
    const ingresses = state.kubernetes.list('Ingress').filter(isGceIngress).map(kubernetesResourceName);
    const gateways = gkeGateways(state).map((gateway) => kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata }));
    const served = [...ingresses, ...gateways];
    const evidence = { gceIngresses: ingresses, gkeGateways: gateways };

    const unknown = unknownFields(state, resource, ['addonsConfig.httpLoadBalancing.disabled']);
    if (unknown.length > 0) {
      if (served.length === 0) return { examined: [resource], findings: [] };
      const finding = context.report({
        messageId: 'unknownUntilApply',
        severity: 'warning',
        data: { resources: served.join(', '), unknown: unknownFieldsClause(state, resource, unknown) },
        resource,
        evidence: { ...evidence, knownAfterApply: unknown },
        fix: afterApplyFix('set-value'),
      });
      return { examined: [resource], findings: [finding] };
    }
    if (!httpLoadBalancingDisabled(state.cluster!)) return { examined: [resource], findings: [] };

    const fix = enableHttpLoadBalancingFix(state, httpLoadBalancingAddon.messages.fixSummary);
    const disabled = { httpLoadBalancingDisabled: true, ...evidence };
    if (served.length > 0) {
      const messageId = gateways.length === 0 ? 'disabledWithIngresses' : ingresses.length === 0 ? 'disabledWithGateways' : 'disabledWithIngressesAndGateways';
      return { examined: [resource], findings: [context.report({ messageId, data: { resources: served.join(', ') }, resource, evidence: disabled, fix })] };
    }
    // Nothing found, but a list that failed may hide one: say what could not be read rather than "none".
    const unreadBy = new Map<string, string[]>();
    for (const [kind, plural] of [['Ingress', 'Ingresses'], ['Gateway', 'Gateways']] as const) {
      const reason = state.unavailable.get(kind);
      if (reason) unreadBy.set(reason, [...(unreadBy.get(reason) ?? []), plural]);
    }
    const unread = [...unreadBy].map(([reason, kinds]) => `${kinds.join(' and ')} could not be read (${reason})`);
    const finding =
      unread.length > 0
        ? context.report({ messageId: 'disabledIngressesUnknown', severity: 'warning', data: { unread: unread.join('; ') }, resource, evidence: disabled, fix })
        : context.report({ messageId: 'disabled', severity: 'warning', resource, evidence: disabled, fix });
    return { examined: [resource], findings: [finding] };
  },
});

export default httpLoadBalancingAddon;
