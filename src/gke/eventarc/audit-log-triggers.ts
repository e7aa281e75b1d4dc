import type { EventarcTrigger, IamPolicy } from '../../state/gcp-types.js';
import { dataAccessLogSetting } from './audit-configs.js';
import type { DataAccessLogType } from './audit-log-types.js';
import { AUDIT_LOG_WRITTEN, DATA_ACCESS_LOG_TYPES, methodLog } from './audit-log-types.js';

/** The service and method an audit-log trigger filters on (`serviceName`, `methodName`), or null for another trigger. */
export function auditLogFilter(trigger: EventarcTrigger): { service: string; method: string; methodPattern: boolean } | null {
  const filters = trigger.eventFilters ?? [];
  if (!filters.some((filter) => filter.attribute === 'type' && filter.value === AUDIT_LOG_WRITTEN)) return null;
  const service = filters.find((filter) => filter.attribute === 'serviceName');
  const method = filters.find((filter) => filter.attribute === 'methodName');
  if (!service || !method) return null;
  return { service: service.value, method: method.value, methodPattern: Boolean(method.operator) };
}

export type AuditLogVerdict =
  /** Written whatever the policy says (Admin Activity), or every Data Access type of the service is on: nothing to enable. */
  | { verdict: 'written' }
  | { verdict: 'enabled'; service: string; method: string; type: DataAccessLogType; source: string; exemptedMembers: string[] }
  | { verdict: 'not-enabled'; service: string; method: string; type: DataAccessLogType; source: string; note: string | null }
  /** No source recorded here says which log the method writes, and some Data Access log types of the service are off. */
  | { verdict: 'undecided'; service: string; method: string; off: DataAccessLogType[]; note: string | null };

/** What the project's allow policy means for an audit-log trigger (null: not an audit-log trigger). */
export function auditLogVerdict(trigger: EventarcTrigger, policy: IamPolicy): AuditLogVerdict | null {
  const filter = auditLogFilter(trigger);
  if (!filter) return null;
  const { service, method } = filter;
  const log = filter.methodPattern ? ({ log: 'undecided', note: 'the trigger matches methodName by a pattern' } as const) : methodLog(service, method);
  if (log.log === 'admin-activity') return { verdict: 'written' };
  if (log.log === 'undecided') {
    const off = DATA_ACCESS_LOG_TYPES.filter((type) => !dataAccessLogSetting(policy, service, type).enabled);
    return off.length === 0 ? { verdict: 'written' } : { verdict: 'undecided', service, method, off, note: log.note };
  }
  const setting = dataAccessLogSetting(policy, service, log.type);
  if (!setting.enabled) return { verdict: 'not-enabled', service, method, type: log.type, source: log.source, note: log.note ?? null };
  return { verdict: 'enabled', service, method, type: log.type, source: log.source, exemptedMembers: setting.exemptedMembers };
}
