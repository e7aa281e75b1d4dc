/**
 * `fleet.projects` as a live fleet run writes it (src/engine/fleet-report.ts FleetProject): a project
 * with clusters, one with none, one whose list was denied (the 403 the fake GCP fleet answers for
 * locked-out), one whose list missed a zone (ListClustersResponse.missingZones).
 */
export const FLEET_PROJECTS = [
  { project: 'acme-jobs-prod', status: 'listed', clusters: 3, reason: null },
  { project: 'acme-empty', status: 'listed', clusters: 0, reason: null },
  {
    project: 'locked-out',
    status: 'unlisted',
    clusters: 0,
    reason: 'cannot list the clusters of project locked-out (container.googleapis.com): permission container.clusters.list denied; roles/container.clusterViewer grants it',
    permission: 'container.clusters.list',
    role: 'roles/container.clusterViewer',
  },
  { project: 'acme-zonal', status: 'incomplete', clusters: 1, reason: 'clusters in us-central1-a could not be listed (the zone did not answer)', missingZones: ['us-central1-a'] },
];
