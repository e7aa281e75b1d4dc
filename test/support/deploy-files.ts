import { builtinChecks } from '../../checks/index.js';
import { dataKeysFor } from '../../src/engine/runner.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_SOURCES } from '../../src/state/live/live-gcp.js';
import type { ShippedRole } from '../../src/state/live/kubernetes-permissions.js';
import { clusterRoleYaml, FIX_ROLE_NAME, PROBE_ROLE_NAME, READER_ROLE_NAME, shippedRoles } from '../../src/state/live/kubernetes-permissions.js';

/** What the built-in checks read: the permissions follow from it. */
export const CHECKED_DATA: ReadonlySet<DataKey> = dataKeysFor(builtinChecks);

/**
 * The files in deploy/ that are generated from the live sources' own lists of
 * what they read (GCP_DATA_SOURCES, readerRules): test/deploy checks they are up
 * to date, and `UPDATE_DEPLOY=1 npx vitest run test/deploy` rewrites them.
 */
export function generatedDeployFiles(): Record<string, string> {
  return {
    ...Object.fromEntries(
      shippedRoles(CHECKED_DATA).map((role) => [ROLE_FILES[role.name], `${HEADER('src/state/live/kubernetes-permissions.ts (shippedRoles: the kinds the built-in checks read)')}${clusterRoleYaml(role)}`]),
    ),
    'deploy/iam/gcloud.sh': gcloudScript(),
    'deploy/iam/main.tf': terraform(),
  };
}

/** Where each shipped ClusterRole is: the reader in deploy/'s kustomization, the others bound by hand for their mode. */
export const ROLE_FILES: Record<string, string> = {
  [READER_ROLE_NAME]: 'deploy/cluster-role.yaml',
  [PROBE_ROLE_NAME]: 'deploy/cluster-role-probe.yaml',
  [FIX_ROLE_NAME]: 'deploy/cluster-role-fix.yaml',
};

export const SHIPPED_ROLES: ShippedRole[] = shippedRoles(CHECKED_DATA);

const HEADER = (source: string) => `# Generated from ${source} by test/deploy (UPDATE_DEPLOY=1 npx vitest run test/deploy): do not edit.\n`;

/** Every Google permission the live source reads with, in the order it reads them. */
export function googlePermissions(): string[] {
  const permissions = Object.entries(GCP_DATA_SOURCES).filter(([key]) => CHECKED_DATA.has(key as DataKey)).map(([, { permission }]) => permission);
  // With the IAM policy, the live source reads the custom roles it binds (IAM roles.get).
  if (CHECKED_DATA.has('iamPolicy')) permissions.push('iam.roles.get');
  return [...new Set(permissions)];
}

const PRINCIPAL = 'principal://iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${PROJECT_ID}.svc.id.goog/subject/ns/gke-doctor/sa/gke-doctor';

function gcloudScript(): string {
  return `#!/bin/sh
${HEADER('src/state/live/live-gcp.ts (GCP_DATA_SOURCES)')}# The Google permissions of the CronJob in deploy/: a custom role with exactly what gke-doctor reads,
# granted to its Kubernetes service account gke-doctor/gke-doctor through Workload Identity Federation
# for GKE (cloud.google.com/kubernetes-engine/docs/how-to/workload-identity). No Google service account
# and no key. Run once per project:  PROJECT_ID=my-project sh deploy/iam/gcloud.sh
set -eu
: "\${PROJECT_ID:?set PROJECT_ID}"
PROJECT_NUMBER=$(gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)')
gcloud iam roles create gkeDoctorReader --project="$PROJECT_ID" \\
  --title="gke-doctor reader" --stage=GA --description="Read what gke-doctor checks" \\
  --permissions=${googlePermissions().join(',')}
gcloud projects add-iam-policy-binding "$PROJECT_ID" --condition=None \\
  --role="projects/$PROJECT_ID/roles/gkeDoctorReader" \\
  --member="${PRINCIPAL.replace('${PROJECT_NUMBER}', '$PROJECT_NUMBER').replace('${PROJECT_ID}', '$PROJECT_ID')}"
`;
}

function terraform(): string {
  return `${HEADER('src/state/live/live-gcp.ts (GCP_DATA_SOURCES)')}# The same as gcloud.sh: a custom role with exactly what gke-doctor reads, granted to the
# CronJob's Kubernetes service account gke-doctor/gke-doctor through Workload Identity Federation for GKE.

variable "project_id" {
  type = string
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_iam_custom_role" "gke_doctor_reader" {
  project     = var.project_id
  role_id     = "gkeDoctorReader"
  title       = "gke-doctor reader"
  description = "Read what gke-doctor checks"
  permissions = [
${googlePermissions()
  .map((permission) => `    "${permission}",`)
  .join('\n')}
  ]
}

resource "google_project_iam_member" "gke_doctor_reader" {
  project = var.project_id
  role    = google_project_iam_custom_role.gke_doctor_reader.name
  member  = "${PRINCIPAL.replace('${PROJECT_NUMBER}', '${data.google_project.this.number}').replace('${PROJECT_ID}', '${var.project_id}')}"
}
`;
}
