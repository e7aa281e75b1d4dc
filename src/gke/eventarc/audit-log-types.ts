/**
 * Which Cloud Audit Log an Eventarc audit-log trigger's method writes: an Admin Activity log (always
 * written) or a Data Access log of one type (written only where enabled). Eventarc fires on the log
 * entry (https://cloud.google.com/eventarc/docs/determining-filters-cal: "Ensure that you have
 * enabled the data access audit log types for your service"), so a trigger on a Data Access log that
 * is off never fires.
 *
 * Only services whose own audit-logging page says which method writes which log are recorded; for
 * any other method no source here decides it, and the check says so instead of guessing.
 */

/** The Data Access log types an allow policy's `auditConfigs` turn on (IAM AuditLogConfig.LogType). */
export type DataAccessLogType = 'ADMIN_READ' | 'DATA_READ' | 'DATA_WRITE';
export const DATA_ACCESS_LOG_TYPES: readonly DataAccessLogType[] = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'];

/** The CloudEvents type of an audit-log trigger (https://cloud.google.com/eventarc/docs/reference/supported-events). */
export const AUDIT_LOG_WRITTEN = 'google.cloud.audit.log.v1.written';

export type MethodLog =
  | { log: 'admin-activity'; source: string }
  | { log: 'data-access'; type: DataAccessLogType; source: string; note?: string }
  /** No source recorded here decides it; `note` says what is known of the service. */
  | { log: 'undecided'; note: string | null };

interface ServiceLogs {
  source: string;
  methods: Readonly<Record<string, 'ADMIN_WRITE' | DataAccessLogType>>;
  notes?: Readonly<Record<string, string>>;
  /** Said of every method of the service the table does not list. */
  unlisted?: string;
}

const STORAGE = 'https://cloud.google.com/storage/docs/audit-logging';
const EVENTARC = 'https://cloud.google.com/eventarc/docs/reference/audit-logs';
const eventarcMethod = (name: string) => `google.cloud.eventarc.v1.Eventarc.${name}`;

const SERVICES: Readonly<Record<string, ServiceLogs>> = {
  // "Audited operations": Admin Activity for creating, deleting and updating buckets and for setting IAM
  // policies; ADMIN_READ for reading bucket metadata, IAM policies and listing buckets; DATA_READ for
  // reading and listing objects; DATA_WRITE for operations that create, modify or delete objects.
  'storage.googleapis.com': {
    source: STORAGE,
    methods: {
      'storage.buckets.create': 'ADMIN_WRITE',
      'storage.buckets.delete': 'ADMIN_WRITE',
      'storage.buckets.update': 'ADMIN_WRITE',
      'storage.setIamPermissions': 'ADMIN_WRITE',
      'storage.buckets.get': 'ADMIN_READ',
      'storage.buckets.list': 'ADMIN_READ',
      'storage.getIamPermissions': 'ADMIN_READ',
      'storage.objects.get': 'DATA_READ',
      'storage.objects.list': 'DATA_READ',
      'storage.objects.create': 'DATA_WRITE',
      'storage.objects.delete': 'DATA_WRITE',
      'storage.objects.update': 'DATA_WRITE',
    },
    notes: { 'storage.objects.update': 'a change of object ACLs is logged as Admin Activity, any other object update as DATA_WRITE' },
  },
  // "Methods by permission type".
  'eventarc.googleapis.com': {
    source: EVENTARC,
    methods: {
      GetIamPolicy: 'ADMIN_READ',
      SetIamPolicy: 'ADMIN_WRITE',
      ...Object.fromEntries(['GetChannel', 'GetChannelConnection', 'GetGoogleChannelConfig', 'GetTrigger', 'ListChannelConnections', 'ListChannels', 'ListTriggers'].map((name) => [eventarcMethod(name), 'DATA_READ'])),
      ...Object.fromEntries(
        ['CreateChannel', 'CreateChannelConnection', 'CreateTrigger', 'DeleteChannel', 'DeleteChannelConnection', 'DeleteTrigger', 'UpdateChannel', 'UpdateGoogleChannelConfig', 'UpdateTrigger'].map((name) => [
          eventarcMethod(name),
          'DATA_WRITE',
        ]),
      ),
    },
  },
  // "Data Access audit logs are disabled by default for all services except some BigQuery services"
  // (https://cloud.google.com/logging/docs/audit/configure-data-access): which ones is not said there.
  'bigquery.googleapis.com': {
    source: 'https://cloud.google.com/logging/docs/audit/configure-data-access',
    methods: {},
    unlisted: 'some BigQuery Data Access audit logs are written by default, and the docs do not say which',
  },
};

/** The audit log `method` of `service` writes, by the service's audit-logging page; `undecided` where no source here says. */
export function methodLog(service: string, method: string): MethodLog {
  const logs = SERVICES[service];
  const type = logs?.methods[method];
  if (!logs || !type) return { log: 'undecided', note: logs?.unlisted ?? null };
  if (type === 'ADMIN_WRITE') return { log: 'admin-activity', source: logs.source };
  const note = logs.notes?.[method];
  return { log: 'data-access', type, source: logs.source, ...(note ? { note } : {}) };
}
