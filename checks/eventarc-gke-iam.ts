import type { Check, CheckResult, Finding, Fix } from '../src/engine/check.js';
import { format } from '../src/engine/check.js';
import type { GkeTrigger } from '../src/gke/eventarc.js';
import {
  EVENTARC_AGENT_ROLES,
  EVENT_RECEIVER_ROLE,
  PUBSUB_AGENT_CUTOFF,
  PUBSUB_AGENT_ROLES,
  TRIGGER_SERVICE_ACCOUNT_ROLES,
  STORAGE_AGENT_ROLE,
  isDirectPubsubTrigger,
  isDirectStorageTrigger,
  isGkeTrigger,
  parseTriggerName,
  storageServiceAgent,
} from '../src/gke/eventarc.js';
import type { RoleEvaluation, RoleGrant } from '../src/gke/iam.js';
import { describeGrant, evaluateRole, eventarcServiceAgent, grantCommand, grantTerraform, pubsubServiceAgent, terraformName } from '../src/gke/iam.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { isUnknownUntilApply } from '../src/state/cluster-state.js';
import type { IamPolicy, Project } from '../src/state/gcp-types.js';

const messages = {
  agent:
    'The Eventarc service agent {{agent}} {{holds}} every role GKE destinations need (for {{triggers}}). Without them Eventarc cannot create the event forwarder in the cluster: creating the trigger hangs (terraform apply never finishes), and the forwarder namespace can stay Terminating.',
  agentFix:
    '`gcloud eventarc gke-destinations init` grants the Eventarc service agent exactly roles/compute.viewer, roles/container.developer and roles/iam.serviceAccountAdmin (once per project); or bind the missing roles explicitly.',
  triggerAccount:
    'Service account {{account}}, which {{triggers}} run{{s}} as, {{holds}} every role the event forwarder needs to pull events from Pub/Sub and write metrics{{receiver}}.',
  receiverNeeded: ', and to receive the events of {{triggers}} ({{role}}; direct Pub/Sub events do not need it)',
  holds: 'does not hold',
  mayNotHold: 'may not hold',
  triggerAccountFix: 'Grant the trigger\'s service account the missing roles on the project.',
  noServiceAccount: 'Trigger {{trigger}} has no service account; a GKE destination needs one, with {{roles}}.',
  noServiceAccountFix: 'Recreate the trigger with --service-account=SA_EMAIL (a service account that holds the roles above).',
  undecidedRoles:
    'Whether {{principal}} will hold {{roles}} cannot be decided before apply: the plan grants {{them}} to a member known only after apply.',
  undecidedAccount:
    'The service account of trigger {{trigger}} is known only after apply (it is created in the same plan), so whether it holds {{roles}} cannot be decided before apply.',
  undecidedFix: 'Run gke-doctor again once the plan is applied, or grant to a member the plan already knows (a literal email, data "google_project" for the project number).',
  pubsubAgent:
    'The Pub/Sub service agent {{agent}} holds neither roles/iam.serviceAccountTokenCreator nor roles/pubsub.serviceAgent. Projects created before 2021-04-08 ({{created}}) need one of them for authenticated Pub/Sub push, which Eventarc uses; the rule is about when the Pub/Sub agent was enabled, and the project\'s createTime stands in for that.',
  pubsubAgentFix: 'Grant the Pub/Sub service agent roles/iam.serviceAccountTokenCreator on the project.',
  role: '- {{grant}}',
  storageAgent:
    'The Cloud Storage service agent {{agent}} {{holds}} roles/pubsub.publisher, which it needs to publish the direct Cloud Storage events of {{triggers}} to their Pub/Sub topics.',
  storageAgentFix: 'Grant the Cloud Storage service agent roles/pubsub.publisher on the project.',
  noProjectNumber: 'project.json has no projectNumber, so the Eventarc and Pub/Sub service agents (service-NUMBER@…) cannot be named or checked.',
};

const eventarcGkeIam: Check = {
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
  run(state: ClusterState, context): CheckResult {
    const triggers = state.eventarcTriggers!.filter(isGkeTrigger);
    // Conditions on request.time are decided at this moment; custom roles by the definitions read (none read: each one is said).
    const options: RoleEvaluation = { now: context.now, customRoles: state.customRoles ?? new Map() };
    if (triggers.length === 0) return { examined: [], findings: [] };
    const policy = state.iamPolicy!;
    const project = state.project!;
    const examined = triggers.map((trigger) => trigger.name);
    const findings: Finding[] = [];
    const undecided = undecidedRoles(state, project.projectId);
    if (project.projectNumber) {
      const agents = [eventarcServiceAgent(project.projectNumber)];
      findings.push(...eventarcAgentFindings(policy, project.projectId, agents[0]!, triggers, undecided, options));
      const storageTriggers = triggers.filter(isDirectStorageTrigger);
      if (storageTriggers.length > 0) {
        agents.push(storageServiceAgent(project.projectNumber));
        findings.push(...storageAgentFindings(policy, project.projectId, agents.at(-1)!, storageTriggers, undecided, options));
      }
      if (needsPubsubAgentRule(project)) {
        agents.push(pubsubServiceAgent(project.projectNumber));
        if (!PUBSUB_AGENT_ROLES.some((role) => undecided(role))) findings.push(...pubsubAgentFindings(policy, project, agents.at(-1)!, options));
      }
      examined.push(...agents);
    } else {
      findings.push({ severity: 'warning', resource: `projects/${project.projectId}`, message: messages.noProjectNumber, evidence: {}, fix: null });
    }
    for (const [account, accountTriggers] of byServiceAccount(triggers)) {
      examined.push(`serviceAccount:${account}`);
      findings.push(...triggerAccountFindings(policy, project.projectId, account, accountTriggers, undecided, options));
    }
    for (const trigger of triggers.filter((candidate) => !candidate.serviceAccount)) {
      // A Terraform plan leaves out what is known only after apply: an account created in the same plan.
      findings.push(isUnknownUntilApply(state, trigger.name, 'serviceAccount') ? undecidedAccountFinding(trigger) : noServiceAccountFinding(trigger));
    }
    return { examined, findings };
  },
};

function eventarcAgentFindings(policy: IamPolicy, project: string, agent: string, triggers: readonly GkeTrigger[], undecided: Undecided, options: RoleEvaluation): Finding[] {
  return roleFindings(policy, agent, EVENTARC_AGENT_ROLES, undecided, options, (roles, holds) => ({
    message: format(messages.agent, { agent: email(agent), holds, triggers: names(triggers) }),
    fix: withInit(fixFor(messages.agentFix, project, agent, roles, 'eventarc_agent', policy), project),
  }));
}

/** Direct Cloud Storage events: the Cloud Storage agent publishes them (Eventarc GKE roles and permissions doc). */
function storageAgentFindings(policy: IamPolicy, project: string, agent: string, triggers: readonly GkeTrigger[], undecided: Undecided, options: RoleEvaluation): Finding[] {
  return roleFindings(policy, agent, [STORAGE_AGENT_ROLE], undecided, options, (roles, holds) => ({
    message: format(messages.storageAgent, { agent: email(agent), holds, triggers: names(triggers) }),
    fix: fixFor(messages.storageAgentFix, project, agent, roles, 'storage_agent', policy),
  }));
}

function triggerAccountFindings(policy: IamPolicy, project: string, account: string, triggers: readonly GkeTrigger[], undecided: Undecided, options: RoleEvaluation): Finding[] {
  const member = `serviceAccount:${account}`;
  const receivers = triggers.filter((trigger) => !isDirectPubsubTrigger(trigger));
  const required = [...TRIGGER_SERVICE_ACCOUNT_ROLES, ...(receivers.length > 0 ? [EVENT_RECEIVER_ROLE] : [])];
  return roleFindings(policy, member, required, undecided, options, (roles, holds) => ({
    message: format(messages.triggerAccount, {
      account,
      holds,
      triggers: names(triggers),
      s: triggers.length === 1 ? 's' : '',
      receiver: roles.includes(EVENT_RECEIVER_ROLE) ? format(messages.receiverNeeded, { role: EVENT_RECEIVER_ROLE, triggers: names(receivers) }) : '',
    }),
    fix: fixFor(messages.triggerAccountFix, project, member, roles, account.split('@')[0] ?? account, policy),
  }));
}

/** Projects whose Pub/Sub agent predates 2021-04-08; without a createTime the rule may apply. */
function needsPubsubAgentRule(project: Project): boolean {
  // "On or before April 8, 2021": PUBSUB_AGENT_CUTOFF is the first instant after that day (UTC).
  return !project.createTime || Date.parse(project.createTime) < Date.parse(PUBSUB_AGENT_CUTOFF);
}

function pubsubAgentFindings(policy: IamPolicy, project: Project, agent: string, options: RoleEvaluation): Finding[] {
  const grants = PUBSUB_AGENT_ROLES.map((role) => evaluateRole(policy, agent, role, options));
  if (grants.some(isPlainGrant)) return [];
  const created = project.createTime ?? null;
  return [
    {
      severity: 'warning',
      resource: agent,
      message: [
        format(messages.pubsubAgent, { agent: email(agent), created: created ? `this project: ${created}` : 'project.json has no createTime, so this one may be' }),
        ...grants.map((grant) => format(messages.role, { grant: describeGrant(grant) })),
      ].join('\n'),
      evidence: { principal: agent, projectCreateTime: created, grants },
      fix: fixFor(messages.pubsubAgentFix, project.projectId, agent, [PUBSUB_AGENT_ROLES[0]], 'pubsub_agent', policy),
    },
  ];
}

/** Roles a plan grants to members known only after apply (ClusterState.unknownUntilApply); `bindings` alone means any role. */
type Undecided = (role: string) => boolean;

function undecidedRoles(state: ClusterState, projectId: string): Undecided {
  const fields = state.unknownUntilApply?.get(`projects/${projectId}`) ?? [];
  return (role) => fields.includes('bindings') || fields.includes(`bindings[${role}].members`);
}

function undecidedFix(): Fix {
  return { summary: messages.undecidedFix, commands: [], terraform: null, automatic: false };
}

function undecidedAccountFinding(trigger: GkeTrigger): Finding {
  return {
    severity: 'warning',
    resource: trigger.name,
    message: format(messages.undecidedAccount, { trigger: trigger.name, roles: [...TRIGGER_SERVICE_ACCOUNT_ROLES, EVENT_RECEIVER_ROLE].join(', ') }),
    evidence: { trigger: trigger.name, serviceAccount: 'known after apply' },
    fix: undecidedFix(),
  };
}

function noServiceAccountFinding(trigger: GkeTrigger): Finding {
  return {
    severity: 'error',
    resource: trigger.name,
    message: format(messages.noServiceAccount, { trigger: trigger.name, roles: [...TRIGGER_SERVICE_ACCOUNT_ROLES, EVENT_RECEIVER_ROLE].join(', ') }),
    evidence: { trigger: trigger.name },
    fix: { summary: messages.noServiceAccountFix, commands: [], terraform: null, automatic: false },
  };
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
  options: RoleEvaluation,
  describe: (roles: string[], holds: string) => { message: string; fix: Fix },
): Finding[] {
  const grants = roles.map((role) => evaluateRole(policy, principal, role, options));
  const notGranted = grants.filter((grant) => grant.status === 'not-granted');
  const missing = notGranted.filter((grant) => !undecided(grant.role));
  const unknown = notGranted.filter((grant) => undecided(grant.role)).map((grant) => grant.role);
  // A custom role whose definition was not read is a warning naming it, never an error.
  const uncertain = grants.filter((grant) => grant.status === 'conditional' || grant.status === 'possibly' || grant.status === 'custom-role-unread');
  const findings: Finding[] = [];
  if (unknown.length > 0) {
    findings.push({
      severity: 'warning',
      resource: principal,
      message: format(messages.undecidedRoles, { principal: email(principal), roles: unknown.join(', '), them: unknown.length === 1 ? 'it' : 'them' }),
      evidence: { principal, roles: unknown, knownAfterApply: true },
      fix: undecidedFix(),
    });
  }
  for (const [severity, group] of [['error', missing], ['warning', uncertain]] as const) {
    if (group.length === 0) continue;
    const { message, fix } = describe(
      group.map((grant) => grant.role),
      severity === 'error' ? messages.holds : messages.mayNotHold,
    );
    findings.push({
      severity,
      resource: principal,
      message: [message, ...group.map((grant) => format(messages.role, { grant: describeGrant(grant) }))].join('\n'),
      evidence: { principal, roles: group.map((grant) => grant.role), grants: group },
      fix,
    });
  }
  return findings;
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
