import type { EffectiveFirewallPolicy, EffectiveFirewalls, Firewall, FirewallPolicyRule, Network } from '../../state/gcp-types.js';
import type { AddressSet } from './address-ranges.js';
import { addressSet, intersect, isEmpty, subtract, union } from './address-ranges.js';
import type { NodeTarget } from './node-targets.js';

/** Where the load balancer's health checks come from (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges). */
export const HEALTH_CHECK_RANGES = ['35.191.0.0/16', '130.211.0.0/22'] as const;

/** TCP traffic from `sources` to `port` of a node pool's VMs (for NEG backends, to Pod IPs on them: `destinations`). */
export interface Traffic {
  sources: AddressSet;
  port: number;
  target: NodeTarget;
  /** The addresses it is sent to; undefined when not known (a rule with destination ranges then cannot be decided). */
  destinations?: AddressSet;
}

/** A rule, as a message names it. */
export interface RuleReference {
  /** The VPC firewall rule's name, or the policy rule's `ruleName` (else `priority N`). */
  name: string;
  /** Absent for a VPC firewall rule. */
  policy?: { name: string; type: string };
  priority: number;
  action: string;
}

export type FirewallVerdict =
  | { kind: 'admitted' }
  /** A deny rule takes (part of) the traffic: `addresses`. */
  | { kind: 'blocked'; by: RuleReference; addresses: AddressSet }
  /** No rule allows `addresses`: the implied deny-ingress rule drops them. */
  | { kind: 'no-allow'; addresses: AddressSet }
  /** A rule that may or may not apply (a secure tag, a destination range, an unknown tag) decides it; `missing`: data that was not read would. */
  | { kind: 'undecided'; because: RuleReference; reason: string; missing?: boolean };

export type EnforcementOrder = 'AFTER_CLASSIC_FIREWALL' | 'BEFORE_CLASSIC_FIREWALL';

/** The firewall of a network as Cloud NGFW evaluates it; `policiesKnown` false when only the VPC rules were read. */
export interface NetworkFirewall {
  vpcRules: readonly Firewall[];
  policies: readonly EffectiveFirewallPolicy[];
  policiesKnown: boolean;
  /** The network's networkFirewallPolicyEnforcementOrder; undefined when the network was not read (`orderUnknown` says why). */
  order?: EnforcementOrder;
  orderUnknown?: string;
  /** Why the regional network firewall policies of the cluster's region are not known; undefined when they were read. */
  regionalUnknown?: string;
}

/** What the firewall is read from, and why what is missing is. */
export interface FirewallData {
  effective?: EffectiveFirewalls;
  /** regionNetworkFirewallPolicies.getEffectiveFirewalls in the cluster's region: `effective` and the regional network policies. */
  regional?: EffectiveFirewalls;
  vpcRules?: readonly Firewall[];
  network?: Network;
  regionalUnread: string;
  networkUnread: string;
}

/**
 * The answer of regionNetworkFirewallPolicies.getEffectiveFirewalls holds the VPC rules, the hierarchical,
 * global and regional network firewall policies of the network in that region
 * (https://cloud.google.com/compute/docs/reference/rest/v1/regionNetworkFirewallPolicies/getEffectiveFirewalls):
 * it is used whole when read; networks.getEffectiveFirewalls lacks the regional policies. A network that
 * does not say its enforcement order has the default, AFTER_CLASSIC_FIREWALL
 * (https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order).
 */
export function networkFirewall(data: FirewallData): NetworkFirewall | undefined {
  const order = data.network ? ((data.network.networkFirewallPolicyEnforcementOrder as EnforcementOrder | undefined) ?? 'AFTER_CLASSIC_FIREWALL') : undefined;
  const ordering = order ? { order } : { orderUnknown: data.networkUnread };
  const answer = data.regional ?? data.effective;
  if (answer) return { vpcRules: answer.firewalls ?? [], policies: answer.firewallPolicys ?? [], policiesKnown: true, ...ordering, ...(data.regional ? {} : { regionalUnknown: data.regionalUnread }) };
  return data.vpcRules ? { vpcRules: data.vpcRules, policies: [], policiesKnown: false, ...ordering } : undefined;
}

type Match = 'yes' | 'no' | 'maybe';

interface EvaluatedRule {
  ref: RuleReference;
  action: 'allow' | 'deny' | 'goto_next';
  /** The source addresses it names; `maybe` sources (an address group, a region) are not known. */
  sources: AddressSet | 'maybe';
  /** Everything but the source. */
  applies(traffic: Traffic): { match: Match; reason?: string };
}

/**
 * Whether the network's firewall admits `traffic`, evaluated as Cloud NGFW does
 * (https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order): hierarchical firewall
 * policies, then the regional system firewall policies, then in the network's enforcement order
 * either (AFTER_CLASSIC_FIREWALL, the default) the VPC firewall rules, the global and then the regional
 * network firewall policies, or (BEFORE_CLASSIC_FIREWALL) the global and regional network firewall
 * policies and then the VPC firewall rules; then the implied deny-ingress rule. An enforcement order
 * not read is decided only where both orders agree; regional policies not read decide nothing they
 * could change (undecided, `missing`). Within a policy the lowest priority number decides, and
 * `goto_next` passes the traffic to the next level; among VPC rules too, a deny winning over an allow
 * of the same priority (https://cloud.google.com/firewall/docs/firewalls#priority_order_for_firewall_rules).
 * A source range is admitted only when all of it is: a deny for part of it is a block (gcpdiag
 * gcpdiag/queries/network.py _ip_match takes a partial deny as a match the same way).
 */
export function evaluateFirewall(firewall: NetworkFirewall, traffic: Traffic): FirewallVerdict {
  const ofType = (...types: string[]) => firewall.policies.filter((policy) => types.includes(policy.type ?? '')).map(policyStage);
  // HIERARCHY, and any type Compute may add later, first: before anything the project controls.
  const hierarchy = firewall.policies.filter((policy) => !KNOWN_LATER_TYPES.includes(policy.type ?? '')).map(policyStage);
  const system = ofType('SYSTEM_REGIONAL', 'SYSTEM_GLOBAL');
  const regional: Stage[] = [...ofType('NETWORK_REGIONAL'), ...(firewall.regionalUnknown ? [{ unknown: `the regional network firewall policies of the cluster's region could not be read (${firewall.regionalUnknown})` }] : [])];
  const network: Stage[] = [...ofType('NETWORK'), ...regional];
  const vpc = vpcStage(firewall.vpcRules);
  const after = () => evaluateStages([...hierarchy, ...system, vpc, ...network], traffic);
  const before = () => evaluateStages([...hierarchy, ...system, ...network, vpc], traffic);
  if (firewall.order === 'AFTER_CLASSIC_FIREWALL' || network.length === 0) return after();
  if (firewall.order === 'BEFORE_CLASSIC_FIREWALL') return before();
  // The enforcement order was not read: decided only when both orders agree.
  const [first, second] = [after(), before()];
  if (sameVerdict(first, second)) return first;
  const decisive = second.kind === 'blocked' ? second.by : first.kind === 'blocked' ? first.by : undefined;
  return {
    kind: 'undecided',
    because: decisive ?? { name: 'the network firewall policies', priority: 0, action: 'unknown' },
    reason: `the answer depends on the network's firewall policy enforcement order (networkFirewallPolicyEnforcementOrder), which was not read (${firewall.orderUnknown ?? 'networks.get'})`,
    missing: true,
  };
}

/** Policy types evaluated after the hierarchical policies (getEffectiveFirewalls' `type`). */
const KNOWN_LATER_TYPES = ['SYSTEM_REGIONAL', 'SYSTEM_GLOBAL', 'NETWORK', 'NETWORK_REGIONAL'];

/** A policy's or the VPC's rules, in evaluation order; or a level that was not read (`unknown` says why). */
type Stage = readonly EvaluatedRule[] | { unknown: string };

function sameVerdict(a: FirewallVerdict, b: FirewallVerdict): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'blocked' && b.kind === 'blocked') return a.by.name === b.by.name && a.by.policy?.name === b.by.policy?.name;
  return true;
}

function evaluateStages(stages: readonly Stage[], traffic: Traffic): FirewallVerdict {
  let remaining = traffic.sources;
  let doubtfulAllow: { ref: RuleReference; reason: string } | undefined;
  let doubtfulDeny: { ref: RuleReference; reason: string } | undefined;
  const settle = (verdict: FirewallVerdict): FirewallVerdict => {
    // A rule that may apply changes the answer only if it could turn it: an allow before a block, a deny before an admission.
    const doubt = verdict.kind === 'admitted' ? doubtfulDeny : doubtfulAllow;
    return doubt ? { kind: 'undecided', because: doubt.ref, reason: doubt.reason } : verdict;
  };
  for (const stage of stages) {
    if ('unknown' in stage) {
      // A level not read decides whatever reaches it.
      if (isEmpty(remaining)) continue;
      return { kind: 'undecided', because: { name: 'the regional network firewall policies', priority: 0, action: 'unknown' }, reason: stage.unknown, missing: true };
    }
    let passed: AddressSet = [];
    for (const rule of stage) {
      if (isEmpty(remaining)) break;
      const { match, reason } = rule.applies(traffic);
      if (match === 'no') continue;
      const part = rule.sources === 'maybe' ? remaining : intersect(remaining, rule.sources);
      if (isEmpty(part)) continue;
      if (match === 'maybe' || rule.sources === 'maybe') {
        const doubt = { ref: rule.ref, reason: reason ?? `rule ${rule.ref.name} names sources gke-doctor cannot resolve (an address group, FQDN, region or threat list)` };
        if (rule.action === 'deny') doubtfulDeny ??= doubt;
        else doubtfulAllow ??= doubt;
        continue;
      }
      if (rule.action === 'deny') return settle({ kind: 'blocked', by: rule.ref, addresses: part });
      remaining = subtract(remaining, part);
      if (rule.action === 'goto_next') passed = union([passed, part]);
    }
    remaining = union([remaining, passed]);
  }
  return settle(isEmpty(remaining) ? { kind: 'admitted' } : { kind: 'no-allow', addresses: remaining });
}

function vpcStage(rules: readonly Firewall[]): EvaluatedRule[] {
  return rules
    .filter((rule) => (rule.direction ?? 'INGRESS') === 'INGRESS' && rule.disabled !== true)
    .flatMap((rule): EvaluatedRule[] => {
      const action = rule.denied?.length ? 'deny' : 'allow';
      const entries = (action === 'deny' ? rule.denied : rule.allowed) ?? [];
      // With neither ranges, tags nor accounts the source is any address (gcloud writes 0.0.0.0/0 then); tags and accounts are never the health checkers.
      const sources = rule.sourceRanges?.length ? addressSet(rule.sourceRanges) : rule.sourceTags?.length || rule.sourceServiceAccounts?.length ? [] : addressSet(['0.0.0.0/0']);
      return [
        {
          ref: { name: rule.name, priority: rule.priority ?? 1000, action },
          action,
          sources,
          applies: (traffic) => {
            if (!entries.some((entry) => protocolAndPort(entry.IPProtocol, entry.ports, traffic.port))) return { match: 'no' };
            return both(destinationMatch(rule.name, rule.destinationRanges, traffic), vpcTargetMatch(rule, traffic.target));
          },
        },
      ];
    })
    .sort((a, b) => a.ref.priority - b.ref.priority || (a.action === b.action ? 0 : a.action === 'deny' ? -1 : 1));
}

function policyStage(policy: EffectiveFirewallPolicy): EvaluatedRule[] {
  const policyName = policy.shortName ?? policy.displayName ?? policy.name ?? '?';
  return (policy.rules ?? [])
    .filter((rule) => (rule.direction ?? 'INGRESS') === 'INGRESS' && rule.disabled !== true)
    .map((rule): EvaluatedRule => {
      const action = rule.action === 'deny' ? 'deny' : rule.action === 'goto_next' ? 'goto_next' : 'allow';
      const priority = rule.priority ?? 0;
      return {
        ref: { name: rule.ruleName ?? `priority ${priority}`, policy: { name: policyName, type: policy.type ?? '?' }, priority, action: rule.action ?? action },
        action,
        sources: policyRuleSources(rule),
        applies: (traffic) => {
          if (!(rule.match?.layer4Configs ?? []).some((config) => protocolAndPort(config.ipProtocol, config.ports, traffic.port))) return { match: 'no' };
          return both(destinationMatch(rule.ruleName ?? `priority ${priority}`, rule.match?.destIpRanges, traffic), policyTargetMatch(rule, traffic.target));
        },
      };
    })
    .sort((a, b) => a.ref.priority - b.ref.priority);
}

/** Source IP ranges; secure tags never match the health checkers (they are not VMs); address groups, FQDNs, regions and threat lists are not resolved. */
function policyRuleSources(rule: FirewallPolicyRule): AddressSet | 'maybe' {
  const match = rule.match ?? {};
  if (match.srcAddressGroups?.length || match.srcFqdns?.length || match.srcRegionCodes?.length || match.srcThreatIntelligences?.length) return 'maybe';
  if (match.srcIpRanges?.length) return addressSet(match.srcIpRanges);
  return match.srcSecureTags?.length ? [] : addressSet(['0.0.0.0/0']);
}

/** `tcp`, `all` or `6`, with no ports (every port) or a port list holding it (`"8080"`, `"1024-10000"`). */
function protocolAndPort(protocol: string | undefined, ports: readonly string[] | undefined, port: number): boolean {
  if (!['tcp', 'all', '6'].includes((protocol ?? '').toLowerCase())) return false;
  if (!ports?.length) return true;
  return ports.some((range) => {
    const [low, high = low] = range.split('-').map(Number);
    return low !== undefined && port >= low && port <= high!;
  });
}

function destinationMatch(name: string, ranges: readonly string[] | undefined, traffic: Traffic): { match: Match; reason?: string } {
  if (!ranges?.length) return { match: 'yes' };
  if (!traffic.destinations) return { match: 'maybe', reason: `rule ${name} applies only to destination ranges ${ranges.join(', ')}, and the backend's addresses are not known` };
  const covered = intersect(traffic.destinations, addressSet(ranges));
  if (isEmpty(covered)) return { match: 'no' };
  return isEmpty(subtract(traffic.destinations, covered)) ? { match: 'yes' } : { match: 'maybe', reason: `rule ${name} applies to some of the backend's Pod addresses only (destination ranges ${ranges.join(', ')})` };
}

/** Target tags, target service accounts, or (neither) every instance of the network. */
function vpcTargetMatch(rule: Firewall, target: NodeTarget): { match: Match; reason?: string } {
  if (rule.targetTags?.length) {
    if (rule.targetTags.some((tag) => target.tags.includes(tag))) return { match: 'yes' };
    return target.tagsComplete ? { match: 'no' } : { match: 'maybe', reason: `rule ${rule.name} targets tags ${rule.targetTags.join(', ')}, and GKE's own node tag is not known (cluster.json has no id)` };
  }
  return serviceAccountMatch(rule.name, rule.targetServiceAccounts, target);
}

function policyTargetMatch(rule: FirewallPolicyRule, target: NodeTarget): { match: Match; reason?: string } {
  const name = rule.ruleName ?? `priority ${rule.priority ?? 0}`;
  if (rule.targetSecureTags?.length) return { match: 'maybe', reason: `rule ${name} targets secure tags, which gke-doctor does not read on the nodes` };
  return serviceAccountMatch(name, rule.targetServiceAccounts, target);
}

function serviceAccountMatch(name: string, accounts: readonly string[] | undefined, target: NodeTarget): { match: Match; reason?: string } {
  if (!accounts?.length) return { match: 'yes' };
  if (!target.serviceAccount) return { match: 'maybe', reason: `rule ${name} targets service accounts ${accounts.join(', ')}, and the nodes' service account is not known (read the project for its number)` };
  return { match: accounts.includes(target.serviceAccount) ? 'yes' : 'no' };
}

function both(a: { match: Match; reason?: string }, b: { match: Match; reason?: string }): { match: Match; reason?: string } {
  if (a.match === 'no' || b.match === 'no') return { match: 'no' };
  if (a.match === 'maybe') return a;
  return b;
}
