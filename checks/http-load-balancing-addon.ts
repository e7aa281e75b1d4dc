import type { CheckResult, Fix } from '../src/engine/check.js';
import { defineCheck } from '../src/engine/check.js';
import { isGceIngress } from '../src/gke/ingress-class.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { isUnknownUntilApply, kubernetesResourceName } from '../src/state/cluster-state.js';
import { clusterResourceName } from '../src/gke/cluster-name.js';

const httpLoadBalancingAddon = defineCheck({
  id: 'http-load-balancing-addon',
  title: 'The HTTP load-balancing addon is enabled where GCE Ingresses exist',
  severity: 'error',
  description: `GKE runs its ingress controller (which creates Google Cloud load balancers for Ingresses
of class gce, gce-internal and gce-regional-external, or of no class at all) only while the
cluster's HTTP load-balancing addon is enabled. With the addon disabled, a GCE Ingress stays
without an address forever: no event, no error, no log says why. Ingresses carrying the GKE
ingress finalizer can then never be deleted either, and neither can their namespace.

Fix: gcloud container clusters update CLUSTER --location LOCATION --update-addons=HttpLoadBalancing=ENABLED
or, in Terraform, addons_config { http_load_balancing { disabled = false } }.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/how-to/load-balance-ingress',
    'https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#controller_summary',
    'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_cluster#http_load_balancing',
  ],
  needs: ['cluster'],
  optionalNeeds: ['Ingress'],
  notApplicable: 'no cluster was read',
  messages: {
    disabledWithIngresses:
      'The HTTP load-balancing addon is disabled, so the GKE ingress controller does not run: {{ingresses}} will never get a load balancer, and nothing logs why (no event, no error on the Ingress).',
    disabled: 'The HTTP load-balancing addon is disabled. No GCE Ingress exists yet, but the first one created will never get a load balancer.',
    unknownUntilApply:
      'Whether the HTTP load-balancing addon will be enabled is known only after apply (the plan leaves addons_config to the provider), so it cannot be decided before apply; {{ingresses}} need it. Set it explicitly.',
    disabledIngressesUnknown: 'The HTTP load-balancing addon is disabled; Ingresses could not be read ({{reason}}), so any GCE Ingress will never get a load balancer.',
    fixSummary: 'Enable the HTTP load-balancing addon (the cluster keeps running; the ingress controller starts and picks up existing Ingresses).',
  },
  run(state: ClusterState, context): CheckResult {
    const cluster = state.cluster!;
    const resource = clusterResourceName(state);
    const gceIngresses = () => state.kubernetes.list('Ingress').filter(isGceIngress).map(kubernetesResourceName);
    if (isUnknownUntilApply(state, resource, 'addonsConfig.httpLoadBalancing.disabled')) {
      const ingresses = gceIngresses();
      if (ingresses.length === 0) return { examined: [resource], findings: [] };
      const finding = context.report({
        messageId: 'unknownUntilApply',
        severity: 'warning',
        data: { ingresses: ingresses.join(', ') },
        resource,
        evidence: { httpLoadBalancingDisabled: 'known after apply', gceIngresses: ingresses },
        fix: { ...enableAddonFix(state), commands: [] },
      });
      return { examined: [resource], findings: [finding] };
    }
    if (cluster.addonsConfig?.httpLoadBalancing?.disabled !== true) return { examined: [resource], findings: [] };

    const fix = enableAddonFix(state);
    const ingressesUnavailable = state.unavailable.get('Ingress');
    if (ingressesUnavailable) {
      const finding = context.report({ messageId: 'disabledIngressesUnknown', severity: 'warning', data: { reason: ingressesUnavailable }, resource, evidence: { httpLoadBalancingDisabled: true }, fix });
      return { examined: [resource], findings: [finding] };
    }
    const ingresses = gceIngresses();
    const evidence = { httpLoadBalancingDisabled: true, gceIngresses: ingresses };
    const finding =
      ingresses.length > 0
        ? context.report({ messageId: 'disabledWithIngresses', data: { ingresses: ingresses.join(', ') }, resource, evidence, fix })
        : context.report({ messageId: 'disabled', severity: 'warning', resource, evidence, fix });
    return { examined: [resource], findings: [finding] };
  },
});

function enableAddonFix(state: ClusterState): Fix {
  const cluster = state.cluster?.name ?? state.target.cluster ?? 'CLUSTER';
  const location = state.cluster?.location ?? state.target.location ?? 'LOCATION';
  const project = state.target.project ? ` --project ${state.target.project}` : '';
  return {
    summary: httpLoadBalancingAddon.messages.fixSummary,
    commands: [`gcloud container clusters update ${cluster} --location ${location}${project} --update-addons=HttpLoadBalancing=ENABLED`],
    terraform: ['resource "google_container_cluster" "…" {', '  addons_config {', '    http_load_balancing {', '      disabled = false', '    }', '  }', '}'].join('\n'),
    automatic: false,
  };
}

export default httpLoadBalancingAddon;
