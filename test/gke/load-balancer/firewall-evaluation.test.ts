import { describe, expect, it } from 'vitest';
import { addressSet } from '../../../src/gke/load-balancer/address-ranges.js';
import type { Traffic } from '../../../src/gke/load-balancer/firewall-evaluation.js';
import { evaluateFirewall } from '../../../src/gke/load-balancer/firewall-evaluation.js';
import type { EffectiveFirewallPolicy, Firewall } from '../../../src/state/gcp-types.js';

// Rule shapes as gcpdiag's recorded getEffectiveFirewalls answer has them (test-data/gke1/json-dumps/compute-effective-firewalls-default.json).
const TAG = 'gke-gke4-3520a9df-node';
const traffic = (port: number, sources = ['35.191.0.0/16', '130.211.0.0/22']): Traffic => ({
  sources: addressSet(sources),
  port,
  target: { pool: 'default-pool', tags: [TAG], tagsComplete: true, serviceAccount: '12340002-compute@developer.gserviceaccount.com' },
});
const l7: Firewall = { name: 'k8s-fw-l7--8b12f35ea8442830', priority: 1000, direction: 'INGRESS', sourceRanges: ['130.211.0.0/22', '35.191.0.0/16'], targetTags: [TAG], allowed: [{ IPProtocol: 'tcp', ports: ['8080'] }] };
const deny900: Firewall = { name: 'gke-gke4-ingress-test-deny', priority: 900, direction: 'INGRESS', sourceRanges: ['35.191.0.0/16'], denied: [{ IPProtocol: 'tcp', ports: ['1024-10000'] }] };
const vpc = (...rules: Firewall[]) => ({ vpcRules: rules, policies: [], policiesKnown: true });

describe('evaluateFirewall (Cloud NGFW evaluation order)', () => {
  it('a deny of lower priority number wins over the allow', () => {
    const verdict = evaluateFirewall(vpc(l7, deny900), traffic(8080));
    expect(verdict).toMatchObject({ kind: 'blocked', by: { name: 'gke-gke4-ingress-test-deny', priority: 900 } });
  });
  it('a deny outside its ports or disabled changes nothing', () => {
    expect(evaluateFirewall(vpc(l7, deny900), traffic(10001, ['35.191.0.0/16']))).toEqual({ kind: 'no-allow', addresses: addressSet(['35.191.0.0/16']) });
    expect(evaluateFirewall(vpc(l7, { ...deny900, disabled: true }), traffic(8080))).toEqual({ kind: 'admitted' });
  });
  it('at equal priority the deny wins', () => {
    expect(evaluateFirewall(vpc(l7, { ...deny900, priority: 1000 }), traffic(8080)).kind).toBe('blocked');
  });
  it('a range is admitted only when all of it is; two allows can cover it together', () => {
    const half = { ...l7, name: 'half', sourceRanges: ['35.191.0.0/17', '130.211.0.0/22'] };
    expect(evaluateFirewall(vpc(half), traffic(8080))).toEqual({ kind: 'no-allow', addresses: addressSet(['35.191.128.0/17']) });
    expect(evaluateFirewall(vpc(half, { ...half, name: 'other-half', sourceRanges: ['35.191.128.0/17'] }), traffic(8080))).toEqual({ kind: 'admitted' });
  });
  it('a rule for other tags or another service account does not apply; one for all instances does', () => {
    expect(evaluateFirewall(vpc({ ...l7, targetTags: ['gke-gke2-custom-tag'] }), traffic(8080)).kind).toBe('no-allow');
    expect(evaluateFirewall(vpc({ ...l7, targetTags: undefined, targetServiceAccounts: ['other@p.iam.gserviceaccount.com'] }), traffic(8080)).kind).toBe('no-allow');
    expect(evaluateFirewall(vpc({ ...l7, targetTags: undefined }), traffic(8080)).kind).toBe('admitted');
  });
  it('an EGRESS rule and a udp rule do not take TCP ingress', () => {
    expect(evaluateFirewall(vpc(l7, { ...deny900, direction: 'EGRESS' }), traffic(8080)).kind).toBe('admitted');
    expect(evaluateFirewall(vpc(l7, { ...deny900, denied: [{ IPProtocol: 'udp', ports: ['1-65535'] }] }), traffic(8080)).kind).toBe('admitted');
  });

  const hierarchy = (rules: EffectiveFirewallPolicy['rules']): EffectiveFirewallPolicy => ({ name: '902824820698', type: 'HIERARCHY', shortName: 'default-firewall-policy', rules });
  const policyRule = (priority: number, action: string, srcIpRanges: string[]) => ({ priority, action, direction: 'INGRESS', match: { srcIpRanges, layer4Configs: [{ ipProtocol: 'tcp' }] } });
  it('a hierarchical deny is evaluated before any VPC rule; goto_next hands the traffic on', () => {
    const policies = [hierarchy([policyRule(10, 'deny', ['35.191.0.0/16']), policyRule(2147483645, 'goto_next', ['0.0.0.0/0'])])];
    expect(evaluateFirewall({ vpcRules: [l7], policies, policiesKnown: true }, traffic(8080))).toMatchObject({ kind: 'blocked', by: { policy: { name: 'default-firewall-policy', type: 'HIERARCHY' }, priority: 10 } });
    const passing = [hierarchy([policyRule(10, 'goto_next', ['35.191.0.0/16', '130.211.0.0/22'])])];
    expect(evaluateFirewall({ vpcRules: [l7, deny900], policies: passing, policiesKnown: true }, traffic(8080)).kind).toBe('blocked');
    const allowing = [hierarchy([policyRule(10, 'allow', ['35.191.0.0/16', '130.211.0.0/22'])])];
    expect(evaluateFirewall({ vpcRules: [deny900], policies: allowing, policiesKnown: true }, traffic(8080))).toEqual({ kind: 'admitted' });
  });
  it('a network policy deny that only the enforcement order decides is undecided', () => {
    const network: EffectiveFirewallPolicy = { name: 'prod-policy', type: 'NETWORK', rules: [policyRule(100, 'deny', ['35.191.0.0/16'])] };
    expect(evaluateFirewall({ vpcRules: [l7], policies: [network], policiesKnown: true }, traffic(8080))).toMatchObject({ kind: 'undecided' });
  });
  it('the enforcement order read: AFTER_CLASSIC_FIREWALL lets the VPC allow decide, BEFORE_CLASSIC_FIREWALL the network policy deny', () => {
    const network: EffectiveFirewallPolicy = { name: 'prod-policy', type: 'NETWORK', rules: [policyRule(100, 'deny', ['35.191.0.0/16'])] };
    expect(evaluateFirewall({ vpcRules: [l7], policies: [network], policiesKnown: true, order: 'AFTER_CLASSIC_FIREWALL' }, traffic(8080))).toEqual({ kind: 'admitted' });
    expect(evaluateFirewall({ vpcRules: [l7], policies: [network], policiesKnown: true, order: 'BEFORE_CLASSIC_FIREWALL' }, traffic(8080))).toMatchObject({ kind: 'blocked', by: { name: 'priority 100', policy: { name: 'prod-policy' } } });
  });
  it('regional network policies come after the global ones and before the VPC rules only under BEFORE_CLASSIC_FIREWALL', () => {
    const global: EffectiveFirewallPolicy = { name: 'global-policy', type: 'NETWORK', rules: [policyRule(2147483645, 'goto_next', ['0.0.0.0/0'])] };
    const regional: EffectiveFirewallPolicy = { name: 'europe-west4-baseline', type: 'NETWORK_REGIONAL', rules: [{ ...policyRule(65000, 'deny', ['0.0.0.0/0']), ruleName: 'deny-all-ingress' }] };
    const firewall = { vpcRules: [l7], policies: [regional, global], policiesKnown: true };
    expect(evaluateFirewall({ ...firewall, order: 'BEFORE_CLASSIC_FIREWALL' }, traffic(8080))).toMatchObject({ kind: 'blocked', by: { name: 'deny-all-ingress', policy: { type: 'NETWORK_REGIONAL' } } });
    expect(evaluateFirewall({ ...firewall, order: 'AFTER_CLASSIC_FIREWALL' }, traffic(8080))).toEqual({ kind: 'admitted' });
    // What no VPC rule allows falls through to the regional policy, which decides it.
    expect(evaluateFirewall({ ...firewall, order: 'AFTER_CLASSIC_FIREWALL' }, traffic(9000))).toMatchObject({ kind: 'blocked', by: { name: 'deny-all-ingress' } });
  });
  it('regional policies not read decide only what reaches them: undecided for lack of data, never a pass or a block', () => {
    const unread = { vpcRules: [l7, deny900], policies: [], policiesKnown: true, regionalUnknown: 'compute/regional-effective-firewalls.json is not in the inputs' };
    expect(evaluateFirewall({ ...unread, order: 'AFTER_CLASSIC_FIREWALL' }, traffic(8080, ['130.211.0.0/22']))).toEqual({ kind: 'admitted' });
    expect(evaluateFirewall({ ...unread, order: 'AFTER_CLASSIC_FIREWALL' }, traffic(8080)).kind).toBe('blocked');
    expect(evaluateFirewall({ ...unread, order: 'AFTER_CLASSIC_FIREWALL' }, traffic(10001, ['130.211.0.0/22']))).toMatchObject({ kind: 'undecided', missing: true });
    expect(evaluateFirewall({ ...unread, order: 'BEFORE_CLASSIC_FIREWALL' }, traffic(8080, ['130.211.0.0/22']))).toMatchObject({ kind: 'undecided', missing: true });
    // The order not read either: the orders disagree, and what was missing is said.
    expect(evaluateFirewall({ ...unread, orderUnknown: 'compute/network.json is not in the inputs' }, traffic(8080, ['130.211.0.0/22']))).toMatchObject({ kind: 'undecided', missing: true, reason: expect.stringContaining('compute/network.json') });
  });
  it('a rule on secure tags may apply: a deny there leaves an admission undecided', () => {
    const tagged = hierarchy([{ ...policyRule(10, 'deny', ['35.191.0.0/16']), targetSecureTags: [{ name: 'tagValues/281484836404786' }] }]);
    expect(evaluateFirewall({ vpcRules: [l7], policies: [tagged], policiesKnown: true }, traffic(8080))).toMatchObject({ kind: 'undecided' });
  });
});
