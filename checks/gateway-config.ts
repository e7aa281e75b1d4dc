import type { Finding } from '../src/engine/check.js';
import { defineCheck } from '../src/engine/check.js';
import { clusterResourceName } from '../src/gke/cluster/cluster-name.js';
import { enableGatewayApiFix, gatewayApiEnabled } from '../src/gke/cluster/cluster-settings.js';
import type { GkeGatewayClass } from '../src/gke/gateway/gateway-classes.js';
import { GKE_GATEWAY_CONTROLLER, gkeGatewayClass, gkeGateways } from '../src/gke/gateway/gateway-classes.js';
import { backendPolicyConflicts, policyTargets } from '../src/gke/gateway/gateway-policies.js';
import type { AttachedRoute } from '../src/gke/gateway/gateway-routes.js';
import { backendRefsOf, falseConditions, isServiceRef, routesOfGkeGateways } from '../src/gke/gateway/gateway-routes.js';
import { unknownFields } from '../src/gke/planned-values.js';
import { clusterRegion, networkPath, proxyOnlySubnetFix, proxyOnlySubnetFor, proxyOnlySubnetPurposes } from '../src/gke/load-balancer/proxy-only-subnets.js';
import { referenceGrantAllows, referenceGrantManifest } from '../src/gke/gateway/reference-grants.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import type { Condition, Gateway, GatewayObjectReference } from '../src/state/kubernetes-types.js';
import type { RouteKind } from '../src/gke/gateway/route-kinds.js';
import { ROUTE_KINDS } from '../src/gke/gateway/route-kinds.js';
import { isGkeGateway } from '../src/gke/gateway/gateway-classes.js';
import type { AttachmentProblem } from '../src/gke/gateway/route-attachment.js';
import { parentAttachments } from '../src/gke/gateway/route-attachment.js';
import { manualFix } from '../src/gke/load-balancer/manual-fix.js';
import type { Route } from '../src/state/kubernetes-types.js';

const gatewayConfig = defineCheck({
  id: 'gateway-config',
  title: 'GKE Gateways and their routes are accepted and programmed',
  severity: 'error',
  description: `GKE's Gateway controller turns a Gateway of a GKE GatewayClass (gke-l7-*) and the
HTTPRoutes attached to it into a Google Cloud load balancer, and says in their status
conditions when it cannot. Many reasons leave a Gateway without an address, or a route
without traffic, and some of them leave no condition at all:

- the cluster's Gateway API is off (networkConfig.gatewayApiConfig.channel), so nothing
  installs the GatewayClasses and no controller reads the Gateway;
- the Gateway names a GatewayClass that does not exist;
- the cluster is not VPC-native (the Gateway API is supported on VPC-native clusters only);
- a regional or cross-region class (gke-l7-rilb, gke-l7-regional-external-managed, …)
  without an active proxy-only subnet in the cluster's region and network;
- a Gateway whose Accepted or Programmed condition is False, a route whose Accepted or
  ResolvedRefs condition is False (with the controller's reason and message);
- a route whose parentRef names a Gateway that does not exist, a listener (sectionName, port)
  the Gateway does not have, only listeners whose allowedRoutes (namespaces: Same by default,
  All or a label Selector; kinds) do not admit it, or only admitting listeners whose hostname
  no hostname of the route's spec.hostnames intersects (a *. prefix is a suffix match:
  *.example.com covers foo.example.com, never example.com; a listener without a hostname
  takes every route): it attaches to nothing and serves nothing. GKE's controller is the
  authority on attachment: where its current Accepted condition on the route (written for
  the route's generation) disagrees with this reading, the condition wins and the finding
  says so;
- a route that sends traffic to a Service that does not exist, or to one in another
  namespace without a ReferenceGrant there allowing it;
- a HealthCheckPolicy or GCPBackendPolicy whose targetRef names nothing (it changes nothing),
  a GCPGatewayPolicy naming no Gateway, and two GCPBackendPolicies on one Service (the oldest
  wins; the other is not attached).

The HTTP load-balancing addon, which the controller also needs, is checked by
http-load-balancing-addon.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#restrictions_and_limitations',
    'https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshoot-gateways',
    'https://gateway-api.sigs.k8s.io/reference/spec/',
  ],
  needs: ['Gateway'],
  optionalNeeds: ['Namespace', 'cluster', 'subnetworks', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant', 'Service', 'HealthCheckPolicy', 'GCPBackendPolicy', 'GCPGatewayPolicy'],
  appliesTo: ['Gateway'],
  notApplicable: 'no Gateway of a GKE GatewayClass, and no GKE Gateway policy',
  messages: {
    gatewayApiDisabled:
      'The cluster\'s Gateway API is {{channel}}, so GKE installs no GatewayClass and runs no Gateway controller for it: {{gateways}} will never get a load balancer.',
    gatewayClassMissing: 'GatewayClass {{name}} does not exist, so no controller accepts Gateway {{gateway}}: it will never get an address.',
    notVpcNative: 'The cluster is not VPC-native (routes-based): GKE supports the Gateway API on VPC-native clusters only, so {{gateways}} cannot be served.',
    proxySubnetMissing:
      'Gateway {{gateway}} uses {{className}}, a {{scope}} load balancer, which needs an active proxy-only subnet (purpose {{purposes}}) in region {{region}} of network {{network}}; there is none, so the load balancer cannot be created.',
    proxySubnetUnknown:
      'Gateway {{gateway}} uses {{className}}, which needs an active proxy-only subnet (purpose {{purposes}}) in region {{region}}; subnets could not be read ({{reason}}), so this is not checked.',
    conditionFalse: '{{what}} condition {{type}} is False: {{reason}}{{message}}.',
    parentGatewayMissing:
      '{{route}} names Gateway {{gateway}} in spec.parentRefs[{{index}}], which does not exist: the route attaches to nothing there and serves no traffic through it{{agrees}}.{{nowhere}}',
    parentListenerMissing:
      '{{route}} names listener {{listener}} of Gateway {{gateway}} in spec.parentRefs[{{index}}], and the Gateway has no such listener (it has {{listeners}}): the route attaches to nothing there{{agrees}}.{{nowhere}}',
    notAllowedByListeners:
      '{{route}} is not admitted by Gateway {{gateway}} (spec.parentRefs[{{index}}]): {{refusals}}. The route attaches to nothing there{{agrees}}.{{nowhere}}',
    noMatchingListenerHostname:
      '{{route}} has hostnames {{hostnames}}, and none intersects the hostname of a listener of Gateway {{gateway}} (spec.parentRefs[{{index}}]) that admits it: {{listeners}}. The route attaches to nothing there{{agrees}}.{{nowhere}}',
    rejectedByController:
      '{{route}} reads as attached to Gateway {{gateway}} (spec.parentRefs[{{index}}]), but GKE\'s Gateway controller says it is not: Accepted is False, {{reason}}{{message}}. The controller\'s status is taken over gke-doctor\'s reading of the spec, so the route serves no traffic through that Gateway and its backends are not judged for it.{{nowhere}}',
    acceptedOverSpec:
      '{{route}} reads as {{reading}} (spec.parentRefs[{{index}}]), yet GKE\'s Gateway controller accepted it on Gateway {{gateway}} (Accepted True): the controller\'s status is taken over gke-doctor\'s reading of the spec, and its backends are judged for that Gateway.',
    fixRejected: 'Read the controller\'s reason and message on the route (kubectl describe), change what it names, and check that Accepted turns True.',
    fixParentRef: 'Point spec.parentRefs at an existing Gateway and listener (kubectl get gateways -A shows them), or create the Gateway.',
    fixAllowedRoutes:
      'Let the listener admit the route: set its allowedRoutes.namespaces (from: All, or from: Selector with a label the route\'s namespace carries), or move the route into the Gateway\'s namespace.',
    backendMissing: '{{route}} sends traffic ({{field}}) to Service {{service}}, which does not exist: those requests get errors.',
    backendPortMissing: '{{route}} sends traffic ({{field}}) to port {{port}} of Service {{service}}, which has no such port.',
    referenceGrantMissing:
      '{{route}} sends traffic ({{field}}) to Service {{service}} in namespace {{namespace}}, and no ReferenceGrant there allows references from kind {{routeKind}} in namespace {{from}}: the reference is refused.',
    policyTargetMissing: '{{policy}} targets {{target}}, which does not exist in namespace {{namespace}}: the policy changes nothing.',
    backendPolicyConflict: '{{policies}} all target Service {{service}}; only the oldest, {{winner}}, is attached, the others change nothing.',
    fixEnableGatewayApi: 'Turn the Gateway API on (the standard channel); GKE installs the CRDs and GatewayClasses and its controller picks the Gateways up.',
    fixProxySubnet: 'Create a proxy-only subnet in the region (one per region and network); pick an unused range of at least /26.',
    fixHostnames:
      'Give the route a hostname the listener\'s hostname covers (a *.example.com listener takes foo.example.com, not example.com), or change or remove the listener\'s hostname.',
    fixReferenceGrant: 'Allow the reference with a ReferenceGrant in the Service\'s namespace.',
  },
  run(state, context) {
    const examined = new Set<string>();
    const findings: Finding[] = [];
    const gateways = gkeGateways(state);
    for (const gateway of gateways) examined.add(gatewayResource(gateway));
    if (gateways.length > 0 && state.cluster) {
      examined.add(clusterResourceName(state));
      findings.push(...clusterFindings(state, context, gateways.map(gatewayResource)));
    }
    for (const gateway of gateways) findings.push(...gatewayFindings(state, context, gateway));
    const undecided: string[] = [];
    const explained = new Set<string>();
    for (const kind of ROUTE_KINDS) {
      for (const route of state.kubernetes.list(kind)) {
        const result = attachmentFindings(state, context, route, kind);
        if (!result) continue;
        examined.add(result.resource);
        findings.push(...result.findings);
        undecided.push(...result.undecided);
        for (const parent of result.explained) explained.add(parent);
      }
    }
    for (const attached of routesOfGkeGateways(state)) {
      examined.add(attached.resource);
      findings.push(...routeFindings(state, context, attached, explained));
    }
    const targets = policyTargets(state);
    for (const { resource, namespace, ref, target } of targets) {
      examined.add(resource);
      if (target !== undefined) continue;
      const data = { policy: resource, target: `${ref.kind ?? ''} ${ref.name}`, namespace };
      findings.push(context.report({ messageId: 'policyTargetMissing', data, resource, severity: 'warning', evidence: { targetRef: ref } }));
    }
    for (const { service, policies } of backendPolicyConflicts(targets)) {
      for (const loser of policies.slice(1)) {
        findings.push(context.report({ messageId: 'backendPolicyConflict', data: { policies: policies.join(', '), service, winner: policies[0]! }, resource: loser, severity: 'warning' }));
      }
    }
    return { examined: [...examined], findings, unread: examined.size > 0 ? [...unreadOptionalData(state), ...undecided] : [] };
  },
});

/** Optional data that could not be read: what depends on it was not checked, so the check must not pass (subnets have their own finding). */
function unreadOptionalData(state: ClusterState): string[] {
  return (gatewayConfig.optionalNeeds ?? [])
    .filter((key) => key !== 'subnetworks' && key !== 'Namespace' && state.unavailable.has(key) && !state.notInInputs?.has(key))
    .map((key) => `${key} could not be read (${state.unavailable.get(key)}), so what depends on it was not checked`);
}

type Context = Parameters<typeof gatewayConfig.run>[1];

function gatewayResource(gateway: Gateway): string {
  return kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata });
}

/** deploying-gateways, GKE Gateway controller requirements: the Gateway API on, a VPC-native cluster. */
function clusterFindings(state: ClusterState, context: Context, gateways: string[]): Finding[] {
  const cluster = state.cluster!;
  const resource = clusterResourceName(state);
  const findings: Finding[] = [];
  const channel = cluster.networkConfig?.gatewayApiConfig?.channel;
  if (unknownFields(state, resource, ['networkConfig.gatewayApiConfig.channel']).length === 0 && !gatewayApiEnabled(cluster)) {
    findings.push(
      context.report({
        messageId: 'gatewayApiDisabled',
        data: { channel: channel ? `set to ${channel}` : 'off (networkConfig.gatewayApiConfig.channel is not set)', gateways: gateways.join(', ') },
        resource,
        evidence: { gatewayApiChannel: channel ?? null, gateways },
        fix: enableGatewayApiFix(state, gatewayConfig.messages.fixEnableGatewayApi),
      }),
    );
  }
  // "Gateway API is supported on VPC-native clusters only"; decided only when the allocation policy is known.
  if (cluster.ipAllocationPolicy && cluster.ipAllocationPolicy.useIpAliases !== true) {
    findings.push(context.report({ messageId: 'notVpcNative', data: { gateways: gateways.join(', ') }, resource, evidence: { useIpAliases: false } }));
  }
  return findings;
}

function gatewayFindings(state: ClusterState, context: Context, gateway: Gateway): Finding[] {
  const resource = gatewayResource(gateway);
  const className = gateway.spec?.gatewayClassName ?? '';
  const gatewayClass = gkeGatewayClass(className);
  const findings: Finding[] = [];
  // GKE installs its own classes with the Gateway API (gatewayApiDisabled covers their absence).
  if (!gatewayClass && !state.unavailable.has('GatewayClass') && !state.kubernetes.get('GatewayClass', undefined, className)) {
    findings.push(context.report({ messageId: 'gatewayClassMissing', data: { name: className, gateway: resource }, resource }));
  }
  if (gatewayClass && gatewayClass.scope !== 'global') findings.push(...proxySubnetFindings(state, context, gateway, gatewayClass));
  for (const condition of falseConditions(gateway.status?.conditions, ['Accepted', 'Programmed'])) {
    findings.push(conditionFinding(context, `Gateway ${resource}`, condition, resource));
  }
  return findings;
}

/** The controller's False conditions on the route, its backends that do not exist, and cross-namespace references no ReferenceGrant allows. */
function routeFindings(state: ClusterState, context: Context, attached: AttachedRoute, explained: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const parent of attached.route.status?.parents ?? []) {
    if (parent.controllerName !== GKE_GATEWAY_CONTROLLER) continue;
    // An Accepted=False that attachmentFindings already explained is reported once, there.
    const key = `${attached.resource}|${parent.parentRef.namespace ?? attached.namespace}/${parent.parentRef.name}|${parent.parentRef.sectionName ?? ''}|${parent.parentRef.port ?? ''}`;
    const types = explained.has(key) ? ['ResolvedRefs'] : ['Accepted', 'ResolvedRefs'];
    for (const condition of falseConditions(parent.conditions, types)) {
      findings.push(conditionFinding(context, `${attached.resource} (parent Gateway ${parent.parentRef.namespace ?? attached.namespace}/${parent.parentRef.name})`, condition, attached.resource));
    }
  }
  for (const ref of backendRefsOf(attached)) {
    if (!isServiceRef(ref)) continue;
    const route = attached.resource;
    const service = `${ref.namespace}/${ref.name}`;
    if (ref.namespace !== attached.namespace && !state.unavailable.has('ReferenceGrant') && !referenceGrantAllows(state, attached.kind, attached.namespace, ref.namespace, ref.name)) {
      const yaml = referenceGrantManifest(attached.kind, attached.namespace, ref.namespace, ref.name);
      findings.push(
        context.report({
          messageId: 'referenceGrantMissing',
          data: { route, field: ref.field, service, namespace: ref.namespace, routeKind: attached.kind, from: attached.namespace },
          resource: route,
          fix: manualFix(gatewayConfig.messages.fixReferenceGrant, [['kubectl apply -f - <<\'EOF\'', yaml, 'EOF'].join('\n')]),
        }),
      );
    }
    if (state.unavailable.has('Service')) continue;
    const found = state.kubernetes.get('Service', ref.namespace, ref.name);
    if (!found) {
      findings.push(context.report({ messageId: 'backendMissing', data: { route, field: ref.field, service }, resource: route }));
    } else if (ref.port !== undefined && !(found.spec?.ports ?? []).some((port) => port.port === ref.port)) {
      findings.push(context.report({ messageId: 'backendPortMissing', data: { route, field: ref.field, service, port: ref.port }, resource: route }));
    }
  }
  return findings;
}

/**
 * The parentRefs of a route (one whose parents are GKE Gateways, or Gateways that do not exist) that attach to nothing,
 * decided by src/gke/gateway/route-attachment.ts parentAttachments: the Gateway API spec reading, with GKE's
 * controller's current Accepted condition taken over it where the two disagree (and said so).
 */
function attachmentFindings(state: ClusterState, context: Context, route: Route, kind: RouteKind) {
  const parents = parentAttachments(state, route, kind);
  // Routes of other implementations' Gateways are theirs to judge.
  if (parents.some(({ gateway }) => gateway && !isGkeGateway(gateway, state))) return undefined;
  if (!parents.some((parent) => parent.gateway || parent.attached === false)) return undefined;
  const namespace = route.metadata?.namespace ?? 'default';
  const resource = kubernetesResourceName({ kind, metadata: route.metadata });
  const findings: Finding[] = [];
  const undecided: string[] = [];
  // Every parent decided here: routeFindings does not report its Accepted condition again.
  const explained = parents.map(({ ref }) => `${resource}|${ref.namespace ?? namespace}/${ref.name}|${ref.sectionName ?? ''}|${ref.port ?? ''}`);
  const nowhere = parents.every((parent) => parent.attached === false) ? ' It attaches to no Gateway at all, so it serves no traffic.' : '';
  for (const { ref, index, inferred, accepted, staleAccepted, attached } of parents) {
    const gateway = `${ref.namespace ?? namespace}/${ref.name}`;
    if (attached === 'unknown' && inferred.attached === 'unknown') undecided.push(`${resource}: ${inferred.reason}`);
    const condition = { reason: accepted?.reason ?? 'no reason', message: accepted?.message ? ` (${accepted.message})` : '' };
    if (attached === true && inferred.attached === false) {
      // The controller accepted what the spec reading refuses: its status is taken, and the disagreement shown.
      const data = { route: resource, gateway, index, reading: problemText(inferred.problem) };
      findings.push(context.report({ messageId: 'acceptedOverSpec', data, resource, severity: 'info', evidence: { parentRef: ref, condition: accepted, specReading: inferred.problem.reason } }));
    }
    if (attached !== false) continue;
    if (inferred.attached !== false) {
      // The spec reads as attached (or undecided) and the controller says Accepted=False: the controller is trusted.
      const data = { route: resource, gateway, index, ...condition, nowhere };
      findings.push(context.report({ messageId: 'rejectedByController', data, resource, evidence: { parentRef: ref, condition: accepted }, fix: manualFix(gatewayConfig.messages.fixRejected) }));
      continue;
    }
    const { problem } = inferred;
    const agrees = accepted
      ? `; the controller's Accepted condition says the same (False, ${condition.reason})`
      : staleAccepted
        ? `; the controller's Accepted condition (${staleAccepted.status}, ${staleAccepted.reason ?? 'no reason'}) is for generation ${staleAccepted.observedGeneration} of the route, which is now at ${route.metadata?.generation}, so it is out of date and not taken`
        : '';
    const data = { route: resource, gateway: problem.gateway, index, agrees, nowhere };
    const evidence = { parentRef: ref, acceptedReason: problem.reason, ...(accepted ? { condition: accepted } : staleAccepted ? { staleCondition: staleAccepted } : {}) };
    if (problem.problem === 'gatewayMissing') {
      findings.push(context.report({ messageId: 'parentGatewayMissing', data, resource, evidence, fix: manualFix(gatewayConfig.messages.fixParentRef) }));
    } else if (problem.problem === 'noMatchingListener') {
      const listener = [ref.sectionName, ref.port === undefined ? undefined : `on port ${ref.port}`].filter(Boolean).join(' ');
      findings.push(context.report({ messageId: 'parentListenerMissing', data: { ...data, listener, listeners: problem.listeners.join(', ') || 'no listeners' }, resource, evidence, fix: manualFix(gatewayConfig.messages.fixParentRef) }));
    } else if (problem.problem === 'noMatchingListenerHostname') {
      const hostnames = { ...data, hostnames: problem.hostnames.join(', '), listeners: problem.listenerHostnames.join(', ') };
      findings.push(context.report({ messageId: 'noMatchingListenerHostname', data: hostnames, resource, evidence, fix: manualFix(gatewayConfig.messages.fixHostnames) }));
    } else {
      const fix = manualFix(gatewayConfig.messages.fixAllowedRoutes, namespaceLabelCommands(inferred.gateway, ref, namespace));
      findings.push(context.report({ messageId: 'notAllowedByListeners', data: { ...data, refusals: problem.refusals.join('; ') }, resource, evidence, fix }));
    }
  }
  return { resource, findings, undecided, explained };
}

/**
 * For each listener the parentRef names whose allowedRoutes selects namespaces by matchLabels alone (the Gateway API
 * "Cross-Namespace routing" guide's shared-gateway-access label), the command that gives the route's namespace
 * those labels; expressions are left to the user.
 */
function namespaceLabelCommands(gateway: Gateway | undefined, ref: GatewayObjectReference, namespace: string): string[] {
  const commands = new Set<string>();
  for (const listener of gateway?.spec?.listeners ?? []) {
    if ((ref.sectionName !== undefined && listener.name !== ref.sectionName) || (ref.port !== undefined && listener.port !== ref.port)) continue;
    const namespaces = (listener.allowedRoutes as { namespaces?: { from?: string; selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } } } | undefined)?.namespaces;
    const labels = Object.entries(namespaces?.selector?.matchLabels ?? {});
    if (namespaces?.from !== 'Selector' || labels.length === 0 || (namespaces.selector?.matchExpressions ?? []).length > 0) continue;
    commands.add(`kubectl label namespace ${namespace} ${labels.map(([key, value]) => `${key}=${value}`).join(' ')}`);
  }
  return [...commands];
}

/** What the spec reading says of a parentRef that does not attach, in a few words. */
function problemText(problem: AttachmentProblem): string {
  if (problem.problem === 'gatewayMissing') return `naming Gateway ${problem.gateway}, which does not exist`;
  if (problem.problem === 'noMatchingListener') return `naming no listener Gateway ${problem.gateway} has`;
  if (problem.problem === 'noMatchingListenerHostname') return `having no hostname a listener of Gateway ${problem.gateway} takes (${problem.reason})`;
  return `not admitted by the listeners of Gateway ${problem.gateway}: ${problem.refusals.join('; ')} (${problem.reason})`;
}

function conditionFinding(context: Context, what: string, condition: Condition, resource: string): Finding {
  return context.report({
    messageId: 'conditionFalse',
    data: { what, type: condition.type, reason: condition.reason ?? 'no reason', message: condition.message ? ` (${condition.message})` : '' },
    resource,
    evidence: { condition },
  });
}

function proxySubnetFindings(state: ClusterState, context: Context, gateway: Gateway, gatewayClass: GkeGatewayClass): Finding[] {
  const resource = gatewayResource(gateway);
  const region = state.cluster ? clusterRegion(state.cluster) : undefined;
  const network = networkPath(state.cluster?.networkConfig?.network);
  const purposes = proxyOnlySubnetPurposes(gatewayClass);
  const data = { gateway: resource, className: gatewayClass.name, scope: gatewayClass.scope, purposes: purposes.join(' or '), region: region ?? 'the cluster\'s region', network: network ?? 'the cluster\'s network' };
  // On a Shared VPC the subnet is the host project's (the network's project): the command runs there.
  const project = /^projects\/([^/]+)\//.exec(network ?? '')?.[1] ?? state.target.project;
  const fix = proxyOnlySubnetFix(project, gatewayClass, region, network, gatewayConfig.messages.fixProxySubnet);
  const unavailable = state.unavailable.get('subnetworks') ?? (region ? undefined : state.unavailable.get('cluster'));
  if (unavailable || !state.subnetworks || !region) {
    return [context.report({ messageId: 'proxySubnetUnknown', data: { ...data, reason: unavailable ?? 'no subnet list' }, resource, severity: 'warning', fix })];
  }
  if (proxyOnlySubnetFor(state.subnetworks, gatewayClass, region, network)) return [];
  return [context.report({ messageId: 'proxySubnetMissing', data, resource, evidence: { purposes, region, network: network ?? null }, fix })];
}

export default gatewayConfig;
