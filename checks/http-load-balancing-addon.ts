import type { Check, CheckResult, Finding, Fix } from '../src/engine/check.js';
import { format } from '../src/engine/check.js';
import { isGceIngress } from '../src/gke/ingress-class.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { isUnknownUntilApply, kubernetesResourceName } from '../src/state/cluster-state.js';
import { clusterResourceName } from '../src/gke/cluster-name.js';

const messages = {
  disabledWithIngresses:
    'The HTTP load-balancing addon is disabled, so the GKE ingress controller does not run: {{ingresses}} will never get a load balancer, and nothing logs why (no event, no error on the Ingress).',
  disabled: 'The HTTP load-balancing addon is disabled. No GCE Ingress exists yet, but the first one created will never get a load balancer.',
  unknownUntilApply:
    'Whether the HTTP load-balancing addon will be enabled is known only after apply (the plan leaves addons_config to the provider), so it cannot be decided before apply; {{ingresses}} need it. Set it explicitly.',
  disabledIngressesUnknown: 'The HTTP load-balancing addon is disabled; Ingresses could not be read ({{reason}}), so any GCE Ingress will never get a load balancer.',
  fixSummary: 'Enable the HTTP load-balancing addon (the cluster keeps running; the ingress controller starts and picks up existing Ingresses).',
};

const httpLoadBalancingAddon: Check = {
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
  run(state: ClusterState): CheckResult {
    const cluster = state.cluster!;
    const clusterResource = clusterResourceName(state);
    if (isUnknownUntilApply(state, clusterResource, 'addonsConfig.httpLoadBalancing.disabled')) {
      const gceIngresses = state.kubernetes.list('Ingress').filter(isGceIngress).map(kubernetesResourceName);
      const findings = gceIngresses.length > 0 ? [undecided(clusterResource, gceIngresses, enableAddonFix(state))] : [];
      return { examined: [clusterResource], findings };
    }
    if (cluster.addonsConfig?.httpLoadBalancing?.disabled !== true) return { examined: [clusterResource], findings: [] };

    const fix = enableAddonFix(state);
    const ingressesUnavailable = state.unavailable.get('Ingress');
    if (ingressesUnavailable) {
      return { examined: [clusterResource], findings: [finding('warning', clusterResource, format(messages.disabledIngressesUnknown, { reason: ingressesUnavailable }), {}, fix)] };
    }
    const gceIngresses = state.kubernetes.list('Ingress').filter(isGceIngress).map(kubernetesResourceName);
    const findings =
      gceIngresses.length > 0
        ? [finding('error', clusterResource, format(messages.disabledWithIngresses, { ingresses: gceIngresses.join(', ') }), { gceIngresses }, fix)]
        : [finding('warning', clusterResource, messages.disabled, { gceIngresses }, fix)];
    return { examined: [clusterResource], findings };
  },
};

function finding(severity: Finding['severity'], resource: string, message: string, evidence: Record<string, unknown>, fix: Fix): Finding {
  return { severity, resource, message, evidence: { httpLoadBalancingDisabled: true, ...evidence }, fix };
}

function undecided(resource: string, gceIngresses: string[], fix: Fix): Finding {
  return {
    severity: 'warning',
    resource,
    message: format(messages.unknownUntilApply, { ingresses: gceIngresses.join(', ') }),
    evidence: { httpLoadBalancingDisabled: 'known after apply', gceIngresses },
    fix: { ...fix, commands: [] },
  };
}

function enableAddonFix(state: ClusterState): Fix {
  const cluster = state.cluster?.name ?? state.target.cluster ?? 'CLUSTER';
  const location = state.cluster?.location ?? state.target.location ?? 'LOCATION';
  const project = state.target.project ? ` --project ${state.target.project}` : '';
  return {
    summary: messages.fixSummary,
    commands: [`gcloud container clusters update ${cluster} --location ${location}${project} --update-addons=HttpLoadBalancing=ENABLED`],
    terraform: ['resource "google_container_cluster" "…" {', '  addons_config {', '    http_load_balancing {', '      disabled = false', '    }', '  }', '}'].join('\n'),
    automatic: false,
  };
}

export default httpLoadBalancingAddon;
