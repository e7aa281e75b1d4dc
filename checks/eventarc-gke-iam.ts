import type { CheckContext, CheckResult, Finding, Fix, MessageData } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import type { GkeTrigger } from '../src/gke/eventarc.js';
import {
  EVENTARC_AGENT_ROLES,
  EVENT_RECEIVER_ROLE,
  PUBSUB_AGENT_CUTOFF,
  PUBSUB_AGENT_ROLES,
  TRIGGER_SERVICE_ACCOUNT_ROLES,
  isDirectPubsubTrigger,
  isGkeTrigger,
  parseTriggerName,
} from '../src/gke/eventarc.js';
import type { RoleGrant } from '../src/gke/iam.js';
import { describeGrant, evaluateRole, eventarcServiceAgent, grantCommand, grantTerraform, pubsubServiceAgent, terraformName } from '../src/gke/iam.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { isUnknownUntilApply } from '../src/state/cluster-state.js';
import type { IamPolicy, Project } from '../src/state/gcp-types.js';

const eventarcGkeIam = defineCheck({
  id: 'eventarc-gke-iam',
  title: 'Eventarc triggers with GKE destinations have every IAM role they need',
  severity: 'error',
  description: `An Eventarc trigger with a GKE destination runs an event forwarder inside the cluster.
Eventarc's service agent (service-NUMBER@gcp-sa-eventarc.iam.gserviceaccount.com) creates it, and
needs roles/compute.viewer, roles/container.developer and roles/iam.serviceAccountAdmin: what
\`gcloud eventarc gke-destinations init\` grants. The forwarder runs as the trigger's service
account, which needs roles/pubsub.subscriber and roles/monitoring.metricWriter, plus
roles/eventarc.eventReceiver unless the trigger is for direct Pub/Sub events. On projects created
before 2021-04-08 the Pub/Sub service agent also needs roles/iam.serviceAccountTokenCreator (or
roles/pubsub.serviceAgent).

A trigger created without these roles does not fail cleanly: terraform apply never finishes, the
trigger can become undeletable, and the namespace Eventarc made in the cluster stays Terminating.
This check reads the project's allow policy (at version 3, so conditions are visible) and names
each missing role, for each principal, with the gcloud command and the Terraform that grant it.
A binding under an IAM condition, or to a group or domain (whose members cannot be listed
offline), is reported as a warning, never as a grant. Policies inherited from folders and the
organization are not read.`,
  references: [
    'https://cloud.google.com/eventarc/docs/gke/roles-permissions',
    'https://cloud.google.com/sdk/gcloud/reference/eventarc/gke-destinations/init',
    'https://cloud.google.com/iam/docs/troubleshooting-withcond',
    'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam#google_project_iam_member',
  ],
  needs: ['eventarcTriggers', 'iamPolicy', 'project'],
  notApplicable: 'no Eventarc trigger has a GKE destination',
  messages: {
    agentMissing:
      'The Eventarc service agent {{agent}} does not hold every role GKE destinations need (for {{triggers}}). Without them Eventarc cannot create the event forwarder in the cluster: creating the trigger hangs (terraform apply never finishes), and the forwarder namespace can stay Terminating.\n{{grants}}',
    agentUncertain:
      'The Eventarc service agent {{agent}} may not hold every role GKE destinations need (for {{triggers}}). Without them Eventarc cannot create the event forwarder in the cluster: creating the trigger hangs (terraform apply never finishes), and the forwarder namespace can stay Terminating.\n{{grants}}',
    accountMissing:
      'Service account {{account}}, which {{triggers}} runs as, does not hold every role the event forwarder needs to pull events from Pub/Sub and write metrics{{receiver}}.\n{{grants}}',
    accountUncertain:
      'Service account {{account}}, which {{triggers}} runs as, may not hold every role the event forwarder needs to pull events from Pub/Sub and write metrics{{receiver}}.\n{{grants}}',
    sharedAccountMissing:
      'Service account {{account}}, which {{triggers}} run as, does not hold every role the event forwarder needs to pull events from Pub/Sub and write metrics{{receiver}}.\n{{grants}}',
    sharedAccountUncertain:
      'Service account {{account}}, which {{triggers}} run as, may not hold every role the event forwarder needs to pull events from Pub/Sub and write metrics{{receiver}}.\n{{grants}}',
    receiverNeeded: ', and to receive the events of {{triggers}} ({{role}}; direct Pub/Sub events do not need it)',
    grant: '- {{grant}}',
    noServiceAccount: 'Trigger {{trigger}} has no service account; a GKE destination needs one, with {{roles}}.',
    undecidedRole: 'Whether {{principal}} will hold {{roles}} cannot be decided before apply: the plan grants it to a member known only after apply.',
    undecidedRoles: 'Whether {{principal}} will hold {{roles}} cannot be decided before apply: the plan grants them to a member known only after apply.',
    undecidedAccount:
      'The service account of trigger {{trigger}} is known only after apply (it is created in the same plan), so whether it holds {{roles}} cannot be decided before apply.',
    pubsubAgent:
      'The Pub/Sub service agent {{agent}} holds neither roles/iam.serviceAccountTokenCreator nor roles/pubsub.serviceAgent. Projects created before 2021-04-08 (this project: {{created}}) need one of them for authenticated Pub/Sub push, which Eventarc uses; the rule is about when the Pub/Sub agent was enabled, and the project\'s createTime stands in for that.\n{{grants}}',
    pubsubAgentNoCreateTime:
      'The Pub/Sub service agent {{agent}} holds neither roles/iam.serviceAccountTokenCreator nor roles/pubsub.serviceAgent. Projects created before 2021-04-08 (project.json has no createTime, so this one may be) need one of them for authenticated Pub/Sub push, which Eventarc uses; the rule is about when the Pub/Sub agent was enabled, and the project\'s createTime stands in for that.\n{{grants}}',
    noProjectNumber: 'project.json has no projectNumber, so the Eventarc and Pub/Sub service agents (service-NUMBER@…) cannot be named or checked.',
    agentFix:
      '`gcloud eventarc gke-destinations init` grants the Eventarc service agent exactly roles/compute.viewer, roles/container.developer and roles/iam.serviceAccountAdmin (once per project); or bind the missing roles explicitly.',
    triggerAccountFix: 'Grant the trigger\'s service account the missing roles on the project.',
    noServiceAccountFix: 'Recreate the trigger with --service-account=SA_EMAIL (a service account that holds the roles above).',
    undecidedFix: 'Run gke-doctor again once the plan is applied, or grant to a member the plan already knows (a literal email, data "google_project" for the project number).',
    pubsubAgentFix: 'Grant the Pub/Sub service agent roles/iam.serviceAccountTokenCreator on the project.',
  },
  run(state: ClusterState, context): CheckResult {
    const triggers = state.eventarcTriggers!.filter(isGkeTrigger);
    if (triggers.length === 0) return { examined: [], findings: [] };
    const policy = state.iamPolicy!;
    const project = state.project!;
    const examined = triggers.map((trigger) => trigger.name);
    const findings: Finding[] = [];
    const undecided = undecidedRoles(state, project.projectId);
    if (project.projectNumber) {
      const agents = [eventarcServiceAgent(project.projectNumber)];
      findings.push(...eventarcAgentFindings(policy, project.projectId, agents[0]!, triggers, undecided, context));
      if (needsPubsubAgentRule(project)) {
        agents.push(pubsubServiceAgent(project.projectNumber));
        if (!PUBSUB_AGENT_ROLES.some((role) => undecided(role))) findings.push(...pubsubAgentFindings(policy, project, agents[1]!, context));
      }
      examined.push(...agents);
    } else {
      findings.push(context.report({ messageId: 'noProjectNumber', severity: 'warning', resource: `projects/${project.projectId}` }));
    }
    for (const [account, accountTriggers] of byServiceAccount(triggers)) {
      examined.push(`serviceAccount:${account}`);
      findings.push(...triggerAccountFindings(policy, project.projectId, account, accountTriggers, undecided, context));
    }
    const roles = [...TRIGGER_SERVICE_ACCOUNT_ROLES, EVENT_RECEIVER_ROLE].join(', ');
    for (const trigger of triggers.filter((candidate) => !candidate.serviceAccount)) {
      // A Terraform plan leaves out what is known only after apply: an account created in the same plan.
      findings.push(
        isUnknownUntilApply(state, trigger.name, 'serviceAccount')
          ? context.report({
              messageId: 'undecidedAccount',
              severity: 'warning',
              data: { trigger: trigger.name, roles },
              resource: trigger.name,
              evidence: { trigger: trigger.name, serviceAccount: 'known after apply' },
              fix: undecidedFix(),
            })
          : context.report({
              messageId: 'noServiceAccount',
              data: { trigger: trigger.name, roles },
              resource: trigger.name,
              evidence: { trigger: trigger.name },
              fix: { summary: text('noServiceAccountFix'), commands: [], terraform: null, automatic: false },
            }),
      );
    }
    return { examined, findings };
  },
});

type MessageId = keyof typeof eventarcGkeIam.messages;
type Context = CheckContext<MessageId>;
const text = (id: MessageId, data: MessageData = {}) => fill(eventarcGkeIam.messages[id], data, id);

function eventarcAgentFindings(policy: IamPolicy, project: string, agent: string, triggers: readonly GkeTrigger[], undecided: Undecided, context: Context): Finding[] {
  return roleFindings(policy, agent, EVENTARC_AGENT_ROLES, undecided, context, (roles, certain) => ({
    messageId: certain ? 'agentMissing' : 'agentUncertain',
    data: { agent: email(agent), triggers: names(triggers) },
    fix: withInit(fixFor(text('agentFix'), project, agent, roles, 'eventarc_agent', policy), project),
  }));
}

function triggerAccountFindings(policy: IamPolicy, project: string, account: string, triggers: readonly GkeTrigger[], undecided: Undecided, context: Context): Finding[] {
  const member = `serviceAccount:${account}`;
  const receivers = triggers.filter((trigger) => !isDirectPubsubTrigger(trigger));
  const required = [...TRIGGER_SERVICE_ACCOUNT_ROLES, ...(receivers.length > 0 ? [EVENT_RECEIVER_ROLE] : [])];
  const shared = triggers.length > 1;
  return roleFindings(policy, member, required, undecided, context, (roles, certain) => ({
    messageId: shared ? (certain ? 'sharedAccountMissing' : 'sharedAccountUncertain') : certain ? 'accountMissing' : 'accountUncertain',
    data: {
      account,
      triggers: names(triggers),
      receiver: roles.includes(EVENT_RECEIVER_ROLE) ? text('receiverNeeded', { role: EVENT_RECEIVER_ROLE, triggers: names(receivers) }) : '',
    },
    fix: fixFor(text('triggerAccountFix'), project, member, roles, account.split('@')[0] ?? account, policy),
  }));
}

/** Projects whose Pub/Sub agent predates 2021-04-08; without a createTime the rule may apply. */
function needsPubsubAgentRule(project: Project): boolean {
  return !project.createTime || Date.parse(project.createTime) < Date.parse(PUBSUB_AGENT_CUTOFF);
}

function pubsubAgentFindings(policy: IamPolicy, project: Project, agent: string, context: Context): Finding[] {
  const grants = PUBSUB_AGENT_ROLES.map((role) => evaluateRole(policy, agent, role));
  if (grants.some(isPlainGrant)) return [];
  const created = project.createTime ?? null;
  return [
    context.report({
      messageId: created ? 'pubsubAgent' : 'pubsubAgentNoCreateTime',
      severity: 'warning',
      data: { agent: email(agent), ...(created ? { created } : {}), grants: grantLines(grants) },
      resource: agent,
      evidence: { principal: agent, projectCreateTime: created, grants },
      fix: fixFor(text('pubsubAgentFix'), project.projectId, agent, [PUBSUB_AGENT_ROLES[0]], 'pubsub_agent', policy),
    }),
  ];
}

/** Roles a plan grants to members known only after apply (ClusterState.unknownUntilApply); `bindings` alone means any role. */
type Undecided = (role: string) => boolean;

function undecidedRoles(state: ClusterState, projectId: string): Undecided {
  const fields = state.unknownUntilApply?.get(`projects/${projectId}`) ?? [];
  return (role) => fields.includes('bindings') || fields.includes(`bindings[${role}].members`);
}

function undecidedFix(): Fix {
  return { summary: text('undecidedFix'), commands: [], terraform: null, automatic: false };
}

/**
 * One error finding for the roles a principal does not hold, and one warning for
 * those held only under a condition or possibly through a group.
 */
function roleFindings(
  policy: IamPolicy,
  principal: string,
  roles: readonly string[],
  undecided: Undecided,
  context: Context,
  describe: (roles: string[], certain: boolean) => { messageId: MessageId; data: MessageData; fix: Fix },
): Finding[] {
  const grants = roles.map((role) => evaluateRole(policy, principal, role));
  const notGranted = grants.filter((grant) => grant.status === 'not-granted');
  const missing = notGranted.filter((grant) => !undecided(grant.role));
  const unknown = notGranted.filter((grant) => undecided(grant.role)).map((grant) => grant.role);
  const uncertain = grants.filter((grant) => grant.status === 'conditional' || grant.status === 'possibly');
  const findings: Finding[] = [];
  if (unknown.length > 0) {
    findings.push(
      context.report({
        messageId: unknown.length === 1 ? 'undecidedRole' : 'undecidedRoles',
        severity: 'warning',
        data: { principal: email(principal), roles: unknown.join(', ') },
        resource: principal,
        evidence: { principal, roles: unknown, knownAfterApply: true },
        fix: undecidedFix(),
      }),
    );
  }
  for (const [severity, group] of [['error', missing], ['warning', uncertain]] as const) {
    if (group.length === 0) continue;
    const { messageId, data, fix } = describe(
      group.map((grant) => grant.role),
      severity === 'error',
    );
    findings.push(
      context.report({
        messageId,
        severity,
        data: { ...data, grants: grantLines(group) },
        resource: principal,
        evidence: { principal, roles: group.map((grant) => grant.role), grants: group },
        fix,
      }),
    );
  }
  return findings;
}

function grantLines(grants: readonly RoleGrant[]): string {
  return grants.map((grant) => text('grant', { grant: describeGrant(grant) })).join('\n');
}

function isPlainGrant(grant: RoleGrant): boolean {
  return grant.status === 'granted' || grant.status === 'granted-through-role';
}

function fixFor(summary: string, project: string, member: string, roles: readonly string[], label: string, policy: IamPolicy): Fix {
  return {
    summary,
    commands: roles.map((role) => grantCommand(project, member, role, policy)),
    terraform: roles.map((role) => grantTerraform(project, member, role, terraformName(label, role))).join('\n\n'),
    automatic: false,
  };
}

function withInit(fix: Fix, project: string): Fix {
  return {
    ...fix,
    commands: [
      '# Either initialise GKE destinations (grants all three roles to the Eventarc service agent):',
      `gcloud eventarc gke-destinations init --project=${project}`,
      '# or grant the missing roles one by one:',
      ...fix.commands,
    ],
  };
}

function byServiceAccount(triggers: readonly GkeTrigger[]): Map<string, GkeTrigger[]> {
  const accounts = new Map<string, GkeTrigger[]>();
  for (const trigger of triggers) {
    if (!trigger.serviceAccount) continue;
    const list = accounts.get(trigger.serviceAccount) ?? [];
    list.push(trigger);
    accounts.set(trigger.serviceAccount, list);
  }
  return accounts;
}

function email(member: string): string {
  return member.replace(/^serviceAccount:/, '');
}

function names(triggers: readonly GkeTrigger[]): string {
  return triggers.map((trigger) => `trigger ${parseTriggerName(trigger.name).trigger}`).join(', ');
}

export default eventarcGkeIam;
