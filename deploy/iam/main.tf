# Generated from src/state/live/live-gcp.ts (GCP_DATA_SOURCES) and src/fleet/fleet-permissions.ts by test/deploy (UPDATE_DEPLOY=1 npx vitest run test/deploy): do not edit.
# The same as gcloud.sh: custom roles with exactly what gke-doctor reads, lists and writes, granted to its
# job's identity (docs/permissions.md).
# One project:
#   terraform apply -var project_id=my-project
# A fleet checked from a central project:
#   terraform apply -var project_id=fleet-ops -var 'target_project_ids=["team-a","team-b"]' -var fleet=true \
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
  member  = coalesce(var.member, "principal://iam.googleapis.com/projects/${data.google_project.job.number}/locations/global/workloadIdentityPools/${var.project_id}.svc.id.goog/subject/ns/gke-doctor/sa/gke-doctor")
  permissions = concat(
    [
      "resourcemanager.projects.get",
      "resourcemanager.projects.getIamPolicy",
      "container.clusters.get",
      "eventarc.triggers.list",
      "compute.healthChecks.list",
      "compute.subnetworks.list",
      "pubsub.topics.get",
      "pubsub.subscriptions.get",
      "compute.firewalls.list",
      "compute.networks.getEffectiveFirewalls",
      "compute.networks.get",
      "compute.networks.getRegionEffectiveFirewalls",
      "compute.backendServices.list",
      "compute.backendServices.get",
      "iam.roles.get",
    ],
    var.fleet ? ["container.clusters.list"] : [],
    var.connect_gateway ? ["gkehub.memberships.list", "gkehub.gateway.get"] : [],
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
    "storage.objects.create",
    "storage.objects.delete",
    "storage.objects.get",
    "storage.objects.list",
  ]
}

resource "google_storage_bucket_iam_member" "gke_doctor_report_writer" {
  count  = var.report_bucket == null ? 0 : 1
  bucket = var.report_bucket
  role   = google_project_iam_custom_role.gke_doctor_report_writer[0].name
  member = local.member
}
