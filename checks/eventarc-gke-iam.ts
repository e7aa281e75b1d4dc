import type { CheckContext, CheckResult, Finding, Fix, MessageData } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import type { GkeTrigger } from '../src/gke/eventarc/eventarc.js';
import { EVENTARC_AGENT_ROLES, EVENT_RECEIVER_ROLE, PUBSUB_AGENT_ROLES, STORAGE_AGENT_ROLE, TRIGGER_SERVICE_ACCOUNT_ROLES, isGkeTrigger, serviceAgents } from '../src/gke/eventarc/eventarc.js';
import { triggerAccountRoles, triggerNames, triggersByServiceAccount } from '../src/gke/eventarc/eventarc.js';
import { grantFix, withGkeDestinationsInit } from '../src/gke/eventarc/eventarc-fixes.js';
import type { RoleGrant } from '../src/gke/iam/iam.js';
import { describeGrant, evaluateRole, memberEmail } from '../src/gke/iam/iam.js';
import type { GrantJudge } from '../src/gke/iam/iam-grants.js';
import { grantJudge, grantsBySeverity, isPlainGrant, principalGrants } from '../src/gke/iam/iam-grants.js';
import { afterApplyFix, unknownFields } from '../src/gke/planned-values.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import type { Project } from '../src/state/gcp-types.js';

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
A role counts when the principal holds its permissions through any basic, predefined or custom
role (read from roles/ROLE_ID.json or IAM roles.get; an info note says the named role is least
privilege). IAM conditions on request.time are decided at the time of the run (expired: not
granted; holding from then on: granted). Other conditions, groups and domains (whose members
cannot be listed offline) and unread custom roles are warnings. Policies inherited from folders
and the organization are not read.`,
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
    pubsubAgentFix: 'Grant the Pub/Sub service agent roles/iam.serviceAccountTokenCreator on the project.',
    storageAgentFix: 'Grant the Cloud Storage service agent roles/pubsub.publisher on the project.',
    throughOtherRolesFix: 'Optional: grant the least-privilege roles named, then remove the broader role where nothing else needs it.',
  },
  run(state: ClusterState, context): CheckResult {
    const triggers = state.eventarcTriggers!.filter(isGkeTrigger);
    if (triggers.length === 0) return { examined: [], findings: [] };
    const project = state.project!;
    const judge: Judge = { ...grantJudge(state, context.now), context };
    const examined = triggers.map((trigger) => trigger.name);
    const findings: Finding[] = [];
    if (project.projectNumber) {
      const agents = serviceAgents(project.projectNumber, project.createTime, triggers);
      findings.push(
        ...roleFindings(judge, agents.eventarc, 'eventarc_agent', EVENTARC_AGENT_ROLES, (roles, certain) => ({
          messageId: certain ? 'agentMissing' : 'agentUncertain',
          data: { agent: memberEmail(agents.eventarc), triggers: triggerNames(triggers) },
          fix: withGkeDestinationsInit(fixFor(judge, 'agentFix', agents.eventarc, roles, 'eventarc_agent'), project.projectId),
        })),
      );
      // Direct Cloud Storage events are published by the Cloud Storage service agent (https://cloud.google.com/eventarc/docs/gke/roles-permissions).
      if (agents.storage) {
        const { agent, triggers: storageTriggers } = agents.storage;
        findings.push(
          ...roleFindings(judge, agent, 'storage_agent', [STORAGE_AGENT_ROLE], (roles, certain) => ({
            messageId: certain ? 'storageAgentMissing' : 'storageAgentUncertain',
            data: { agent: memberEmail(agent), triggers: triggerNames(storageTriggers) },
            fix: fixFor(judge, 'storageAgentFix', agent, roles, 'storage_agent'),
          })),
        );
      }
      // A preflight without a base (only a plan and manifests) knows the project only from the plan.
      if (agents.pubsub && !PUBSUB_AGENT_ROLES.some(judge.knownAfterApply)) findings.push(...pubsubAgentFindings(judge, project, agents.pubsub, state.notInInputs !== undefined));
      examined.push(agents.eventarc, ...(agents.storage ? [agents.storage.agent] : []), ...(agents.pubsub ? [agents.pubsub] : []));
    } else {
      findings.push(context.report({ messageId: 'noProjectNumber', severity: 'warning', resource: `projects/${project.projectId}` }));
    }
    for (const [account, accountTriggers] of triggersByServiceAccount(triggers)) {
      examined.push(`serviceAccount:${account}`);
      findings.push(...triggerAccountFindings(judge, account, accountTriggers));
    }
    for (const trigger of triggers.filter((candidate) => !candidate.serviceAccount)) findings.push(noServiceAccountFinding(state, trigger, context));
    return { examined, findings };
  },
});

type MessageId = keyof typeof eventarcGkeIam.messages;
type Context = CheckContext<MessageId>;
const text = (id: MessageId, data: MessageData = {}) => fill(eventarcGkeIam.messages[id], data, id);

/** What every principal's roles are judged with (src/gke/iam/iam-grants.ts), and where findings go. */
type Judge = GrantJudge & { context: Context };

function triggerAccountFindings(judge: Judge, account: string, triggers: readonly GkeTrigger[]): Finding[] {
  const member = `serviceAccount:${account}`;
  const { roles: required, receivers } = triggerAccountRoles(triggers);
  const shared = triggers.length > 1;
  const label = account.split('@')[0] ?? account;
  return roleFindings(judge, member, label, required, (roles, certain) => ({
    messageId: shared ? (certain ? 'sharedAccountMissing' : 'sharedAccountUncertain') : certain ? 'accountMissing' : 'accountUncertain',
    data: {
      account,
      triggers: triggerNames(triggers),
      receiver: roles.includes(EVENT_RECEIVER_ROLE) ? text('receiverNeeded', { role: EVENT_RECEIVER_ROLE, triggers: triggerNames(receivers) }) : '',
    },
    fix: fixFor(judge, 'triggerAccountFix', member, roles, label),
  }));
}

/** A trigger without a service account: an error, unless a plan knows the account only after apply (created in the same plan). */
function noServiceAccountFinding(state: ClusterState, trigger: GkeTrigger, context: Context): Finding {
  const data = { trigger: trigger.name, roles: [...TRIGGER_SERVICE_ACCOUNT_ROLES, EVENT_RECEIVER_ROLE].join(', ') };
  if (unknownFields(state, trigger.name, ['serviceAccount']).length > 0) {
    const evidence = { trigger: trigger.name, serviceAccount: 'known after apply' };
    return context.report({ messageId: 'undecidedAccount', severity: 'warning', data, resource: trigger.name, evidence, fix: afterApplyFix('grant-known-member') });
  }
  const fix = { summary: text('noServiceAccountFix'), commands: [], terraform: null, automatic: false };
  return context.report({ messageId: 'noServiceAccount', data, resource: trigger.name, evidence: { trigger: trigger.name }, fix });
}

function pubsubAgentFindings(judge: Judge, project: Project, agent: string, planOnly: boolean): Finding[] {
  const grants = PUBSUB_AGENT_ROLES.map((role) => evaluateRole(judge.policy, agent, role, judge.options));
  if (grants.some(isPlainGrant)) return [];
  const created = project.createTime ?? null;
  return [
    judge.context.report({
      messageId: created ? 'pubsubAgent' : planOnly ? 'pubsubAgentUndecided' : 'pubsubAgentNoCreateTime',
      severity: 'warning',
      data: { agent: memberEmail(agent), ...(created ? { created } : {}), grants: grantLines(grants) },
      resource: agent,
      evidence: { principal: agent, projectCreateTime: created, grants },
      fix: fixFor(judge, 'pubsubAgentFix', agent, [PUBSUB_AGENT_ROLES[0]], 'pubsub_agent'),
    }),
  ];
}

/**
 * The findings on one principal, as src/gke/iam/iam-grants.ts sorts its roles: a warning for those a
 * plan grants to members known only after apply, an error for the missing, a warning for the
 * uncertain, an info note for those held only through broader or other roles.
 */
function roleFindings(
  judge: Judge,
  principal: string,
  label: string,
  roles: readonly string[],
  describe: (roles: string[], certain: boolean) => { messageId: MessageId; data: MessageData; fix: Fix },
): Finding[] {
  const { context } = judge;
  const grants = principalGrants(judge, principal, roles);
  const findings: Finding[] = [];
  const unknown = grants.knownAfterApply;
  if (unknown.length > 0) {
    findings.push(
      context.report({
        messageId: unknown.length === 1 ? 'undecidedRole' : 'undecidedRoles',
        severity: 'warning',
        data: { principal: memberEmail(principal), roles: unknown.join(', ') },
        resource: principal,
        evidence: { principal, roles: unknown, knownAfterApply: true },
        fix: afterApplyFix('grant-known-member'),
      }),
    );
  }
  for (const [severity, group] of grantsBySeverity(grants)) {
    const held = group.map((grant) => grant.role);
    const { messageId, data, fix } =
      severity === 'info'
        ? { messageId: 'throughOtherRoles' as const, data: { principal: memberEmail(principal) }, fix: fixFor(judge, 'throughOtherRolesFix', principal, held, label) }
        : describe(held, severity === 'error');
    const evidence = { principal, roles: held, grants: group };
    findings.push(context.report({ messageId, severity, data: { ...data, grants: grantLines(group) }, resource: principal, evidence, fix }));
  }
  return findings;
}

function grantLines(grants: readonly RoleGrant[]): string {
  return grants.map((grant) => text('grant', { grant: describeGrant(grant) })).join('\n');
}

function fixFor(judge: Judge, summary: MessageId, member: string, roles: readonly string[], label: string): Fix {
  return grantFix(text(summary), judge.project, judge.policy, member, roles, label);
}

export default eventarcGkeIam;
