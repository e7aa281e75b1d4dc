# Generated from src/state/live/live-gcp.ts (GCP_DATA_SOURCES) by test/deploy (UPDATE_DEPLOY=1 npx vitest run test/deploy): do not edit.
# The same as gcloud.sh: a custom role with exactly what gke-doctor reads, granted to the
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
    "compute.backendServices.get",
    "iam.roles.get",
  ]
}

resource "google_project_iam_member" "gke_doctor_reader" {
  project = var.project_id
  role    = google_project_iam_custom_role.gke_doctor_reader.name
  member  = "principal://iam.googleapis.com/projects/${data.google_project.this.number}/locations/global/workloadIdentityPools/${var.project_id}.svc.id.goog/subject/ns/gke-doctor/sa/gke-doctor"
}
