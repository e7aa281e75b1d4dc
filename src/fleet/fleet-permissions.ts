import { CONNECT_GATEWAY_ACCESS } from '../state/live/kubernetes-roles.js';

/**
 * The Google permissions a fleet run needs besides each cluster's reads (GCP_DATA_SOURCES),
 * each with a predefined role that grants it: the one list its 403 messages name and
 * deploy/iam grants (test/support/deploy-files.ts generates it from here).
 */
export const FLEET_PERMISSIONS = {
  // container v1 projects.locations.clusters.list (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters/list).
  listClusters: { permission: 'container.clusters.list', role: 'roles/container.clusterViewer' },
  // gkehub v1 projects.locations.memberships.list, for --endpoint connect-gateway (https://cloud.google.com/iam/docs/roles-permissions/gkehub).
  listMemberships: { permission: 'gkehub.memberships.list', role: 'roles/gkehub.viewer' },
  connectGateway: CONNECT_GATEWAY_ACCESS,
} as const;

/**
 * Cloud Storage, for reports written to and merged from gs:// (cloud.google.com/storage/docs/access-control/iam-permissions):
 * replacing an object that exists needs storage.objects.delete as well as create (a report written
 * again under its name: a retried task, a fixed --output-file).
 */
export const REPORT_STORAGE_PERMISSIONS = {
  list: { permission: 'storage.objects.list', role: 'roles/storage.objectViewer' },
  read: { permission: 'storage.objects.get', role: 'roles/storage.objectViewer' },
  write: { permission: 'storage.objects.create', role: 'roles/storage.objectCreator' },
  replace: { permission: 'storage.objects.delete', role: 'roles/storage.objectUser' },
} as const;
