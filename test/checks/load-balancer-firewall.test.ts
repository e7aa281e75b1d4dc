import { expect } from 'vitest';
import loadBalancerFirewall from '../../checks/load-balancer-firewall.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS } from '../../src/state/cluster-state.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { fixturePath } from '../support/fixtures.js';

/** A fixture as a read sees it when pieces of data could not be read. */
async function without(fixture: string, key: DataKey | DataKey[], reason: string) {
  const state = await new SnapshotSource(fixturePath(fixture)).collect(new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS]));
  const unavailable = new Map(state.unavailable);
  const keys = Array.isArray(key) ? key : [key];
  for (const each of keys) unavailable.set(each, reason);
  return { ...state, ...Object.fromEntries(keys.map((each) => [each, undefined])), unavailable };
}

/** gateway-whereami with HealthCheckPolicy foo-health-check moved to a fixed port 9000, and GKE's L7 rule opening `openPorts`. */
async function gatewayCheckingPort9000(openPorts: string[]) {
  const state = await new SnapshotSource(fixturePath('gateway-whereami')).collect(new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS]));
  const policy = state.kubernetes.get('HealthCheckPolicy', 'gxlb-demo-ns1', 'foo-health-check')!;
  policy.spec!.default!.config!.httpHealthCheck = { portSpecification: 'USE_FIXED_PORT', port: 9000, requestPath: '/healthz' };
  const rule = state.effectiveFirewalls!.firewalls!.find((firewall) => firewall.name.startsWith('k8s-fw-l7'))!;
  rule.allowed = [{ IPProtocol: 'tcp', ports: openPorts }];
  // No regional network firewall policy applies there: the regional answer is the global one.
  return { ...state, regionalEffectiveFirewalls: state.effectiveFirewalls, backendHealth: undefined };
}

const REGIONAL_DENIED = "403 Required 'compute.networks.getRegionEffectiveFirewalls' permission for 'projects/acme-net-host/regions/europe-west4'";
const DENIED = "403 Required 'compute.networks.getEffectiveFirewalls' permission for 'projects/gcpdiag-gke1-aaaa/global/networks/default'";

testCheck(loadBalancerFirewall, {
  valid: [
    'lb-firewall-health-checks-allowed',
    'lb-firewall-shared-vpc-allowed',
    // BackendConfig spec.healthCheck.port 9000: GKE's L7 rule (here made by hand in the Shared VPC host) opens 8080 and 9000.
    'lb-firewall-health-check-port-allowed',
    // A regional network firewall policy denies all ingress, but the VPC rules are evaluated first (AFTER_CLASSIC_FIREWALL).
    'lb-firewall-regional-policy-after-classic',
    { name: 'a HealthCheckPolicy on fixed port 9000, which the L7 rule opens', state: await gatewayCheckingPort9000(['30000-32767', '8080', '9000']) },
    'lb-networkpolicy-admits-health-checks',
    'ingress-internal-proxy-subnet',
    'healthy',
    'gateway-whereami',
    'ingress-config-valid',
    // The addon is off: no load balancer exists to be let in (http-load-balancing-addon says why).
    { fixture: 'seed-ingress-addon-disabled', examined: [] },
    { fixture: 'gateway-api-disabled', examined: [] },
    { name: 'Ingress manifests alone (before apply, no network to judge)', manifests: ['preflight/argocd-manifests'], examined: [] },
    {
      name: 'the effective firewalls unreadable (403) and no VPC rules: incomplete, naming the permission',
      state: await without('lb-firewall-health-checks-allowed', ['effectiveFirewalls', 'regionalEffectiveFirewalls'], DENIED),
      status: 'incomplete',
      then: (report) => expect(report.reason).toContain('compute.networks.getEffectiveFirewalls'),
    },
    {
      name: 'the BackendConfig that may move the health check unreadable: incomplete, not a pass on the serving port',
      state: await without('lb-firewall-health-check-port-allowed', 'BackendConfig', '403 backendconfigs.cloud.google.com is forbidden'),
      status: 'incomplete',
      then: (report) => expect(report.reason).toContain('BackendConfig shop/storefront-health, which may set the health check\'s port, could not be read'),
    },
    {
      name: 'the regional effective firewalls unreadable where a VPC rule admits first (AFTER_CLASSIC_FIREWALL): still a pass',
      state: await without('lb-firewall-regional-policy-after-classic', 'regionalEffectiveFirewalls', REGIONAL_DENIED),
    },
    {
      name: 'NetworkPolicies unreadable on a Dataplane V2 cluster: incomplete, not passed',
      state: await without('lb-networkpolicy-admits-health-checks', 'NetworkPolicy', '403 networkpolicies.networking.k8s.io is forbidden'),
      status: 'incomplete',
      then: (report) => expect(report.reason).toMatch(/^NetworkPolicy could not be read/),
    },
  ],
  invalid: [
    {
      name: 'the regional effective firewalls unreadable (403) where nothing else allows: undecided, not a confident block',
      state: await without('lb-firewall-shared-vpc-no-allow', 'regionalEffectiveFirewalls', REGIONAL_DENIED),
      findings: [{ messageId: 'undecided', resource: 'Service/shop/storefront', severity: 'warning' }],
      then: (report) => expect(report.findings[0]!.message).toContain('compute.networks.getRegionEffectiveFirewalls'),
    },
    {
      name: 'the network unreadable with a regional policy that only the enforcement order decides: undecided',
      state: await without('lb-firewall-regional-policy-after-classic', 'network', "403 Required 'compute.networks.get' permission for 'projects/gcpdiag-gke1-aaaa/global/networks/default'"),
      findings: [{ messageId: 'undecided', resource: 'Service/default/web', severity: 'warning' }],
      then: (report) => expect(report.findings[0]!.message).toContain("the network's firewall policy enforcement order (networkFirewallPolicyEnforcementOrder), which was not read (403 Required 'compute.networks.get'"),
    },
    {
      name: "gcpdiag gke/ERR/2022_003: a deny at priority 900 takes 35.191.0.0/16 before GKE's allow at 1000",
      fixture: 'lb-firewall-health-checks-denied',
      findings: [{ messageId: 'blocked', resource: 'Service/default/web', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('VPC firewall rule gke-gke4-ingress-test-deny (priority 900, deny) drops health checks from 35.191.0.0/16 to TCP port 8080');
        expect(finding!.fix!.commands).toEqual([
          'gcloud compute firewall-rules create allow-lb-health-checks-tcp-8080 --project=gcpdiag-gke1-aaaa --network=default --direction=INGRESS --action=ALLOW --rules=tcp:8080 --source-ranges=35.191.0.0/16,130.211.0.0/22 --target-tags=gke-gke4-3520a9df-node --priority=899',
        ]);
        expect(finding!.fix!.terraform).toContain('resource "google_compute_firewall" "allow_lb_health_checks_tcp_8080"');
      },
    },
    {
      name: 'BackendConfig spec.healthCheck.port 9000 on a NEG backend: the requests to 8080 get in, the health checks to 9000 on the Pod IPs do not',
      fixture: 'lb-firewall-health-check-port-blocked',
      findings: [{ messageId: 'noAllow', resource: 'Service/shop/storefront', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('is health-checked at Pod port 9000 of its Pod IPs');
        expect(finding!.message).toContain('BackendConfig storefront-health spec.healthCheck');
        expect(finding!.message).toContain('health checks from 35.191.0.0/16, 130.211.0.0/22 to TCP port 9000');
        expect(finding!.fix!.commands[0]).toContain('--rules=tcp:9000');
      },
    },
    {
      name: 'a HealthCheckPolicy on fixed port 9000 that no rule opens: the health checks are dropped, not the requests to 8080',
      state: await gatewayCheckingPort9000(['30000-32767', '8080']),
      findings: [{ messageId: 'noAllow', resource: 'Service/gxlb-demo-ns1/foo', severity: 'error' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('health checks from 35.191.0.0/16, 130.211.0.0/22 to TCP port 9000'),
    },
    {
      name: 'BEFORE_CLASSIC_FIREWALL: a regional network firewall policy deny is evaluated before GKE\'s VPC allow (only the regional answer shows the policy)',
      fixture: 'lb-firewall-regional-policy-before-classic',
      findings: [{ messageId: 'blocked', resource: 'Service/default/web', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('With networkFirewallPolicyEnforcementOrder BEFORE_CLASSIC_FIREWALL');
        expect(finding!.message).toContain('rule deny-all-ingress of regional network firewall policy europe-west4-baseline (priority 65000, deny)');
        expect(finding!.fix!.commands).toEqual([
          'gcloud compute network-firewall-policies rules create 64999 --firewall-policy=europe-west4-baseline --firewall-policy-region=europe-west4 --project=gcpdiag-gke1-aaaa --direction=INGRESS --action=allow --src-ip-ranges=35.191.0.0/16,130.211.0.0/22 --layer4-configs=tcp:8080',
        ]);
        expect(finding!.fix!.terraform).toContain('resource "google_compute_region_network_firewall_policy_rule"');
      },
    },
    {
      name: 'Shared VPC without the L7 allow: the implied deny drops the health checks to the node port',
      fixture: 'lb-firewall-shared-vpc-no-allow',
      findings: [{ messageId: 'noAllow', resource: 'Service/shop/storefront', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('TCP port 31380');
        expect(finding!.message).toContain('host project acme-net-host');
        expect(finding!.message).toContain('service-480215937721@container-engine-robot.iam.gserviceaccount.com');
        expect(finding!.fix!.commands[0]).toContain('--project=acme-net-host --network=shared-vpc');
      },
    },
    {
      name: 'a default-deny NetworkPolicy drops the health checks at a NEG Pod (Dataplane V2)',
      fixture: 'lb-networkpolicy-blocks-health-checks',
      findings: [{ messageId: 'networkPolicyBlocks', resource: 'NetworkPolicy/payments/default-deny-ingress', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('NetworkPolicy/payments/default-deny-ingress, NetworkPolicy/payments/web-allow-frontend select Pod/payments/web-6d8f9b7c5-x2k4p');
        expect(finding!.fix!.commands[0]).toContain('cidr: 35.191.0.0/16');
      },
    },
    {
      name: 'only the VPC rules read (getEffectiveFirewalls denied): a warning, since a firewall policy evaluated first may still admit',
      state: await without('lb-firewall-shared-vpc-no-allow', ['effectiveFirewalls', 'regionalEffectiveFirewalls'], DENIED),
      findings: [{ messageId: 'vpcRulesOnly', resource: 'Service/shop/storefront', severity: 'warning' }],
      then: (report) => expect(report.findings[0]!.message).toContain('compute.networks.getEffectiveFirewalls'),
    },
  ],
});
