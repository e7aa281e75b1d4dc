import type { ClusterNetwork } from '../../state/cluster-network.js';
import type { RuleReference } from './firewall-evaluation.js';
import type { NodeTarget } from './node-targets.js';

/** What the allow rule lets in: the sources, the TCP port, and whom it targets. */
export interface AllowRule {
  network: ClusterNetwork;
  sources: readonly string[];
  port: number;
  target: NodeTarget;
  /** The deny rule it must come before, if any. */
  blockedBy?: RuleReference;
  /** The cluster's region: a regional network firewall policy's rule is made there. */
  region?: string;
}

/** A rule name Compute accepts (RFC 1035, at most 63 characters). */
function ruleName(port: number, sources: readonly string[]): string {
  const what = sources.some((source) => source.startsWith('35.191.') || source.startsWith('130.211.')) ? 'lb-health-checks' : 'lb-proxies';
  return `allow-${what}-tcp-${port}`.slice(0, 63);
}

/**
 * The fix for traffic a firewall blocks. A VPC deny (or none allowing) is fixed with a VPC allow rule
 * of a higher priority (a lower number: priority 0 cannot be outranked, so that deny must change);
 * a deny in a firewall policy is evaluated before the VPC rules, so the fix is a rule in that policy
 * passing the traffic on (`goto_next`) ahead of the deny.
 */
export function firewallFix(rule: AllowRule, summary: string): { summary: string; commands: string[]; terraform: string; automatic: false } {
  const { network, sources, port, target, blockedBy } = rule;
  if (blockedBy?.policy) return policyFix(rule, blockedBy, summary);
  const priority = blockedBy ? Math.max(blockedBy.priority - 1, 0) : 1000;
  const name = ruleName(port, sources);
  const targetFlag = target.tags.length ? `--target-tags=${target.tags[0]}` : target.serviceAccount ? `--target-service-accounts=${target.serviceAccount}` : '';
  const targetTerraform = target.tags.length ? `  target_tags   = ["${target.tags[0]}"]` : target.serviceAccount ? `  target_service_accounts = ["${target.serviceAccount}"]` : undefined;
  const commands = [
    `gcloud compute firewall-rules create ${name} --project=${network.project} --network=${network.name} --direction=INGRESS --action=ALLOW --rules=tcp:${port} --source-ranges=${sources.join(',')} ${targetFlag} --priority=${priority}`.replace(/ {2,}/g, ' '),
  ];
  if (blockedBy && blockedBy.priority === 0) commands.unshift(`# ${blockedBy.name} has priority 0, which no rule outranks: narrow it instead (gcloud compute firewall-rules update ${blockedBy.name} --project=${network.project} …)`);
  const terraform = [
    `resource "google_compute_firewall" "${name.replace(/-/g, '_')}" {`,
    `  project       = "${network.project}"`,
    `  name          = "${name}"`,
    `  network       = "${network.name}"`,
    '  direction     = "INGRESS"',
    `  priority      = ${priority}`,
    `  source_ranges = [${sources.map((source) => `"${source}"`).join(', ')}]`,
    ...(targetTerraform ? [targetTerraform] : []),
    '  allow {',
    '    protocol = "tcp"',
    `    ports    = ["${port}"]`,
    '  }',
    '}',
  ].join('\n');
  return { summary, commands, terraform, automatic: false };
}

/**
 * A rule ahead of the deny in the same policy that lets the traffic in: a hierarchical policy hands it on to
 * the network's rules (goto_next); a global or regional network policy (gcloud `--global-firewall-policy`,
 * `--firewall-policy-region`; Terraform google_compute_network_firewall_policy_rule,
 * google_compute_region_network_firewall_policy_rule) allows it.
 */
function policyFix({ network, sources, port, region }: AllowRule, blockedBy: RuleReference, summary: string) {
  const policy = blockedBy.policy!;
  const priority = Math.max(blockedBy.priority - 1, 0);
  const hierarchical = policy.type === 'HIERARCHY';
  const regional = policy.type === 'NETWORK_REGIONAL';
  const scope = regional ? `--firewall-policy-region=${region ?? 'REGION'}` : '--global-firewall-policy';
  const command = hierarchical
    ? `gcloud compute firewall-policies rules create ${priority} --firewall-policy=${policy.name} --direction=INGRESS --action=goto_next --src-ip-ranges=${sources.join(',')} --layer4-configs=tcp:${port}`
    : `gcloud compute network-firewall-policies rules create ${priority} --firewall-policy=${policy.name} ${scope} --project=${network.project} --direction=INGRESS --action=allow --src-ip-ranges=${sources.join(',')} --layer4-configs=tcp:${port}`;
  const resource = hierarchical ? 'google_compute_firewall_policy_rule' : regional ? 'google_compute_region_network_firewall_policy_rule' : 'google_compute_network_firewall_policy_rule';
  const terraform = [
    `resource "${resource}" "allow_lb_tcp_${port}" {`,
    ...(hierarchical ? [] : [`  project         = "${network.project}"`]),
    ...(regional ? [`  region          = "${region ?? 'REGION'}"`] : []),
    `  firewall_policy = "${policy.name}"`,
    `  priority        = ${priority}`,
    '  direction       = "INGRESS"',
    `  action          = "${hierarchical ? 'goto_next' : 'allow'}"`,
    '  match {',
    `    src_ip_ranges = [${sources.map((source) => `"${source}"`).join(', ')}]`,
    '    layer4_configs {',
    '      ip_protocol = "tcp"',
    `      ports       = ["${port}"]`,
    '    }',
    '  }',
    '}',
  ].join('\n');
  const commands = [command];
  if (blockedBy.priority === 0) commands.unshift(`# ${blockedBy.name} has priority 0 in ${policy.name}, which no rule outranks: narrow that rule instead`);
  return { summary, commands, terraform, automatic: false as const };
}
