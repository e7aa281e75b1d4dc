import { builtinChecks } from '../../checks/index.js';
import { dataKeysFor } from '../../src/engine/runner.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { CUSTOM_ROLES_SOURCE, GCP_DATA_SOURCES, permissionsOf } from '../../src/state/live/live-gcp.js';
import { FLEET_PERMISSIONS, REPORT_STORAGE_PERMISSIONS } from '../../src/fleet/fleet-permissions.js';
import type { ShippedRole } from '../../src/state/live/kubernetes-permissions.js';
import { clusterRoleYaml, FIX_ROLE_NAME, PROBE_ROLE_NAME, READER_ROLE_NAME, shippedRoles } from '../../src/state/live/kubernetes-permissions.js';

/** What the built-in checks read: the permissions follow from it. */
export const CHECKED_DATA: ReadonlySet<DataKey> = dataKeysFor(builtinChecks);

/**
 * The files in deploy/ that are generated from the lists the code's own 403 messages name
 * (GCP_DATA_SOURCES, FLEET_PERMISSIONS, REPORT_STORAGE_PERMISSIONS, shippedRoles): test/deploy
 * checks they are up to date, and `UPDATE_DEPLOY=1 npx vitest run test/deploy` rewrites them.
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

/** Every Google permission a check run reads with, in the order it reads them. */
export function googlePermissions(): string[] {
  const permissions = Object.entries(GCP_DATA_SOURCES).filter(([key]) => CHECKED_DATA.has(key as DataKey)).flatMap(([, source]) => permissionsOf(source));
  // With the IAM policy, the live source reads the custom roles it binds.
  if (CHECKED_DATA.has('iamPolicy')) permissions.push(CUSTOM_ROLES_SOURCE.permission);
  return [...new Set(permissions)];
}

/** Every Google permission `check` and `snapshot` read with (snapshot reads all there is): the role docs/permissions.md gives a person. */
export function everyGooglePermission(): string[] {
  return [...new Set([...Object.values(GCP_DATA_SOURCES).flatMap(permissionsOf), CUSTOM_ROLES_SOURCE.permission])];
}

/** `--all-clusters`: each project's clusters are listed. */
export const FLEET_LIST_PERMISSIONS: string[] = [FLEET_PERMISSIONS.listClusters.permission];
/** `--endpoint connect-gateway`: the fleet memberships, and read-only requests through the gateway. */
export const CONNECT_GATEWAY_PERMISSIONS: string[] = [FLEET_PERMISSIONS.listMemberships.permission, FLEET_PERMISSIONS.connectGateway.permission];
/** Reports in gs://: written (replacing the last run's), then listed and read by `merge`. */
export const REPORT_PERMISSIONS: string[] = ['write', 'replace', 'read', 'list'].map((action) => REPORT_STORAGE_PERMISSIONS[action as keyof typeof REPORT_STORAGE_PERMISSIONS].permission);

const IAM_SOURCES = 'src/state/live/live-gcp.ts (GCP_DATA_SOURCES) and src/fleet/fleet-permissions.ts';

/**
 * The Workload Identity Federation for GKE principal of the Kubernetes service account gke-doctor/gke-doctor
 * (cloud.google.com/kubernetes-engine/docs/how-to/workload-identity): the pool is that of the project whose
 * clusters run the job, PROJECT_ID.svc.id.goog, whichever project the principal is granted in.
 */
const principal = (number: string, project: string) =>
  `principal://iam.googleapis.com/projects/${number}/locations/global/workloadIdentityPools/${project}.svc.id.goog/subject/ns/gke-doctor/sa/gke-doctor`;

function gcloudScript(): string {
  return `#!/bin/sh
${HEADER(IAM_SOURCES)}# The Google permissions of gke-doctor's jobs (deploy/cronjob.yaml, deploy/fleet/): custom roles with exactly
# what it reads, lists and writes, granted to the job's identity (docs/permissions.md). No key.
#   PROJECT_ID         the project the job runs in. A job in a GKE cluster is its Kubernetes service account
#                      gke-doctor/gke-doctor, a principal of this project's Workload Identity pool
#                      (PROJECT_ID.svc.id.goog), in whichever project it is granted.
#   TARGET_PROJECTS    the projects it checks, comma-separated (default: PROJECT_ID). Each gets the role
#                      gkeDoctorReader; on a Shared VPC add the host project (the firewalls are read there).
#   FLEET=1            --all-clusters: adds ${FLEET_LIST_PERMISSIONS.join(', ')}.
#   CONNECT_GATEWAY=1  --endpoint connect-gateway: adds ${CONNECT_GATEWAY_PERMISSIONS.join(', ')}.
#   REPORT_BUCKET      reports in gs://BUCKET: ${REPORT_PERMISSIONS.join(', ')} on that bucket
#                      (delete: a report replaces the last run's), through a role made in BUCKET_PROJECT
#                      (default PROJECT_ID: the bucket's project).
#   MEMBER             who to grant instead: the Cloud Run job's service account,
#                      serviceAccount:gke-doctor@PROJECT_ID.iam.gserviceaccount.com.
# One project:
#   PROJECT_ID=my-project sh deploy/iam/gcloud.sh
# A fleet checked from a central project:
#   PROJECT_ID=fleet-ops TARGET_PROJECTS=team-a,team-b FLEET=1 REPORT_BUCKET=fleet-reports sh deploy/iam/gcloud.sh
set -eu
: "\${PROJECT_ID:?set PROJECT_ID}"
TARGET_PROJECTS="\${TARGET_PROJECTS:-$PROJECT_ID}"
if [ -z "\${MEMBER:-}" ]; then
  PROJECT_NUMBER=$(gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)')
  MEMBER="${principal('$PROJECT_NUMBER', '$PROJECT_ID')}"
fi
PERMISSIONS=${googlePermissions().join(',')}
if [ "\${FLEET:-}" = 1 ]; then PERMISSIONS="$PERMISSIONS,${FLEET_LIST_PERMISSIONS.join(',')}"; fi
if [ "\${CONNECT_GATEWAY:-}" = 1 ]; then PERMISSIONS="$PERMISSIONS,${CONNECT_GATEWAY_PERMISSIONS.join(',')}"; fi

# The custom role ROLE_ID in PROJECT with exactly PERMISSIONS: created, or updated when it exists (a newer gke-doctor reads more).
role() {
  if gcloud iam roles describe "$1" --project="$2" >/dev/null 2>&1; then verb=update; else verb=create; fi
  gcloud iam roles "$verb" "$1" --project="$2" --title="$3" --stage=GA --description="$4" --permissions="$5"
}

for TARGET in $(echo "$TARGET_PROJECTS" | tr ',' ' '); do
  role gkeDoctorReader "$TARGET" "gke-doctor reader" "Read what gke-doctor checks" "$PERMISSIONS"
  gcloud projects add-iam-policy-binding "$TARGET" --condition=None \\
    --role="projects/$TARGET/roles/gkeDoctorReader" --member="$MEMBER"
done

if [ -n "\${REPORT_BUCKET:-}" ]; then
  BUCKET_PROJECT="\${BUCKET_PROJECT:-$PROJECT_ID}"
  role gkeDoctorReportWriter "$BUCKET_PROJECT" "gke-doctor report writer" "Write, replace and merge gke-doctor reports" ${REPORT_PERMISSIONS.join(',')}
  gcloud storage buckets add-iam-policy-binding "gs://$REPORT_BUCKET" \\
    --role="projects/$BUCKET_PROJECT/roles/gkeDoctorReportWriter" --member="$MEMBER"
fi
`;
}

const hclList = (values: readonly string[], indent: string) => values.map((value) => `${indent}"${value}",`).join('\n');

function terraform(): string {
  return `${HEADER(IAM_SOURCES)}# The same as gcloud.sh: custom roles with exactly what gke-doctor reads, lists and writes, granted to its
# job's identity (docs/permissions.md).
# One project:
#   terraform apply -var project_id=my-project
# A fleet checked from a central project:
#   terraform apply -var project_id=fleet-ops -var 'target_project_ids=["team-a","team-b"]' -var fleet=true \\
#     -var report_bucket=fleet-reports

variable "project_id" {
  type        = string
  description = "The project the job runs in: its Workload Identity pool (PROJECT_ID.svc.id.goog) holds the job's principal."
}

variable "target_project_ids" {
  type        = list(string)
  default     = []
  description = "The projects it checks (default: project_id). On a Shared VPC, add the host project: the firewalls are read there."
}

variable "fleet" {
  type        = bool
  default     = false
  description = "--all-clusters: list each project's clusters."
}

variable "connect_gateway" {
  type        = bool
  default     = false
  description = "--endpoint connect-gateway: list fleet memberships and read through the Connect gateway."
}

variable "report_bucket" {
  type        = string
  default     = null
  description = "Reports in gs://BUCKET: write (and replace), list and read objects in this bucket."
}

variable "bucket_project_id" {
  type        = string
  default     = null
  description = "The report bucket's project, where its custom role is made (default: project_id)."
}

variable "member" {
  type        = string
  default     = null
  description = "Who to grant instead of the principal of gke-doctor/gke-doctor: the Cloud Run job's serviceAccount:gke-doctor@PROJECT.iam.gserviceaccount.com."
}

data "google_project" "job" {
  project_id = var.project_id
}

locals {
  targets = toset(length(var.target_project_ids) > 0 ? var.target_project_ids : [var.project_id])
  member  = coalesce(var.member, "${principal('${data.google_project.job.number}', '${var.project_id}')}")
  permissions = concat(
    [
${hclList(googlePermissions(), '      ')}
    ],
    var.fleet ? [${FLEET_LIST_PERMISSIONS.map((permission) => `"${permission}"`).join(', ')}] : [],
    var.connect_gateway ? [${CONNECT_GATEWAY_PERMISSIONS.map((permission) => `"${permission}"`).join(', ')}] : [],
  )
}

resource "google_project_iam_custom_role" "gke_doctor_reader" {
  for_each    = local.targets
  project     = each.value
  role_id     = "gkeDoctorReader"
  title       = "gke-doctor reader"
  description = "Read what gke-doctor checks"
  permissions = local.permissions
}

resource "google_project_iam_member" "gke_doctor_reader" {
  for_each = local.targets
  project  = each.value
  role     = google_project_iam_custom_role.gke_doctor_reader[each.key].name
  member   = local.member
}

resource "google_project_iam_custom_role" "gke_doctor_report_writer" {
  count       = var.report_bucket == null ? 0 : 1
  project     = coalesce(var.bucket_project_id, var.project_id)
  role_id     = "gkeDoctorReportWriter"
  title       = "gke-doctor report writer"
  description = "Write, replace and merge gke-doctor reports"
  permissions = [
${hclList(REPORT_PERMISSIONS, '    ')}
  ]
}

resource "google_storage_bucket_iam_member" "gke_doctor_report_writer" {
  count  = var.report_bucket == null ? 0 : 1
  bucket = var.report_bucket
  role   = google_project_iam_custom_role.gke_doctor_report_writer[0].name
  member = local.member
}
`;
}
