import type { CheckContext, CheckResult, Finding } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { grantFix } from '../src/gke/eventarc/eventarc-fixes.js';
import { describeGrant, memberEmail } from '../src/gke/iam/iam.js';
import type { GrantJudge } from '../src/gke/iam/iam-grants.js';
import { grantJudge, grantsBySeverity, principalGrants } from '../src/gke/iam/iam-grants.js';
import { GKE_SERVICE_AGENT_ROLE, HOST_FIREWALL_ROLE, gkeServiceAgent, sharedVpcHostProject } from '../src/gke/iam/gke-service-agent.js';
import type { ClusterState } from '../src/state/cluster-state.js';

const gkeServiceAgentCheck = defineCheck({
  id: 'gke-service-agent',
  title: "GKE's service agent holds its role on the project, and the firewall permissions on a Shared VPC host",
  severity: 'error',
  description: `GKE acts through its service agent, service-NUMBER@container-engine-robot.iam.gserviceaccount.com,
which needs roles/container.serviceAgent on the project. A project where it lost that role (removed by
hand, by an authoritative Terraform binding, or with the agent itself deleted) breaks everything else at
once: nodes, load balancers, firewall rules and routes are no longer created or repaired, so every other
finding may only be a symptom. This check is listed first for that reason. The role is decided by its
permissions, as gcpdiag's gke/ERR/2021_007 decides it: the role itself, or a role holding every one of
its permissions (no other predefined or basic role does; roles/owner lacks five of them); a custom role
is read from roles/ROLE_ID.json or IAM roles.get.

On a Shared VPC (the cluster's networkConfig.network is in another project, the host), the firewall
rules of the cluster's load balancers live in the host project, and the agent needs the firewall
permissions there (roles/compute.securityAdmin, or a custom role with compute.firewalls.* and
compute.networks.updatePolicy). Without them ingress-gce cannot create the rules, and each Ingress gets
an event asking a security admin to run the gcloud command for it (reason XPN, "Firewall change
required by security admin"): a warning, since a security admin may create the rules by hand. The host
project's allow policy is read live, or from host-iam-policy.json.`,
  references: [
    'https://cloud.google.com/kubernetes-engine/docs/troubleshooting#gke_service_account_deleted',
    'https://gcpdiag.dev/rules/gke/ERR/2021_007/',
    'https://cloud.google.com/iam/docs/service-agents',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-shared-vpc',
    'https://github.com/kubernetes/ingress-gce/blob/master/pkg/firewalls/firewalls.go',
  ],
  appliesTo: ['iamPolicy'],
  needs: ['project', 'iamPolicy'],
  optionalNeeds: ['cluster', 'hostIamPolicy'],
  notApplicable: "no IAM policy was read, or only a plan's grants (a preflight without a snapshot: Google grants GKE's agent its role outside any plan)",
  messages: {
    agentMissing:
      "GKE's service agent {{agent}} does not hold {{role}} on project {{project}}: GKE can no longer create or repair the nodes, load balancers, firewall rules and routes of the project's clusters, so other findings may be symptoms of this.\n{{grants}}",
    agentUncertain: "GKE's service agent {{agent}} may not hold {{role}} on project {{project}}; without it GKE can no longer create or repair nodes, load balancers, firewall rules and routes.\n{{grants}}",
    hostFirewallMissing:
      "Cluster {{cluster}} uses a Shared VPC network of host project {{host}}, where GKE's service agent {{agent}} does not hold the firewall permissions of {{role}}: GKE cannot create the firewall rules its load balancers need, and the Ingress events ask a security admin to create them (reason XPN, \"Firewall change required by security admin\"). Unless a security admin creates each rule by hand, health checks and traffic are blocked.\n{{grants}}",
    hostFirewallUncertain: "Cluster {{cluster}} uses a Shared VPC network of host project {{host}}, where GKE's service agent {{agent}} may not hold the firewall permissions of {{role}}.\n{{grants}}",
    hostPolicyUnread: "Cluster {{cluster}} uses a Shared VPC network of host project {{host}}; whether GKE's service agent may create firewall rules there was not checked: {{reason}}",
    clusterUnread: 'Whether the cluster uses a Shared VPC (whose host project the agent needs firewall permissions in) was not checked: {{reason}}',
    grant: '- {{grant}}',
    noProjectNumber: "project.json has no projectNumber, so GKE's service agent (service-NUMBER@container-engine-robot.iam.gserviceaccount.com) cannot be named or checked.",
    agentFix: "Grant GKE's service agent roles/container.serviceAgent on the project (a binding to a deleted principal, deleted:serviceAccount:…, grants nothing and can be removed).",
    hostFirewallFix: "Grant GKE's service agent of the cluster's project roles/compute.securityAdmin (or a custom role with the compute.firewalls.* permissions) on the host project; a host project admin runs it.",
  },
  run(state: ClusterState, context): CheckResult {
    // A preflight with no base knows only the plan's grants, never the binding Google made for the agent.
    if (state.notInInputs) return { examined: [], findings: [] };
    const project = state.project!;
    if (!project.projectNumber) {
      return { examined: [`projects/${project.projectId}`], findings: [context.report({ messageId: 'noProjectNumber', severity: 'warning', resource: `projects/${project.projectId}` })] };
    }
    const agent = gkeServiceAgent(project.projectNumber);
    const judge = grantJudge(state, context.now);
    const findings = roleFindings(judge, agent, GKE_SERVICE_AGENT_ROLE, context, 'project', project.projectId);
    const unread: string[] = [];
    findings.push(...hostFindings(state, agent, context, unread));
    return { examined: [agent], findings, unread };
  },
});

type MessageId = keyof typeof gkeServiceAgentCheck.messages;
type Context = CheckContext<MessageId>;
const text = (id: MessageId) => fill(gkeServiceAgentCheck.messages[id], {}, id);

/** The role on one project's policy: an error when missing, a warning when uncertain (src/gke/iam/iam-grants.ts). */
function roleFindings(judge: GrantJudge, agent: string, role: string, context: Context, where: 'project' | 'host', clusterOrProject: string): Finding[] {
  const grants = principalGrants(judge, agent, [role]);
  return grantsBySeverity(grants)
    // Held through another role (custom, with every permission): enough; nothing to say.
    .filter(([severity]) => severity !== 'info')
    .map(([severity, group]) => {
      const lines = group.map((grant) => fill(gkeServiceAgentCheck.messages.grant, { grant: describeGrant(grant) })).join('\n');
      const certain = severity === 'error';
      const data = { agent: memberEmail(agent), role, grants: lines };
      const evidence = { principal: agent, project: judge.project, roles: [role], grants: group };
      if (where === 'project') {
        const fix = grantFix(text('agentFix'), judge.project, judge.policy, agent, [role], 'gke_service_agent');
        return context.report({ messageId: certain ? 'agentMissing' : 'agentUncertain', severity: certain ? 'error' : 'warning', data: { ...data, project: judge.project }, resource: agent, evidence, fix });
      }
      const fix = grantFix(text('hostFirewallFix'), judge.project, judge.policy, agent, [role], 'gke_service_agent_host');
      // Ingress-gce asks a security admin for the rules instead: a way of working, not a failure by itself.
      return context.report({ messageId: certain ? 'hostFirewallMissing' : 'hostFirewallUncertain', severity: 'warning', data: { ...data, host: judge.project, cluster: clusterOrProject }, resource: agent, evidence, fix });
    });
}

function hostFindings(state: ClusterState, agent: string, context: Context, unread: string[]): Finding[] {
  const cluster = state.cluster;
  if (!cluster) {
    const reason = state.unavailable.get('cluster');
    if (!reason || state.notInInputs?.has('cluster')) return [];
    const finding = context.report({ messageId: 'clusterUnread', severity: 'info', data: { reason }, resource: agent });
    unread.push(finding.message);
    return [finding];
  }
  const host = sharedVpcHostProject(cluster, state.project!.projectId);
  if (!host) return [];
  const name = cluster.name ?? '?';
  if (!state.hostIamPolicy) {
    const reason = state.unavailable.get('hostIamPolicy') ?? `the IAM policy of host project ${host} was not read`;
    const finding = context.report({ messageId: 'hostPolicyUnread', severity: 'info', data: { cluster: name, host, reason }, resource: agent });
    unread.push(finding.message);
    return [finding];
  }
  // Custom roles of the host project are not read: one bound there is said as not read (a warning).
  const judge: GrantJudge = { project: host, policy: state.hostIamPolicy, options: { now: context.now, customRoles: state.customRoles ?? new Map() }, knownAfterApply: () => false };
  return roleFindings(judge, agent, HOST_FIREWALL_ROLE, context, 'host', name);
}

export default gkeServiceAgentCheck;
