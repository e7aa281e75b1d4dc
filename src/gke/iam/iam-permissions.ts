import type { IamRole } from '../../state/gcp-types.js';

/**
 * Roles decided by the permissions they grant, not by their names.
 *
 * Facts from the IAM API's predefined role definitions (what `gcloud iam roles describe
 * roles/ID` prints, summarised at https://cloud.google.com/iam/docs/roles-permissions),
 * as recorded on 2026-08-22 (darkbitio/gcp-iam-role-permissions, commit 8ab2a6f, one
 * `roles/ID` file per role from `roles.list`). Deprecated roles and service-agent roles
 * are left out, except the Pub/Sub and Eventarc service agents' own.
 */
export const ROLE_FACTS = {
  reference: 'https://cloud.google.com/iam/docs/roles-permissions',
  recordedOn: '2026-08-22',
};

export interface RequiredRole {
  /**
   * The permissions the role exists to grant here; any role, predefined or custom, that
   * carries all of them does the job. Empty when the role is needed whole (`whole`).
   */
  permissions: readonly string[];
  /** Needed with every permission it has (the Eventarc service agent's roles): only roles holding all of them count. */
  whole: boolean;
  /** Predefined and basic roles that hold `permissions` (or, when `whole`, every permission of the role). */
  heldBy: readonly string[];
}

export const REQUIRED_ROLE_PERMISSIONS: Readonly<Record<string, RequiredRole>> = {
  'roles/pubsub.subscriber': { permissions: ['pubsub.subscriptions.consume'], whole: false, heldBy: ['roles/composer.worker', 'roles/editor', 'roles/eventarc.serviceAgent', 'roles/iam.dataScientist', 'roles/iam.devOps', 'roles/owner', 'roles/pubsub.admin', 'roles/pubsub.editor', 'roles/run.sourceDeveloper', 'roles/storagetransfer.transferAgent'] },
  'roles/monitoring.metricWriter': { permissions: ['monitoring.timeSeries.create'], whole: false, heldBy: ['roles/alloydb.client', 'roles/bigtable.admin', 'roles/bigtable.reader', 'roles/bigtable.user', 'roles/composer.environmentAndStorageObjectAdmin', 'roles/composer.worker', 'roles/container.defaultNodeServiceAccount', 'roles/dataflow.worker', 'roles/dataproc.worker', 'roles/designcenter.admin', 'roles/designcenter.user', 'roles/dlp.orgdriver', 'roles/dlp.projectdriver', 'roles/editor', 'roles/eventarc.serviceAgent', 'roles/firebase.admin', 'roles/firebase.developAdmin', 'roles/firebaseapphosting.computeRunner', 'roles/gkemulticloud.telemetryWriter', 'roles/iam.dataScientist', 'roles/iam.databasesAdmin', 'roles/iam.devOps', 'roles/iam.infrastructureAdmin', 'roles/iam.mlEngineer', 'roles/iam.networkAdmin', 'roles/iam.siteReliabilityEngineer', 'roles/monitoring.admin', 'roles/monitoring.editor', 'roles/owner', 'roles/spanner.admin', 'roles/spanner.databaseAdmin', 'roles/spanner.databaseReader', 'roles/spanner.databaseReaderWithDataBoost', 'roles/spanner.databaseUser', 'roles/spanner.graphIntelligenceUser', 'roles/storage.admin', 'roles/storage.objectAdmin', 'roles/storage.objectUser', 'roles/storagetransfer.transferAgent', 'roles/telemetry.metricsWriter', 'roles/telemetry.writer'] },
  'roles/eventarc.eventReceiver': { permissions: ['eventarc.events.receiveEvent'], whole: false, heldBy: ['roles/cloudfunctions.admin', 'roles/editor', 'roles/eventarc.admin', 'roles/eventarc.editor', 'roles/firebase.admin', 'roles/firebase.developAdmin', 'roles/owner'] },
  'roles/pubsub.publisher': { permissions: ['pubsub.topics.publish'], whole: false, heldBy: ['roles/cloudbuild.builds.builder', 'roles/composer.worker', 'roles/editor', 'roles/eventarc.serviceAgent', 'roles/firebaserules.system', 'roles/iam.dataScientist', 'roles/iam.devOps', 'roles/owner', 'roles/pubsub.admin', 'roles/pubsub.editor', 'roles/run.sourceDeveloper', 'roles/storagetransfer.transferAgent'] },
  'roles/iam.serviceAccountTokenCreator': { permissions: ['iam.serviceAccounts.getOpenIdToken'], whole: false, heldBy: ['roles/eventarc.serviceAgent', 'roles/iam.serviceAccountOpenIdTokenCreator', 'roles/iam.workloadIdentityUser', 'roles/pubsub.serviceAgent'] },
  'roles/compute.viewer': { permissions: [], whole: true, heldBy: ['roles/compute.admin', 'roles/compute.editor', 'roles/editor', 'roles/iam.databasesAdmin', 'roles/iam.infrastructureAdmin', 'roles/iam.networkAdmin', 'roles/iam.securityAuditor', 'roles/iam.siteReliabilityEngineer', 'roles/iam.supportUser', 'roles/notebooks.admin', 'roles/notebooks.editor', 'roles/notebooks.legacyAdmin', 'roles/notebooks.legacyViewer', 'roles/notebooks.runner', 'roles/notebooks.viewer', 'roles/owner', 'roles/viewer'] },
  'roles/container.developer': { permissions: [], whole: true, heldBy: ['roles/composer.worker', 'roles/container.admin', 'roles/iam.infrastructureAdmin', 'roles/iam.mlEngineer', 'roles/owner'] },
  'roles/iam.serviceAccountAdmin': { permissions: [], whole: true, heldBy: ['roles/iam.admin', 'roles/iam.devOps', 'roles/owner'] },
  // GKE's service agent's own role, needed whole (gcpdiag gke/ERR/2021_007 has_role_permissions): no other
  // role holds all its 1897 permissions; roles/owner lacks container.hostServiceAgent.use and bigquery.tables.*.
  'roles/container.serviceAgent': { permissions: [], whole: true, heldBy: [] },
  // The firewall permissions GKE's service agent needs on a Shared VPC host project (GKE "Setting up clusters
  // with Shared VPC"): what ingress-gce's firewall controller calls (pkg/firewalls/firewalls.go: get, create,
  // update, delete; Compute's firewalls.insert, update and delete also check compute.networks.updatePolicy).
  'roles/compute.securityAdmin': {
    permissions: ['compute.firewalls.create', 'compute.firewalls.delete', 'compute.firewalls.get', 'compute.firewalls.list', 'compute.firewalls.update', 'compute.networks.updatePolicy'],
    whole: false,
    heldBy: ['roles/compute.admin', 'roles/compute.editor', 'roles/container.serviceAgent', 'roles/editor', 'roles/iam.infrastructureAdmin', 'roles/iam.networkAdmin', 'roles/notebooks.legacyAdmin', 'roles/owner'],
  },
};

export type CustomRole = IamRole;

/** `projects/P/roles/ID` or `organizations/O/roles/ID`. */
export function isCustomRole(role: string): boolean {
  return /^(projects|organizations)\/[^/]+\/roles\/[^/]+$/.test(role);
}

/**
 * Whether `held` grants what `required` is needed for: the same role; a predefined or
 * basic role that holds its permissions; a custom role whose definition includes them
 * (`unknown` when that definition was not read, or the role is needed whole). Without
 * `customRoles` custom roles are not evaluated.
 */
export function grantsRequiredRole(held: string, required: string, customRoles: ReadonlyMap<string, CustomRole> | undefined): 'yes' | 'no' | 'unknown' {
  if (held === required) return 'yes';
  const facts = REQUIRED_ROLE_PERMISSIONS[required];
  if (!facts) return 'no';
  if (facts.heldBy.includes(held)) return 'yes';
  // A caller that passes no map does not evaluate custom roles at all: they count as other roles.
  if (!isCustomRole(held) || !customRoles) return 'no';
  const definition = customRoles.get(held);
  if (!definition || facts.whole) return 'unknown';
  if (definition.deleted) return 'no';
  const permissions = new Set(definition.includedPermissions ?? []);
  return facts.permissions.every((permission) => permissions.has(permission)) ? 'yes' : 'no';
}
