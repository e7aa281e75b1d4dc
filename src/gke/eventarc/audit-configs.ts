import type { IamPolicy } from '../../state/gcp-types.js';
import type { DataAccessLogType } from './audit-log-types.js';

/** What a project's allow policy says of one Data Access log type of one service. */
export interface DataAccessLogSetting {
  enabled: boolean;
  /** The `auditConfigs` services that enable it: the service itself, `allServices`, or both. */
  enabledBy: string[];
  /** Principals whose operations are not logged (`exemptedMembers`, over every config that enables it). */
  exemptedMembers: string[];
}

export const ALL_SERVICES = 'allServices';

/**
 * Whether the project's allow policy turns on `type` for `service`. The configs of `allServices`
 * and of the service itself are united: the log types of either are enabled, and the members
 * exempted in either are exempted (https://cloud.google.com/iam/docs/reference/rest/v1/Policy#AuditConfig).
 * Folders and the organization can enable more: this is the project's own policy only.
 */
export function dataAccessLogSetting(policy: IamPolicy, service: string, type: DataAccessLogType): DataAccessLogSetting {
  const enabledBy: string[] = [];
  const exempted = new Set<string>();
  for (const config of policy.auditConfigs ?? []) {
    if (config.service !== service && config.service !== ALL_SERVICES) continue;
    const logConfig = (config.auditLogConfigs ?? []).find((candidate) => candidate.logType === type);
    if (!logConfig) continue;
    enabledBy.push(config.service);
    for (const member of logConfig.exemptedMembers ?? []) exempted.add(member);
  }
  return { enabled: enabledBy.length > 0, enabledBy, exemptedMembers: [...exempted].sort() };
}

/** The log types the project's own `auditConfigs` entry for `service` holds, with their exempted members (what its Terraform must keep). */
export function serviceAuditLogConfigs(policy: IamPolicy, service: string): { logType: string; exemptedMembers: string[] }[] {
  const config = (policy.auditConfigs ?? []).find((candidate) => candidate.service === service);
  return (config?.auditLogConfigs ?? []).filter((entry) => entry.logType).map((entry) => ({ logType: entry.logType!, exemptedMembers: [...(entry.exemptedMembers ?? [])] }));
}
