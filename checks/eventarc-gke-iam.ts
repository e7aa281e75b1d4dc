import type { CheckContext, CheckResult, Finding, Fix, MessageData } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import type { GkeTrigger } from '../src/gke/eventarc.js';
import {
  EVENTARC_AGENT_ROLES,
  EVENT_RECEIVER_ROLE,
  PUBSUB_AGENT_ROLES,
  STORAGE_AGENT_ROLE,
  TRIGGER_SERVICE_ACCOUNT_ROLES,
  isDirectPubsubTrigger,
  isDirectStorageTrigger,
  isGkeTrigger,
  parseTriggerName,
  pubsubAgentRuleApplies,
  storageServiceAgent,
} from '../src/gke/eventarc.js';
import type { RoleEvaluation, RoleGrant } from '../src/gke/iam.js';
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
on or before 2021-04-08 the Pub/Sub service agent also needs roles/iam.serviceAccountTokenCreator
(or roles/pubsub.serviceAgent). For direct Cloud Storage events (google.cloud.storage.object.v1.*)
the Cloud Storage service agent (service-NUMBER@gs-project-accounts.iam.gserviceaccount.com)
needs roles/pubsub.publisher to publish them.

A trigger created without these roles does not fail cleanly: terraform apply never finishes, the
trigger can become undeletable, and the namespace Eventarc made in the cluster stays Terminating.
This check reads the project's allow policy (at version 3, so conditions are visible) and names
each missing role, for each principal, with the gcloud command and the Terraform that grant it.
Roles are decided by the permissions they exist to grant: a basic, predefined or custom role
(its definition read from roles/ROLE_ID.json or IAM roles.get) that carries them counts, with an
info note that the named role is least privilege. An IAM condition on request.time is decided at
the time of the run: expired means not granted, holding now and from then on means granted;
a condition that depends on request attributes or will stop holding, a binding to a group or
domain (whose members cannot be listed offline), and a custom role whose definition was not read
are warnings, never grants and never errors. Policies inherited from folders and the
organization are not read.`,
  references: [
    'https://cloud.google.com/eventarc/docs/gke/roles-permissions',
    'https://cloud.google.com/sdk/gcloud/reference/eventarc/gke-destinations/init',
    'https://cloud.google.com/iam/docs/troubleshooting-withcond',
    'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam#google_project_iam_member',
  ],
  // A preflight whose inputs hold no trigger has nothing for it to judge (not-applicable, not incomplete).
  appliesTo: ['eventarcTriggers'],
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
      'The Pub/Sub service agent {{agent}} holds neither roles/iam.serviceAccountTokenCreator nor roles/pubsub.serviceAgent. Projects created on or before 2021-04-08 (this project: {{created}}) need one of them for authenticated Pub/Sub push, which Eventarc uses; the rule is about when the Pub/Sub agent was enabled, and the project\'s createTime stands in for that.\n{{grants}}',
    pubsubAgentNoCreateTime:
      'The Pub/Sub service agent {{agent}} holds neither roles/iam.serviceAccountTokenCreator nor roles/pubsub.serviceAgent. Projects created on or before 2021-04-08 (project.json has no createTime, so this one may be) need one of them for authenticated Pub/Sub push, which Eventarc uses; the rule is about when the Pub/Sub agent was enabled, and the project\'s createTime stands in for that.\n{{grants}}',
    storageAgentMissing:
      'The Cloud Storage service agent {{agent}} does not hold roles/pubsub.publisher, which it needs to publish the direct Cloud Storage events of {{triggers}} to the triggers\' Pub/Sub topics: without it no event reaches the trigger.\n{{grants}}',
    storageAgentUncertain:
      'The Cloud Storage service agent {{agent}} may not hold roles/pubsub.publisher, which it needs to publish the direct Cloud Storage events of {{triggers}} to the triggers\' Pub/Sub topics: without it no event reaches the trigger.\n{{grants}}',
    throughOtherRoles:
      '{{principal}} has what these roles are needed for only through broader or other roles, which is enough:\n{{grants}}\nGranting the named roles themselves is least privilege: the broader roles grant far more than Eventarc needs.',
    pubsubAgentUndecided:
      'Whether the Pub/Sub service agent {{agent}} needs roles/iam.serviceAccountTokenCreator (or roles/pubsub.serviceAgent) cannot be decided from the plan: it does on projects created on or before 2021-04-08, and the plan gives neither the project\'s createTime nor the roles granted outside it. Add --snapshot DIR with project.json and iam-policy.json, or run live, to decide it.',
    noProjectNumber: 'project.json has no projectNumber, so the Eventarc and Pub/Sub service agents (service-NUMBER@…) cannot be named or checked.',
    agentFix:
      '`gcloud eventarc gke-destinations init` grants the Eventarc service agent exactly roles/compute.viewer, roles/container.developer and roles/iam.serviceAccountAdmin (once per project); or bind the missing roles explicitly.',
    triggerAccountFix: 'Grant the trigger\'s service account the missing roles on the project.',
    noServiceAccountFix: 'Recreate the trigger with --service-account=SA_EMAIL (a service account that holds the roles above).',
    undecidedFix: 'Run gke-doctor again once the plan is applied, or grant to a member the plan already knows (a literal email, data "google_project" for the project number).',
    pubsubAgentFix: 'Grant the Pub/Sub service agent roles/iam.serviceAccountTokenCreator on the project.',
    storageAgentFix: 'Grant the Cloud Storage service agent roles/pubsub.publisher on the project.',
    throughOtherRolesFix: 'Optional: grant the least-privilege roles named, then remove the broader role where nothing else needs it.',
  },
  run(state: ClusterState, context): CheckResult {
    const triggers = state.eventarcTriggers!.filter(isGkeTrigger);
    if (triggers.length === 0) return { examined: [], findings: [] };
    const policy = state.iamPolicy!;
    const project = state.project!;
    const examined = triggers.map((trigger) => trigger.name);
    const findings: Finding[] = [];
    const undecided = undecidedRoles(state, project.projectId);
    // Conditions on request.time are decided at the run's time; custom roles by the definitions read (one not read is said).
    const options: RoleEvaluation = { now: context.now, customRoles: state.customRoles ?? new Map() };
    const evaluation: Evaluation = { project: project.projectId, policy, undecided, options, context };
    if (project.projectNumber) {
      const agents = [eventarcServiceAgent(project.projectNumber)];
      findings.push(...eventarcAgentFindings(evaluation, agents[0]!, triggers));
      const storageTriggers = triggers.filter(isDirectStorageTrigger);
      if (storageTriggers.length > 0) {
        agents.push(storageServiceAgent(project.projectNumber));
        findings.push(...storageAgentFindings(evaluation, agents.at(-1)!, storageTriggers));
      }
      if (pubsubAgentRuleApplies(project.createTime) !== false) {
        agents.push(pubsubServiceAgent(project.projectNumber));
        // A preflight without a base (only a plan and manifests) knows the project only from the plan.
        const planOnly = state.notInInputs !== undefined;
        if (!PUBSUB_AGENT_ROLES.some((role) => undecided(role))) findings.push(...pubsubAgentFindings(evaluation, project, agents.at(-1)!, planOnly));
      }
      examined.push(...agents);
    } else {
      findings.push(context.report({ messageId: 'noProjectNumber', severity: 'warning', resource: `projects/${project.projectId}` }));
    }
    for (const [account, accountTriggers] of byServiceAccount(triggers)) {
      examined.push(`serviceAccount:${account}`);
      findings.push(...triggerAccountFindings(evaluation, account, accountTriggers));
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

/** What every principal's roles are evaluated with. */
interface Evaluation {
  project: string;
  policy: IamPolicy;
  undecided: Undecided;
  options: RoleEvaluation;
  context: Context;
}

function eventarcAgentFindings(evaluation: Evaluation, agent: string, triggers: readonly GkeTrigger[]): Finding[] {
  const { project } = evaluation;
  return roleFindings(evaluation, agent, 'eventarc_agent', EVENTARC_AGENT_ROLES, (roles, certain) => ({
    messageId: certain ? 'agentMissing' : 'agentUncertain',
    data: { agent: email(agent), triggers: names(triggers) },
    fix: withInit(fixFor(evaluation, text('agentFix'), agent, roles, 'eventarc_agent'), project),
  }));
}

/** Direct Cloud Storage events are published by the Cloud Storage service agent (https://cloud.google.com/eventarc/docs/gke/roles-permissions). */
function storageAgentFindings(evaluation: Evaluation, agent: string, triggers: readonly GkeTrigger[]): Finding[] {
  return roleFindings(evaluation, agent, 'storage_agent', [STORAGE_AGENT_ROLE], (roles, certain) => ({
    messageId: certain ? 'storageAgentMissing' : 'storageAgentUncertain',
    data: { agent: email(agent), triggers: names(triggers) },
    fix: fixFor(evaluation, text('storageAgentFix'), agent, roles, 'storage_agent'),
  }));
}

function triggerAccountFindings(evaluation: Evaluation, account: string, triggers: readonly GkeTrigger[]): Finding[] {
  const member = `serviceAccount:${account}`;
  const receivers = triggers.filter((trigger) => !isDirectPubsubTrigger(trigger));
  const required = [...TRIGGER_SERVICE_ACCOUNT_ROLES, ...(receivers.length > 0 ? [EVENT_RECEIVER_ROLE] : [])];
  const shared = triggers.length > 1;
  const label = account.split('@')[0] ?? account;
  return roleFindings(evaluation, member, label, required, (roles, certain) => ({
    messageId: shared ? (certain ? 'sharedAccountMissing' : 'sharedAccountUncertain') : certain ? 'accountMissing' : 'accountUncertain',
    data: {
      account,
      triggers: names(triggers),
      receiver: roles.includes(EVENT_RECEIVER_ROLE) ? text('receiverNeeded', { role: EVENT_RECEIVER_ROLE, triggers: names(receivers) }) : '',
    },
    fix: fixFor(evaluation, text('triggerAccountFix'), member, roles, label),
  }));
}

function pubsubAgentFindings(evaluation: Evaluation, project: Project, agent: string, planOnly: boolean): Finding[] {
  const { policy, options, context } = evaluation;
  const grants = PUBSUB_AGENT_ROLES.map((role) => evaluateRole(policy, agent, role, options));
  if (grants.some(isPlainGrant)) return [];
  const created = project.createTime ?? null;
  return [
    context.report({
      messageId: created ? 'pubsubAgent' : planOnly ? 'pubsubAgentUndecided' : 'pubsubAgentNoCreateTime',
      severity: 'warning',
      data: { agent: email(agent), ...(created ? { created } : {}), grants: grantLines(grants) },
      resource: agent,
      evidence: { principal: agent, projectCreateTime: created, grants },
      fix: fixFor(evaluation, text('pubsubAgentFix'), agent, [PUBSUB_AGENT_ROLES[0]], 'pubsub_agent'),
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
 * One error finding for the roles a principal does not hold (an expired IAM condition grants
 * nothing); one warning for those held only under a condition that cannot be decided or will
 * stop holding, possibly through a group, or through a custom role whose definition was not
 * read (never an error); one info note for those held only through broader or other roles.
 */
function roleFindings(
  evaluation: Evaluation,
  principal: string,
  label: string,
  roles: readonly string[],
  describe: (roles: string[], certain: boolean) => { messageId: MessageId; data: MessageData; fix: Fix },
): Finding[] {
  const { policy, undecided, options, context } = evaluation;
  const grants = roles.map((role) => evaluateRole(policy, principal, role, options));
  const notGranted = grants.filter((grant) => grant.status === 'not-granted');
  const missing = notGranted.filter((grant) => !undecided(grant.role));
  const unknown = notGranted.filter((grant) => undecided(grant.role)).map((grant) => grant.role);
  const uncertain = grants.filter((grant) => grant.status === 'conditional' || grant.status === 'possibly' || grant.status === 'custom-role-unread');
  const through = grants.filter((grant) => grant.status === 'granted-through-role');
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
  if (through.length > 0) {
    const least = through.map((grant) => grant.role);
    findings.push(
      context.report({
        messageId: 'throughOtherRoles',
        severity: 'info',
        data: { principal: email(principal), grants: grantLines(through) },
        resource: principal,
        evidence: { principal, roles: least, grants: through },
        fix: fixFor(evaluation, text('throughOtherRolesFix'), principal, least, label),
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

function fixFor({ project, policy }: Evaluation, summary: string, member: string, roles: readonly string[], label: string): Fix {
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
