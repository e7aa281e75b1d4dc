import type { Finding, Fix } from '../src/engine/check.js';
import { defineCheck } from '../src/engine/check.js';
import { clusterResourceName } from '../src/gke/cluster-name.js';
import { enableGatewayApiFix, gatewayApiEnabled } from '../src/gke/cluster-settings.js';
import { unknownFields } from '../src/gke/planned-values.js';
import type { GkeGatewayClass } from '../src/gke/gateway-classes.js';
import { GKE_GATEWAY_CONTROLLER, gkeGatewayClass, gkeGateways } from '../src/gke/gateway-classes.js';
import { GATEWAY_API_GROUP, backendRefsOf, isServiceRef, routesOfGkeGateways } from '../src/gke/gateway-routes.js';
import { clusterRegion, networkPath, proxyOnlySubnetFor, proxyOnlySubnetPurposes } from '../src/gke/proxy-only-subnets.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import type { Condition, Gateway, GatewayObjectReference, KubeObject } from '../src/state/kubernetes-types.js';

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
  optionalNeeds: ['cluster', 'subnetworks', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant', 'Service', 'HealthCheckPolicy', 'GCPBackendPolicy', 'GCPGatewayPolicy'],
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
    backendMissing: '{{route}} sends traffic ({{field}}) to Service {{service}}, which does not exist: those requests get errors.',
    backendPortMissing: '{{route}} sends traffic ({{field}}) to port {{port}} of Service {{service}}, which has no such port.',
    referenceGrantMissing:
      '{{route}} sends traffic ({{field}}) to Service {{service}} in namespace {{namespace}}, and no ReferenceGrant there allows HTTPRoutes from namespace {{from}}: the reference is refused.',
    policyTargetMissing: '{{policy}} targets {{target}}, which does not exist in namespace {{namespace}}: the policy changes nothing.',
    backendPolicyConflict: '{{policies}} all target Service {{service}}; only the oldest, {{winner}}, is attached, the others change nothing.',
    fixEnableGatewayApi: 'Turn the Gateway API on (the standard channel); GKE installs the CRDs and GatewayClasses and its controller picks the Gateways up.',
    fixProxySubnet: 'Create a proxy-only subnet in the region (one per region and network); pick an unused range of at least /26.',
    fixReferenceGrant: 'Allow the reference with a ReferenceGrant in the Service\'s namespace.',
  },
  run(state, context) {
    const examined: string[] = [];
    const findings: Finding[] = [];
    const note = (resource: string) => {
      if (!examined.includes(resource)) examined.push(resource);
    };
    const gateways = gkeGateways(state);
    const gatewayNames = gateways.map(gatewayResource);
    for (const resource of gatewayNames) note(resource);

    if (gateways.length > 0 && state.cluster) {
      const clusterResource = clusterResourceName(state);
      note(clusterResource);
      // configure-gateway-resources, GKE Gateway controller requirements: the Gateway API on, VPC-native.
      const channel = state.cluster.networkConfig?.gatewayApiConfig?.channel;
      if (unknownFields(state, clusterResource, ['networkConfig.gatewayApiConfig.channel']).length === 0 && !gatewayApiEnabled(state.cluster)) {
        findings.push(
          context.report({
            messageId: 'gatewayApiDisabled',
            data: { channel: channel ? `set to ${channel}` : 'off (networkConfig.gatewayApiConfig.channel is not set)', gateways: gatewayNames.join(', ') },
            resource: clusterResource,
            evidence: { gatewayApiChannel: channel ?? null, gateways: gatewayNames },
            fix: enableGatewayApiFix(state, gatewayConfig.messages.fixEnableGatewayApi),
          }),
        );
      }
      // configure-gateway-resources: "Gateway API is supported on VPC-native clusters only"; decided only when the allocation policy is known.
      if (state.cluster.ipAllocationPolicy && state.cluster.ipAllocationPolicy.useIpAliases !== true) {
        findings.push(context.report({ messageId: 'notVpcNative', data: { gateways: gatewayNames.join(', ') }, resource: clusterResource, evidence: { useIpAliases: false } }));
      }
    }

    for (const gateway of gateways) {
      const resource = gatewayResource(gateway);
      const className = gateway.spec?.gatewayClassName ?? '';
      const gatewayClass = gkeGatewayClass(className);
      // GKE installs its own classes with the Gateway API (the finding above covers their absence).
      if (!gatewayClass && !state.unavailable.has('GatewayClass') && !state.kubernetes.get('GatewayClass', undefined, className)) {
        findings.push(context.report({ messageId: 'gatewayClassMissing', data: { name: className, gateway: resource }, resource }));
      }
      if (gatewayClass && gatewayClass.scope !== 'global') findings.push(...proxySubnetFindings(state, context, gateway, gatewayClass));
      for (const condition of falseConditions(gateway.status?.conditions, ['Accepted', 'Programmed'])) {
        findings.push(conditionFinding(context, `Gateway ${resource}`, condition, resource));
      }
    }

    const serviceUnknown = state.unavailable.has('Service');
    for (const attached of routesOfGkeGateways(state)) {
      note(attached.resource);
      for (const parent of attached.route.status?.parents ?? []) {
        if (parent.controllerName !== GKE_GATEWAY_CONTROLLER) continue;
        for (const condition of falseConditions(parent.conditions, ['Accepted', 'ResolvedRefs'])) {
          findings.push(conditionFinding(context, `${attached.resource} (parent Gateway ${parent.parentRef.namespace ?? attached.namespace}/${parent.parentRef.name})`, condition, attached.resource));
        }
      }
      for (const ref of backendRefsOf(attached)) {
        if (!isServiceRef(ref)) continue;
        const service = `${ref.namespace}/${ref.name}`;
        if (ref.namespace !== attached.namespace && !state.unavailable.has('ReferenceGrant') && !referenceGrantAllows(state, attached.kind, attached.namespace, ref.namespace, ref.name)) {
          findings.push(
            context.report({
              messageId: 'referenceGrantMissing',
              data: { route: attached.resource, field: ref.field, service, namespace: ref.namespace, from: attached.namespace },
              resource: attached.resource,
              fix: referenceGrantFix(attached.kind, attached.namespace, ref.namespace, ref.name),
            }),
          );
        }
        if (serviceUnknown) continue;
        const found = state.kubernetes.get('Service', ref.namespace, ref.name);
        if (!found) {
          findings.push(context.report({ messageId: 'backendMissing', data: { route: attached.resource, field: ref.field, service }, resource: attached.resource }));
        } else if (ref.port !== undefined && !(found.spec?.ports ?? []).some((port) => port.port === ref.port)) {
          findings.push(context.report({ messageId: 'backendPortMissing', data: { route: attached.resource, field: ref.field, service, port: ref.port }, resource: attached.resource }));
        }
      }
    }

    findings.push(...policyFindings(state, context, note));
    return { examined, findings };
  },
});

type Context = Parameters<typeof gatewayConfig.run>[1];

function gatewayResource(gateway: Gateway): string {
  return kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata });
}

function falseConditions(conditions: Condition[] | undefined, types: string[]): Condition[] {
  return (conditions ?? []).filter((condition) => types.includes(condition.type) && condition.status === 'False');
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
  const unavailable = state.unavailable.get('subnetworks') ?? (region ? undefined : state.unavailable.get('cluster'));
  if (unavailable || !state.subnetworks || !region) {
    return [context.report({ messageId: 'proxySubnetUnknown', data: { ...data, reason: unavailable ?? 'no subnet list' }, resource, severity: 'warning', fix: proxySubnetFix(state, gatewayClass, region, network) })];
  }
  if (proxyOnlySubnetFor(state.subnetworks, gatewayClass, region, network)) return [];
  return [context.report({ messageId: 'proxySubnetMissing', data, resource, evidence: { purposes, region, network: network ?? null }, fix: proxySubnetFix(state, gatewayClass, region, network) })];
}

/** A backendRef to another namespace needs a ReferenceGrant there: from the route's kind and namespace, to Services (all, or this one) (apis/v1/referencegrant_types.go). */
function referenceGrantAllows(state: ClusterState, routeKind: string, fromNamespace: string, toNamespace: string, serviceName: string): boolean {
  return state.kubernetes
    .list('ReferenceGrant')
    .filter((grant) => grant.metadata?.namespace === toNamespace)
    .some(
      (grant) =>
        (grant.spec?.from ?? []).some((from) => from.group === GATEWAY_API_GROUP && from.kind === routeKind && from.namespace === fromNamespace) &&
        (grant.spec?.to ?? []).some((to) => (to.group ?? '') === '' && to.kind === 'Service' && (!to.name || to.name === serviceName)),
    );
}

/** Policies whose target does not exist, and GCPBackendPolicies that lose to an older one on the same Service. */
function policyFindings(state: ClusterState, context: Context, note: (resource: string) => void): Finding[] {
  const findings: Finding[] = [];
  const byService = new Map<string, KubeObject[]>();
  for (const kind of ['HealthCheckPolicy', 'GCPBackendPolicy', 'GCPGatewayPolicy'] as const) {
    for (const policy of state.kubernetes.list(kind)) {
      const resource = kubernetesResourceName({ kind, metadata: policy.metadata });
      const namespace = policy.metadata?.namespace ?? 'default';
      const ref: GatewayObjectReference | undefined = policy.spec?.targetRef;
      if (!ref) continue;
      note(resource);
      const targetKind = ref.kind ?? '';
      // Single-cluster Gateways: policies target a Service (or, for GCPGatewayPolicy, a Gateway) in their own namespace;
      // a ServiceImport belongs to a multi-cluster Gateway, whose fleet is not read here.
      const target =
        targetKind === 'Service' && (ref.group ?? '') === ''
          ? state.unavailable.has('Service')
            ? 'unknown'
            : state.kubernetes.get('Service', namespace, ref.name)
          : targetKind === 'Gateway' && (ref.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP
            ? state.kubernetes.get('Gateway', namespace, ref.name)
            : 'unknown';
      if (target === 'unknown') continue;
      if (!target) {
        findings.push(
          context.report({
            messageId: 'policyTargetMissing',
            data: { policy: resource, target: `${targetKind} ${ref.name}`, namespace },
            resource,
            severity: 'warning',
            evidence: { targetRef: ref },
          }),
        );
        continue;
      }
      if (kind === 'GCPBackendPolicy' && targetKind === 'Service') {
        const key = `${namespace}/${ref.name}`;
        byService.set(key, [...(byService.get(key) ?? []), policy]);
      }
    }
  }
  // configure-gateway-resources: "If two GCPBackendPolicy policies are created that target the same Service or ServiceImport, the oldest policy takes precedence and the second one fails to be attached."
  for (const [service, policies] of byService) {
    if (policies.length < 2) continue;
    const ordered = [...policies].sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    const names = ordered.map((policy) => kubernetesResourceName({ kind: 'GCPBackendPolicy', metadata: policy.metadata }));
    for (const loser of names.slice(1)) {
      findings.push(context.report({ messageId: 'backendPolicyConflict', data: { policies: names.join(', '), service, winner: names[0]! }, resource: loser, severity: 'warning' }));
    }
  }
  return findings;
}

function proxySubnetFix(state: ClusterState, gatewayClass: GkeGatewayClass, region: string | undefined, network: string | undefined): Fix {
  const purpose = proxyOnlySubnetPurposes(gatewayClass)[0]!;
  const networkName = network?.split('/').pop() ?? 'NETWORK';
  const project = state.target.project ? ` --project ${state.target.project}` : '';
  const regionText = region ?? 'REGION';
  return {
    summary: gatewayConfig.messages.fixProxySubnet,
    commands: [
      `gcloud compute networks subnets list${project} --filter="purpose=${purpose} AND region:${regionText}"   # check first: one per region and network`,
      `gcloud compute networks subnets create proxy-only-${regionText}${project} --purpose=${purpose} --role=ACTIVE --region=${regionText} --network=${networkName} --range=CIDR_RANGE`,
    ],
    terraform: [
      `resource "google_compute_subnetwork" "proxy_only_${regionText.replace(/-/g, '_')}" {`,
      `  name          = "proxy-only-${regionText}"`,
      `  region        = "${regionText}"`,
      `  network       = "${networkName}"`,
      `  purpose       = "${purpose}"`,
      '  role          = "ACTIVE"',
      '  ip_cidr_range = "CIDR_RANGE"',
      '}',
    ].join('\n'),
    automatic: false,
  };
}

function referenceGrantFix(routeKind: string, fromNamespace: string, toNamespace: string, serviceName: string): Fix {
  const name = `${fromNamespace}-${routeKind.toLowerCase()}s`;
  const yaml = [
    `apiVersion: ${GATEWAY_API_GROUP}/v1beta1`,
    'kind: ReferenceGrant',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${toNamespace}`,
    'spec:',
    '  from:',
    `  - group: ${GATEWAY_API_GROUP}`,
    `    kind: ${routeKind}`,
    `    namespace: ${fromNamespace}`,
    '  to:',
    '  - group: ""',
    '    kind: Service',
    `    name: ${serviceName}`,
  ].join('\n');
  return { summary: gatewayConfig.messages.fixReferenceGrant, commands: [['kubectl apply -f - <<\'EOF\'', yaml, 'EOF'].join('\n')], terraform: null, automatic: false };
}

export default gatewayConfig;
