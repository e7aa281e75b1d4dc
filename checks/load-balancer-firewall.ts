import type { CheckContext, Finding, MessageData } from '../src/engine/check.js';
import { defineCheck, fill as fillTemplate } from '../src/engine/check.js';
import type { AddressSet } from '../src/gke/load-balancer/address-ranges.js';
import { addressSet, describeAddresses, isEmpty } from '../src/gke/load-balancer/address-ranges.js';
import type { FirewallVerdict, NetworkFirewall } from '../src/gke/load-balancer/firewall-evaluation.js';
import { HEALTH_CHECK_RANGES, evaluateFirewall, networkFirewall } from '../src/gke/load-balancer/firewall-evaluation.js';
import { firewallFix } from '../src/gke/load-balancer/firewall-fixes.js';
import type { BackendEndpoint, BackendPath } from '../src/gke/traffic/load-balancer-paths.js';
import { loadBalancerPaths } from '../src/gke/traffic/load-balancer-paths.js';
import { undecidedGatewayRoutes } from '../src/gke/gateway/gateway-routes.js';
import { gatewayApiEnabled } from '../src/gke/cluster/cluster-settings.js';
import { admitsAnyAddress, admittedSources, allowManifest, isolatingPolicies, networkPolicyEnforcement } from '../src/gke/load-balancer/network-policies.js';
import type { NodeTarget } from '../src/gke/load-balancer/node-targets.js';
import { nodeTargets } from '../src/gke/load-balancer/node-targets.js';
import { clusterRegion, proxyOnlySubnetFor } from '../src/gke/load-balancer/proxy-only-subnets.js';
import { unreadPodSources } from '../src/gke/services/service-pod-sources.js';
import type { ClusterNetwork } from '../src/state/cluster-network.js';
import { clusterNetwork } from '../src/state/cluster-network.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';

/** One finding about one backend: where the traffic goes, then why it does not get there. */
const onBackend = (cause: string) => `{{backend}} port {{servicePort}}, a backend of {{frontends}}, is {{reached}} at {{destination}}.\n${cause}`;

const loadBalancerFirewall = defineCheck({
  id: 'load-balancer-firewall',
  title: "The load balancer's health checks and proxies get through the VPC firewall and NetworkPolicies to every backend of the cluster's GCE Ingresses and GKE Gateways",
  severity: 'error',
  description: `Google's health checkers reach a load balancer's backends from 35.191.0.0/16 and
130.211.0.0/22; regional and internal Application Load Balancers also send every request from
the region's proxy-only subnet. Instance-group backends are reached on the Service's node port
of the nodes, NEG (container-native) backends on the Pod's port of the Pod IPs. When a firewall
drops that traffic the backend stays UNHEALTHY and clients get 502s, while Kubernetes shows the
Pods Ready (the kubelet probes them from the node), and nothing in the cluster says why.

For every backend of the cluster's GCE Ingresses and GKE Gateways this check evaluates the
cluster network's effective firewall in the cluster's region as Cloud NGFW does: hierarchical and
regional system firewall policies, then in the network's networkFirewallPolicyEnforcementOrder the
VPC firewall rules and the global and regional network firewall policies (AFTER_CLASSIC_FIREWALL,
the default: the VPC rules first; BEFORE_CLASSIC_FIREWALL: the policies first), then the implied
deny. Where the network was not read, only what both orders agree on is decided; where the regional
policies were not read, what only they could decide is undecided (and the check incomplete). Lowest
priority number first, a deny
before an allow of the same priority, direction INGRESS, disabled rules skipped, target tags
(GKE's gke-CLUSTER-HASH-node and each node pool's tags) and target service accounts (each node
pool's), source ranges, protocol and ports. A range is admitted only when all of it is. It names
the rule that blocks (or says no rule allows), the backend and port, and the gcloud command and
Terraform that let the traffic in. On a Shared VPC the rules are read in the host project, where
GKE can create its own k8s-fw-l7-* rules only with firewall permissions there.

A health check can have a port of its own: a BackendConfig spec.healthCheck.port (ingress-gce makes
the check USE_FIXED_PORT on it), a HealthCheckPolicy's fixed port, or a transparent health check
(7877). The health checks are then judged on that port (of the Pod IPs for NEGs, of the nodes for
instance groups), and a global load balancer's requests, which come from the same ranges, on the
serving port. A BackendConfig or HealthCheckPolicy that cannot be read leaves the check incomplete.

Where the cluster enforces NetworkPolicies (GKE network policy enforcement or Dataplane V2), it
evaluates the policies that select the serving Pods (policyTypes, empty selectors, ipBlock with
except, named ports and endPort; policies are additive): one that admits no health-check source on
the serving port drops the checks at the Pod. For NEG backends the checks arrive from Google's
ranges; for instance groups kube-proxy source-NATs node-port traffic to the node's address
(externalTrafficPolicy Cluster), and whether a NetworkPolicy sees the address before or after that
is the network plugin's choice, so such a block is certain only when no address outside the
cluster is admitted at all.

The proxy-only subnet itself is checked by ingress-config and gateway-config; the health check's
request by ingress-health-check and gateway-health-check.`,
  references: [
    'https://cloud.google.com/load-balancing/docs/firewall-rules',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges',
    'https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order',
    'https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy',
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
    'https://kubernetes.io/docs/tutorials/services/source-ip/',
    'https://gcpdiag.dev/rules/gke/ERR/2022_003',
  ],
  needs: ['Service'],
  optionalNeeds: [
    'Ingress',
    'Gateway',
    'GatewayClass',
    'HTTPRoute',
    'GRPCRoute',
    // A Gateway listener's allowedRoutes selector is matched against the route namespace's labels.
    'Namespace',
    'Pod',
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'NetworkPolicy',
    // They may move the health check to a port of its own.
    'BackendConfig',
    'HealthCheckPolicy',
    'cluster',
    'project',
    'subnetworks',
    'firewalls',
    'effectiveFirewalls',
    // The regional network firewall policies and the network's enforcement order.
    'regionalEffectiveFirewalls',
    'network',
  ],
  appliesTo: ['Ingress', 'Gateway'],
  notApplicable: 'no GCE Ingress or GKE Gateway routes to a Service that exists',
  messages: {
    blocked: onBackend(
      '{{rule}} (priority {{priority}}, {{action}}) drops {{traffic}} from {{sources}} to TCP port {{port}} on {{pools}}: the load balancer never reaches the backend, so it stays UNHEALTHY while the Pods are Ready.',
    ),
    noAllow: onBackend(
      'No firewall rule of network {{network}} allows {{traffic}} from {{sources}} to TCP port {{port}} on {{pools}}, so the implied deny-ingress rule drops them: the backend stays UNHEALTHY while the Pods are Ready.{{sharedVpc}}',
    ),
    undecided: onBackend('Whether the firewall lets {{traffic}} from {{sources}} reach TCP port {{port}} on {{pools}} cannot be decided: {{reason}}.'),
    vpcRulesOnly: onBackend(
      'The VPC firewall rules drop {{traffic}} from {{sources}} to TCP port {{port}} on {{pools}} ({{verdict}}); the network\'s firewall policies, evaluated first, could not be read ({{reason}}), so a policy rule may still let them in.',
    ),
    networkPolicyBlocks: onBackend(
      '{{policies}} select{{s}} {{pod}} ({{enforcement}} enforces NetworkPolicies) and admit{{s}} no ingress from {{sources}} ({{traffic}}) on port {{podPort}}: the Pod drops them, while the kubelet\'s readinessProbe, sent from the node, still passes.',
    ),
    networkPolicyMaySnat: onBackend(
      '{{policies}} select{{s}} {{pod}} and admit{{s}} {{traffic}} from {{sources}} on port {{podPort}} only from some addresses: kube-proxy source-NATs node-port traffic to the node\'s address (externalTrafficPolicy Cluster), and whether the policy sees Google\'s address or the node\'s depends on the network plugin. If it sees Google\'s, the health checks are dropped.',
    ),
    fixFirewall: 'Let {{traffic}} from {{sources}} reach TCP port {{port}} on the nodes with a firewall rule ahead of any deny (in the network\'s project).',
    fixNetworkPolicy: 'Add a NetworkPolicy beside the others (policies are additive) that admits {{sources}} on port {{podPort}} to these Pods.',
  },
  run(state, context) {
    const paths = loadBalancerPaths(state);
    const findings: Finding[] = [];
    const unread: string[] = [];
    const examined = paths.map((path) => path.resource);
    // Before apply (manifests, a plan) neither the network's firewall nor the cluster's Pods exist to judge.
    if (state.notInInputs) return { examined: [], findings };
    // What says which backends there are: unread, some load balancer may go unjudged (and nothing passes for want of looking).
    for (const kind of ['Ingress', 'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute'] as const) {
      if (state.unavailable.has(kind)) unread.push(`${kind} could not be read (${state.unavailable.get(kind)}), so the backends it names were not checked`);
    }
    if (!state.cluster || gatewayApiEnabled(state.cluster)) unread.push(...undecidedGatewayRoutes(state));
    if (paths.length === 0) return { examined: [], findings, unread };
    const cluster = state.cluster;
    if (!cluster) return { examined, findings, unread: [...unread, `the cluster could not be read (${state.unavailable.get('cluster') ?? 'not in the inputs'}), so its network, nodes and NetworkPolicy enforcement are not known`] };
    const network = clusterNetwork(cluster, state.target.project);
    const run: Run = { state, context, network, targets: nodeTargets(cluster, state.project?.projectNumber), findings, unread, reported: new Set() };
    const firewall = networkFirewall({
      effective: state.effectiveFirewalls,
      regional: state.regionalEffectiveFirewalls,
      vpcRules: state.firewalls,
      network: state.network,
      regionalUnread: state.unavailable.get('regionalEffectiveFirewalls') ?? 'compute/regional-effective-firewalls.json is not in the inputs',
      networkUnread: state.unavailable.get('network') ?? 'compute/network.json is not in the inputs',
    });
    if (!firewall) unread.push(`the firewall of the cluster's network could not be read (${state.unavailable.get('effectiveFirewalls') ?? state.unavailable.get('firewalls') ?? 'not in the inputs'}), so whether it admits the load balancer was not checked`);
    else if (!firewall.policiesKnown) unread.push(`the network's firewall policies could not be read (${state.unavailable.get('effectiveFirewalls') ?? 'compute/effective-firewalls.json is not in the inputs'}): only its VPC firewall rules were evaluated`);
    const enforcement = networkPolicyEnforcement(cluster);
    if (enforcement && state.unavailable.has('NetworkPolicy')) unread.push(`NetworkPolicy could not be read (${state.unavailable.get('NetworkPolicy')}), so whether one drops the health checks was not checked`);
    const podsUnread = unreadPodSources(state);
    if (podsUnread.length > 0 && paths.some((path) => path.neg)) unread.push(`the serving Pods could not all be read (${podsUnread.join('; ')}), so the Pod ports and NetworkPolicies of NEG backends were not all checked`);
    for (const path of paths) {
      const sources = trafficSources(path, state);
      if (!path.healthChecks.known) unread.push(`the health checks of ${path.resource} port ${path.servicePort.port} could not be placed: ${path.healthChecks.reason}; whether the firewall admits them was not checked`);
      else if (enforcement && path.healthChecks.podsUnknown) unread.push(`whether a NetworkPolicy drops the health checks of ${path.resource} port ${path.servicePort.port} was not checked: ${path.healthChecks.podsUnknown}`);
      for (const source of sources) {
        if (firewall) for (const endpoint of source.endpoints) checkFirewall(run, firewall, path, endpoint, source);
        if (enforcement && !state.unavailable.has('NetworkPolicy')) for (const endpoint of source.podEndpoints ?? []) checkNetworkPolicies(run, enforcement, path, endpoint, source);
      }
    }
    return { examined, findings, unread };
  },
});

type MessageId = keyof typeof loadBalancerFirewall.messages;

interface Run {
  state: ClusterState;
  context: CheckContext<MessageId>;
  network: ClusterNetwork | undefined;
  targets: NodeTarget[];
  findings: Finding[];
  unread: string[];
  /** One finding per backend, port, source and cause, however many node pools or Pods share it. */
  reported: Set<string>;
}

/**
 * Who sends what to a backend (https://cloud.google.com/load-balancing/docs/firewall-rules): Google's
 * health checkers, to the health check's port; the requests of a global load balancer's Google Front
 * Ends, from the same ranges, to the serving port; a regional or cross-region one's, from its
 * proxy-only subnet. `podEndpoints`: what a NetworkPolicy sees of it (the proxy-only subnet's is not judged).
 */
interface Source {
  cidrs: string[];
  traffic: string;
  endpoints: BackendEndpoint[];
  podEndpoints?: BackendEndpoint[];
  /** The health check's own port, and where it comes from. */
  ownPort?: string;
}

function trafficSources(path: BackendPath, state: ClusterState): Source[] {
  const sources: Source[] = [];
  const checks = path.healthChecks;
  if (checks.known && checks.servingPort) sources.push({ cidrs: [...HEALTH_CHECK_RANGES], traffic: 'health checks', endpoints: checks.endpoints, ...(checks.podEndpoints ? { podEndpoints: checks.podEndpoints } : {}) });
  else if (checks.known) sources.push({ cidrs: [...HEALTH_CHECK_RANGES], traffic: 'health checks', endpoints: checks.endpoints, ...(checks.podEndpoints ? { podEndpoints: checks.podEndpoints } : {}), ownPort: checks.origin });
  if (!path.proxyScope) {
    // The global load balancer's proxies send from the health-check ranges: one source when both go to the serving port.
    if (!checks.known || !checks.servingPort) sources.push({ cidrs: [...HEALTH_CHECK_RANGES], traffic: 'requests from Google Front Ends', endpoints: path.firewallEndpoints, podEndpoints: path.podEndpoints });
    return sources;
  }
  if (!state.cluster || !state.subnetworks) return sources;
  const region = clusterRegion(state.cluster);
  const subnet = region ? proxyOnlySubnetFor(state.subnetworks, path.proxyScope, region, clusterNetwork(state.cluster, state.target.project)?.path) : undefined;
  // A missing proxy-only subnet is ingress-config's and gateway-config's finding: there is no traffic from it to judge.
  if (subnet?.ipCidrRange) sources.push({ cidrs: [subnet.ipCidrRange], traffic: `requests from the proxy-only subnet ${subnet.name}`, endpoints: path.firewallEndpoints });
  return sources;
}

function describe(path: BackendPath, endpoint: BackendEndpoint, source: Source) {
  const where = path.neg ? `Pod port ${endpoint.port.number} of its Pod IPs (container-native load balancing, NEG)` : `${source.ownPort ? 'port' : 'node port'} ${endpoint.port.number} of the nodes (instance groups)`;
  return {
    backend: path.resource,
    servicePort: path.servicePort.port,
    frontends: path.frontends.join(', '),
    reached: source.ownPort ? 'health-checked' : 'reached',
    destination: source.ownPort ? `${where}, the port ${source.ownPort} gives its health check` : where,
  };
}

function checkFirewall(run: Run, firewall: NetworkFirewall, path: BackendPath, endpoint: BackendEndpoint, source: Source): void {
  const failing = new Map<string, { verdict: FirewallVerdict; targets: NodeTarget[] }>();
  for (const target of run.targets) {
    const verdict = evaluateFirewall(firewall, { sources: addressSet(source.cidrs), port: endpoint.port.number, target, ...(path.neg && endpoint.destinations ? { destinations: endpoint.destinations } : {}) });
    if (verdict.kind === 'admitted') continue;
    const key = verdict.kind === 'blocked' ? `blocked ${verdict.by.policy?.name ?? ''}/${verdict.by.name}` : verdict.kind === 'undecided' ? `undecided ${verdict.because.name}` : 'no-allow';
    const entry = failing.get(key) ?? { verdict, targets: [] };
    entry.targets.push(target);
    failing.set(key, entry);
  }
  for (const [key, { verdict, targets }] of failing) {
    const once = `${path.resource}/${endpoint.port.number}/${source.traffic}/${key}`;
    if (run.reported.has(once)) continue;
    run.reported.add(once);
    run.findings.push(firewallFinding(run, firewall, path, endpoint, source, verdict, targets));
  }
}

function firewallFinding(run: Run, firewall: NetworkFirewall, path: BackendPath, endpoint: BackendEndpoint, source: Source, verdict: FirewallVerdict, targets: NodeTarget[]): Finding {
  const { state, context, network } = run;
  const region = state.cluster ? clusterRegion(state.cluster) : undefined;
  const pools = `node pool${targets.length > 1 ? 's' : ''} ${targets.map((target) => `${target.pool} (${target.tags.length ? `tags ${target.tags.join(', ')}` : 'no tags'}${target.serviceAccount ? `, ${target.serviceAccount}` : ''})`).join(', ')}`;
  const addresses = verdict.kind === 'blocked' || verdict.kind === 'no-allow' ? verdict.addresses : addressSet(source.cidrs);
  const data = { ...describe(path, endpoint, source), traffic: source.traffic, sources: describeAddresses(addresses), port: endpoint.port.number, pools };
  const fix = network
    ? firewallFix({ network, sources: source.cidrs, port: endpoint.port.number, target: targets[0]!, ...(verdict.kind === 'blocked' ? { blockedBy: verdict.by } : {}), ...(region ? { region } : {}) }, fill('fixFirewall', { traffic: source.traffic, sources: source.cidrs.join(', '), port: endpoint.port.number }))
    : null;
  const evidence = { backend: path.resource, frontends: path.frontends, port: endpoint.port.number, neg: path.neg, sources: source.cidrs, nodePools: targets.map((target) => target.pool), verdict };
  if (verdict.kind === 'undecided') {
    // Data that was not read left it open: the check is incomplete, not only warned.
    if (verdict.missing && !run.unread.includes(verdict.reason)) run.unread.push(verdict.reason);
    return context.report({ messageId: 'undecided', severity: 'warning', data: { ...data, reason: verdict.reason }, resource: path.resource, evidence, fix });
  }
  if (!firewall.policiesKnown) {
    const what = verdict.kind === 'blocked' ? `rule ${verdict.by.name} denies them` : 'no rule allows them';
    return context.report({ messageId: 'vpcRulesOnly', severity: 'warning', data: { ...data, verdict: what, reason: state.unavailable.get('effectiveFirewalls') ?? 'compute/effective-firewalls.json is not in the inputs' }, resource: path.resource, evidence, fix });
  }
  if (verdict.kind === 'blocked') {
    const kind = { HIERARCHY: 'hierarchical', NETWORK: 'global network', NETWORK_REGIONAL: 'regional network', SYSTEM_REGIONAL: 'regional system', SYSTEM_GLOBAL: 'system' }[verdict.by.policy?.type ?? ''] ?? 'network';
    const before = firewall.order === 'BEFORE_CLASSIC_FIREWALL' && verdict.by.policy?.type?.startsWith('NETWORK');
    const rule = verdict.by.policy
      ? `${before ? 'With networkFirewallPolicyEnforcementOrder BEFORE_CLASSIC_FIREWALL (network firewall policies before the VPC firewall rules), rule' : 'Rule'} ${verdict.by.name} of ${kind} firewall policy ${verdict.by.policy.name}`
      : `VPC firewall rule ${verdict.by.name}`;
    return context.report({ messageId: 'blocked', data: { ...data, rule, priority: verdict.by.priority, action: verdict.by.action }, resource: path.resource, evidence, fix });
  }
  const shared = network && state.target.project && network.project !== state.target.project;
  const sharedVpc = shared
    ? ` The network is in host project ${network.project} (Shared VPC): GKE creates its own k8s-fw-l7-* allow rules there only when its service agent (service-${state.project?.projectNumber ?? 'PROJECT_NUMBER'}@container-engine-robot.iam.gserviceaccount.com) holds compute.firewalls.create, update and delete on ${network.project} (roles/compute.securityAdmin); otherwise a security admin of the host project must create the rule below (ingress-gce pkg/firewalls: the controller then says so in the Ingress's events).`
    : '';
  return context.report({ messageId: 'noAllow', data: { ...data, network: network?.path ?? "the cluster's network", sharedVpc }, resource: path.resource, evidence, fix });
}

function checkNetworkPolicies(run: Run, enforcement: 'dataplane-v2' | 'network-policy', path: BackendPath, endpoint: BackendEndpoint, source: Source): void {
  const policies = run.state.kubernetes.list('NetworkPolicy');
  const preserved = path.neg || path.service.spec?.externalTrafficPolicy === 'Local';
  for (const pod of endpoint.pods) {
    const isolating = isolatingPolicies(pod, policies);
    if (isolating.length === 0) continue;
    const { refused } = admittedSources(isolating, addressSet(source.cidrs), endpoint.port);
    if (isEmpty(refused)) continue;
    // Instance groups with externalTrafficPolicy Cluster: the Pod may see the node's address instead of Google's (kube-proxy's SNAT), which only an address-wide admission would cover.
    const certain = preserved || !admitsAnyAddress(isolating, endpoint.port);
    const names = isolating.map((policy) => kubernetesResourceName({ kind: 'NetworkPolicy', metadata: policy.metadata }));
    const once = `${path.resource}/${endpoint.port.number}/netpol/${names.join(',')}`;
    if (run.reported.has(once)) continue;
    run.reported.add(once);
    const namespace = pod.metadata?.namespace ?? 'default';
    const podLabels = path.service.spec?.selector ?? pod.metadata?.labels ?? {};
    const manifest = allowManifest(`allow-load-balancer-${path.service.metadata?.name ?? 'backend'}`.slice(0, 63), namespace, podLabels, source.cidrs, endpoint.port);
    run.findings.push(
      run.context.report({
        messageId: certain ? 'networkPolicyBlocks' : 'networkPolicyMaySnat',
        severity: certain ? 'error' : 'warning',
        data: {
          ...describe(path, endpoint, source),
          policies: names.join(', '),
          s: names.length > 1 ? '' : 's',
          pod: kubernetesResourceName({ kind: 'Pod', metadata: pod.metadata }),
          enforcement: enforcement === 'dataplane-v2' ? 'GKE Dataplane V2' : 'GKE network policy enforcement',
          sources: describeAddresses(refused as AddressSet),
          traffic: source.traffic,
          podPort: endpoint.port.name ? `${endpoint.port.number} (${endpoint.port.name})` : endpoint.port.number,
        },
        resource: names[0]!,
        evidence: { backend: path.resource, frontends: path.frontends, pod: pod.metadata?.name, policies: names, refused: describeAddresses(refused), port: endpoint.port, enforcement },
        fix: { summary: fill('fixNetworkPolicy', { sources: source.cidrs.join(', '), podPort: endpoint.port.number }), commands: [['kubectl apply -f - <<\'EOF\'', manifest, 'EOF'].join('\n')], terraform: null, automatic: false },
      }),
    );
  }
}

function fill(id: MessageId, data: MessageData): string {
  return fillTemplate(loadBalancerFirewall.messages[id], data, id);
}

export default loadBalancerFirewall;
