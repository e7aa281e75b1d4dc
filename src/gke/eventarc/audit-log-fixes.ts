import type { Fix } from '../../engine/check.js';
import type { IamPolicy } from '../../state/gcp-types.js';
import { serviceAuditLogConfigs } from './audit-configs.js';
import type { DataAccessLogType } from './audit-log-types.js';

/**
 * Enables `types` of Data Access audit logs for `service` on `project`, as Google's "Configure Data
 * Access audit logs" page does it with gcloud: read the policy, add the `auditConfigs` entry, write it
 * back (the etag refuses the write if the policy changed meanwhile). In Terraform,
 * google_project_iam_audit_config is authoritative for the service: it keeps the log types (and their
 * exempted members) the service already has.
 */
export function enableDataAccessLogsFix(summary: string, project: string, policy: IamPolicy, service: string, types: readonly DataAccessLogType[]): Fix {
  const kept = serviceAuditLogConfigs(policy, service);
  const configs = [...kept, ...types.filter((type) => !kept.some((entry) => entry.logType === type)).map((logType) => ({ logType, exemptedMembers: [] as string[] }))];
  const yaml = [`# - service: ${service}`, '#   auditLogConfigs:', ...configs.flatMap(({ logType, exemptedMembers }) => [`#   - logType: ${logType}`, ...(exemptedMembers.length ? ['#     exemptedMembers:', ...exemptedMembers.map((member) => `#     - ${member}`)] : [])])];
  const name = `${service.split('.')[0]!.replace(/[^a-z0-9]+/gi, '_')}_data_access`;
  const terraform = [
    `resource "google_project_iam_audit_config" "${name}" {`,
    `  project = "${project}"`,
    `  service = "${service}"`,
    ...configs.flatMap(({ logType, exemptedMembers }) => [
      '  audit_log_config {',
      `    log_type = "${logType}"`,
      ...(exemptedMembers.length ? [`    exempted_members = [${exemptedMembers.map((member) => `"${member}"`).join(', ')}]`] : []),
      '  }',
    ]),
    '}',
  ].join('\n');
  return {
    summary,
    commands: [
      `gcloud projects get-iam-policy ${project} --format=yaml > policy.yaml`,
      `# In policy.yaml, under auditConfigs (add the key if it is absent), ${kept.length ? `extend the entry of ${service} to` : 'add'}:`,
      ...yaml,
      `gcloud projects set-iam-policy ${project} policy.yaml`,
    ],
    terraform,
    automatic: false,
  };
}
